"""The engine under hostile audio: a side silent for half an hour, clipping, line noise.

The alerts that need no words come from the VAD on the engine thread, so
these tests run the real VAD and segmenter over real (demo call) speech and
a transcriber that answers at once: they are about the engine, not Whisper.
"""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from belcoach.audio.bus import EventBus
from belcoach.audio.engine.blocks import SAMPLE_RATE, AudioBlock
from belcoach.audio.engine.engine import CallEngine, EngineConfig
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.vad import SileroSession
from belcoach.audio.events import Channel, Event, SpeechRegion, SpeechStarted, Transcript, Word
from belcoach.demo import demo_call_path

A, C = Channel.AGENT, Channel.CUSTOMER


class QuickTranscriber:
    def transcribe(self, audio: np.ndarray) -> list[Word]:
        return [Word("ja", 0.0, min(0.3, len(audio) / SAMPLE_RATE), 0.9)]


class Transformed:
    """The demo call with each side passed through a function (gain, noise...)."""

    def __init__(self, change: Callable[[AudioBlock], AudioBlock]) -> None:
        self._call = open_call(demo_call_path())
        self._change = change
        self.description = "demo call, changed"
        self.duration = self._call.duration

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        for block in self._call.blocks(stop):
            yield self._change(block)


class SilenceThenDemo:
    """``minutes`` of digital silence on both sides, then the demo call."""

    def __init__(self, minutes: float) -> None:
        self._call = open_call(demo_call_path())
        self._silence = minutes * 60
        self.description = "silence, then the demo call"
        self.duration = None

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        n = SAMPLE_RATE // 10
        zeros = np.zeros(n, np.float32)
        t = 0.0
        while t < self._silence and not stop.is_set():
            yield AudioBlock(t, zeros, zeros)
            t += n / SAMPLE_RATE
        for block in self._call.blocks(stop):
            yield AudioBlock(t + block.t, block.agent, block.customer)


def _run(source, *, watch: Callable[[], None] = lambda: None) -> list[Event]:
    bus = EventBus()
    events: list[Event] = []
    bus.subscribe(events.append)
    engine = CallEngine(
        source,
        QuickTranscriber(),
        bus,
        EngineConfig(language="nl", paced=True),
        vad_session=SileroSession(),
    )
    engine.run(on_progress=lambda _t: watch())
    return events


def _regions(events: list[Event], channel: Channel) -> list[SpeechRegion]:
    return [e for e in events if isinstance(e, SpeechRegion) and e.channel == channel]


@pytest.fixture(scope="module")
def clean() -> list[Event]:
    return _run(Transformed(lambda b: b))


def test_clipped_speech_is_still_speech(clean: list[Event]) -> None:
    def overdrive(block: AudioBlock) -> AudioBlock:
        loud = np.clip(block.agent * 20.0, -1.0, 1.0).astype(np.float32)
        return AudioBlock(block.t, loud, block.customer)

    clipped = _run(Transformed(overdrive))
    ref, got = _regions(clean, A), _regions(clipped, A)
    assert len(got) >= 0.8 * len(ref)
    covered = sum(r.end - r.t for r in got)
    assert covered >= 0.8 * sum(r.end - r.t for r in ref)
    assert _regions(clipped, C) == _regions(clean, C)


def test_line_noise_neither_hides_speech_nor_becomes_endless_speech(clean: list[Event]) -> None:
    rng = np.random.default_rng(3)

    def hiss(block: AudioBlock) -> AudioBlock:
        noise = rng.normal(0, 0.03, len(block.customer)).astype(np.float32)  # about -30 dBFS
        return AudioBlock(block.t, block.agent, np.clip(block.customer + noise, -1, 1))

    noisy = _run(Transformed(hiss))
    ref, got = _regions(clean, C), _regions(noisy, C)
    assert len(got) >= 0.7 * len(ref)
    speech = sum(r.end - r.t for r in got)
    assert speech <= 1.5 * sum(r.end - r.t for r in ref)  # the hiss itself is not speech
    assert _regions(noisy, A) == _regions(clean, A)
    assert all(
        e.words[-1].end - e.words[0].start <= 12.5
        for e in noisy
        if isinstance(e, Transcript) and e.final
    )


@pytest.mark.slow
def test_half_an_hour_of_silence_costs_no_memory_and_the_call_then_works(
    clean: list[Event],
) -> None:
    tracemalloc.start()
    peaks: list[float] = []

    def watch() -> None:
        peaks.append(tracemalloc.get_traced_memory()[0] / 2**20)

    try:
        events = _run(SilenceThenDemo(30.0), watch=watch)
    finally:
        tracemalloc.stop()
    offset = 30 * 60
    before = [e for e in events if isinstance(e, SpeechStarted | SpeechRegion) and e.t < offset]
    assert before == []  # silence is silence: no speech, no utterance jobs
    # Python memory held during the silence does not grow (sampled every block)
    silent = peaks[: int(offset / 0.1)]  # one sample per 0.1 s block of the silence
    settled = silent[len(silent) // 10]
    assert max(silent[len(silent) // 10 :]) - settled < 2.0, (settled, max(silent))
    # the call after it is heard as it is without the silence (the VAD's state has
    # drifted over 30 minutes, so onsets may move by a fraction of a second)
    after = [(r.channel, r.t - offset) for r in events if isinstance(r, SpeechRegion)]
    ref = [(r.channel, r.t) for r in clean if isinstance(r, SpeechRegion)]
    matched = [x for x in ref if any(ch == x[0] and abs(t - x[1]) < 0.5 for ch, t in after)]
    assert len(matched) >= 0.9 * len(ref) and abs(len(after) - len(ref)) <= 2
    assert any(isinstance(e, Transcript) and e.final and e.t > offset for e in events)
