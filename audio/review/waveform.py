"""Waveform envelopes for drawing: the min and max of each channel per time bucket."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16_000


@dataclass(frozen=True, slots=True)
class Envelope:
    """One channel's envelope.

    Attributes:
        t: np.ndarray [shape=(m,)], bucket centre times in seconds.
        low: np.ndarray [shape=(m,)], minimum sample per bucket (-1..1).
        high: np.ndarray [shape=(m,)], maximum sample per bucket (-1..1).
    """

    t: np.ndarray
    low: np.ndarray
    high: np.ndarray


def envelopes(audio: np.ndarray, *, buckets: int = 6000) -> tuple[Envelope, Envelope]:
    """Agent and customer envelopes of a call.

    Args:
        audio: np.ndarray [shape=(n, 2), int16 or float32, 16 kHz].
        buckets: how many points per channel (about the screen's width in pixels x 3).
    """
    scale = 1.0 / 32768.0 if audio.dtype == np.int16 else 1.0
    n = len(audio)
    size = max(1, int(np.ceil(n / max(1, buckets))))
    m = n // size
    out = []
    for ch in range(2):
        side = audio[: m * size, ch].reshape(m, size) if m else np.zeros((0, size), audio.dtype)
        low = side.min(axis=1).astype(np.float32) * scale if m else np.zeros(0, np.float32)
        high = side.max(axis=1).astype(np.float32) * scale if m else np.zeros(0, np.float32)
        out.append(Envelope((np.arange(m) + 0.5) * size / SAMPLE_RATE, low, high))
    return out[0], out[1]
