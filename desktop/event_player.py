"""Plays a recorded event timeline into a subscriber, paced like the live engine (no Qt).

A worker thread publishes each event when its time comes, exactly as the
engine's threads would, so whatever consumes it (the bridge, in tests and
in the overlay benchmark) sees the same cross-thread traffic as in a call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from belcoach.audio.bus import Subscriber
from belcoach.audio.events import Event


class EventPlayer:
    """Publishes ``(due, event)`` pairs at ``due / speed`` wall seconds after ``start``.

    Args:
        timeline: pairs sorted by ``due`` (audio seconds).
        publish: receives each event, on the player's thread.
        speed: audio seconds per wall second.
    """

    def __init__(
        self, timeline: Sequence[tuple[float, Event]], publish: Subscriber, *, speed: float = 1.0
    ) -> None:
        self._timeline = list(timeline)
        self._publish = publish
        self._speed = speed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="belcoach-player", daemon=True)
        self.published = 0

    def start(self) -> None:
        """Start publishing in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop early; returns at once."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every event is published (or the player stopped)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        started = time.monotonic()
        for due, event in self._timeline:
            wait = started + due / self._speed - time.monotonic()
            if self._stop.wait(max(0.0, wait)):
                return
            self._publish(event)
            self.published += 1
