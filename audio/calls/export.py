"""Exporting one call as a plain call folder, for a coach who must hand a call over.

The copy is decrypted on purpose (``audio.flac``, ``events.jsonl``,
``summary.json``, ``notes.json``, ``call.json``): whoever receives it needs no
recording key, and ``belcoach report``/``replay`` open it like any call. What
was redacted stays redacted. The copy is outside the library, so retention
and ``belcoach forget`` no longer reach it: the command says so.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import soundfile as sf

from belcoach.audio.calls.access import record_opening
from belcoach.audio.calls.folder import SAMPLE_RATE, CallFolder
from belcoach.audio.calls.loaded import load_call
from belcoach.audio.jsonl import event_line
from belcoach.core.atomic import write_atomic
from belcoach.core.errors import AppError
from belcoach.core.private_files import create_private, private_dir
from belcoach.core.recording_key import RecordingKey

log = logging.getLogger(__name__)


def export_call(
    path: Path, out: Path, *, key: RecordingKey | None = None, shared: Path | None = None
) -> list[Path]:
    """Write a decrypted copy of the call folder ``path`` into the new folder ``out``.

    Returns:
        The files written.

    The opening is written to the library's access log first (`record_opening`;
    ``shared``: IT's shared library, which may belong to another OS account).

    Raises:
        AppError: not a call folder, ``out`` exists, or the call cannot be decrypted;
            AccessLogError: the access log cannot be trusted or written.
    """
    folder = CallFolder(path, key=key)
    if not path.is_dir() or not folder.is_call():
        raise AppError(f"{path}: not a call folder")
    record_opening(path, "export", shared=shared)  # logged before anything is read or copied
    call = load_call(path, key=key)  # reads and decrypts before anything is written
    audio = folder.read_audio() if folder.audio_file is not None else None
    if out.exists():
        raise AppError(f"{out}: already exists; give a new folder")
    try:
        private_dir(out)  # 0700: the copy is as private as the library it came from
    except OSError as exc:
        raise AppError(f"{out}: cannot create ({exc.strerror or exc})") from exc
    target = CallFolder(out)
    meta = replace(folder.read_meta(), encrypted=False)
    target.write_meta(meta)
    written = [out / "call.json"]
    if audio is not None:
        sf.write(create_private(target.audio), audio, SAMPLE_RATE, format="FLAC", subtype="PCM_16")
        written.append(target.audio)
    lines = "".join(event_line(e) + "\n" for e in call.events)
    write_atomic(target.events, lines)
    written.append(target.events)
    target.write_summary(replace(call.summary, meta=meta).to_json())
    written.append(target.summary_path)
    if call.notes:
        target.write_notes(list(call.notes))
        written.append(target.notes_path)
    log.info("%s: exported a plain copy to %s", path, out)
    return written
