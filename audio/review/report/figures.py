"""The report's plots, drawn with matplotlib's Agg backend (no screen, no Qt).

One overview figure: the lanes the replay window shows (speech per side,
over-talk, pauses and dead air, phrase hits, the customer's feeling), the
agent's speaking rate against its normal band, and the customer's estimated
feeling over time, on one shared time axis.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping

import matplotlib

matplotlib.use("Agg")  # before pyplot: the report never needs a screen


import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from belcoach.audio.calls.marks import EMOTION_LABEL_GAP, rate_curve, rate_is_sliding
from belcoach.audio.calls.timeline import Timeline
from belcoach.audio.events import RateVerdict
from belcoach.audio.review.palette import EMOTION_TONES, TONES, tone_colour
from belcoach.audio.review.report.labels import emotion_name
from belcoach.core.clock import format_clock

VALENCE_TICKS = (-1.0, 0.0, 1.0)
"""Rate samples further apart than this are not joined by a line."""


def overview_png(
    timeline: Timeline, labels: Mapping[str, str], language: str, *, dpi: int = 200
) -> bytes:
    """Render the overview figure as PNG bytes (about 17 cm wide, for A4)."""
    rows = [
        labels["agent"],
        labels["customer"],
        labels["lane_overtalk"],
        labels["lane_pause"],
        labels["lane_phrase"],
        labels["lane_emotion"],
    ]
    has_rate = bool(timeline.rate)
    has_emotion = bool(timeline.emotion)
    heights = [2.6] + ([1.25] if has_rate else []) + ([1.05] if has_emotion else [])
    fig, axes = plt.subplots(
        len(heights),
        1,
        sharex=True,
        figsize=(6.9, 0.45 + sum(heights) * 0.8),
        gridspec_kw={"height_ratios": heights, "hspace": 0.12},
    )
    axes_list: list[Axes] = list(axes) if len(heights) > 1 else [axes]
    end = max(timeline.duration, 1.0)
    _lanes(axes_list[0], timeline, rows)
    i = 1
    if has_rate:
        _rate(axes_list[i], timeline, labels)
        i += 1
    if has_emotion:
        _emotion(axes_list[i], timeline, labels, language)
    last = axes_list[-1]
    last.set_xlim(0, end)
    last.xaxis.set_major_formatter(FuncFormatter(lambda t, _pos: format_clock(t)))
    last.xaxis.set_major_locator(MaxNLocator(nbins=12, steps=[1, 2, 3, 5, 6, 10]))
    for ax in axes_list:
        ax.grid(axis="x", color="#e2e8f0", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(labelsize=7, length=2)
    fig.subplots_adjust(left=0.13, right=0.985, top=0.985, bottom=0.06)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    plt.close(fig)
    return out.getvalue()


def _lanes(ax: Axes, timeline: Timeline, rows: list[str]) -> None:
    n = len(rows)
    y = {
        name: n - 1 - i
        for i, name in enumerate(
            ["speech_agent", "speech_customer", "overtalk", "pause", "phrase", "emotion"]
        )
    }
    for mark in timeline.marks:
        if mark.lane == "speech":
            row = y["speech_agent" if str(mark.channel) == "agent" else "speech_customer"]
        else:
            row = y[mark.lane]
        width = max(mark.duration, timeline.duration / 400)
        height = 0.62 if mark.lane != "phrase" else 0.8
        ax.broken_barh(
            [(mark.start, width)],
            (row - height / 2, height),
            facecolors=tone_colour(mark.tone, kind=mark.kind),
            linewidth=0,
        )
    for mark in timeline.lane("phrase"):
        ax.plot(
            [mark.start],
            [y["phrase"] + 0.55],
            marker="v",
            markersize=3.5,
            color=tone_colour(mark.tone),
            clip_on=False,
        )
    ax.set_yticks(range(n))
    ax.set_yticklabels(list(reversed(rows)), fontsize=7)
    ax.set_ylim(-0.6, n - 0.4)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)


def _rate(ax: Axes, timeline: Timeline, labels: Mapping[str, str]) -> None:
    pts = timeline.rate
    ts = [p.t for p in pts]
    ax.fill_between(
        [0.0, *ts, timeline.duration],
        [pts[0].low, *[p.low for p in pts], pts[-1].low],
        [pts[0].high, *[p.high for p in pts], pts[-1].high],
        step="post",
        color=TONES["norm"],
        alpha=0.8,
        linewidth=0,
        label=labels["norm"],
    )
    if rate_is_sliding(pts):  # overlapping windows: one curve, red where too fast
        xs, ys = rate_curve(pts)
        ax.plot(xs, ys, color=TONES["rate"], linewidth=1.4)
        ax.plot(*rate_curve(pts, verdict=RateVerdict.FAST), color=TONES["fast"], linewidth=2.2)
    else:
        for p in pts:  # each figure drawn over the stretch of speech it measures
            colour = TONES["fast"] if p.verdict == RateVerdict.FAST else TONES["rate"]
            start = p.start if p.start is not None else p.t
            ax.plot(
                [start, p.t],
                [p.value, p.value],
                color=colour,
                linewidth=2.2,
                solid_capstyle="butt",
                alpha=0.55,
            )
        ax.scatter(
            ts,
            [p.value for p in pts],
            s=7,
            zorder=3,
            c=[TONES["fast"] if p.verdict == RateVerdict.FAST else TONES["rate"] for p in pts],
        )
    top = max(max(p.value for p in pts), max(p.high for p in pts)) * 1.15
    ax.set_ylim(0, top)
    ax.set_ylabel(f"{labels['rate_axis']}\n({pts[-1].unit})", fontsize=7)


def _emotion(ax: Axes, timeline: Timeline, labels: Mapping[str, str], language: str) -> None:
    pts = timeline.emotion
    ts = [p.t for p in pts] + [timeline.duration]
    vals = [p.valence for p in pts] + [pts[-1].valence]
    ax.step(ts, vals, where="post", color="#4a5568", linewidth=1.0)
    ax.axhline(0.0, color="#cbd5e0", linewidth=0.6)
    seen = set()
    last_label_t = -math.inf
    for p in pts:
        colour = EMOTION_TONES.get(p.label, "#718096")
        ax.plot([p.t], [p.valence], marker="o", markersize=4.5, color=colour, linestyle="none")
        if p.label not in seen:
            seen.add(p.label)
            right = p.t > 0.85 * timeline.duration
            # a label close after the previous one goes under its point, not over its text
            below = p.t - last_label_t < EMOTION_LABEL_GAP * timeline.duration
            last_label_t = p.t
            ax.annotate(
                emotion_name(p.label, language),
                (p.t, p.valence),
                xytext=(-3 if right else 3, -5 if below else 4),
                textcoords="offset points",
                fontsize=6.5,
                color=colour,
                ha="right" if right else "left",
                va="top" if below else "baseline",
            )
    ax.set_ylim(-1.15, 1.25)
    ax.set_yticks(VALENCE_TICKS)
    ax.set_yticklabels(["\u2212", "0", "+"], fontsize=7)
    ax.set_ylabel(labels["emotion_axis"], fontsize=7)
