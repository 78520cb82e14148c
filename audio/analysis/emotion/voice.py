"""Arousal from the customer's voice, relative to this caller's own start of the call.

Per utterance: pitch (YIN in NumPy, emotion/pitch.py; all voice features 2.5 ms per audio s;
pYIN is ~25x slower, see MEASURED.md), loudness (RMS), speaking rate (syllable nuclei from
the loudness envelope) and their spread. People differ far more from each other than one
person differs between calm and agitated, so nothing is compared with a population norm:
the first seconds of the customer's speech form a baseline, and later utterances are scored
against it. Acoustic arousal cues carry across languages reasonably well, which is why the
German acted EmoDB (../shared/corpora/emodb_de) can check this side (benchmarks/emotion.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

# Imported with the module, not on the first customer utterance: importing scipy.signal
# takes 0.6 s on a quiet 2-core machine and 2.2 s under load, and the first measurement
# runs on the engine thread, inside the bus, so every alert and the call recording stalled
# with it (a kill -9 then lost 2 s of audio in tests/audio/calls/test_live_crash.py).
from scipy.signal import find_peaks

from belcoach.audio.analysis.emotion.pitch import frame_rms, yin
from belcoach.audio.engine.blocks import SAMPLE_RATE

FRAME = 1024
"""YIN frame (64 ms at 16 kHz): two periods of an 80 Hz voice fit."""

HOP = 256
"""16 ms between pitch frames."""

F0_MIN = 65.0
F0_MAX = 420.0
"""Search range: low male to high raised female voices."""

ENVELOPE_HOP = 160
"""10 ms loudness frames for syllable nuclei."""

MIN_SECONDS = 0.4
"""Shorter utterances ("ja") carry too little voice to judge."""


@dataclass(frozen=True, slots=True)
class VoiceFeatures:
    """Voice measurements of one utterance.

    Attributes:
        seconds: speech duration measured.
        pitch_st: median pitch of voiced frames, semitones re 100 Hz (None if unvoiced).
        pitch_spread_st: inter-quartile range of the pitch, semitones.
        loudness_db: median RMS level of the loud frames, dBFS.
        loudness_spread_db: inter-quartile range of the frame levels, dB.
        rate: syllable nuclei per second of speech.
        voiced: fraction of frames with a plausible, stable pitch.
    """

    seconds: float
    pitch_st: float | None
    pitch_spread_st: float
    loudness_db: float
    loudness_spread_db: float
    rate: float
    voiced: float

    def to_json(self) -> dict[str, float | None]:
        """Rounded values for the evidence dict."""
        return {
            "seconds": round(self.seconds, 2),
            "pitch_st": None if self.pitch_st is None else round(self.pitch_st, 2),
            "pitch_spread_st": round(self.pitch_spread_st, 2),
            "loudness_db": round(self.loudness_db, 1),
            "loudness_spread_db": round(self.loudness_spread_db, 1),
            "rate": round(self.rate, 2),
            "voiced": round(self.voiced, 2),
        }


def voice_features(audio: np.ndarray) -> VoiceFeatures | None:
    """Measure one utterance.

    Args:
        audio: np.ndarray [shape=(n,), float32, 16 kHz mono], the utterance's speech.

    Returns:
        The features, or None when the audio is too short or silent to judge.
    """
    y = np.asarray(audio, dtype=np.float32)
    if len(y) < MIN_SECONDS * SAMPLE_RATE or float(np.max(np.abs(y))) < 1e-4:
        return None
    rms = frame_rms(y, frame_length=FRAME, hop_length=HOP)
    db = 20.0 * np.log10(np.maximum(rms, 1e-6))
    loud = db > float(np.max(db)) - 25.0
    f0 = yin(y, fmin=F0_MIN, fmax=F0_MAX, sr=SAMPLE_RATE, frame_length=FRAME, hop_length=HOP)
    n = min(len(f0), len(db))
    f0, loud_f = f0[:n], loud[:n]
    st = 12.0 * np.log2(np.maximum(f0, 1.0) / 100.0)
    # YIN has no voicing decision: keep loud frames whose pitch is inside the range and
    # close to a neighbour's (unvoiced frames jump around).
    inside = (f0 > F0_MIN * 1.05) & (f0 < F0_MAX * 0.95)
    steady = np.zeros(n, dtype=bool)
    if n > 2:
        d_prev = np.abs(np.diff(st, prepend=st[0] + 99))
        d_next = np.abs(np.diff(st, append=st[-1] + 99))
        steady = np.minimum(d_prev, d_next) < 1.0
    voiced = loud_f & inside & steady
    pitch: float | None = None
    spread = 0.0
    if voiced.sum() >= 5:
        v = st[voiced]
        pitch = float(np.median(v))
        q75, q25 = np.percentile(v, [75, 25])
        spread = float(q75 - q25)
    level = db[loud]
    l75, l25 = np.percentile(level, [75, 25])
    return VoiceFeatures(
        seconds=len(y) / SAMPLE_RATE,
        pitch_st=pitch,
        pitch_spread_st=spread,
        loudness_db=float(np.median(level)),
        loudness_spread_db=float(l75 - l25),
        rate=_syllable_rate(y),
        voiced=float(voiced.mean()) if n else 0.0,
    )


def _syllable_rate(y: np.ndarray) -> float:
    """Syllable nuclei per second: peaks of the smoothed loudness envelope.

    A peak must stand 2 dB above the dips around it, be no more than 20 dB under the
    loudest frame, and lie 100 ms or more from the last one (Dutch articulation runs at
    ~5 syllables/s, so nuclei are 150-250 ms apart).
    """
    rms = frame_rms(y, frame_length=400, hop_length=ENVELOPE_HOP)
    db = 20.0 * np.log10(np.maximum(rms, 1e-6))
    kernel = np.hanning(7)
    smooth = np.convolve(db, kernel / kernel.sum(), mode="same")
    floor = float(np.max(smooth)) - 20.0
    peaks, _ = find_peaks(smooth, prominence=2.0, distance=10, height=floor)
    speech = float(np.sum(smooth > floor)) * ENVELOPE_HOP / SAMPLE_RATE
    return len(peaks) / speech if speech > 0.2 else 0.0


@dataclass(frozen=True, slots=True)
class VoiceReading:
    """How agitated the customer sounds now compared with their own start of the call.

    Attributes:
        arousal: -1 (calmer than at the start) .. +1 (far more agitated).
        pitch_st: semitones above the caller's baseline pitch (None if unknown).
        loudness_db: dB louder than the baseline.
        rate_ratio: speaking rate / baseline rate.
        pitch_spread_st: pitch range minus the baseline's, semitones.
        baseline: True while this utterance still forms the baseline.
    """

    arousal: float
    pitch_st: float | None
    loudness_db: float
    rate_ratio: float
    pitch_spread_st: float
    baseline: bool

    def to_json(self) -> dict[str, float | bool | None]:
        """Rounded values for the evidence dict."""
        return {
            "arousal": round(self.arousal, 2),
            "pitch_st_vs_start": None if self.pitch_st is None else round(self.pitch_st, 2),
            "loudness_db_vs_start": round(self.loudness_db, 1),
            "rate_vs_start": round(self.rate_ratio, 2),
            "pitch_spread_st_vs_start": round(self.pitch_spread_st, 2),
            "baseline": self.baseline,
        }


ROUGH_SCALES: Mapping[str, float] = {
    "pitch": 2.5,  # semitones: raised voice in anger/fear is +2..+6 st
    "loudness": 5.0,  # dB
    "rate": 0.2,  # relative: +20 % is clearly faster (JND is 10-15 %)
    "spread": 2.0,  # semitones of extra pitch range
}
"""What one unit of each cue is worth; their weighted mean goes through tanh."""

WEIGHTS: Mapping[str, float] = {"pitch": 1.0, "loudness": 1.0, "rate": 0.5, "spread": 0.5}
"""Pitch and loudness carry arousal best across speakers and languages (EmoDB check)."""


class CallerBaseline:
    """The caller's own voice at the start of the call, and arousal relative to it.

    The first ``seconds`` of the customer's speech (duration-weighted means of the
    features) form the baseline; it is then frozen, so a caller who calms down reads as
    calmer than at the start rather than the baseline drifting along.
    """

    def __init__(self, *, seconds: float = 8.0) -> None:
        self._target = seconds
        self._total = 0.0
        self._sums: dict[str, float] = {}
        self._weights: dict[str, float] = {}

    @property
    def complete(self) -> bool:
        """True once enough speech formed the baseline."""
        return self._total >= self._target

    def _add(self, features: VoiceFeatures) -> None:
        w = features.seconds
        values = {
            "loudness": features.loudness_db,
            "rate": features.rate,
            "spread": features.pitch_spread_st,
        }
        if features.pitch_st is not None:
            values["pitch"] = features.pitch_st
        for key, value in values.items():
            self._sums[key] = self._sums.get(key, 0.0) + w * value
            self._weights[key] = self._weights.get(key, 0.0) + w
        self._total += w

    def _mean(self, key: str) -> float | None:
        weight = self._weights.get(key, 0.0)
        return self._sums[key] / weight if weight > 0 else None

    def read(self, features: VoiceFeatures) -> VoiceReading:
        """Score one utterance against the baseline (adding it first while it forms)."""
        forming = not self.complete
        if forming:
            self._add(features)
        deltas: dict[str, float] = {}
        base_pitch = self._mean("pitch")
        pitch_delta = None
        if features.pitch_st is not None and base_pitch is not None:
            pitch_delta = features.pitch_st - base_pitch
            deltas["pitch"] = pitch_delta
        loud_delta = features.loudness_db - (self._mean("loudness") or features.loudness_db)
        deltas["loudness"] = loud_delta
        base_rate = self._mean("rate") or 0.0
        rate_ratio = features.rate / base_rate if base_rate > 0 else 1.0
        deltas["rate"] = rate_ratio - 1.0
        spread_delta = features.pitch_spread_st - (self._mean("spread") or 0.0)
        deltas["spread"] = spread_delta
        score = sum(WEIGHTS[k] * v / ROUGH_SCALES[k] for k, v in deltas.items())
        score /= sum(WEIGHTS[k] for k in deltas)
        return VoiceReading(
            arousal=math.tanh(1.2 * score),
            pitch_st=pitch_delta,
            loudness_db=loud_delta,
            rate_ratio=rate_ratio,
            pitch_spread_st=spread_delta,
            baseline=forming,
        )
