"""One channel's sound, hop by hop: level, voicing and confirmed stretches of speech.

Silero says *whether* a 32 ms window holds speech, but its decisions lag the
audio by a window or two and carry on through short silences, which would
put pause and overlap edges 50-150 ms off. Intensity says *where* the sound
starts and stops to 8 ms. So a channel is tracked as "sounding runs": stretches
where the level stands clearly above the channel's noise floor, joined across
silences shorter than the minimum pause, and kept only when Silero heard
speech during them (a door slam or a click is loud but is not speech). The
run edges come from the intensity; the VAD decides what counts.

Every analysis of the call (over-talk, dead air, pauses, talk time, speaking
rate) is built on these runs, so they agree with each other.

Pure and deterministic: no threads, no clock, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from belcoach.audio.analysis.speech.config import AcousticConfig
from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.engine.vad import WINDOW, VadFrames

HOP = 128
"""Samples per analysis hop (8 ms): four hops per VAD window."""

HOP_SECONDS = HOP / SAMPLE_RATE
FRAME = 512
"""Samples in the spectral frame that ends at each hop (32 ms), for nuclei and voicing."""

FLOOR_DB = -100.0
"""Levels are clamped here; digital silence would otherwise be minus infinity."""

_BAND = (300.0, 2500.0)
"""Band of the syllable-nucleus intensity: vowel formants, not fricative hiss."""

_LAG_RANGE = (SAMPLE_RATE // 400, SAMPLE_RATE // 75)
"""Autocorrelation lags searched for voicing: pitch between 75 and 400 Hz."""


@dataclass(frozen=True, slots=True)
class Hops:
    """Features of consecutive 8 ms hops of one channel.

    Attributes:
        t: np.ndarray [shape=(n,), float64], audio-clock start of each hop.
        db: np.ndarray [shape=(n,)], level of the hop in dBFS.
        band_db: np.ndarray [shape=(n,)], 300-2500 Hz level of the 32 ms frame ending
            at the hop (centre 16 ms before the hop's end); only for analysed channels.
        voicing: np.ndarray [shape=(n,)], normalised autocorrelation peak 0..1 of that frame.
        prob: np.ndarray [shape=(n,)], Silero speech probability of the hop's window.
    """

    t: np.ndarray
    db: np.ndarray
    band_db: np.ndarray
    voicing: np.ndarray
    prob: np.ndarray

    def __len__(self) -> int:
        return len(self.t)


@dataclass(slots=True)
class Run:
    """A stretch of confirmed (or not yet confirmed) sound on one channel.

    Attributes:
        start: audio-clock start of the first sounding hop.
        end: audio-clock end of the last sounding hop so far.
        confirmed: True once Silero heard speech during it.
        closed: True once a silence of the minimum pause ended it.
        serial: number of the run on its channel, from 1.
    """

    start: float
    end: float
    confirmed: bool = False
    closed: bool = False
    serial: int = 0

    @property
    def duration(self) -> float:
        """Seconds from start to end."""
        return self.end - self.start


class _Rolling:
    """The last ``size`` values, for percentiles of recent levels."""

    def __init__(self, size: int) -> None:
        self._buf = np.zeros(size, dtype=np.float64)
        self._n = 0
        self._i = 0

    def extend(self, values: np.ndarray) -> None:
        for v in values[-len(self._buf) :]:
            self._buf[self._i] = v
            self._i = (self._i + 1) % len(self._buf)
            self._n = min(self._n + 1, len(self._buf))

    def percentile(self, q: float, default: float) -> float:
        if self._n < 25:  # under 0.2 s of evidence: keep the default
            return default
        return float(np.percentile(self._buf[: self._n], q))


class ChannelTrack:
    """Turns one channel's VAD frames into hop features and sounding runs.

    Args:
        config: thresholds for sound, speech and nuclei.
        join_gap: silences shorter than this (s) stay inside a run (the minimum pause).
        spectral: compute the band level and voicing (needed for syllable nuclei).
    """

    def __init__(self, config: AcousticConfig, *, join_gap: float, spectral: bool) -> None:
        self.config = config
        self.join_gap = join_gap
        self.spectral = spectral
        self._tail = np.zeros(FRAME - HOP, dtype=np.float32)
        self._window = np.hanning(FRAME).astype(np.float32)
        acf = np.fft.irfft(np.abs(np.fft.rfft(self._window, 2 * FRAME)) ** 2)[:FRAME]
        self._window_acf = np.maximum(acf / acf[0], 1e-3)
        freqs = np.fft.rfftfreq(FRAME, 1 / SAMPLE_RATE)
        self._band = (freqs >= _BAND[0]) & (freqs <= _BAND[1])
        self._quiet = _Rolling(int(10.0 / HOP_SECONDS))
        self._speech = _Rolling(int(20.0 / HOP_SECONDS))
        self.noise_floor = -70.0
        self.speech_level = -20.0
        self.run: Run | None = None
        self._serial = 0
        self.t = 0.0

    @property
    def sound_threshold(self) -> float:
        """Level (dBFS) above which a hop is sounding, from the floor and the speech level."""
        cfg = self.config
        return max(self.noise_floor + cfg.floor_margin_db, self.speech_level - cfg.speech_range_db)

    @property
    def speaking(self) -> bool:
        """True while a confirmed run is open (the side is talking now)."""
        return self.run is not None and self.run.confirmed and not self.run.closed

    def features(self, frames: VadFrames) -> Hops:
        """Compute the hop features of newly completed VAD windows (vectorised)."""
        n_win = len(frames.probs)
        n = n_win * (WINDOW // HOP)
        t = frames.t + np.arange(n) * HOP_SECONDS
        audio = frames.audio[: n * HOP].astype(np.float32, copy=False)
        hops = audio.reshape(n, HOP) if n else np.zeros((0, HOP), np.float32)
        power = (hops.astype(np.float64) ** 2).mean(axis=1) if n else np.zeros(0)
        db = np.maximum(10 * np.log10(power + 1e-12), FLOOR_DB)
        prob = np.repeat(frames.probs.astype(np.float64), WINDOW // HOP)
        if self.spectral and n:
            band_db, voicing = self._spectral(audio, n)
        else:
            band_db = np.full(n, FLOOR_DB)
            voicing = np.zeros(n)
        if n:
            self._quiet.extend(db[prob < self.config.quiet_prob])
            self._speech.extend(db[prob >= self.config.vad_onset])
            self.noise_floor = self._quiet.percentile(50, -70.0)
            self.speech_level = self._speech.percentile(90, -20.0)
        return Hops(t, db, band_db, voicing, prob)

    def _spectral(self, audio: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        buf = np.concatenate([self._tail, audio])
        self._tail = buf[-(FRAME - HOP) :].copy()
        frames = np.lib.stride_tricks.sliding_window_view(buf, FRAME)[::HOP][:n]
        spec = np.fft.rfft(frames * self._window, axis=1)
        power = np.abs(spec) ** 2
        band = power[:, self._band].sum(axis=1) / (FRAME * FRAME / 4)
        band_db = np.maximum(10 * np.log10(band + 1e-12), FLOOR_DB)
        spec2 = np.fft.rfft(frames * self._window, n=2 * FRAME, axis=1)
        acf = np.fft.irfft(np.abs(spec2) ** 2, axis=1)[:, :FRAME]
        energy = np.maximum(acf[:, 0:1], 1e-12)
        lo, hi = _LAG_RANGE
        norm = acf[:, lo:hi] / energy / self._window_acf[lo:hi]
        voicing = np.clip(norm.max(axis=1), 0.0, 1.0)
        voicing[acf[:, 0] < 1e-9] = 0.0
        return band_db, voicing

    def advance(self, t: float, db: float, prob: float) -> tuple[Run | None, Run | None]:
        """Step one hop; return (run confirmed at this hop, run closed at this hop).

        A run is reported closed only if it was confirmed; unconfirmed runs
        (sound that Silero did not call speech) vanish silently.
        """
        self.t = t + HOP_SECONDS
        sounding = db > self.sound_threshold
        confirmed_now: Run | None = None
        closed_now: Run | None = None
        run = self.run
        if run is None or run.closed:
            if sounding:
                self._serial += 1
                run = self.run = Run(start=t, end=t + HOP_SECONDS, serial=self._serial)
        else:
            if sounding:
                run.end = t + HOP_SECONDS
            elif self.t - run.end >= self.join_gap:
                run.closed = True
                if run.confirmed:
                    closed_now = run
                else:
                    self.run = None
                return confirmed_now, closed_now
        vad_says_speech = prob >= self.config.vad_onset
        if run is not None and not run.closed and not run.confirmed and vad_says_speech:
            run.confirmed = True
            confirmed_now = run
        return confirmed_now, closed_now

    def finish(self) -> Run | None:
        """End of audio: close an open confirmed run and return it."""
        run = self.run
        if run is not None and not run.closed:
            run.closed = True
            if run.confirmed:
                return run
        return None


class RunLog:
    """The confirmed runs of one channel, recent ones kept, for questions about time spans.

    Args:
        keep: seconds of closed runs kept (older ones are dropped).
    """

    def __init__(self, keep: float = 180.0) -> None:
        self.keep = keep
        self.closed: list[Run] = []
        self.open: Run | None = None
        self.talk_seconds = 0.0

    def confirmed(self, run: Run) -> None:
        """A run was confirmed as speech (it may still grow)."""
        self.open = run

    def ended(self, run: Run) -> None:
        """A confirmed run closed."""
        self.open = None
        self.closed.append(run)
        self.talk_seconds += run.duration
        while self.closed and self.closed[0].end < run.end - self.keep:
            self.closed.pop(0)

    def runs(self) -> list[Run]:
        """Closed runs then the open one, oldest first."""
        return [*self.closed, self.open] if self.open is not None else list(self.closed)

    def last_closed(self) -> Run | None:
        """The most recent closed run."""
        return self.closed[-1] if self.closed else None

    def speech_between(self, a: float, b: float) -> float:
        """Seconds of speech (confirmed runs) between audio times ``a`` and ``b``."""
        total = 0.0
        for run in reversed(self.runs()):
            if run.end <= a:
                break
            total += max(0.0, min(b, run.end) - max(a, run.start))
        return total

    def talk(self) -> float:
        """Seconds of speech so far, the open run included."""
        return self.talk_seconds + (self.open.duration if self.open is not None else 0.0)
