"""One call's folder: what files it holds and how each is read and written.

::

    <library>/<call id>/
        call.json       who/when/what, written atomically when the call starts
        audio.flac      both channels (left = agent, right = customer), 16 kHz,
                        written block by block as the call goes
        events.jsonl    every event, one flushed line each, as they happen
        summary.json    headline figures, written atomically when the call ends
        notes.json      the coach's notes, written atomically on every change
        .recording.lock held (flock) while a process records into the folder

A folder with ``call.json`` but no ``summary.json`` whose lock nobody holds
was cut off (crash, kill, power loss): `repair_audio` makes its audio a
proper file again and the library summarises what the journal holds.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from belcoach.core.atomic import write_atomic
from belcoach.core.errors import AppError, AudioFileError

log = logging.getLogger(__name__)

CALL_FILE = "call.json"
AUDIO_FILE = "audio.flac"
EVENTS_FILE = "events.jsonl"
SUMMARY_FILE = "summary.json"
NOTES_FILE = "notes.json"
LOCK_FILE = ".recording.lock"
SAMPLE_RATE = 16_000
SCHEMA = 1


def new_call_id(now: datetime | None = None) -> str:
    """Return a sortable, unique folder name such as ``20261123-094012-3fa2c1``."""
    now = now or datetime.now(UTC)
    return f"{now.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class CallMeta:
    """What is known about a call when it starts (``call.json``).

    Attributes:
        id: the folder name.
        started_at: ISO 8601 UTC time the call started.
        origin: ``live`` (recorded by the app) or ``import`` (a file analysed later).
        agent: the agent's name or login.
        language: the call's language code.
        source: the device names or file name(s).
        model: the Whisper model that transcribed it.
    """

    id: str
    started_at: str
    origin: str = "live"
    agent: str = ""
    language: str = ""
    source: str = ""
    model: str = ""

    @property
    def started(self) -> datetime:
        """``started_at`` as an aware datetime."""
        return datetime.fromisoformat(self.started_at)


@dataclass(frozen=True, slots=True)
class Note:
    """A coach's note attached to a moment of the call.

    Attributes:
        t: audio-clock time the note is about, in seconds.
        text: the note.
        author: who wrote it.
        created_at: ISO 8601 UTC time it was written.
    """

    t: float
    text: str
    author: str = ""
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class CallFolder:
    """Paths and readers for one call folder (it need not be complete)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def id(self) -> str:
        """The folder's name, which is the call id."""
        return self.path.name

    @property
    def audio(self) -> Path:
        """The two-channel FLAC."""
        return self.path / AUDIO_FILE

    @property
    def events(self) -> Path:
        """The event journal."""
        return self.path / EVENTS_FILE

    @property
    def summary_path(self) -> Path:
        """Where the end-of-call summary lives."""
        return self.path / SUMMARY_FILE

    @property
    def notes_path(self) -> Path:
        """Where the coach's notes live."""
        return self.path / NOTES_FILE

    @property
    def lock_path(self) -> Path:
        """The lock a recorder holds while writing."""
        return self.path / LOCK_FILE

    def is_call(self) -> bool:
        """True when the folder holds a call (its ``call.json`` exists)."""
        return (self.path / CALL_FILE).is_file()

    def read_meta(self) -> CallMeta:
        """Read ``call.json``.

        Raises:
            AppError: missing or unreadable, naming the file.
        """
        data = _read_json(self.path / CALL_FILE)
        known = {k: data[k] for k in CallMeta.__dataclass_fields__ if k in data}
        known.setdefault("id", self.id)
        known.setdefault("started_at", datetime.now(UTC).isoformat(timespec="seconds"))
        return CallMeta(**{k: str(v) for k, v in known.items()})

    def write_meta(self, meta: CallMeta) -> None:
        """Write ``call.json`` atomically."""
        write_atomic(self.path / CALL_FILE, _dumps({"schema": SCHEMA, **asdict(meta)}))

    def read_summary(self) -> dict[str, Any] | None:
        """The summary as stored, or None while the call runs or after a crash."""
        if not self.summary_path.is_file():
            return None
        return _read_json(self.summary_path)

    def write_summary(self, summary: dict[str, Any]) -> None:
        """Write ``summary.json`` atomically."""
        write_atomic(self.summary_path, _dumps({"schema": SCHEMA, **summary}))

    def read_notes(self) -> list[Note]:
        """The coach's notes in time order (empty when there are none)."""
        if not self.notes_path.is_file():
            return []
        data = _read_json(self.notes_path)
        notes = []
        for item in data.get("notes", []):
            try:
                notes.append(
                    Note(
                        float(item["t"]),
                        str(item["text"]),
                        str(item.get("author", "")),
                        str(item.get("created_at", "")),
                    )
                )
            except (KeyError, TypeError, ValueError):
                log.warning("%s: skipped a malformed note %r", self.notes_path, item)
        return sorted(notes, key=lambda n: n.t)

    def write_notes(self, notes: list[Note]) -> None:
        """Replace the notes atomically (a crash leaves the old list or the new one)."""
        ordered = sorted(notes, key=lambda n: n.t)
        write_atomic(
            self.notes_path, _dumps({"schema": SCHEMA, "notes": [asdict(n) for n in ordered]})
        )


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise AppError(f"{path}: no such file") from exc
    except OSError as exc:
        raise AppError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise AppError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise AppError(f"{path}: expected a JSON object")
    return data


