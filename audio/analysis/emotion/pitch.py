"""Frame loudness and YIN pitch in plain NumPy, for the voice features.

These used to come from librosa, whose YIN and RMS compile with numba on the
first call: about 16 s on the first call of each user's first session (on the
engine's thread, so every alert stalled with it) and 174 MiB of numba and
llvmlite in the packaged build, for two small functions. The code below
follows librosa's definitions (centred frames with zero padding; YIN after de
Cheveigné & Kawahara 2002: the cumulative mean normalised difference, the
first trough under the threshold else the global minimum, parabolic
refinement), and ``tests/audio/analysis/emotion/test_pitch.py`` checks it against
known tones.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def frames(y: np.ndarray, frame_length: int, hop_length: int) -> np.ndarray:
    """Centred frames (half a frame of zeros at both ends), shape ``(n_frames, frame_length)``."""
    half = frame_length // 2
    padded = np.pad(np.asarray(y, dtype=np.float64), (half, half))
    if len(padded) < frame_length:
        return np.zeros((0, frame_length))
    return sliding_window_view(padded, frame_length)[::hop_length]


def frame_rms(y: np.ndarray, *, frame_length: int, hop_length: int) -> np.ndarray:
    """Root mean square of each centred frame (as ``librosa.feature.rms(center=True)``)."""
    f = frames(y, frame_length, hop_length)
    rms: np.ndarray = np.sqrt(np.mean(np.square(f), axis=1))
    return rms


def yin(
    y: np.ndarray,
    *,
    fmin: float,
    fmax: float,
    sr: int,
    frame_length: int,
    hop_length: int,
    trough_threshold: float = 0.1,
) -> np.ndarray:
    """Fundamental frequency in Hz per centred frame (YIN; no voicing decision).

    Args:
        y: mono audio.
        fmin, fmax: the pitch range searched, in Hz.
        sr: sample rate.
        frame_length, hop_length: in samples.
        trough_threshold: the absolute threshold on the normalised difference.
    """
    f = frames(y, frame_length, hop_length)
    if len(f) == 0:
        return np.zeros(0)
    min_period = int(np.floor(sr / fmax))
    max_period = min(int(np.ceil(sr / fmin)), frame_length - 1)

    # Autocorrelation per frame through the FFT, lags 0..max_period.
    size = 1 << int(np.ceil(np.log2(2 * frame_length - 1)))
    spectrum = np.fft.rfft(f, n=size, axis=1)
    acf = np.fft.irfft(np.abs(spectrum) ** 2, n=size, axis=1)[:, : max_period + 1]

    # Difference function d(k) = 2 (r(0) - r(k)) - sum_{m<k} y(m)^2 (librosa's form).
    energy = np.cumsum(np.square(f), axis=1)
    k = np.arange(1, max_period + 1)
    diff = np.zeros((len(f), max_period + 1))
    diff[:, 1:] = 2.0 * (acf[:, :1] - acf[:, 1:]) - energy[:, :max_period]

    # Cumulative mean normalised difference over min_period..max_period.
    cumulative_mean = np.cumsum(diff[:, 1:], axis=1) / k
    numerator = diff[:, min_period : max_period + 1]
    denominator = cumulative_mean[:, min_period - 1 : max_period]
    cmnd = numerator / (denominator + np.finfo(np.float64).tiny)

    shifts = _parabolic_shifts(cmnd)
    prev = np.concatenate([cmnd[:, :1], cmnd[:, :-1]], axis=1)
    nxt = np.concatenate([cmnd[:, 1:], cmnd[:, -1:]], axis=1)
    trough = (cmnd < prev) & (cmnd <= nxt)
    trough[:, 0] = cmnd[:, 0] < cmnd[:, 1]
    below = trough & (cmnd < trough_threshold)
    period = np.where(below.any(axis=1), np.argmax(below, axis=1), np.argmin(cmnd, axis=1))
    refined = min_period + period + shifts[np.arange(len(f)), period]
    f0: np.ndarray = sr / refined
    return f0


def _parabolic_shifts(x: np.ndarray) -> np.ndarray:
    """Offset of the parabola through each point and its neighbours (0 at edges, or flat)."""
    shifts = np.zeros_like(x)
    left, mid, right = x[:, :-2], x[:, 1:-1], x[:, 2:]
    a = right + left - 2.0 * mid
    b = (right - left) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = np.where(np.abs(b) >= np.abs(a), 0.0, -b / a)
    shifts[:, 1:-1] = inner
    return shifts
