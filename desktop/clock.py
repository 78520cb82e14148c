"""The overlay's estimate of "now" on the call's audio clock (pure Python, no Qt).

Events carry audio-clock times, but they arrive in bursts; the call timer and
the running dead-air counter need a time between events. The estimate runs
at ``rate`` audio seconds per wall second from the last event it saw, never
goes backwards, and is pulled forward whenever an event proves it late.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class CallClock:
    """Extrapolates the audio clock between events.

    Args:
        rate: audio seconds per wall second (1.0 live; the demo's ``--speed``).
        wall: the wall clock (``time.monotonic``), injectable for tests.
    """

    def __init__(self, *, rate: float = 1.0, wall: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self._wall = wall
        self._running = False
        self._anchor_t = 0.0
        self._anchor_wall = 0.0
        self._last = 0.0

    @property
    def running(self) -> bool:
        """True between ``start`` and ``stop``."""
        return self._running

    def start(self, t: float = 0.0) -> None:
        """A call began at audio time ``t``."""
        self._running = True
        self._anchor_t = self._last = t
        self._anchor_wall = self._wall()

    def observe(self, t: float) -> None:
        """An event stamped ``t`` arrived; the estimate never lags behind it."""
        if t > self.now():
            self._anchor_t = self._last = t
            self._anchor_wall = self._wall()

    def stop(self, t: float | None = None) -> None:
        """The call ended (at ``t`` if known); the clock stands still."""
        self._last = t if t is not None else self.now()
        self._running = False

    def now(self) -> float:
        """Audio seconds since the call began, as best known now."""
        if self._running:
            estimate = self._anchor_t + (self._wall() - self._anchor_wall) * self.rate
            self._last = max(self._last, estimate)
        return self._last
