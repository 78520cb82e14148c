"""The team page: one self-contained HTML document (and the same laid out as PDF).

It holds figures only — no transcript text — and points at each call's report
(a link when the report file is beside the batch outputs, else the command
that writes it). The CSS has print rules (A4, page numbers, tables that do
not split rows) like the call report; the PDF is WeasyPrint's layout of it.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from belcoach.audio.review.report.build import html_to_pdf
from belcoach.audio.review.team.plots import trends_png
from belcoach.audio.review.team.records import CallRecord
from belcoach.audio.review.team.trends import (
    MIN_CALLS,
    AgentTrend,
    Improvement,
    Period,
    agent_trends,
    improvers,
)
from belcoach.core.atomic import write_atomic
from belcoach.core.errors import AppError

MAX_CALL_ROWS = 500
"""Calls listed one by one at the end; a contact centre's month is far more, and a page of
thousands of rows helps no one (the batch table and ``belcoach calls list`` have them all)."""


@dataclass(frozen=True, slots=True)
class TeamInput:
    """What the page is built from: the calls, where they came from, and problems met."""

    records: Sequence[CallRecord]
    sources: Sequence[str]
    problems: Sequence[str] = ()


def share(value: float | None) -> str:
    """A 0..1 share as a whole percentage, or an en dash when not measured."""
    return "\u2013" if value is None else f"{value * 100:.0f} %"


def per_call(value: float | None) -> str:
    """A per-call count with one decimal, or an en dash."""
    return "\u2013" if value is None else f"{value:.1f}"


def points(value: float | None) -> str:
    """A change in percentage points with its sign, or an en dash."""
    return "\u2013" if value is None else f"{value:+.0f} pt"


def period_row(p: Period) -> dict[str, str]:
    """The table cells of one period (see `Period`)."""
    outcome = share(p.feeling_outcome)
    if p.negative_starts:
        outcome += f" ({p.negative_starts})"
    return {
        "calls": str(p.calls),
        "talk": share(p.talk_ratio),
        "pace": share(p.pace_share),
        "overtalk": per_call(p.overtalk),
        "cards": per_call(p.cards),
        "feeling": outcome,
        "qa": share(p.qa_score),
    }


def render_html(
    team: TeamInput, *, now: datetime | None = None, max_call_rows: int = MAX_CALL_ROWS
) -> str:
    """The team page as one HTML document (plots embedded as PNG).

    ``max_call_rows``: list the calls one by one only up to this many.
    """
    trends = agent_trends(team.records)
    best = improvers(trends)
    weeks = sorted({r.week for r in team.records})
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_resource("team.html.j2"))
    context: dict[str, Any] = {
        "css": markupsafe.Markup(_resource("team.css")),
        "generated": (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        "sources": list(team.sources),
        "problems": list(team.problems),
        "calls": len(team.records),
        "agents": [
            {"name": t.agent, "weeks": len(t.weeks), **period_row(t.overall)} for t in trends
        ],
        "weeks": weeks,
        "weekly": [
            {"name": t.agent, "rows": [{"week": w, **period_row(p)} for w, p in t.weeks]}
            for t in trends
        ],
        "improvers": [_improver(i) for i in best],
        "min_calls": MIN_CALLS,
        "plot": base64.b64encode(trends_png(trends, team.records)).decode("ascii")
        if team.records
        else "",
        "call_rows": _call_rows(trends) if len(team.records) <= max_call_rows else [],
        "max_call_rows": max_call_rows,
    }
    return template.render(**context)


def _improver(i: Improvement) -> dict[str, str]:
    return {
        "name": i.agent,
        "first": ", ".join(i.first_weeks),
        "last": ", ".join(i.last_weeks),
        "qa": f"{share(i.first.qa_score)} \u2192 {share(i.last.qa_score)} ({points(i.qa_change)})",
        "pace": f"{share(i.first.pace_share)} \u2192 {share(i.last.pace_share)} "
        f"({points(i.pace_change)})",
        "change": points(i.change),
        "calls": f"{i.first.calls} / {i.last.calls}",
    }


def _call_rows(trends: Sequence[AgentTrend]) -> list[dict[str, str]]:
    rows = []
    for t in trends:
        for r in t.records:
            link = r.report if r.report.startswith("file:") else ""
            rows.append(
                {
                    "agent": t.agent,
                    "week": r.week,
                    "started": r.started.strftime("%Y-%m-%d %H:%M"),
                    "id": r.call_id,
                    "qa": share(r.qa_score),
                    "link": link,
                    "command": "" if link else r.report,
                }
            )
    return rows


def write_team_page(team: TeamInput, *, html: Path | None = None, pdf: Path | None = None) -> None:
    """Write the team page as HTML and/or PDF (each file replaced atomically).

    Raises:
        AppError: neither output given, a file cannot be written, or PDF output
            is unavailable on this machine.
    """
    if html is None and pdf is None:
        raise AppError("give --html FILE and/or --pdf FILE for the team page")
    text = render_html(team)
    for path, body in ((html, text), (pdf, None)):
        if path is None:
            continue
        try:
            write_atomic(path, body if body is not None else html_to_pdf(text))
        except OSError as exc:
            raise AppError(f"{path}: cannot write the team page ({exc.strerror or exc})") from exc


def _resource(name: str) -> str:
    return resources.files("belcoach.audio.review.team").joinpath(name).read_text(encoding="utf-8")
