"""How a call is kept private on disk: redaction of personal numbers and encryption at rest.

`RecordingPrivacy` is what the app (or a command) passes to
`CallLibrary.open`/`CallLibrary.start_call`; the IT policy can force both
switches (``privacy.redact``, ``recording.encrypt``), so build it with
`RecordingPrivacy.from_settings`.

An encrypted call folder keeps the call's content only in files sealed with
`belcoach.core.vault` (``audio.pcm.enc``, ``events.jsonl.enc``,
``notes.json.enc``). What stays readable without the key is what the library
needs to list a call and apply retention when the key is not at hand (a
locked keyring at start-up, another PC): ``call.json`` (who, when, which
device or file) and ``summary.json`` with the headline figures only; its
phrase quotes, which are the customer's or agent's words, are blanked
(`scrub_summary`) because the report recomputes them from the sealed journal.

FLAC cannot be appended to an authenticated stream and read back after a
kill, so the audio of an encrypted call is raw PCM (int16, stereo
interleaved, 16 kHz) through a `VaultWriter`, sealed about once a second:
a ``kill -9`` loses at most the last second.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from belcoach.core.errors import VaultError, WrongKeyError
from belcoach.core.recording_key import RecordingKey, recording_key
from belcoach.core.vault import VaultReader, VaultWriter

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
FRAME_BYTES = 4
"""One stereo int16 frame."""

KeySource = Callable[[], RecordingKey]


@dataclass(frozen=True, slots=True)
class RecordingPrivacy:
    """What the recorder does to keep a call private.

    Attributes:
        redact: replace personal numbers (BSN, IBAN, phone, e-mail, postcode +
            house number...) in everything stored: the journal, the summary,
            hence the report and the replay transcript. The live overlay is
            not affected.
        encrypt: seal the call's audio, journal and notes with the recording
            key (see the module docstring for what stays readable).
        key: the key to use; None takes this user's recording key (OS
            keyring, else the 0600 key file) when it is first needed.
    """

    redact: bool = False
    encrypt: bool = False
    key: RecordingKey | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, values: Any) -> RecordingPrivacy:
        """From resolved settings: ``privacy.redact`` and ``recording.encrypt``."""
        return cls(redact=bool(values.privacy.redact), encrypt=bool(values.recording.encrypt))

    def recording_key(self) -> RecordingKey:
        """The key to seal with (this user's recording key unless one was given).

        Raises:
            VaultError: no key can be had; the call must then not be recorded.
        """
        return self.key if self.key is not None else recording_key()


class CallKeyError(VaultError):
    """An encrypted call cannot be opened with the key at hand (the message names the folder)."""


def key_error(folder: Path, exc: VaultError) -> CallKeyError:
    """A one-line error naming the call folder for a failed decryption."""
    if isinstance(exc, WrongKeyError):
        return CallKeyError(
            f"{folder}: this call is encrypted with another recording key than this "
            "user's; it opens only where it was recorded (or with that PC's key)"
        )
    return CallKeyError(f"{folder}: encrypted call cannot be read: {exc}")


# --------------------------------------------------------------------------- audio


class SealedAudioWriter:
    """Appends stereo int16 frames to an encrypted PCM file, sealing about once a second.

    Args:
        path: the new ``audio.pcm.enc``.
        key: the recording key.
        seal_seconds: audio seconds between seals (what a kill can lose).
    """

    def __init__(self, path: Path, key: RecordingKey, *, seal_seconds: float = 1.0) -> None:
        chunk = max(1, round(seal_seconds * SAMPLE_RATE)) * FRAME_BYTES
        self._writer = VaultWriter(path, key, chunk_size=chunk)
        self._every = max(1, round(seal_seconds * SAMPLE_RATE))
        self._pending = 0

    def write(self, frames: np.ndarray) -> None:
        """Append frames (np.ndarray [shape=(n, 2)], float32 -1..1 or int16)."""
        if frames.dtype != np.int16:
            frames = np.clip(np.round(frames * 32768.0), -32768, 32767).astype(np.int16)
        self._writer.write(np.ascontiguousarray(frames, dtype="<i2").tobytes())
        self._pending += len(frames)
        if self._pending >= self._every:  # full chunks seal themselves; this seals the rest
            self._writer.flush()
            self._pending = 0

    def flush(self) -> None:
        """Seal what is buffered (the recorder's periodic sync)."""
        self._writer.flush()
        self._pending = 0

    def fileno(self) -> int:
        """The file descriptor, for fsync."""
        return self._writer.fileno()

    def close(self) -> None:
        """Seal the rest and mark the file complete."""
        self._writer.close()


def read_sealed_audio(path: Path, key: RecordingKey) -> np.ndarray:
    """Decrypt a call's PCM: int16 [shape=(n, 2)], up to the last sealed second after a kill.

    Raises:
        VaultError / WrongKeyError: not readable with ``key``.
    """
    data = VaultReader(path, key).read_all()
    usable = len(data) - len(data) % FRAME_BYTES
    return np.frombuffer(data[:usable], dtype="<i2").astype(np.int16).reshape(-1, 2)


def sealed_seconds(path: Path, key: RecordingKey) -> float:
    """Length of a sealed PCM file in seconds (streams; memory stays bounded)."""
    total = sum(len(chunk) for chunk in VaultReader(path, key))
    return total // FRAME_BYTES / SAMPLE_RATE


# --------------------------------------------------------------------------- whole files


def reseal(path: Path, key: RecordingKey) -> bool:
    """Rewrite an encrypted file cut off by a crash as a complete one; True if it was cut off.

    Streams chunk by chunk into a new sealed file beside it (never plaintext
    on disk), then replaces the old one atomically: a crash during the
    repair leaves the old file or the new one.
    """
    reader = VaultReader(path, key)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.reseal")
    try:
        with VaultWriter(tmp, key, chunk_size=1 << 20) as out:
            for chunk in reader:
                out.write(chunk)
        if reader.complete:
            tmp.unlink()
            return False
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    log.info("%s: resealed a cut-off encrypted file", path)
    return True


def write_sealed_atomic(path: Path, data: bytes, key: RecordingKey) -> None:
    """Encrypt ``data`` into ``path`` through a sealed temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with VaultWriter(tmp, key, sync=True) as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def read_sealed(path: Path, key: RecordingKey) -> bytes:
    """Decrypt a whole (small) sealed file."""
    return VaultReader(path, key).read_all()


def scrub_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary without the words said (the phrase quotes), for an encrypted call."""
    phrases = [{**p, "said": ""} for p in summary.get("phrases", ())]
    return {**summary, "phrases": phrases}
