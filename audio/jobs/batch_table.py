"""The batch's tables: ``calls.csv`` and ``calls.json``, one row per call, plus QA pass rates.

The same rows serve ``--jobs`` and ``--cluster`` (which also writes them as
Parquet, `belcoach.audio.jobs.cluster.write_parquet`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from belcoach.audio.jobs.batch_types import BatchResult, events_name
from belcoach.core.atomic import write_atomic
from belcoach.core.recording_key import RecordingKey

TABLE_FIELDS = ("file", "status", "error", "audio_s", "wall_s")


def table_rows(
    results: Iterable[BatchResult],
    out_dir: Path,
    *,
    qa_card: str | None = None,
    key: RecordingKey | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The table's columns and its rows: one per call with its headline figures.

    Each analysed call also gets its QA scorecard columns (``qa_*``, see
    ``belcoach.audio.review.qa.table``; ``qa_card``: the card file in force),
    scored from its events file in ``out_dir`` (a sealed one decrypted in
    memory with ``key``). The rows hold figures only, never words said, so
    the table stays readable without the key.
    """
    from belcoach.audio.review.qa.table import qa_columns

    rows = []
    for r in results:
        row: dict[str, Any] = {
            "file": r.path,
            "status": r.status,
            "error": r.error,
            "audio_s": round(r.audio_seconds, 1),
            "wall_s": round(r.wall_seconds, 1),
        }
        row.update({k: v for k, v in r.headline.items() if k not in ("status", "source")})
        if r.status != "error":
            row.update(qa_columns(events_file(out_dir, r.stem), card_path=qa_card, key=key))
        rows.append(row)
    keys: list[str] = list(TABLE_FIELDS)
    for row in rows:
        keys += [k for k in row if k not in keys]
    return keys, rows


def events_file(out_dir: Path, stem: str) -> Path:
    """A call's events in ``out_dir``: the sealed file when there is one, else the plain one."""
    sealed = out_dir / events_name(stem, encrypt=True)
    return sealed if sealed.is_file() else out_dir / events_name(stem, encrypt=False)


def write_table(
    results: Iterable[BatchResult],
    out_dir: Path,
    *,
    qa_card: str | None = None,
    key: RecordingKey | None = None,
) -> tuple[Path, Path]:
    """Write ``calls.csv`` and ``calls.json``: one row per call with its headline figures.

    ``qa.csv`` beside them holds each QA item's pass rate over the calls.
    """
    from belcoach.audio.review.qa.table import write_pass_rates

    keys, rows = table_rows(results, out_dir, qa_card=qa_card, key=key)
    csv_path, json_path = out_dir / "calls.csv", out_dir / "calls.json"
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=keys, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in keys})
    write_atomic(csv_path, buf.getvalue())
    write_atomic(json_path, json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    write_pass_rates(rows, out_dir)
    return csv_path, json_path
