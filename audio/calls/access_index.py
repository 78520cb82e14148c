"""Where the access log's chain head is kept: the library index (``index.sqlite3``).

The log (`belcoach.audio.calls.access`) proves that no line was changed or
inserted; the head kept here, apart from the log, is what shows that lines
were cut from its end or that the whole log was deleted.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from belcoach.core.private_files import create_private

log = logging.getLogger(__name__)

INDEX_FILE = "index.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS access_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    head TEXT NOT NULL,
    lines INTEGER NOT NULL
);
"""


def index_head(root: Path) -> tuple[str, int] | None:
    """(last hash, line count) the index holds, or None (no index, no record, unreadable)."""
    db_path = Path(root) / INDEX_FILE
    if not db_path.exists():
        return None
    try:
        db = sqlite3.connect(db_path, timeout=10.0)
        try:
            row = db.execute("SELECT head, lines FROM access_chain WHERE id = 1").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None  # no table yet (or a damaged index the library rebuilds)
    return (str(row[0]), int(row[1])) if row else None


def store_index_head(root: Path, head: str, lines: int) -> None:
    """Remember the chain head in the index; a failure only weakens deletion detection."""
    db_path = Path(root) / INDEX_FILE
    try:
        if not db_path.exists():
            create_private(db_path)
        db = sqlite3.connect(db_path, timeout=10.0, isolation_level=None)
        try:
            db.executescript(_SCHEMA)
            db.execute(
                "INSERT OR REPLACE INTO access_chain (id, head, lines) VALUES (1, ?, ?)",
                (head, lines),
            )
        finally:
            db.close()
    except (sqlite3.Error, OSError) as exc:
        log.warning("%s: the access-log head could not be kept in the index (%s)", db_path, exc)
