"""The QA scorecard in the batch table: per-call item columns and per-item pass rates.

Each call's row gains ``qa_score`` (Goed out of the items that apply, 0..1),
``qa_passed``, ``qa_applicable`` and one column per item, ``qa_<id>``: 1 for
Goed, 0 for Niet goed, empty for N.v.t. — so an item column's mean over the
calls is that item's pass rate. `write_pass_rates` writes those rates
(``qa.csv``) for the coach who wants them without a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from belcoach.audio.calls.eventlog import read_events, read_sealed_events
from belcoach.audio.review.qa.model import Verdict
from belcoach.audio.review.qa.score import score_events
from belcoach.core.atomic import write_atomic
from belcoach.core.errors import AppError
from belcoach.core.recording_key import RecordingKey
from belcoach.core.vault import is_encrypted

log = logging.getLogger(__name__)

PREFIX = "qa_"
RATES_FILE = "qa.csv"
_TOTALS = ("qa_score", "qa_passed", "qa_applicable")


def qa_columns(
    events_path: Path, *, card_path: str | Path | None = None, key: RecordingKey | None = None
) -> dict[str, Any]:
    """The QA columns of one analysed call (empty when its events cannot be read).

    ``key``: the recording key for an encrypted events file (decrypted in memory).
    """
    try:
        if key is not None and is_encrypted(events_path):
            journal = read_sealed_events(events_path, key)
        else:
            journal = read_events(events_path)
    except AppError as exc:
        log.warning("%s: no QA score (%s)", events_path, exc)
        return {}
    if not journal.events:
        return {}
    card = score_events(journal.events, card_path=card_path or None)
    row: dict[str, Any] = {
        "qa_score": None if card.score is None else round(card.score, 3),
        "qa_passed": card.passed,
        "qa_applicable": card.applicable,
    }
    for item in card.items:
        row[PREFIX + item.id] = {Verdict.GOED: 1, Verdict.NIET_GOED: 0}.get(item.verdict)
    return row


def write_pass_rates(rows: Iterable[Mapping[str, Any]], out_dir: Path) -> Path | None:
    """Write ``qa.csv``: per item, the calls it applied to, how many Goed, and the pass rate."""
    counts: dict[str, list[int]] = {}
    for row in rows:
        for key, value in row.items():
            if not key.startswith(PREFIX) or key in _TOTALS:
                continue
            applied, passed = counts.setdefault(key[len(PREFIX) :], [0, 0])
            if value in (0, 1):
                counts[key[len(PREFIX) :]] = [applied + 1, passed + int(value)]
    if not counts:
        return None
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["item", "calls_applicable", "goed", "pass_rate"])
    for item, (applied, passed) in counts.items():
        rate = round(passed / applied, 3) if applied else ""
        writer.writerow([item, applied, passed, rate])
    path = out_dir / RATES_FILE
    write_atomic(path, buf.getvalue())
    return path
