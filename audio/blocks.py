"""The unit of audio the engine consumes, and the protocol every source follows."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

SAMPLE_RATE = 16_000
"""The engine's one sample rate: Whisper and Silero VAD both want 16 kHz mono."""


@dataclass(frozen=True, slots=True)
class AudioBlock:
    """A short stretch of both channels on the audio clock.

    Attributes:
        t: audio-clock time of the first sample, in seconds.
        agent: np.ndarray [shape=(n,), float32, 16 kHz mono], the agent's side.
        customer: np.ndarray [shape=(n,), float32, 16 kHz mono], same length.
    """

    t: float
    agent: np.ndarray
    customer: np.ndarray

    @property
    def duration(self) -> float:
        """Length of the block in seconds."""
        return len(self.agent) / SAMPLE_RATE


class AudioSource(Protocol):
    """Something that yields two-channel 16 kHz audio blocks in order.

    A recorded file and live devices both implement this; the engine does not
    know which one it has.
    """

    description: str
    """What to show a person: a file name or device names."""

    duration: float | None
    """Length in seconds if known in advance (files), else None (live)."""

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        """Yield blocks until the audio ends or ``stop`` is set.

        Raises:
            AudioFileError / AudioDeviceError: the audio cannot be read.
        """
        ...