def read_audio(path: Path) -> np.ndarray:
    """Read a call's audio as int16 [shape=(n, 2), 16 kHz], left = agent.

    Works on a FLAC cut off mid-write (no length in its header, a torn last
    frame): everything up to the last complete frame is returned.

    Raises:
        AudioFileError: missing, or not decodable at all.
    """
    if not path.is_file():
        raise AudioFileError(f"{path}: no such file")
    try:
        with sf.SoundFile(path) as handle:
            sane = 0 <= handle.frames < 2**40 and handle.channels == 2
            if sane and handle.samplerate == SAMPLE_RATE:
                return np.asarray(handle.read(dtype="int16", always_2d=True))
    except (sf.LibsndfileError, RuntimeError, ValueError):
        pass  # cut-off FLAC: libsndfile cannot size it; decode it with PyAV below
    return _decode_tolerant(path)


def _decode_tolerant(path: Path) -> np.ndarray:
    """Decode frame by frame with PyAV (faster-whisper's decoder) until the data ends."""
    import av  # a faster-whisper dependency

    chunks: list[np.ndarray] = []
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            if stream.rate != SAMPLE_RATE or stream.channels != 2:
                raise AudioFileError(
                    f"{path}: expected 2 channels at {SAMPLE_RATE} Hz, "
                    f"found {stream.channels} at {stream.rate} Hz"
                )
            try:
                for frame in container.decode(stream):
                    chunks.append(_interleaved_int16(frame.to_ndarray(), stream.channels))
            except av.error.FFmpegError as exc:
                log.info("%s: audio ends in a torn frame (%s); kept what precedes it", path, exc)
    except av.error.FFmpegError as exc:
        raise AudioFileError(f"{path}: not a readable audio file ({exc})") from exc
    if not chunks:
        return np.zeros((0, 2), np.int16)
    return np.concatenate(chunks)


def _interleaved_int16(data: np.ndarray, channels: int) -> np.ndarray:
    """PyAV gives packed s16 as (1, n*ch) or planar as (ch, n); return (n, ch) int16."""
    if data.dtype != np.int16:
        data = np.clip(data * 32768.0, -32768, 32767).astype(np.int16)
    if data.shape[0] == 1 and channels > 1:
        return data.reshape(-1, channels)
    return np.ascontiguousarray(data.T)


def repair_audio(path: Path) -> float:
    """Rewrite a cut-off recording as a complete FLAC; return its length in seconds.

    The repaired file replaces the old one atomically, so a second crash
    during repair still leaves a playable file. A file that is already fine
    is left alone.
    """
    try:
        with sf.SoundFile(path) as handle:
            if 0 <= handle.frames < 2**40:
                return float(handle.frames) / float(handle.samplerate)
    except (sf.LibsndfileError, RuntimeError):
        pass
    audio = _decode_tolerant(path)
    tmp = path.with_name(f".{path.name}.repair.flac")
    sf.write(tmp, audio, SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    log.info("%s: repaired a cut-off recording (%.1f s kept)", path, len(audio) / SAMPLE_RATE)
    return len(audio) / SAMPLE_RATE
