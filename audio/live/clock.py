"""Put one device's samples on the call's audio clock, whatever that device's clock does.

Two capture devices run on two crystals: a USB headset and the laptop's speaker
monitor drift apart by tens of parts per million (a few hundred ms over a long call),
a device can stop and restart, and a WASAPI loopback delivers nothing at all while
nothing plays. So no device's sample count is the call's clock. The call's clock is
the monotonic wall clock since the call started, at 16 kHz; each channel is mapped
onto it by its own `DeviceClock`, and read out by a `ChannelAligner` that resamples
the channel by a hair (at most `MAX_SLEW`) to follow the mapping.

`DeviceClock` learns when each sample was captured from the times PortAudio reports
per callback (``inputBufferAdcTime``, moved to the monotonic clock). Those times are
noisy: the ALSA ``pulse`` plugin's were measured here jumping by up to ~0.2 s from one
callback to the next. The model therefore keeps one median per second (robust to the
jumps) and fits a straight line through the last minutes of medians: the line's level
is the channel's latency-corrected offset, its slope the device's drift against the
wall clock. This is the idea of JACK's and PipeWire's delay-locked loop (filter the
timestamps, trust the sample count between them), with a median in front because
these timestamps have outliers rather than Gaussian noise.

Everything here is pure (no threads, no clock reads, no I/O), so the tests drive it
with synthetic timestamps: drift, jitter and gaps.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from belcoach.audio.blocks import SAMPLE_RATE

BIN_SECONDS = 1.0
"""Timestamps are reduced to one median per this many seconds of arrival time."""

FIT_BINS = 300
"""The line is fitted through at most this many bins (5 minutes)."""

SLOPE_AFTER_BINS = 30
"""Before this many bins the drift is assumed zero: 30 s at 100 ppm is only 3 ms, and a
slope fitted over a few noisy seconds would be worse than none."""

MAX_DRIFT = 1e-3
"""Drift beyond 1000 ppm is not a crystal but a broken timestamp; it is clamped."""

MAX_SLEW = 0.005
"""The aligner may play a channel at most 0.5 % fast or slow to converge: 5 ms of
correction per second, far below what changes speech for VAD or Whisper."""

SLEW_SECONDS = 2.0
"""An offset error is corrected over about this long (within `MAX_SLEW`)."""

JUMP_SECONDS = 0.25
"""An error larger than this is not drift but a discontinuity (a device restart, a
loopback that was silent): the aligner jumps instead of slewing."""

BREAK_SECONDS = 0.5
"""A timestamp this far off the model is an outlier; `BREAK_COUNT` in a row mean the
stream itself jumped (a WASAPI loopback resuming after silence delivers its next
sample seconds later than the count predicts), and the model starts over."""

BREAK_COUNT = 3


class DeviceClock:
    """Maps sample positions of one device stream to monotonic capture times.

    Positions are counted at 16 kHz (after resampling) from the start of the stream,
    so one model serves any device rate. The model: sample ``i`` was captured at
    ``epoch(t) + i / 16000``, where ``epoch`` changes slowly (the drift).
    """

    def __init__(self) -> None:
        self._bins: deque[tuple[float, float]] = deque(maxlen=FIT_BINS)
        self._bin_start: float | None = None
        self._bin_values: list[float] = []
        self._fit: tuple[float, float, float] | None = None  # (t_ref, epoch at t_ref, slope)
        self._first: float | None = None
        self._outliers: list[float] = []
        self.observations = 0
        self.breaks = 0

    def observe(self, position: float, captured: float) -> None:
        """Record that sample ``position`` (16 kHz units) was captured at ``captured``.

        Args:
            position: sample index in the stream, at 16 kHz.
            captured: monotonic time of that sample's capture, in seconds.
        """
        epoch = captured - position / SAMPLE_RATE
        self.observations += 1
        if self._first is not None and abs(epoch - self.epoch(captured)) > BREAK_SECONDS:
            self._outliers.append(epoch)
            if len(self._outliers) < BREAK_COUNT:
                return
            self.breaks += 1
            epoch = float(np.median(self._outliers))
            self._bins.clear()
            self._bin_values.clear()
            self._fit = None
            self._first = None
            self._bin_start = None
        self._outliers.clear()
        if self._first is None:
            self._first = epoch
        if self._bin_start is None:
            self._bin_start = captured
        if captured - self._bin_start >= BIN_SECONDS and self._bin_values:
            self._close_bin()
            self._bin_start = captured
        self._bin_values.append(epoch)

    def _close_bin(self) -> None:
        assert self._bin_start is not None
        center = self._bin_start + BIN_SECONDS / 2
        self._bins.append((center, float(np.median(self._bin_values))))
        self._bin_values.clear()
        self._refit()

    def _refit(self) -> None:
        data = np.asarray(self._bins, dtype=np.float64)
        t, e = data[:, 0], data[:, 1]
        t_ref = float(t[-1])
        if len(data) < SLOPE_AFTER_BINS:
            self._fit = (t_ref, float(np.median(e)), 0.0)
            return
        slope, level = np.polyfit(t - t_ref, e, 1)
        slope = float(np.clip(slope, -MAX_DRIFT, MAX_DRIFT))
        # Re-centre with the clamped slope so a clamp does not tilt the level.
        level = float(np.median(e - slope * (t - t_ref)))
        self._fit = (t_ref, level, slope)

    @property
    def ready(self) -> bool:
        """True once at least one timestamp has been seen."""
        return self._first is not None

    @property
    def drift_ppm(self) -> float:
        """How much faster than nominal the device runs, in parts per million.

        Positive: the device delivers more samples per wall-clock second than its
        nominal rate. Zero until `SLOPE_AFTER_BINS` seconds have been seen.
        """
        if self._fit is None:
            return 0.0
        return -self._fit[2] * 1e6

    def epoch(self, t: float) -> float:
        """Monotonic time at which sample 0 would have been captured, as of time ``t``."""
        if self._fit is not None:
            t_ref, level, slope = self._fit
            return level + slope * (t - t_ref)
        if self._bin_values:
            return float(np.median(self._bin_values))
        if self._first is None:
            raise RuntimeError("no timestamps observed yet")
        return self._first

    def position_at(self, t: float) -> float:
        """Stream position (16 kHz units, fractional) captured at monotonic time ``t``."""
        return (t - self.epoch(t)) * SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class AlignStats:
    """How one channel's alignment went (for the benchmark and status details).

    Attributes:
        drift_ppm: the device's estimated drift against the wall clock.
        jumps: discontinuities the aligner jumped over (restarts, silent loopback).
        missing: output samples filled with silence because no audio had arrived.
        speed: the read speed of the last block (1.0 = nominal).
    """

    drift_ppm: float
    jumps: int
    missing: int
    speed: float


class ChannelAligner:
    """Reads one channel's 16 kHz stream out at exactly the call clock's pace.

    Feed it the channel's samples (`push`) and capture timestamps (`observe`); ask
    it for the samples that belong to a span of the call clock (`read`). Missing
    audio comes out as silence, so the call clock never waits for a device.

    Args:
        call_start: monotonic time of audio-clock zero.
        keep_seconds: most unread audio kept; more means the reader is far behind
            and the oldest is dropped.
    """

    def __init__(self, call_start: float, *, keep_seconds: float = 10.0) -> None:
        self._call_start = call_start
        self._keep = round(keep_seconds * SAMPLE_RATE)
        self._clock = DeviceClock()
        self._buf = np.zeros(0, dtype=np.float32)
        self._buf_start = 0  # stream position of self._buf[0]
        self._pos: float | None = None  # read position in stream samples
        self._speed = 1.0
        self.jumps = 0
        self.missing = 0

    def restart(self) -> None:
        """Forget the stream: the device was reopened and counts from zero again."""
        self._clock = DeviceClock()
        self._buf = np.zeros(0, dtype=np.float32)
        self._buf_start = 0
        self._pos = None

    def observe(self, position: float, captured: float) -> None:
        """Sample ``position`` of the current stream was captured at monotonic ``captured``."""
        self._clock.observe(position, captured)

    def push(self, samples: np.ndarray) -> None:
        """Append the stream's next samples: np.ndarray [shape=(n,), float32, 16 kHz]."""
        if len(samples) == 0:
            return
        self._buf = np.concatenate([self._buf, samples.astype(np.float32, copy=False)])
        if len(self._buf) > self._keep:
            drop = len(self._buf) - self._keep
            self._buf = self._buf[drop:]
            self._buf_start += drop

    @property
    def stats(self) -> AlignStats:
        """Current drift estimate and counters."""
        return AlignStats(self._clock.drift_ppm, self.jumps, self.missing, self._speed)

    def read(self, t: float, n: int) -> np.ndarray:
        """Return the ``n`` samples of this channel starting at call time ``t``.

        Args:
            t: audio-clock time of the first sample, in seconds.
            n: samples wanted (16 kHz).

        Returns:
            np.ndarray [shape=(n,), float32, 16 kHz mono]; silence where no audio
            arrived for that time.
        """
        if not self._clock.ready:
            self.missing += n
            return np.zeros(n, dtype=np.float32)
        t0 = self._call_start + t
        x0 = self._clock.position_at(t0)
        x1 = self._clock.position_at(t0 + n / SAMPLE_RATE)
        if self._pos is None or abs(x0 - self._pos) > JUMP_SECONDS * SAMPLE_RATE:
            if self._pos is not None:
                self.jumps += 1
            self._pos = x0
        err = x0 - self._pos
        correction = float(np.clip(err / (SLEW_SECONDS * SAMPLE_RATE), -MAX_SLEW, MAX_SLEW))
        speed = (x1 - x0) / n + correction
        self._speed = speed
        positions = self._pos + speed * np.arange(n, dtype=np.float64)
        self._pos += speed * n
        return self._interpolate(positions)

    def _interpolate(self, positions: np.ndarray) -> np.ndarray:
        """Linear interpolation of the buffer at stream ``positions``; silence outside it."""
        assert self._pos is not None
        rel = positions - self._buf_start
        base = np.floor(rel).astype(np.int64)
        frac = (rel - base).astype(np.float32)
        out = np.zeros(len(positions), dtype=np.float32)
        ok = (base >= 0) & (base + 1 < len(self._buf))
        if ok.any():
            b = base[ok]
            out[ok] = self._buf[b] * (1 - frac[ok]) + self._buf[b + 1] * frac[ok]
        self.missing += int(len(ok) - np.count_nonzero(ok))
        # Everything before the read position is done with.
        done = int(min(max(0, int(np.floor(self._pos - self._buf_start)) - 1), len(self._buf)))
        if done > 0:
            self._buf = self._buf[done:]
            self._buf_start += done
        return out
