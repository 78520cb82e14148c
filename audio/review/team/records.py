"""One row per call for the team view, read from batch outputs or the call library.

Only figures are read: a call's ``summary.json`` (or the batch table's row),
never its audio, journal or transcript, so the team view holds no words from
a call and opening it is not an access to a call's contents.

Batch outputs (``belcoach analyze DIR --jobs N --out OUT``): ``OUT/calls.json``
lists the calls with their headline figures and QA columns; each analysed
call's ``OUT/<id>.summary.json`` adds what the table leaves out (the share of
slow speech). The call library: each call folder's ``summary.json``; the
library has no QA columns, so its QA score is empty (scoring needs the
transcript, which the team view does not open).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.summary import CallSummary
from belcoach.seeds.emotion_data import ValenceClass, valence_class

log = logging.getLogger(__name__)

BATCH_TABLE = "calls.json"
NO_AGENT = "(no agent)"
"""The agent shown for calls whose metadata names none."""


@dataclass(frozen=True, slots=True)
class CallRecord:
    """The figures of one call the team view uses; None means "not measured".

    Attributes:
        agent: the agent's name (`NO_AGENT` when the call names none).
        call_id: the call's id (library folder or batch output stem).
        started: when the call started (UTC); its ISO week groups it.
        talk_ratio: the agent's share of the talking, 0..1.
        pace_share: share of the agent's measured speech within the pace norm
            (neither fast nor slow), 0..1.
        overtalk: over-talks the agent started.
        cards: phrasing cards shown (matched phrases to avoid).
        negative_start: the customer's first estimated feeling was negative.
        recovered: after a negative start, the last feeling is neutral or
            positive (None when the start was not negative or unknown).
        qa_score: QA score (Goed out of the items that apply), 0..1.
        report: how to open the call's report (a file link or a command).
    """

    agent: str
    call_id: str
    started: datetime
    talk_ratio: float | None = None
    pace_share: float | None = None
    overtalk: int | None = None
    cards: int | None = None
    negative_start: bool = False
    recovered: bool | None = None
    qa_score: float | None = None
    report: str = ""

    @property
    def week(self) -> str:
        """The ISO week, e.g. ``2026-W49``."""
        year, week, _ = self.started.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(slots=True)
class ReadResult:
    """Calls read and the problems met (one line each, for a person)."""

    records: list[CallRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time as UTC (a time without zone is taken as UTC); None if unreadable."""
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def feeling_outcome(start: str | None, end: str | None) -> tuple[bool, bool | None]:
    """(negative start, recovered): recovered when a negative start ends neutral or positive."""
    negative = _valence(start) == ValenceClass.NEGATIVE
    if not negative:
        return False, None
    return True, _valence(end) in (ValenceClass.NEUTRAL, ValenceClass.POSITIVE)


def _valence(label: str | None) -> ValenceClass | None:
    if not label:
        return None
    try:
        return valence_class(label)
    except KeyError:
        return None


def pace_share(fast: float | None, slow: float | None) -> float | None:
    """Share of measured speech within the norm: what is neither fast nor slow."""
    if fast is None:
        return None
    return max(0.0, 1.0 - fast - (slow or 0.0))


def record_from_summary(
    summary: CallSummary, *, qa_score: float | None = None, report: str = ""
) -> CallRecord | None:
    """A call's record from its summary; None when it has no readable start time."""
    started = parse_time(summary.meta.started_at)
    if started is None:
        return None
    path = summary.emotion_path
    negative, recovered = feeling_outcome(
        path[0].label if path else None, path[-1].label if path else None
    )
    return CallRecord(
        agent=summary.meta.agent.strip() or NO_AGENT,
        call_id=summary.meta.id,
        started=started,
        talk_ratio=summary.talk_ratio,
        pace_share=pace_share(summary.fast_share, summary.slow_share),
        overtalk=summary.overtalk_by_agent,
        cards=len(summary.phrases_to_avoid),
        negative_start=negative,
        recovered=recovered,
        qa_score=qa_score,
        report=report,
    )


