"""Thread-safe fan-out of engine events to any number of subscribers.

Subscribers are called on the publishing thread, in subscription order, so
they must return quickly (the Qt bridge posts to the GUI thread; the journal
appends one line). One subscriber failing is logged and does not stop the
others or the engine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from belcoach.audio.events import Event

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]


class EventBus:
    """Publish events to subscribers from any thread."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._subscribers: tuple[Subscriber, ...] = ()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it again."""
        with self._lock:
            self._subscribers = (*self._subscribers, subscriber)

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = tuple(s for s in self._subscribers if s is not subscriber)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every subscriber; a failing one is logged and skipped."""
        # Publishing is serialised so every subscriber sees one global order,
        # whichever thread (engine or ASR worker) an event comes from.
        with self._lock:
            subscribers = self._subscribers
            for subscriber in subscribers:
                try:
                    subscriber(event)
                except Exception:
                    log.exception("event subscriber %r failed on %s", subscriber, event.type)
