"""The event bus delivers in publication order, whoever subscribed first."""

from __future__ import annotations

import threading

from belcoach.audio.bus import EventBus
from belcoach.audio.events import Event, Transcript
from belcoach.audio.status import EngineStatus


def _transcript() -> Transcript:
    return Transcript(1.0, "agent", final=True)


def _card() -> EngineStatus:
    return EngineStatus(1.0, "agent", code="card")


def _reacting_bus(first_is_reactor: bool) -> list[str]:
    """A bus where one subscriber publishes a card when it sees a transcript."""
    bus = EventBus()
    seen: list[str] = []

    def reactor(event: Event) -> None:
        if isinstance(event, Transcript):
            bus.publish(_card())

    def watcher(event: Event) -> None:
        seen.append(event.type)

    for subscriber in (reactor, watcher) if first_is_reactor else (watcher, reactor):
        bus.subscribe(subscriber)
    bus.publish(_transcript())
    return seen


def test_an_event_published_during_a_delivery_comes_after_it_for_everyone() -> None:
    # Before the fix the watcher subscribed after the reactor saw the card first.
    assert _reacting_bus(first_is_reactor=True) == ["transcript", "status"]
    assert _reacting_bus(first_is_reactor=False) == ["transcript", "status"]


def test_a_failing_subscriber_does_not_stop_the_queue() -> None:
    bus = EventBus()
    seen: list[str] = []

    def broken(event: Event) -> None:
        if isinstance(event, Transcript):
            bus.publish(_card())
        raise RuntimeError("subscriber bug")

    bus.subscribe(broken)
    bus.subscribe(lambda e: seen.append(e.type))
    bus.publish(_transcript())
    bus.publish(_transcript())
    assert seen == ["transcript", "status", "transcript", "status"]


def test_two_threads_publishing_never_interleave_inside_a_delivery() -> None:
    bus = EventBus()
    order: list[tuple[str, int]] = []

    def slow(event: Event) -> None:
        order.append(("in", id(event)))
        threading.Event().wait(0.001)
        order.append(("out", id(event)))

    bus.subscribe(slow)
    events = [_transcript() for _ in range(20)]
    threads = [threading.Thread(target=bus.publish, args=(e,)) for e in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(order) == 40
    for i in range(0, 40, 2):
        assert order[i][0] == "in" and order[i + 1] == ("out", order[i][1])
