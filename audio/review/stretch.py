"""Changing playback speed without changing pitch (WSOLA), for the replay window.

A coach listens at 0.5x to catch what was said and at 1.5-2x to skim. Plain
resampling would make voices squeak or growl, so the speed change uses
waveform-similarity overlap-add: frames of 32 ms are taken from the source at
``speed`` times the output rate and each is nudged (within 8 ms) to where it
best continues the previous one before they are cross-faded. Speech stays
natural up to 2x. Pure numpy, streaming, no threads.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

FRAME = 512
"""Frame length in samples (32 ms at 16 kHz): a few pitch periods of speech."""

HOP = FRAME // 2
"""Output hop: frames overlap by half, so a periodic Hann window sums to one."""

TOLERANCE = 128
"""How far (samples, 8 ms) a frame may move to line up with the previous one."""

_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME) / FRAME)).astype(np.float32)


class TimeStretcher:
    """Streams audio at ``speed`` x without changing its pitch.

    Args:
        audio: np.ndarray [shape=(n, channels), float32], the whole source.
        position: source sample to start from.
        speed: 0.25..4; 1.0 copies the source unchanged.
    """

    def __init__(self, audio: np.ndarray, *, position: int = 0, speed: float = 1.0) -> None:
        if not 0.25 <= speed <= 4.0:
            raise ValueError(f"speed must be between 0.25 and 4, not {speed}")
        self._audio = audio
        self._mono = audio.mean(axis=1) if audio.ndim == 2 else audio
        self.speed = speed
        self.position = float(max(0, min(position, len(audio))))  # source sample, nominal
        self._prev: int | None = None
        self._tail = np.zeros((FRAME - HOP, audio.shape[1]), np.float32)
        self._pending = np.zeros((0, audio.shape[1]), np.float32)

    @property
    def finished(self) -> bool:
        """True once the source is used up."""
        return self.position >= len(self._audio)

    def read(self, frames: int) -> tuple[np.ndarray, float]:
        """Produce ``frames`` output samples; returns them and the source position after them.

        Past the end of the source the output is silence.
        """
        channels = self._audio.shape[1]
        if self.speed == 1.0:
            start = int(self.position)
            out = np.zeros((frames, channels), np.float32)
            chunk = self._audio[start : start + frames]
            out[: len(chunk)] = chunk
            self.position = float(min(len(self._audio), start + frames))
            return out, self.position
        pieces = [self._pending]
        produced = len(self._pending)
        while produced < frames:
            pieces.append(self._hop())
            produced += HOP
        joined = np.concatenate(pieces)
        self._pending = joined[frames:]  # kept for the next read, so nothing is skipped
        # the source position of the last sample handed out, not of the one rendered last
        return joined[:frames], self.position - len(self._pending) * self.speed

    def _hop(self) -> np.ndarray:
        """One output hop of WSOLA."""
        n = len(self._audio)
        nominal = int(self.position)
        start = nominal
        if self._prev is not None:
            natural = self._prev + HOP
            lo, hi = max(0, nominal - TOLERANCE), min(n - FRAME, nominal + TOLERANCE)
            if hi > lo and natural + FRAME <= n:
                ref = self._mono[natural : natural + FRAME]
                region = self._mono[lo : hi + FRAME]
                scores = sliding_window_view(region, FRAME) @ ref
                start = lo + int(np.argmax(scores))
        frame = np.zeros((FRAME, self._audio.shape[1]), np.float32)
        chunk = self._audio[start : start + FRAME]
        frame[: len(chunk)] = chunk
        frame *= _WINDOW[:, None]
        frame[: FRAME - HOP] += self._tail
        self._tail = frame[HOP:].copy()
        self._prev = start
        self.position = min(float(n), self.position + HOP * self.speed)
        return frame[:HOP]
