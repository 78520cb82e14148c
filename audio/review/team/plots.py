"""The team page's trend plots, drawn with matplotlib's Agg backend (no screen, no Qt).

One figure of six small panels (talk ratio, pace share, over-talk, cards,
feeling outcome, QA score), each with a line per agent over the ISO weeks and
the team's mean as a dashed black line. More than `MAX_LINES` agents would be
unreadable, so only the agents with the most calls get their own line; the
team line covers everyone.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import matplotlib

matplotlib.use("Agg")  # before pyplot: the team page never needs a screen

import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.ticker import MaxNLocator, PercentFormatter

from belcoach.audio.review.team.records import CallRecord
from belcoach.audio.review.team.trends import AgentTrend, Period

MAX_LINES = 8
"""Agents drawn with their own line (those with the most calls)."""

COLOURS = ("#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030", "#319795", "#718096")

Metric = tuple[str, Callable[[Period], float | None], bool]
METRICS: tuple[Metric, ...] = (
    ("Talk ratio (agent share)", lambda p: p.talk_ratio, True),
    ("Speech within pace norm", lambda p: p.pace_share, True),
    ("Over-talk per call", lambda p: p.overtalk, False),
    ("Phrasing cards per call", lambda p: p.cards, False),
    ("Feeling outcome (negative start → ok)", lambda p: p.feeling_outcome, True),
    ("QA score", lambda p: p.qa_score, True),
)
"""Panel title, the figure it plots, and whether it is a share (drawn 0–100 %)."""


def trends_png(
    trends: Sequence[AgentTrend], records: Sequence[CallRecord], *, dpi: int = 160
) -> bytes:
    """Render the trend panels as PNG bytes (about 18 cm wide, for A4)."""
    weeks = sorted({r.week for r in records})
    team = {w: Period.of([r for r in records if r.week == w]) for w in weeks}
    shown = sorted(trends, key=lambda t: (-t.overall.calls, t.agent.casefold()))[:MAX_LINES]
    fig, axes = plt.subplots(3, 2, figsize=(7.1, 7.2), sharex=True)
    x_of = {w: i for i, w in enumerate(weeks)}
    for ax, (title, value, share) in zip(axes.flat, METRICS, strict=True):
        for colour, trend in zip(COLOURS, shown, strict=False):
            points = [(x_of[w], v) for w, p in trend.weeks if (v := value(p)) is not None]
            if points:
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, marker="o", ms=3, lw=1.3, color=colour, label=trend.agent)
        team_points = [(x_of[w], v) for w in weeks if (v := value(team[w])) is not None]
        if team_points:
            xs, ys = zip(*team_points, strict=True)
            ax.plot(xs, ys, ls="--", lw=1.6, color="black", label="team")
        ax.set_title(title, fontsize=8.5, loc="left")
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", color="#e2e8f0", lw=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if share:
            ax.set_ylim(-0.03, 1.03)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        else:
            top = max(ax.get_ylim()[1], 1.0)
            ax.set_ylim(-0.04 * top, top)  # a line at 0 stays clear of the axis
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    for ax in axes[-1]:
        ax.set_xticks(range(len(weeks)), weeks, rotation=30, ha="right")
        ax.set_xlim(-0.3, max(len(weeks) - 0.7, 0.3))
    legend: dict[str, Artist] = {}
    for ax in axes.flat:
        for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(name, handle)
    handles, names = list(legend.values()), list(legend)
    if handles:
        fig.legend(
            handles, names, loc="lower center", ncol=min(len(names), 5), fontsize=7, frameon=False
        )
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()
