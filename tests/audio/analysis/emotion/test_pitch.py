"""YIN pitch and frame loudness in NumPy, checked on signals whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from belcoach.audio.analysis.emotion.pitch import frame_rms, yin

SR = 16000
KW = {"fmin": 65.0, "fmax": 420.0, "sr": SR, "frame_length": 1024, "hop_length": 256}


def _voice(f0: float, seconds: float = 1.0, *, harmonics: int = 4) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return sum(0.5 / h * np.sin(2 * np.pi * f0 * h * t) for h in range(1, harmonics + 1))


@pytest.mark.parametrize("f0", [70.0, 100.0, 147.0, 220.0, 310.0, 400.0])
def test_yin_finds_the_fundamental_of_a_harmonic_tone(f0: float) -> None:
    track = yin(_voice(f0), **KW)
    inner = track[4:-4]  # frames away from the zero padding at the ends
    assert np.median(np.abs(inner - f0) / f0) < 0.005


def test_yin_follows_a_gliding_pitch() -> None:
    t = np.arange(2 * SR) / SR
    f = 120.0 + 60.0 * t  # 120 -> 240 Hz over two seconds
    y = np.sin(2 * np.pi * np.cumsum(f) / SR)
    track = yin(y, **KW)
    centres = np.arange(len(track)) * KW["hop_length"] / SR
    inner = slice(4, -4)
    expected = 120.0 + 60.0 * centres[inner]
    assert np.median(np.abs(track[inner] - expected) / expected) < 0.01


def test_one_frame_per_hop_centred_like_the_loudness() -> None:
    y = _voice(200.0, 0.5)
    n = 1 + len(y) // KW["hop_length"]
    assert len(yin(y, **KW)) == n
    assert len(frame_rms(y, frame_length=1024, hop_length=256)) == n


def test_frame_rms_of_a_sine_is_its_amplitude_over_root_two() -> None:
    y = 0.8 * np.sin(2 * np.pi * 440.0 * np.arange(SR) / SR)
    rms = frame_rms(y, frame_length=400, hop_length=160)
    assert np.allclose(rms[5:-5], 0.8 / np.sqrt(2), rtol=0.01)
    assert rms[0] < rms[5]  # the first frame is half zero padding


def test_silence_and_tiny_input_do_not_crash() -> None:
    assert np.all(frame_rms(np.zeros(SR), frame_length=400, hop_length=160) == 0)
    assert len(yin(np.zeros(SR), **KW)) == 1 + SR // 256
    assert len(yin(np.zeros(10), **KW)) == 1  # one centred frame, as for the loudness
    assert np.all(np.isfinite(yin(np.zeros(SR), **KW)))
