"""Finding calls being recorded and recovering calls that were cut off (crash, kill, power cut).

A folder with ``call.json`` but no ``summary.json`` whose recording lock
nobody holds was cut off: `recover` repairs its audio (a FLAC rewritten whole,
or encrypted files resealed, never decrypted to disk), summarises what the
journal holds and marks the call ``interrupted``, ready for replay.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace

from filelock import FileLock, Timeout

from belcoach.audio.calls.folder import CallFolder, CallMeta, repair_audio
from belcoach.audio.calls.privacy import (
    CallKeyError,
    key_error,
    reseal,
    scrub_summary,
    sealed_seconds,
)
from belcoach.audio.calls.summary import CallSummary, summarize
from belcoach.core.errors import AppError, VaultError, WrongKeyError

log = logging.getLogger(__name__)


def is_recording(folder: CallFolder) -> bool:
    """True while some process holds the folder's recording lock (a live recorder)."""
    if not folder.lock_path.exists():
        return False
    lock = FileLock(str(folder.lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def recover(folder: CallFolder, meta: CallMeta | None = None) -> CallSummary:
    """Summarise a call that was cut off: repair its audio, read its journal, mark it.

    The summary is written to the folder so recovery happens once.
    """
    meta = meta or folder.read_meta()
    problems = ["the app stopped during the call; recording ends where it stopped"]
    seconds = None
    encrypted = folder.encrypted
    try:
        for sealed in (folder.audio_sealed, folder.events_sealed):
            if sealed.exists():
                reseal(sealed, folder.key())
        if folder.audio_sealed.exists():
            seconds = sealed_seconds(folder.audio_sealed, folder.key())
    except WrongKeyError as exc:
        raise key_error(folder.path, exc) from exc
    except VaultError as exc:
        if isinstance(exc, CallKeyError):
            raise
        problems.append(str(exc))
    if folder.audio.exists():
        try:
            seconds = repair_audio(folder.audio)
        except AppError as exc:
            problems.append(str(exc))
    has_events = folder.events_file.exists()
    events = folder.read_events().events if has_events else ()
    summary = summarize(events, meta=meta, status="interrupted", audio_seconds=seconds)
    summary = replace(summary, problems=tuple(problems))
    body = summary.to_json()
    folder.write_summary(scrub_summary(body) if encrypted else body)
    with contextlib.suppress(OSError):
        folder.lock_path.unlink()
    log.info("%s: recovered an interrupted call (%.1f s)", folder.path, summary.duration)
    return summary
