"""The call library: call folders under one root and a small SQLite index of them.

The folders are the truth; the index (``index.sqlite3``) is a cache the coach's
call list reads quickly, rebuilt from the folders whenever it is missing or
damaged, so it can never leave the library unusable. It runs in WAL mode so
the app can write while a coach's window reads.

At start-up (`CallLibrary.open`) the library reconciles the index with the
folders, recovers calls that were cut off (a folder without ``summary.json``
whose recording lock nobody holds: its audio is repaired, the journal
summarised, and the call listed as ``interrupted``, ready for replay) and
enforces the retention period. The app calls `enforce_retention` again once
a day.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from belcoach.audio.calls.folder import CallFolder, CallMeta, new_call_id
from belcoach.audio.calls.privacy import CallKeyError, RecordingPrivacy
from belcoach.audio.calls.recorder import CallRecorder
from belcoach.audio.calls.recovery import is_recording, recover
from belcoach.audio.calls.summary import CallSummary
from belcoach.core import paths
from belcoach.core.errors import AppError
from belcoach.core.private_files import create_private, private_dir, readable_by_others

__all__ = ["CallEntry", "CallLibrary", "is_recording", "library_root", "recover", "resolve_call"]

log = logging.getLogger(__name__)

INDEX_FILE = "index.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    agent TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    duration REAL,
    talk_ratio REAL,
    overtalk_by_agent INTEGER,
    phrases_to_avoid INTEGER,
    emotion_end TEXT,
    headline TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS calls_started ON calls(started_at);
"""


def library_root(storage_dir: str = "") -> Path:
    """The library's folder: ``recording.storage_dir`` if set, else ``<data dir>/calls``."""
    return Path(storage_dir).expanduser() if storage_dir else paths.data_dir() / "calls"


@dataclass(frozen=True, slots=True)
class CallEntry:
    """One row of the call list.

    Attributes:
        id: the call id (folder name).
        folder: the call's folder.
        started_at: ISO 8601 UTC start time.
        status: ``recording``, ``complete``, ``partial``, ``stopped`` or ``interrupted``.
        headline: the summary's flat figures (empty while recording).
    """

    id: str
    folder: Path
    started_at: str
    origin: str
    agent: str
    language: str
    source: str
    status: str
    duration: float | None
    headline: dict[str, Any]


