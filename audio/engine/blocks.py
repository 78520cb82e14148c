"""The unit of audio the engine consumes, the protocol every source follows, and its clock."""

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


@dataclass(frozen=True, slots=True)
class AudioClock:
    """Where the audio clock sits on the wall clock, for a source that runs in real time.

    A live call's audio at call time ``t`` reached the computer at ``origin + t``;
    a replay paced at ``speed`` plays audio time ``t`` at ``origin + t / speed``.
    Latencies are measured against this, never against when the engine happened
    to get a block: an engine that falls behind gets its blocks late, and a clock
    derived from those blocks would move with it and hide the lateness.

    Attributes:
        origin: ``time.monotonic()`` at audio-clock zero.
        speed: audio seconds per wall-clock second (1.0 for live audio).
    """

    origin: float
    speed: float = 1.0

    def wall_time(self, t: float) -> float:
        """``time.monotonic()`` at which audio-clock time ``t`` was captured or due."""
        return self.origin + t / self.speed


def audio_clock_of(source: object) -> AudioClock | None:
    """The source's real-time clock, or None if it has none (or has not started).

    Sources that run in real time (live devices, ``--realtime`` files, `PacedSource`)
    have an ``audio_clock()`` method that answers once their ``blocks`` has started;
    sources that wrap another one pass it on. Anything else is read as fast as it
    can be, and latency against the wall clock means nothing for it.
    """
    method = getattr(source, "audio_clock", None)
    clock = method() if callable(method) else None
    return clock if isinstance(clock, AudioClock) else None


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
