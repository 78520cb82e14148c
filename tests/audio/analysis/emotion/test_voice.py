"""Voice features and arousal relative to the caller's own start of the call."""

from __future__ import annotations

import numpy as np
import pytest

from belcoach.audio.analysis.emotion.voice import CallerBaseline, voice_features
from support.corpora import require_corpus

SR = 16000


def voiced(f0: float, seconds: float, level: float, rng: np.random.Generator, syll: float = 5.0):
    """A harmonic tone with a syllable-like loudness envelope and a little noise."""
    t = np.arange(int(seconds * SR)) / SR
    tone = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 5))
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * syll * t) ** 2
    y = level * tone * envelope / 2 + 0.001 * rng.standard_normal(len(t))
    return y.astype(np.float32)


def test_pitch_loudness_and_rate_of_a_synthetic_voice(rng: np.random.Generator) -> None:
    f = voice_features(voiced(200.0, 2.0, 0.3, rng))
    assert f is not None and f.pitch_st is not None
    np.testing.assert_allclose(f.pitch_st, 12.0, atol=0.3)  # 200 Hz = 12 st above 100 Hz
    assert 8.0 <= f.rate <= 12.0  # sin^2 at 5 Hz peaks 10 times a second
    louder = voice_features(voiced(200.0, 2.0, 0.6, rng))
    assert louder is not None
    np.testing.assert_allclose(louder.loudness_db - f.loudness_db, 6.0, atol=0.7)


def test_silence_and_very_short_audio_are_not_judged(rng: np.random.Generator) -> None:
    assert voice_features(np.zeros(SR, np.float32)) is None
    assert voice_features(voiced(150.0, 0.2, 0.3, rng)) is None


def test_arousal_is_relative_to_the_callers_start(rng: np.random.Generator) -> None:
    baseline = CallerBaseline(seconds=4.0)
    for _ in range(2):
        start = voice_features(voiced(120.0, 2.0, 0.1, rng))
        assert start is not None
        first = baseline.read(start)
        assert first.baseline and abs(first.arousal) < 0.2
    assert baseline.complete
    agitated = voice_features(voiced(170.0, 2.0, 0.3, rng, syll=6.5))
    calm = voice_features(voiced(110.0, 2.0, 0.05, rng, syll=4.0))
    assert agitated is not None and calm is not None
    up, down = baseline.read(agitated), baseline.read(calm)
    assert up.arousal > 0.6 and not up.baseline
    assert down.arousal < -0.3
    assert up.pitch_st is not None and up.pitch_st > 5


@pytest.mark.slow
def test_arousal_separates_emodb_high_from_low() -> None:
    """German acted speech (EmoDB): voice arousal cues carry across languages.

    Each speaker's neutral clips stand in for the start of a call. Measured AUC 0.94 on
    all 535 clips; asserted on 40 clips per speaker to keep the test short.
    """
    from support.emotion_eval import emodb_arousal

    root = require_corpus("emodb_de")
    result = emodb_arousal(root, limit_per_speaker=40)
    assert result["auc"] >= 0.85, result