class CallLibrary:
    """The coach's call library under ``root``; use `open` to get one."""

    def __init__(self, root: Path, *, privacy: RecordingPrivacy | None = None) -> None:
        self.root = Path(root)
        self.privacy = privacy or RecordingPrivacy()
        private_dir(self.root)
        if readable_by_others(self.root):
            log.warning("%s: other users can read the call library; see `belcoach doctor`", root)
        self._db_path = self.root / INDEX_FILE
        # one connection, used from the engine thread (a recording ends) and the GUI
        # thread (the call list): the lock keeps their statements and transactions apart
        self._lock = threading.RLock()
        self._db = self._connect()
        self.recovered: list[str] = []
        """Ids of the calls cut off by a crash that `sync` found (interrupted, kept)."""

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        retention_days: int | None = None,
        privacy: RecordingPrivacy | None = None,
    ) -> CallLibrary:
        """Open the library, reconcile the index, recover cut-off calls, enforce retention.

        Args:
            root: the library folder (see `library_root`).
            retention_days: delete calls older than this; None keeps everything.
            privacy: how new calls are recorded (redaction, encryption; see
                `RecordingPrivacy.from_settings`) and the key for encrypted
                ones; default: neither, this user's key.
        """
        library = cls(root, privacy=privacy)
        library.sync()
        if retention_days is not None:
            library.enforce_retention(retention_days)
        return library

    # -- the index ---------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            db = self._try_connect()
        except sqlite3.DatabaseError as exc:
            aside = self._db_path.with_name(f"{INDEX_FILE}.damaged-{int(time.time())}")
            log.warning(
                "%s: damaged index (%s); moved to %s and rebuilt from the folders",
                self._db_path,
                exc,
                aside.name,
            )
            for suffix in ("", "-wal", "-shm"):
                src = Path(f"{self._db_path}{suffix}")
                if src.exists():
                    src.replace(Path(f"{aside}{suffix}"))
            db = self._try_connect()
        return db

    def _try_connect(self) -> sqlite3.Connection:
        if not self._db_path.exists():
            # SQLite gives its -wal, -shm and -journal files the database's mode
            create_private(self._db_path)
        db = sqlite3.connect(
            self._db_path, timeout=10.0, check_same_thread=False, isolation_level=None
        )
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA secure_delete=ON")  # a forgotten call's row is overwritten
            row = db.execute("PRAGMA quick_check").fetchone()
            if row is None or row[0] != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {row}")
            db.executescript(_SCHEMA)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def close(self) -> None:
        """Close the index."""
        self._db.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _upsert(
        self, db: sqlite3.Connection, meta: CallMeta, status: str, summary: CallSummary | None
    ) -> None:
        head = summary.headline() if summary else {}
        db.execute(
            "INSERT OR REPLACE INTO calls (id, started_at, origin, agent, language, source, status,"
            " duration, talk_ratio, overtalk_by_agent, phrases_to_avoid, emotion_end, headline)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                meta.id,
                meta.started_at,
                meta.origin,
                meta.agent,
                meta.language,
                meta.source,
                status,
                head.get("duration_s"),
                head.get("talk_ratio"),
                head.get("overtalk_by_agent"),
                head.get("phrases_to_avoid"),
                head.get("emotion_end"),
                json.dumps(head, ensure_ascii=False),
            ),
        )

    def calls(self) -> list[CallEntry]:
        """Every call, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, started_at, origin, agent, language, source, status, duration,"
                " headline FROM calls ORDER BY started_at DESC, id DESC"
            ).fetchall()
        return [
            CallEntry(
                r[0],
                self.root / r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                json.loads(r[8] or "{}"),
            )
            for r in rows
        ]

    def get(self, call_id: str) -> CallEntry:
        """One call by id.

        Raises:
            AppError: no such call in this library.
        """
        for entry in self.calls():
            if entry.id == call_id:
                return entry
        raise AppError(f"{self.root}: no call {call_id!r} in the library")

    # -- reconciling with the folders ---------------------------------------------------------

    def folders(self) -> list[CallFolder]:
        """Every call folder under the root."""
        return sorted(
            (f for p in self.root.iterdir() if p.is_dir() and (f := self.folder(p.name)).is_call()),
            key=lambda f: f.id,
        )

    def folder(self, call_id: str) -> CallFolder:
        """The folder of one call (with the library's key for an encrypted one)."""
        return CallFolder(self.root / call_id, key=self.privacy.key)

    def sync(self) -> None:
        """Make the index match the folders; recover calls that were cut off."""
        on_disk = {f.id: f for f in self.folders()}
        with self._lock:
            indexed = {r[0]: r[1] for r in self._db.execute("SELECT id, status FROM calls")}
        for call_id in set(indexed) - set(on_disk):
            with self._tx() as db:
                db.execute("DELETE FROM calls WHERE id = ?", (call_id,))
        for call_id, folder in on_disk.items():
            try:
                self._sync_folder(folder, indexed.get(call_id))
            except AppError as exc:
                log.warning("%s: not listed: %s", folder.path, exc)

    def _sync_folder(self, folder: CallFolder, indexed_status: str | None) -> None:
        meta = folder.read_meta()
        stored = folder.read_summary()
        if stored is not None:
            if indexed_status is None or indexed_status == "recording":
                summary = CallSummary.from_json(stored)
                with self._tx() as db:
                    self._upsert(db, meta, summary.status, summary)
            return
        if is_recording(folder):
            if indexed_status != "recording":
                with self._tx() as db:
                    self._upsert(db, meta, "recording", None)
            return
        self.recovered.append(folder.id)
        try:
            summary = recover(folder, meta)
        except CallKeyError as exc:  # listed; summarised once the right key is at hand
            log.warning("%s", exc)
            if indexed_status != "interrupted":
                with self._tx() as db:
                    self._upsert(db, meta, "interrupted", None)
            return
        with self._tx() as db:
            self._upsert(db, meta, summary.status, summary)

    # -- recording -----------------------------------------------------------------------------

    def start_call(
        self,
        *,
        origin: str = "live",
        agent: str = "",
        language: str = "",
        source: str = "",
        model: str = "",
        privacy: RecordingPrivacy | None = None,
    ) -> CallRecorder:
        """Create a call folder and a recorder for it, listed as ``recording`` until finished.

        Args:
            privacy: redaction/encryption for this call; default the library's.

        Raises:
            AppError: the library folder is not writable; VaultError: the call
                must be encrypted and there is no recording key (nothing is
                recorded then, never plain text instead).
        """
        meta = CallMeta(
            new_call_id(),
            datetime.now(UTC).isoformat(timespec="seconds"),
            origin=origin,
            agent=agent,
            language=language,
            source=source,
            model=model,
        )
        folder = self.folder(meta.id)
        try:
            recorder = CallRecorder(
                folder,
                meta,
                on_finished=self._finished,
                on_abandoned=self._abandoned,
                privacy=privacy or self.privacy,
            )
        except OSError as exc:
            raise AppError(f"{folder.path}: cannot record here ({exc.strerror or exc})") from exc
        with self._tx() as db:
            self._upsert(db, meta, "recording", None)
        return recorder

    def _finished(self, folder: CallFolder, summary: CallSummary) -> None:
        with self._tx() as db:
            self._upsert(db, summary.meta, summary.status, summary)

    def _abandoned(self, folder: CallFolder) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM calls WHERE id = ?", (folder.id,))

    # -- retention -----------------------------------------------------------------------------

    def enforce_retention(self, days: int, *, now: datetime | None = None) -> list[str]:
        """Delete finished calls that started more than ``days`` days ago.

        ``0`` keeps no call once it has ended. Calls being recorded are never
        touched. Returns the ids deleted.
        """
        if days < 0:
            raise AppError(f"recording.retention_days must be 0 or more, not {days}")
        cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
        deleted = []
        for entry in self.calls():
            if entry.status == "recording":
                continue
            started = datetime.fromisoformat(entry.started_at)
            if started.tzinfo is None:
                started = started.replace(tzinfo=UTC)
            if days == 0 or started < cutoff:
                self.delete(entry.id)
                deleted.append(entry.id)
        if deleted:
            log.info("retention (%d days): deleted %d call(s)", days, len(deleted))
        return deleted

    def delete(self, call_id: str) -> None:
        """Delete one call's folder and its index row."""
        folder = self.folder(call_id)
        if folder.path.exists() and is_recording(folder):
            raise AppError(f"{folder.path}: is being recorded; not deleted")
        with self._tx() as db:
            db.execute("DELETE FROM calls WHERE id = ?", (call_id,))
        shutil.rmtree(folder.path, ignore_errors=True)

    def forget(self, call_id: str) -> list[str]:
        """Delete every trace of one call the library holds; return what was deleted, in words.

        The folder (audio, journal, summary, notes, lock), report files saved
        next to it in the library (``<id>-report.html`` and the like), and its
        index row; the index is then checkpointed so the row survives neither
        in the database nor in its write-ahead log (``secure_delete`` zeroes
        the freed pages).

        Raises:
            AppError: the call is being recorded, or there is no such call.
        """
        folder = self.folder(call_id)
        if folder.path.exists() and is_recording(folder):
            raise AppError(
                f"{folder.path}: is being recorded right now; end the call first, then forget it"
            )
        with self._lock:
            row = self._db.execute("SELECT 1 FROM calls WHERE id = ?", (call_id,)).fetchone()
        if not folder.path.exists() and row is None:
            raise AppError(f"{self.root}: no call {call_id!r} in the library")
        done: list[str] = []
        if folder.path.exists():
            files = sorted(p for p in folder.path.rglob("*") if p.is_file())
            shutil.rmtree(folder.path)
            names = ", ".join(p.name for p in files) or "empty"
            done.append(f"folder {folder.path} ({names})")
        for extra in sorted(self.root.glob(f"{call_id}?*")):
            if extra.is_file():
                extra.unlink()
                done.append(f"file {extra}")
        with self._tx() as db:
            db.execute("DELETE FROM calls WHERE id = ?", (call_id,))
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        done.append(
            f"index row in {self._db_path}" if row else f"(no index row in {self._db_path})"
        )
        log.info("forgot call %s", call_id)
        return done


def resolve_call(spec: str, *, root: Path) -> Path:
    """Turn a CALL argument into a call folder or an events file.

    ``spec`` is a call folder, an ``events.jsonl`` file, or a call id (or a
    unique prefix of one) in the library.

    Raises:
        AppError: nothing matches, or a prefix matches several calls.
    """
    path = Path(spec).expanduser()
    if path.is_dir() or path.is_file():
        return path
    if root.is_dir():
        matches = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(spec))
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(p.name for p in matches[:3])
            raise AppError(f"{spec!r} matches several calls ({names}, ...); give more of the id")
    raise AppError(f"{spec}: no such call folder, events file or call id in {root}")
