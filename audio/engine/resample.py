"""Pull exact-length 16 kHz blocks out of an open audio file of any sample rate.

A recorded call can be hours long, so nothing here ever holds more than a block or
two of audio: the file is decoded one chunk at a time and every chunk goes through
one ``soxr.ResampleStream`` per file. A streaming resampler keeps its filter state
between chunks, so the output is one continuous signal; resampling each chunk on
its own would put a click at every block boundary.

Decode errors are not raised from here. The reader records where the good audio
ends (`Damage`) and keeps handing out what it already decoded, so the source can
deliver every good sample before it reports the damage.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import soundfile as sf
import soxr

from belcoach.audio.engine.blocks import SAMPLE_RATE

RESAMPLE_QUALITY = "HQ"
"""soxr's 'high quality' keeps speech bands flat to well under 0.1 dB; VHQ only costs CPU."""

SHORTFALL_TOLERANCE_S = 0.5
"""How far a file may end before the length its header states and still count as whole.

FLAC, OGG and tagged MP3 state exact lengths; an MP3 without a Xing/LAME tag has
only an estimate from its bit rate, which can be off by a few frames. Half a
second tolerates that estimate and still catches a recording cut off mid-call.
"""

READ_CHUNK_S = 0.25
"""Input decoded per read. soundfile does three seeks per read, which costs more than
the decoding at 0.1 s blocks; a quarter second amortises that. A failed read loses its
whole chunk, so this is also the most audio that can vanish just before damage.
"""

READ_ERRORS: tuple[type[Exception], ...] = (RuntimeError, OSError, ValueError, EOFError)
"""What soundfile (``LibsndfileError`` is a ``RuntimeError``) and soxr raise on bad data."""


def one_line(reason: object) -> str:
    """Squash a library message onto one line without its trailing full stop.

    libsndfile and mpg123 messages may span lines; the CLI prints errors on one.
    """
    return " ".join(str(reason).split()).rstrip(".") or "unknown error"


def libsndfile_reason(exc: BaseException) -> str:
    """The short libsndfile reason, without soundfile's "Error opening '…'" prefix.

    The prefix repeats the full path, which our messages already name.
    """
    detail = getattr(exc, "error_string", None)
    # libsndfile's decoder messages start with a bare "Error : " that says nothing.
    return re.sub(r"^error\s*:\s*", "", one_line(detail if detail else exc), flags=re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Damage:
    """Where a file stops being readable.

    Attributes:
        at: seconds into the file where the good audio ends.
        reason: one-line reason from the decoder, or the length shortfall.
    """

    at: float
    reason: str


class ResampledReader:
    """Decode one open file chunk by chunk and hand out 16 kHz float32 frames.

    The caller owns the ``SoundFile`` (and closes it); this object only reads it
    forward once. ``pull(n)`` returns exactly ``n`` frames until the file is used up,
    then the rest, then empty arrays.

    Args:
        file: an open ``soundfile.SoundFile`` positioned at its start.
        columns: which file channels to output, in output order; ``(1, 0)`` swaps a
            stereo file's sides.
        expected_frames: the length the header states, in file frames; reading
            markedly fewer is reported as `Damage`.
    """

    def __init__(self, file: sf.SoundFile, *, columns: Sequence[int], expected_frames: int) -> None:
        self._file = file
        self._rate = int(file.samplerate)
        self._columns = list(columns)
        self._identity = self._columns == list(range(file.channels))
        self._expected = expected_frames
        self._frames_read = 0
        self._eof = False
        self._damage: Damage | None = None
        self._pending = np.zeros((0, len(self._columns)), dtype=np.float32)
        # At 16 kHz in, soxr would only add latency and rounding; pass through.
        self._stream: soxr.ResampleStream | None = None
        if self._rate != SAMPLE_RATE:
            self._stream = soxr.ResampleStream(
                self._rate,
                SAMPLE_RATE,
                len(self._columns),
                dtype="float32",
                quality=RESAMPLE_QUALITY,
            )

    @property
    def damage(self) -> Damage | None:
        """Where reading failed or the file ended early, once that point is reached."""
        return self._damage

    def pull(self, n: int) -> np.ndarray:
        """Return the next ``n`` output frames, fewer only when the file is used up.

        Args:
            n: frames wanted, at 16 kHz.

        Returns:
            np.ndarray [shape=(k, len(columns)), float32, 16 kHz], ``k <= n``; a view
            the caller must copy before the next ``pull``.
        """
        while len(self._pending) < n and not self._eof:
            self._decode_chunk(n)
        out = self._pending[:n]
        self._pending = self._pending[n:]
        return out

    def _decode_chunk(self, n_out: int) -> None:
        """Decode about ``n_out`` output frames' worth of input and queue the result."""
        want = max(math.ceil(n_out * self._rate / SAMPLE_RATE), round(READ_CHUNK_S * self._rate))
        try:
            data = self._file.read(want, dtype="float32", always_2d=True)
        except READ_ERRORS as exc:
            # libsndfile drops the whole failed read; chunks are one block, so at
            # most a block of audio before the damage is lost with it.
            self._finish(Damage(self._frames_read / self._rate, libsndfile_reason(exc)))
            return
        self._frames_read += len(data)
        if not np.isfinite(data).all():
            # Float files can hold NaN or inf; one NaN would smear across soxr's
            # filter and silence-poison a whole stretch of output.
            np.nan_to_num(data, copy=False, nan=0.0, posinf=1.0, neginf=-1.0)
        if len(data):
            self._queue(data if self._identity else data[:, self._columns], last=False)
        if len(data) < want:
            self._finish(self._shortfall())

    def _shortfall(self) -> Damage | None:
        """`Damage` if the file ended well before the length its header states."""
        missing = self._expected - self._frames_read
        if missing <= SHORTFALL_TOLERANCE_S * self._rate:
            return None
        at = self._frames_read / self._rate
        return Damage(
            at, f"the file ends before the {self._expected / self._rate:.1f} s its header states"
        )

    def _finish(self, damage: Damage | None) -> None:
        """Mark the input used up and flush the resampler's last frames."""
        if self._eof:  # a resampling failure already ended this reader
            return
        self._eof = True
        self._damage = damage
        self._queue(np.zeros((0, len(self._columns)), dtype=np.float32), last=True)

    def _queue(self, data: np.ndarray, *, last: bool) -> None:
        """Resample ``data`` (file rate) and append it to the pending output."""
        if self._stream is None:
            out = np.ascontiguousarray(data)
        else:
            try:
                out = self._stream.resample_chunk(np.ascontiguousarray(data), last=last)
            except READ_ERRORS as exc:
                self._eof = True
                self._damage = Damage(
                    self._frames_read / self._rate, f"resampling failed ({one_line(exc)})"
                )
                return
        if len(out):
            self._pending = np.concatenate([self._pending, out]) if len(self._pending) else out
