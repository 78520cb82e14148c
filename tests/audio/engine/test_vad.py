"""The streaming Silero VAD gives the same answer as faster-whisper's one-shot run."""

from __future__ import annotations

import numpy as np
from faster_whisper.vad import get_vad_model

from belcoach.audio.engine.vad import WINDOW, SileroSession, StreamingVad


def _speechlike(rng: np.random.Generator, seconds: float) -> np.ndarray:
    """Noise bursts shaped like syllables: enough to exercise the model's state."""
    n = int(seconds * 16000)
    t = np.arange(n) / 16000
    envelope = (np.sin(2 * np.pi * 4 * t) > 0.2).astype(np.float32)
    voiced = 0.3 * np.sin(2 * np.pi * 140 * t) * (1 + 0.5 * np.sin(2 * np.pi * 700 * t))
    return (envelope * voiced + 0.01 * rng.standard_normal(n)).astype(np.float32)


def test_streaming_matches_one_shot_in_any_block_size(rng: np.random.Generator) -> None:
    audio = _speechlike(rng, 6.0)
    audio = audio[: len(audio) // WINDOW * WINDOW]
    expected = np.asarray(get_vad_model()(audio)).reshape(-1)

    session = SileroSession()
    for block in (160, 1600, 4096, 16000):
        vad = StreamingVad(session)
        probs = [
            vad.feed(i / 16000, audio[i : i + block]).probs for i in range(0, len(audio), block)
        ]
        got = np.concatenate(probs)
        np.testing.assert_allclose(got, expected, atol=1e-4)


def test_windows_carry_their_audio_clock_times(rng: np.random.Generator) -> None:
    vad = StreamingVad(SileroSession())
    first = vad.feed(10.0, np.zeros(700, np.float32))
    second = vad.feed(10.04375, np.zeros(700, np.float32))
    assert len(first.probs) == 1 and first.t == 10.0
    assert len(second.probs) == 1
    assert second.t == 10.0 + WINDOW / 16000


def test_silence_and_low_noise_are_not_speech(rng: np.random.Generator) -> None:
    vad = StreamingVad(SileroSession())
    quiet = (0.003 * rng.standard_normal(16000 * 5)).astype(np.float32)
    probs = vad.feed(0.0, quiet).probs
    assert probs.max() < 0.5
