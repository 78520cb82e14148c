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

An encrypted call (``recording.encrypt``) has ``audio.pcm.enc``,
``events.jsonl.enc`` and ``notes.json.enc`` instead of the audio, journal and
notes above, and its ``summary.json`` holds figures only (see
`belcoach.audio.calls.privacy`). `CallFolder` reads either kind the same way.

A folder with ``call.json`` but no ``summary.json`` whose lock nobody holds
was cut off (crash, kill, power loss): `repair_audio` makes its audio a
proper file again and the library summarises what the journal holds.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from belcoach.audio.calls.eventlog import EventLog, read_events, read_sealed_events
from belcoach.audio.calls.privacy import (
    key_error,
    read_sealed,
    read_sealed_audio,
    write_sealed_atomic,
)
from belcoach.core.atomic import write_atomic
from belcoach.core.errors import AppError, AudioFileError, VaultError
from belcoach.core.private_files import create_private
from belcoach.core.recording_key import RecordingKey, recording_key

log = logging.getLogger(__name__)

CALL_FILE = "call.json"
AUDIO_FILE = "audio.flac"
EVENTS_FILE = "events.jsonl"
SUMMARY_FILE = "summary.json"
NOTES_FILE = "notes.json"
AUDIO_SEALED = "audio.pcm.enc"
EVENTS_SEALED = "events.jsonl.enc"
NOTES_SEALED = "notes.json.enc"
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
        redacted: personal numbers were redacted from everything stored.
        encrypted: audio, journal and notes are encrypted at rest.
    """

    id: str
    started_at: str
    origin: str = "live"
    agent: str = ""
    language: str = ""
    source: str = ""
    model: str = ""
    redacted: bool = False
    encrypted: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallMeta:
        """Rebuild from ``call.json`` or a summary's ``meta`` (unknown keys are ignored)."""
        known: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            if name in data:
                value = data[name]
                known[name] = value is True if name in _FLAGS else str(value)
        known.setdefault("id", "")
        known.setdefault("started_at", datetime.now(UTC).isoformat(timespec="seconds"))
        return cls(**known)

    @property
    def started(self) -> datetime:
        """``started_at`` as an aware datetime."""
        return datetime.fromisoformat(self.started_at)


_FLAGS = frozenset({"redacted", "encrypted"})


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
    """Paths and readers for one call folder (it need not be complete).

    Args:
        path: the folder.
        key: the recording key for an encrypted call; None takes this user's
            key (OS keyring or key file) the first time one is needed.
    """

    def __init__(self, path: Path, *, key: RecordingKey | None = None) -> None:
        self.path = Path(path)
        self._key = key

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

    @property
    def audio_sealed(self) -> Path:
        """The encrypted PCM of an encrypted call."""
        return self.path / AUDIO_SEALED

    @property
    def events_sealed(self) -> Path:
        """The encrypted journal of an encrypted call."""
        return self.path / EVENTS_SEALED

    @property
    def encrypted(self) -> bool:
        """True when the call's content is encrypted at rest."""
        return self.events_sealed.exists() or self.audio_sealed.exists()

    @property
    def events_file(self) -> Path:
        """The journal as stored: encrypted or plain."""
        return self.events_sealed if self.events_sealed.exists() else self.events

    @property
    def audio_file(self) -> Path | None:
        """The audio as stored (encrypted PCM or FLAC), or None when there is none."""
        for path in (self.audio_sealed, self.audio):
            if path.is_file():
                return path
        return None

    def key(self) -> RecordingKey:
        """The recording key for this folder's encrypted files.

        Raises:
            CallKeyError: no key can be had.
        """
        if self._key is None:
            try:
                self._key = recording_key()
            except VaultError as exc:
                raise key_error(self.path, exc) from exc
        return self._key

    def read_events(self) -> EventLog:
        """The journal's events, decrypting when the call is encrypted.

        Raises:
            AppError: unreadable; CallKeyError: encrypted with another key.
        """
        if not self.events_sealed.exists():
            return read_events(self.events)
        try:
            return read_sealed_events(self.events_sealed, self.key())
        except VaultError as exc:
            raise key_error(self.path, exc) from exc

    def read_audio(self) -> np.ndarray:
        """The call's audio as int16 [shape=(n, 2), 16 kHz], decrypting when encrypted.

        Raises:
            AudioFileError: no audio; CallKeyError: encrypted with another key.
        """
        if self.audio_sealed.is_file():
            try:
                return read_sealed_audio(self.audio_sealed, self.key())
            except VaultError as exc:
                raise key_error(self.path, exc) from exc
        return read_audio(self.audio)

    def is_call(self) -> bool:
        """True when the folder holds a call (its ``call.json`` exists)."""
        return (self.path / CALL_FILE).is_file()

    def read_meta(self) -> CallMeta:
        """Read ``call.json``.

        Raises:
            AppError: missing or unreadable, naming the file.
        """
        data = _read_json(self.path / CALL_FILE)
        return CallMeta.from_dict({"id": self.id, **data})

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
        sealed = self.path / NOTES_SEALED
        if sealed.is_file():
            try:
                data = _parse_json(read_sealed(sealed, self.key()).decode("utf-8"), sealed)
            except VaultError as exc:
                raise key_error(self.path, exc) from exc
        elif self.notes_path.is_file():
            data = _read_json(self.notes_path)
        else:
            return []
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
        """Replace the notes atomically (a crash leaves the old list or the new one).

        A call recorded with redaction keeps its notes redacted too, and an
        encrypted call's notes are encrypted (never written in plain text).
        """
        ordered = sorted(notes, key=lambda n: n.t)
        meta = self.read_meta() if self.is_call() else None
        if meta is not None and meta.redacted:
            from belcoach.audio.privacy.redact import redact_text

            ordered = [replace(n, text=redact_text(n.text)) for n in ordered]
        body = _dumps({"schema": SCHEMA, "notes": [asdict(n) for n in ordered]})
        if self.encrypted or (meta is not None and meta.encrypted):
            try:
                write_sealed_atomic(self.path / NOTES_SEALED, body.encode("utf-8"), self.key())
            except VaultError as exc:
                raise key_error(self.path, exc) from exc
            return
        write_atomic(self.notes_path, body)


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise AppError(f"{path}: no such file") from exc
    except OSError as exc:
        raise AppError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise AppError(f"{path}: not valid JSON ({exc})") from exc
    return _parse_json(text, path)


def _parse_json(text: str, path: Path) -> dict[str, Any]:
    try:
        data = json.loads(text)
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
    tmp = create_private(path.with_name(f".{path.name}.repair.flac"))
    sf.write(tmp, audio, SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    log.info("%s: repaired a cut-off recording (%.1f s kept)", path, len(audio) / SAMPLE_RATE)
    return len(audio) / SAMPLE_RATE
