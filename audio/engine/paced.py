"""Replays any source at a chosen multiple of real time, like a live call.

``belcoach demo --speed 2`` shows the whole demo call in half the time; the
engine sees the same blocks at the same audio-clock times, only sooner. Each
block is held until the wall clock reaches its end divided by the speed, the
moment a live capture at that speed would have it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from belcoach.audio.engine.blocks import AudioBlock, AudioClock, AudioSource
from belcoach.core.errors import ConfigError


class PacedSource:
    """Wraps an unpaced source (a file read as fast as possible) and paces it.

    Args:
        source: the source to pace; it must not pace itself.
        speed: audio seconds per wall-clock second (1.0 = real time), 0.1 to 20.

    Raises:
        ConfigError: the speed is out of range.
    """

    def __init__(self, source: AudioSource, *, speed: float = 1.0) -> None:
        if not 0.1 <= speed <= 20.0:
            raise ConfigError(f"speed must be between 0.1 and 20, not {speed:g}")
        self._source = source
        self.speed = speed
        self.description = source.description
        self.duration = source.duration
        self._clock: AudioClock | None = None

    def audio_clock(self) -> AudioClock | None:
        """When audio time 0 was due and at what speed; None until `blocks` starts."""
        return self._clock

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        """Yield the inner source's blocks, each when its end is due; stop ends at once."""
        clock = self._clock = AudioClock(time.monotonic(), self.speed)
        for block in self._source.blocks(stop):
            due = clock.wall_time(block.t + block.duration)
            if stop.wait(max(0.0, due - time.monotonic())):
                return
            yield block