def record_from_row(row: Mapping[str, Any], *, report: str = "") -> CallRecord | None:
    """A call's record from a batch table row alone (when its summary.json is missing)."""
    started = parse_time(str(row.get("started_at") or ""))
    if started is None:
        return None
    negative, recovered = feeling_outcome(row.get("emotion_start"), row.get("emotion_end"))
    return CallRecord(
        agent=str(row.get("agent") or "").strip() or NO_AGENT,
        call_id=str(row.get("id") or ""),
        started=started,
        talk_ratio=_number(row.get("talk_ratio")),
        pace_share=None,  # the table has the fast share only, not the slow share
        overtalk=_int(row.get("overtalk_by_agent")),
        cards=_int(row.get("phrases_to_avoid")),
        negative_start=negative,
        recovered=recovered,
        qa_score=_number(row.get("qa_score")),
        report=report,
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def read_batch(out_dir: Path) -> ReadResult:
    """Read one batch output folder (its ``calls.json`` and per-call summaries).

    Never raises for bad data: a missing or malformed ``calls.json`` or summary
    becomes one line in ``problems`` and the rest is read.
    """
    result = ReadResult()
    table = out_dir / BATCH_TABLE
    try:
        rows = json.loads(table.read_text(encoding="utf-8"))
    except FileNotFoundError:
        result.problems.append(f"{table}: not found (not a batch output folder?); skipped")
        return result
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        result.problems.append(f"{table}: cannot be read ({_reason(exc)}); skipped")
        return result
    if not isinstance(rows, list):
        result.problems.append(f"{table}: not a list of calls; skipped")
        return result
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            result.problems.append(f"{table}: entry {n} is not a call; skipped")
            continue
        if row.get("status") == "error" or not row.get("id"):
            continue  # not analysed: batch already reported it
        record = _batch_record(out_dir, row, result.problems)
        if record is None:
            result.problems.append(f"{table}: call {row.get('id')}: no start time; skipped")
        else:
            result.records.append(record)
    return result


def _batch_record(out_dir: Path, row: Mapping[str, Any], problems: list[str]) -> CallRecord | None:
    stem = str(row["id"])
    report_file = out_dir / f"{stem}.report.html"
    report = (
        report_file.resolve().as_uri()
        if report_file.is_file()
        else f"belcoach report {_events_file(out_dir, stem)}"
    )
    path = out_dir / f"{stem}.summary.json"
    try:
        summary = CallSummary.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return record_from_row(row, report=report)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        problems.append(f"{path}: cannot be read ({_reason(exc)}); using the table's figures")
        return record_from_row(row, report=report)
    return record_from_summary(summary, qa_score=_number(row.get("qa_score")), report=report)


def _events_file(out_dir: Path, stem: str) -> Path:
    """A batch call's events: sealed (``recording.encrypt``) or plain."""
    sealed = out_dir / f"{stem}.events.jsonl.enc"
    return sealed if sealed.is_file() else out_dir / f"{stem}.events.jsonl"


def read_library(library: CallLibrary) -> ReadResult:
    """Read every finished call's ``summary.json`` in the library (figures only)."""
    result = ReadResult()
    for folder in library.folders():
        try:
            stored = folder.read_summary()
            if stored is None:
                continue  # recording, or cut off and not recovered yet
            summary = CallSummary.from_json(stored)
        except Exception as exc:  # one damaged call must not hide the others
            result.problems.append(f"{folder.summary_path}: cannot be read ({_reason(exc)})")
            continue
        record = record_from_summary(summary, report=f"belcoach report {folder.id}")
        if record is None:
            result.problems.append(f"{folder.summary_path}: no start time; skipped")
        else:
            result.records.append(record)
    return result


def _reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON: {exc.msg} at line {exc.lineno}"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc) or type(exc).__name__
