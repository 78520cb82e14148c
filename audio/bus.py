"""Thread-safe fan-out of engine events to any number of subscribers.

Subscribers are called on the publishing thread, in subscription order, so
they must return quickly (the Qt bridge posts to the GUI thread; the journal
appends one line). One subscriber failing is logged and does not stop the
others or the engine.

Every subscriber sees the events in publication order. Analysers publish from
inside a delivery (a transcript makes the phrase analyser publish a card):
such an event waits until the one being delivered has reached every
subscriber, so a subscriber added later never sees the card before the
transcript it came from.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable

from belcoach.audio.events import Event

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]


class EventBus:
    """Publish events to subscribers from any thread."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._subscribers: tuple[Subscriber, ...] = ()
        self._pending: deque[Event] = deque()
        self._delivering = False

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it again."""
        with self._lock:
            self._subscribers = (*self._subscribers, subscriber)

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = tuple(s for s in self._subscribers if s is not subscriber)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every subscriber; a failing one is logged and skipped.

        Called from inside a delivery (a subscriber publishing), the event is
        queued and delivered right after the current one, to everyone.
        """
        # Publishing is serialised so every subscriber sees one global order,
        # whichever thread (engine or ASR worker) an event comes from. The lock
        # is re-entrant, so only the delivering thread itself can get here
        # while ``_delivering`` is set.
        with self._lock:
            self._pending.append(event)
            if self._delivering:
                return
            self._delivering = True
            try:
                while self._pending:
                    self._deliver(self._pending.popleft())
            finally:
                self._delivering = False
                self._pending.clear()

    def _deliver(self, event: Event) -> None:
        for subscriber in self._subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber %r failed on %s", subscriber, event.type)
