"""Latency is measured against the source's real-time clock, so a late engine shows.

The engine used to re-anchor its clock on every block it read; when the engine
thread fell behind, the anchor moved with it and the words looked on time. Here
the engine thread is held up on purpose (a subscriber that blocks for
``STALL`` seconds when an utterance ends, before the utterance is handed to the
transcriber) and the reported latency of that utterance must include the stall.

Nothing here asserts how fast this machine is: only lower bounds that follow
from the order of events (a paced block is never handed over before it is due,
and the stalled utterance cannot be published before the stall is over).
The transcriber is a fake (the test is about the engine's clock, not Whisper);
it holds passes that start during the stall until the engine has read well past
the utterance, so a clock that follows the engine would have caught up by then.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from belcoach.audio.bus import EventBus
from belcoach.audio.engine.blocks import (
    SAMPLE_RATE,
    AudioBlock,
    AudioClock,
    AudioSource,
    audio_clock_of,
)
from belcoach.audio.engine.engine import CallEngine, EngineConfig
from belcoach.audio.engine.paced import PacedSource
from belcoach.audio.engine.segmenter import SegmenterConfig
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.vad import SileroSession
from belcoach.audio.events import Event, SpeechRegion, Transcript, Word
from belcoach.demo import demo_call_path

STALL = 2.0
"""Seconds the engine thread is held up (wall clock)."""

SPEED = 4.0
"""The demo call is paced at 4x real time to keep the test short."""


class Unclocked:
    """A paced source with its clock hidden: the engine must anchor on arrivals."""

    def __init__(self, inner: AudioSource) -> None:
        self._inner = inner
        self.description = inner.description
        self.duration = inner.duration

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        yield from self._inner.blocks(stop)


class HoldingTranscriber:
    """Answers at once, except that passes started during a stall wait for ``release``."""

    def __init__(self) -> None:
        self.stalled = threading.Event()
        self.release = threading.Event()

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        if self.stalled.is_set():
            self.release.wait(timeout=60)
        return [Word("ja", 0.0, min(0.3, len(audio) / SAMPLE_RATE), 0.9)]


def _stalled_run(source: AudioSource) -> tuple[CallEngine, Transcript]:
    """Run the engine until the stalled utterance's words are published."""
    bus = EventBus()
    transcriber = HoldingTranscriber()
    stop = threading.Event()
    stalled: list[SpeechRegion] = []
    finals: list[Transcript] = []

    def stall_once(event: Event) -> None:
        # Runs on the engine thread, between the utterance's end and its hand-off.
        if isinstance(event, SpeechRegion) and not stalled:
            stalled.append(event)
            transcriber.stalled.set()
            time.sleep(STALL)

    def watch(event: Event) -> None:
        if isinstance(event, Transcript) and event.final and event.latency is not None:
            finals.append(event)
            if stalled and event.channel == stalled[0].channel and event.t <= stalled[0].end:
                stop.set()

    bus.subscribe(stall_once)
    bus.subscribe(watch)
    engine = CallEngine(
        source,
        transcriber,
        bus,
        EngineConfig(language="nl", paced=True),
        vad_session=SileroSession(),
    )

    def progress(t: float) -> None:
        # Let the held pass go once the engine has read a second past the
        # utterance: by then it has caught up with the paced source again.
        if stalled and t >= stalled[0].end + 1.0:
            transcriber.release.set()

    engine.run(stop, on_progress=progress)
    transcriber.release.set()
    assert stalled, "the demo call has speech"
    region = stalled[0]
    mine = [e for e in finals if e.channel == region.channel and e.t <= region.end]
    assert mine, "the stalled utterance was transcribed"
    return engine, mine[-1]


@pytest.mark.parametrize("clocked", [True, False], ids=["source clock", "earliest block"])
def test_an_engine_that_falls_behind_reports_the_lateness(clocked: bool) -> None:
    paced = PacedSource(open_call(demo_call_path()), speed=SPEED)
    engine, words = _stalled_run(paced if clocked else Unclocked(paced))
    assert engine.clock_basis == ("source" if clocked else "earliest_block")
    # The utterance ended at its speech end; the segmenter saw that only after
    # end_silence more audio, whose block was not due before then (paced at
    # SPEED); then the engine thread stood still for STALL seconds before it
    # handed the utterance on. All of that is wall time after the speech ended.
    end_silence = SegmenterConfig().end_silence
    assert words.latency is not None
    assert words.latency >= STALL + end_silence / SPEED


def test_the_source_clock_is_the_one_the_source_paces_by() -> None:
    paced = PacedSource(open_call(demo_call_path()), speed=SPEED)
    assert audio_clock_of(paced) is None  # not started
    stop = threading.Event()
    before = time.monotonic()
    first = next(iter(paced.blocks(stop)))
    clock = audio_clock_of(paced)
    assert isinstance(clock, AudioClock) and clock.speed == SPEED
    assert before <= clock.origin <= time.monotonic()
    # The block was handed over no earlier than the clock says its end was due.
    assert time.monotonic() >= clock.wall_time(first.t + first.duration)
    stop.set()

    realtime = open_call(demo_call_path(), realtime=True)
    next(iter(realtime.blocks(stop := threading.Event())))
    assert audio_clock_of(realtime) is not None and audio_clock_of(realtime).speed == 1.0
    stop.set()
    unpaced = open_call(demo_call_path())
    next(iter(unpaced.blocks(threading.Event())))
    assert audio_clock_of(unpaced) is None


def test_a_batch_run_has_no_latency_to_report() -> None:
    bus = EventBus()
    events: list[Event] = []
    bus.subscribe(events.append)
    engine = CallEngine(
        _FirstSeconds(open_call(demo_call_path()), 12.0),
        HoldingTranscriber(),
        bus,
        EngineConfig(language="nl", paced=False),
        vad_session=SileroSession(),
    )
    engine.run()
    finals = [e for e in events if isinstance(e, Transcript) and e.final]
    assert finals and all(e.latency is None for e in finals)
    assert engine.clock is None and engine.clock_basis == "none"


class _FirstSeconds:
    def __init__(self, inner: AudioSource, seconds: float) -> None:
        self._inner = inner
        self._seconds = seconds
        self.description = inner.description
        self.duration: float | None = seconds

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        for block in self._inner.blocks(stop):
            if block.t >= self._seconds:
                return
            yield block
