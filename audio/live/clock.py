"""Put one device's samples on the call's audio clock, whatever that device's clock does.

Two capture devices run on two crystals: a USB headset and the laptop's speaker
monitor drift apart by tens of parts per million (a few hundred ms over a long call),
a device can stop and restart, and a WASAPI loopback delivers nothing at all while
nothing plays. So no device's sample count is the call's clock. The call's clock is
the monotonic wall clock since the call started, at 16 kHz; each channel is mapped
onto it by its own `DeviceClock`, and read out by a `ChannelAligner` that follows the
mapping by slipping whole samples at block boundaries (at most `MAX_SLEW`): 100 ppm of
drift is one sample in 10,000, so the audio passes through bit-exact in between,
which fractional (interpolating) resampling would not do: linear interpolation halfway
between samples was measured here to cost Whisper-relevant treble (correlation with
the played speech 0.5-0.75 instead of over 0.9).

`DeviceClock` learns when each sample was captured from when its buffer *arrived*
(``time.monotonic()`` in the callback). The end of a buffer cannot have been captured
after the buffer arrived, and the buffers that arrive soonest after capture show the
true timing: so the model keeps, per second, the *minimum* of ``arrival - end
position / 16 kHz`` (NTP's minimum filter: queueing delay only ever adds), and fits a
straight line through the last minutes of those minima. The line's level places the
stream on the call clock (a few ms late at most: the smallest delivery delay); its
slope is the device's drift against the wall clock. This is the idea of JACK's and
PipeWire's delay-locked loop (filter the timestamps, trust the sample count between
them), with a minimum in front because delivery delays are one-sided.

PortAudio's own ``inputBufferAdcTime`` is not used: through the ALSA ``pulse`` plugin it
was measured here ~0.75 s early at stream start, converging over a second or two,
which is worse than the arrival time it is derived from.

Everything here is pure (no threads, no clock reads, no I/O), so the tests drive it
with synthetic timestamps: drift, jitter and gaps.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from belcoach.audio.engine.blocks import SAMPLE_RATE

BIN_SECONDS = 1.0
"""Timestamps are reduced to one minimum per this many seconds of arrival time."""

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

DEADBAND_SECONDS = 0.002
"""Errors smaller than this are left alone: the model's estimate wobbles by a
millisecond or so, and chasing that would slip samples back and forth for nothing."""

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

    def observe(self, position: float, arrived: float) -> None:
        """Record that the stream had delivered up to ``position`` by time ``arrived``.

        Args:
            position: samples delivered so far (16 kHz units), i.e. the end of the
                buffer that just arrived.
            arrived: monotonic time of the arrival, in seconds.
        """
        epoch = arrived - position / SAMPLE_RATE
        self.observations += 1
        if self._first is not None and epoch - self.epoch(arrived) > BREAK_SECONDS:
            # Arriving much later than the count predicts, again and again: the
            # stream paused (a loopback with nothing playing) and the count did not.
            self._outliers.append(epoch)
            if len(self._outliers) < BREAK_COUNT:
                return
            self.breaks += 1
            epoch = min(self._outliers)
            self._bins.clear()
            self._bin_values.clear()
            self._fit = None
            self._first = None
            self._bin_start = None
        self._outliers.clear()
        if self._first is None:
            self._first = epoch
        if self._bin_start is None:
            self._bin_start = arrived
        if arrived - self._bin_start >= BIN_SECONDS and self._bin_values:
            self._close_bin()
            self._bin_start = arrived
        self._bin_values.append(epoch)

    def _close_bin(self) -> None:
        assert self._bin_start is not None
        center = self._bin_start + BIN_SECONDS / 2
        self._bins.append((center, min(self._bin_values)))
        self._bin_values.clear()
        self._refit()

    def _refit(self) -> None:
        data = np.asarray(self._bins, dtype=np.float64)
        t, e = data[:, 0], data[:, 1]
        t_ref = float(t[-1])
        if len(data) < SLOPE_AFTER_BINS:
            # The latest minima weigh most: early ones include start-up delays.
            self._fit = (t_ref, float(np.median(e[-5:])), 0.0)
            return
        slope, level = np.polyfit(t - t_ref, e, 1)
        slope = float(np.clip(slope, -MAX_DRIFT, MAX_DRIFT))
        # Re-centre with the clamped slope so a clamp does not tilt the level; the
        # recent minima decide the level (a robust low quantile of the residuals).
        level = float(np.quantile(e - slope * (t - t_ref), 0.25))
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
            current = level + slope * (t - t_ref)
            if self._bin_values:
                # A lower minimum in the open bin is news: delays only ever add.
                current = min(current, min(self._bin_values))
            return current
        if self._bin_values:
            return min(self._bin_values)
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
        offset: where sample 0 of the current stream sits on the call clock, in
            seconds, as of the last read (how it moves over a call is the drift).
    """

    drift_ppm: float
    jumps: int
    missing: int
    speed: float
    offset: float


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
        self._offset = float("nan")
        self.jumps = 0
        self.missing = 0

    def restart(self, position: float = 0.0) -> None:
        """Forget the stream: the next sample pushed is stream sample ``position``.

        Used when a device is (re)opened (it counts from zero again), when a channel
        joins a stream another channel already reads, and after a long overrun.
        """
        self._clock = DeviceClock()
        self._buf = np.zeros(0, dtype=np.float32)
        self._buf_start = round(position)
        self._pos = None

    def observe(self, position: float, arrived: float) -> None:
        """The stream had delivered ``position`` samples (16 kHz) at monotonic ``arrived``."""
        self._clock.observe(position, arrived)

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
        return AlignStats(
            self._clock.drift_ppm, self.jumps, self.missing, self._speed, self._offset
        )

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
        self._offset = self._clock.epoch(t0) - self._call_start
        x0 = self._clock.position_at(t0)
        x1 = self._clock.position_at(t0 + n / SAMPLE_RATE)
        if self._pos is None or abs(x0 - self._pos) > JUMP_SECONDS * SAMPLE_RATE:
            if self._pos is not None:
                self.jumps += 1
            self._pos = x0
        err = x0 - self._pos
        correction = 0.0
        if abs(err) > DEADBAND_SECONDS * SAMPLE_RATE:
            correction = float(np.clip(err / (SLEW_SECONDS * SAMPLE_RATE), -MAX_SLEW, MAX_SLEW))
        speed = (x1 - x0) / n + correction
        self._speed = speed
        start = round(self._pos)
        self._pos += speed * n
        return self._take(start, n)

    def _take(self, start: int, n: int) -> np.ndarray:
        """``n`` samples from stream position ``start``; silence where there are none."""
        out = np.zeros(n, dtype=np.float32)
        lo = max(start, self._buf_start)
        hi = min(start + n, self._buf_start + len(self._buf))
        if hi > lo:
            out[lo - start : hi - start] = self._buf[lo - self._buf_start : hi - self._buf_start]
        self.missing += n - max(0, hi - lo)
        # Everything before the next read is done with.
        done = min(max(0, start + n - 1 - self._buf_start), len(self._buf))
        if done > 0:
            self._buf = self._buf[done:]
            self._buf_start += done
        return out
