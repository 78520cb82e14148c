"""Opening one call for the replay window or the report: events, timeline, summary, notes.

A call is a library folder or a bare ``events.jsonl`` (e.g. from ``belcoach
analyze --events``); both open the same way, a bare journal just has no audio
and no place to keep notes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from belcoach.audio.calls.eventlog import EventLog, read_events, read_sealed_events
from belcoach.audio.calls.folder import EVENTS_SEALED, CallFolder, CallMeta, Note
from belcoach.audio.calls.library import is_recording
from belcoach.audio.calls.privacy import key_error
from belcoach.audio.calls.summary import CallSummary, summarize_timeline
from belcoach.audio.calls.timeline import Timeline, build_timeline
from belcoach.audio.events import CallStarted, Event
from belcoach.audio.privacy.redact import redact_event
from belcoach.core.errors import AppError, VaultError
from belcoach.core.recording_key import RecordingKey, recording_key
from belcoach.core.vault import is_encrypted

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadedCall:
    """Everything about one call that a window or a report shows.

    Attributes:
        events: the journal's events.
        timeline: the events arranged for drawing.
        summary: headline figures (recomputed from the events, so a report
            always matches the timeline beside it; the stored status is kept).
        folder: the call folder, or None for a bare events file.
        notes: the coach's notes, by time.
        torn_tail: True when the journal ended in a cut-off line.
    """

    events: tuple[Event, ...]
    timeline: Timeline
    summary: CallSummary
    folder: CallFolder | None
    notes: tuple[Note, ...]
    torn_tail: bool = False

    @property
    def audio(self) -> Path | None:
        """The call's audio file (FLAC, or encrypted PCM: read it with `CallFolder.read_audio`)."""
        return self.folder.audio_file if self.folder is not None else None

    @property
    def title(self) -> str:
        """A short title for a window or a report."""
        meta = self.summary.meta
        when = _local_time(meta.started_at)
        who = f" · {meta.agent}" if meta.agent else ""
        return f"{when}{who} · {meta.source or meta.id}"


def _local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


_AUDIO_MAGIC = (b"RIFF", b"fLaC", b"OggS", b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
_AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".opus", ".mp3", ".m4a", ".aac", ".wma"}


def is_audio_file(path: Path) -> bool:
    """True when ``path`` is a sound file (by its name or its first bytes), not events."""
    if path.suffix.lower() in _AUDIO_SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except OSError:
        return False
    return head.startswith(_AUDIO_MAGIC)


def load_call(
    path: Path,
    *,
    audio_seconds: float | None = None,
    key: RecordingKey | None = None,
    redact: bool = False,
) -> LoadedCall:
    """Open a call folder or an ``events.jsonl``; an encrypted call is decrypted in memory.

    Args:
        path: the folder or the events file.
        audio_seconds: the audio's length when the caller already knows it
            (the replay window reads the audio anyway).
        key: the recording key for an encrypted call (default: this user's).
        redact: mask personal numbers in everything loaded (``privacy.redact``
            in force now, even for a call stored before it was).

    Raises:
        AppError: neither a call folder nor a readable events file (an audio
            file is named as such: it must be imported or analysed first);
            CallKeyError: encrypted with a key that is not at hand.
    """
    path = Path(path)
    if path.is_file() and is_audio_file(path):
        raise AppError(
            f"{path}: is an audio file, not an analysed call; add it to the library with "
            f"`belcoach calls import {path}` (or write its events with "
            f"`belcoach analyze {path} --events EVENTS.jsonl`) and use that"
        )
    if path.is_dir():
        folder: CallFolder | None = CallFolder(path, key=key)
        assert folder is not None
        events_path = folder.events_file
        if not events_path.is_file():
            raise AppError(f"{path}: not a call folder (no events.jsonl)")
        journal = folder.read_events()
    elif path.is_file():
        parent = CallFolder(path.parent, key=key)
        folder = parent if parent.is_call() else None
        events_path = path
        if folder is not None and path.name == EVENTS_SEALED:
            journal = folder.read_events()
        elif is_encrypted(path):  # a batch's <name>.events.jsonl.enc
            journal = _read_loose_sealed(path, key)
        else:
            journal = read_events(events_path)
    else:
        raise AppError(f"{path}: no such call folder or events file")
    if not journal.events:
        raise AppError(f"{events_path}: holds no events")
    events = journal.events
    if redact:
        events = tuple(redact_event(e) for e in events)
    meta, status, problems = _meta(folder, events, events_path)
    timeline = build_timeline(events, duration=audio_seconds)
    summary = summarize_timeline(timeline, events, meta=meta, status=status, problems=problems)
    notes = tuple(folder.read_notes()) if folder is not None else ()
    return LoadedCall(events, timeline, summary, folder, notes, journal.torn_tail)


def _read_loose_sealed(path: Path, key: RecordingKey | None) -> EventLog:
    """An encrypted journal outside a call folder (a batch output), decrypted in memory.

    Raises:
        CallKeyError: not readable with ``key`` (default: this user's recording key).
    """
    try:
        return read_sealed_events(path, key if key is not None else recording_key())
    except VaultError as exc:
        raise key_error(path, exc) from exc


def _meta(
    folder: CallFolder | None, events: tuple[Event, ...], events_path: Path
) -> tuple[CallMeta, str, tuple[str, ...]]:
    status = "complete"
    problems: tuple[str, ...] = ()
    if folder is not None:
        meta = folder.read_meta()
        stored = folder.read_summary()
        if stored is not None:
            status = str(stored.get("status", status))
            problems = tuple(str(p) for p in stored.get("problems", ()))
        else:
            status = "recording" if is_recording(folder) else "interrupted"
        return meta, status, problems
    started = next((e for e in events if isinstance(e, CallStarted)), None)
    mtime = datetime.fromtimestamp(events_path.stat().st_mtime, UTC)
    meta = CallMeta(
        id=events_path.stem,
        started_at=mtime.isoformat(timespec="seconds"),
        origin="file",
        language=started.language if started else "",
        source=started.source if started else events_path.name,
        model=started.model if started else "",
    )
    return meta, status, problems
