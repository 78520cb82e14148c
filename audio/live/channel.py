"""One side of a live call: device audio in, 16 kHz samples on the call clock out.

A `LiveChannel` turns the chunks its device delivers into the engine's format:
pick or mix the device's channels, resample to 16 kHz (a streaming soxr resampler,
so block boundaries leave no clicks), and hand samples and capture times to its
`ChannelAligner`. It also keeps the channel's meter and overrun counts. It holds no
threads and no device: the source decides when it is connected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import soxr

from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.events import Channel, LevelUpdate
from belcoach.audio.live.capture import ARRIVAL, FRAMES, POS, CaptureChunk
from belcoach.audio.live.clock import ChannelAligner

MAX_ZERO_FILL = 10 * SAMPLE_RATE
"""An overrun longer than this restarts the alignment instead of inserting silence."""


@dataclass(slots=True)
class Meter:
    """Accumulates one channel's level between `LevelUpdate` s."""

    sum_squares: float = 0.0
    samples: int = 0
    peak: float = 0.0

    def add(self, x: np.ndarray) -> None:
        """Add a block: np.ndarray [shape=(n,), float32]."""
        if len(x):
            self.sum_squares += float(np.dot(x, x))
            self.samples += len(x)
            self.peak = max(self.peak, float(np.max(np.abs(x))))

    def take(self, t: float, channel: Channel, dropped: int) -> LevelUpdate:
        """The level since the last take, as an event; resets the meter."""
        rms = math.sqrt(self.sum_squares / self.samples) if self.samples else 0.0
        db = 20 * math.log10(rms) if rms > 1e-6 else -120.0
        event = LevelUpdate(
            t, channel, rms_db=round(db, 1), peak=min(1.0, self.peak), dropped=dropped
        )
        self.sum_squares, self.samples, self.peak = 0.0, 0, 0.0
        return event


@dataclass(slots=True)
class LiveChannel:
    """The agent's or the customer's side of a live call.

    Attributes:
        role: which side.
        column: the device channel to take (0-based), or None to mix all of them.
        aligner: puts samples on the call clock.
        meter: level since the last `LevelUpdate`.
        dropped: audio blocks lost to overruns since the call started.
        dropped_reported: part of ``dropped`` already announced in a status event.
        lost_seconds: audio lost to overruns, in seconds.
    """

    role: Channel
    column: int | None
    aligner: ChannelAligner
    meter: Meter = field(default_factory=Meter)
    dropped: int = 0
    dropped_reported: int = 0
    lost_seconds: float = 0.0
    _rate: float = 0.0
    _resampler: soxr.ResampleStream | None = None
    _callback_frames: int = 1
    _fresh: bool = True

    def connect(self, rate: float, callback_frames: int) -> None:
        """Read a (re)opened stream at ``rate``; alignment starts at its next chunk."""
        self._rate = rate
        self._callback_frames = max(1, callback_frames)
        self._fresh = True
        self.aligner.restart()

    def _start_at(self, position: int) -> None:
        """Start (again) at device frame ``position``: new resampler, new alignment."""
        self._fresh = False
        self._resampler = None
        if self._rate != SAMPLE_RATE:
            self._resampler = soxr.ResampleStream(
                self._rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ"
            )
        self.aligner.restart(position * SAMPLE_RATE / self._rate)

    def feed(self, chunk: CaptureChunk) -> None:
        """Take one drained chunk of the device this channel records."""
        if chunk.overflows or chunk.lost:
            self.dropped += chunk.overflows + math.ceil(chunk.lost / self._callback_frames)
            self.lost_seconds += chunk.lost / self._rate
        if self._fresh or chunk.lost > MAX_ZERO_FILL * self._rate / SAMPLE_RATE:
            # A stream this channel has not read before (or lost track of): its
            # samples count from ``chunk.start``, not from zero.
            self._start_at(chunk.start)
        elif chunk.lost:
            # Silence in place of the overwritten frames keeps sample positions and
            # capture times in step.
            self._push(np.zeros(chunk.lost, dtype=np.float32))
        if len(chunk.frames):
            frames = chunk.frames
            mono = frames[:, self.column] if self.column is not None else frames.mean(axis=1)
            self._push(np.ascontiguousarray(mono, dtype=np.float32))
        scale = SAMPLE_RATE / self._rate
        for row in chunk.stamps:
            self.aligner.observe((row[POS] + row[FRAMES]) * scale, row[ARRIVAL])

    def _push(self, mono: np.ndarray) -> None:
        if self._resampler is not None:
            mono = self._resampler.resample_chunk(mono)
        self.aligner.push(mono)

    def read(self, t: float, n: int) -> np.ndarray:
        """This side's ``n`` samples from call time ``t``; also feeds the meter."""
        out = self.aligner.read(t, n)
        np.clip(out, -1.0, 1.0, out=out)
        self.meter.add(out)
        return out
