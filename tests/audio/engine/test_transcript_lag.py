"""Live transcription under a CPU it cannot keep up with: bounded lag, visible gaps.

These tests are about the ASR worker's queue policy, not about Whisper, so the
transcriber is a fake whose slowness is counted on a virtual clock: everything
is deterministic, nothing sleeps. ``benchmarks/soak.py --starve N`` runs the
same policy with the real model while other processes eat both cores.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pytest

from belcoach.audio.bus import EventBus
from belcoach.audio.engine.asr_worker import AsrWorker
from belcoach.audio.engine.blocks import SAMPLE_RATE, AudioBlock
from belcoach.audio.engine.engine import CallEngine, EngineConfig
from belcoach.audio.engine.segmenter import Utterance
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.vad import SileroSession
from belcoach.audio.events import Channel, Event, SpeechRegion, SpeechStarted, Transcript, Word
from belcoach.audio.status import EngineStatus
from belcoach.demo import demo_call_path

A, C = Channel.AGENT, Channel.CUSTOMER


def _job(ch: Channel, utt: int, end: float, *, seconds: float = 2.0, final: bool = True):
    audio = np.full(round(seconds * SAMPLE_RATE), utt, np.float32)
    return Utterance(ch, utt, end - seconds, audio, end, final)


def _gaps(events: list[Event]) -> list[EngineStatus]:
    return [e for e in events if isinstance(e, EngineStatus) and e.code == "transcript_gap"]


def _finals(events: list[Event]) -> list[Transcript]:
    return [e for e in events if isinstance(e, Transcript) and e.final]


class HeldTranscriber:
    """Holds every pass until released; names its words after the utterance id."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()
        self.calls: list[tuple[int, int]] = []

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        self.entered.set()
        assert self.release.wait(120)
        self.calls.append((len(self.calls), int(audio[0])))
        return [Word(f"u{int(audio[0])}", 0.0, 0.4, 0.9)]


def test_too_late_speech_is_skipped_customer_first_with_a_gap_status() -> None:
    now = [0.0]
    got: list[Event] = []
    held = HeldTranscriber()
    worker = AsrWorker(held, got.append, latency_of=lambda end: now[0] - end, max_lag=10.0)
    worker.start()
    worker.submit(_job(A, 1, 1.0), block=False)
    assert held.entered.wait(5)  # utterance 1 is in the transcriber; the rest queue
    worker.submit(_job(C, 11, 2.0), block=False)
    worker.submit(_job(C, 12, 4.0), block=False)
    worker.submit(_job(A, 2, 5.0), block=False)
    worker.submit(_job(C, 13, 12.0), block=False)

    now[0] = 14.0  # 12 s after the customer's first utterance, 10 after their second
    gaps = worker.shed()
    assert [(g.channel, g.utterances, g.start, g.end) for g in gaps] == [(C, 1, 0.0, 2.0)]
    now[0] = 15.5  # now the customer's second (11.5 s) is too late too, the agent's (10.5) also
    gaps = worker.shed()
    assert [(g.channel, g.utterances) for g in gaps] == [(A, 1), (C, 1)]
    held.release.set()
    worker.close(timeout=10)

    assert [int(e.words[0].text[1:]) for e in _finals(got)] == [1, 13]
    statuses = _gaps(got)
    assert [s.channel for s in statuses] == [C, A, C]
    first = statuses[0]
    assert first.level == "warning"
    assert first.details == {
        "channel": "customer",
        "start": 0.0,
        "end": 2.0,
        "utterances": 1,
        "speech_seconds": 2.0,
        "lag": 12.0,
    }
    assert "customer speech (00:00-00:02)" in first.message
    assert worker.dropped_finals == 3
    assert worker.dropped_seconds == pytest.approx(6.0)


def test_batch_mode_never_drops_however_late() -> None:
    got: list[Event] = []
    held = HeldTranscriber()
    # no max_lag: the replay of a file waits for every word
    worker = AsrWorker(held, got.append, latency_of=lambda end: 1e6)
    worker.start()
    worker.submit(_job(A, 1, 1.0), block=True)
    assert held.entered.wait(5)
    for i in range(2, 4):
        worker.submit(_job(C, i, float(i)), block=False)
    assert worker.shed() == []
    held.release.set()
    worker.close(timeout=10)
    assert len(_finals(got)) == 3 and _gaps(got) == []


def test_queued_interims_are_superseded_and_never_pile_up() -> None:
    got: list[Event] = []
    held = HeldTranscriber()
    worker = AsrWorker(held, got.append)
    worker.start()
    worker.submit(_job(A, 1, 1.0), block=False)
    assert held.entered.wait(5)
    for k in range(50):  # a 150 s utterance's interim passes while the CPU is stuck
        worker.submit(_job(C, 7, 3.0 + 3 * k, final=False), block=False)
        assert worker.queued_jobs() == 1
    worker.submit(_job(C, 7, 200.0), block=False)  # the final replaces the last interim
    assert worker.queued_jobs() == 1
    held.release.set()
    worker.close(timeout=10)
    assert worker.skipped_interims == 50
    assert [e.final for e in got if isinstance(e, Transcript)] == [True, True]


@dataclass
class Simulation:
    """A call whose speech arrives faster than the transcriber can handle it."""

    events: list[Event]
    submitted: list[Utterance]
    worker: AsrWorker


def _simulate(*, max_lag: float | None, pass_cost: float, minutes: float) -> Simulation:
    """Turns alternate (agent 2 s, customer 2 s, ...), each pass costs ``pass_cost`` s.

    Everything runs on the worker thread against a virtual clock: each pass
    advances it by ``pass_cost`` and then hands the worker every utterance that
    has ended by then, as the engine would.
    """
    clock = [0.0]
    utterances = []
    t = 0.0
    n = 0
    while t < minutes * 60:
        n += 1
        utterances.append(_job(A if n % 2 else C, n, t + 2.0))
        t += 2.5
    pending = iter(utterances)
    upcoming: list[Utterance | None] = [next(pending)]
    submitted: list[Utterance] = []
    events: list[Event] = []
    worker: AsrWorker

    def feed_until(t_now: float) -> None:
        while upcoming[0] is not None and upcoming[0].speech_end <= t_now:
            worker.submit(upcoming[0], block=False)
            submitted.append(upcoming[0])
            upcoming[0] = next(pending, None)

    class VirtualCostTranscriber:
        def transcribe(self, audio: np.ndarray) -> list[Word]:
            clock[0] += pass_cost
            feed_until(clock[0])
            return [Word(f"u{int(audio[0])}", 0.0, 0.4, 0.9)]

    worker = AsrWorker(
        VirtualCostTranscriber(),
        events.append,
        latency_of=lambda end: clock[0] - end,
        max_lag=max_lag,
    )
    worker._closing = True  # driven by hand below: an empty queue ends a round, no waiting
    # The first utterance starts the chain; when the queue runs dry the clock
    # jumps to the next utterance's end (the PC idles until someone speaks).
    while upcoming[0] is not None:
        clock[0] = max(clock[0], upcoming[0].speech_end)
        feed_until(clock[0])
        while worker.queued_jobs():
            job = worker._next_job()
            if job is None:
                break
            worker._process(job)
            if job.final:
                worker._pending_finals -= 1
    return Simulation(events, submitted, worker)


def test_the_live_lag_stays_bounded_when_the_pc_is_too_slow_and_nothing_is_lost_silently() -> None:
    # 1.2 passes per 2.5 s turn: the transcriber does 2 utterances while 2.4 arrive
    sim = _simulate(max_lag=15.0, pass_cost=3.0, minutes=20)
    finals = _finals(sim.events)
    lags = [e.latency for e in finals]
    assert all(lag is not None and lag <= 15.0 + 3.0 for lag in lags)
    # the last minutes are no later than the first ones: no drift
    assert max(lags[-20:]) <= 15.0 + 3.0
    done = {(e.channel, int(e.words[0].text[1:])) for e in finals}
    skipped = sum(int(g.details["utterances"]) for g in _gaps(sim.events))
    assert len(done) + skipped == len(sim.submitted)
    # every skipped utterance lies inside a reported gap of its channel
    spans = [(g.channel, g.details["start"], g.details["end"]) for g in _gaps(sim.events)]
    for job in sim.submitted:
        if (job.channel, job.utterance) not in done:
            assert any(
                ch == job.channel and s <= job.t0 and job.speech_end <= e for ch, s, e in spans
            )
    # the agent has priority: nearly all of the agent's speech is transcribed
    agent_total = sum(1 for j in sim.submitted if j.channel is A)
    agent_done = sum(1 for ch, _u in done if ch is A)
    customer_done = len(done) - agent_done
    assert agent_done == agent_total
    assert customer_done < agent_done


def test_without_the_bound_the_same_call_falls_further_and_further_behind() -> None:
    sim = _simulate(max_lag=None, pass_cost=3.0, minutes=20)
    lags = [e.latency for e in _finals(sim.events)]
    assert len(lags) == len(sim.submitted)  # batch semantics: everything, however late
    assert lags[-1] > 200.0  # minutes behind by the end: what the bound prevents


# --------------------------------------------------------------------------- engine


class LoopedDemo:
    """The demo call played ``times`` times back to back, as fast as it can be read."""

    def __init__(self, times: int, on_end: Callable[[], None] = lambda: None) -> None:
        self._call = open_call(demo_call_path())
        self._times = times
        self._on_end = on_end
        self.description = "demo call, looped"
        self.duration: float | None = None

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        offset = 0.0
        for _ in range(self._times):
            last = 0.0
            for block in self._call.blocks(stop):
                last = block.t + block.duration
                yield AudioBlock(offset + block.t, block.agent, block.customer)
            offset += last
        self._on_end()


class QuickTranscriber:
    def transcribe(self, audio: np.ndarray) -> list[Word]:
        return [Word("ja", 0.0, 0.3, 0.9)]


def _run_engine(source, transcriber, *, paced: bool, watch: Callable[[CallEngine], None]):
    bus = EventBus()
    events: list[Event] = []
    bus.subscribe(events.append)
    engine = CallEngine(
        source,
        transcriber,
        bus,
        EngineConfig(language="nl", paced=paced, max_transcript_lag=15.0),
        vad_session=SileroSession(),
    )
    engine.run(on_progress=lambda _t: watch(engine))
    return engine, events


def test_a_stuck_transcriber_never_holds_back_the_alerts_and_the_queue_stays_bounded() -> None:
    # Reference: the same audio in batch mode, nothing dropped.
    ref_engine, ref = _run_engine(
        LoopedDemo(3), QuickTranscriber(), paced=False, watch=lambda e: None
    )
    # Live mode with a transcriber that does not come back until the audio has ended
    # (a PC starved for minutes). The source is not paced here, so the audio clock
    # runs ahead of the wall clock and "too late" is measured in audio seconds.
    held = HeldTranscriber()
    backlog: list[float] = []
    engine, live = _run_engine(
        LoopedDemo(3, on_end=held.release.set),
        held,
        paced=True,
        watch=lambda e: backlog.append(e._asr.backlog_seconds()),
    )

    def vad(events: list[Event]) -> list[tuple[str, str | None, float]]:
        kinds = (SpeechStarted, SpeechRegion)
        return [(e.type, e.channel, e.t) for e in events if isinstance(e, kinds)]

    # the alerts that need no words are exactly those of the unhurried run
    assert vad(live) == vad(ref) and len(vad(ref)) > 40
    # waiting speech never exceeds the lag bound plus one longest utterance, per side
    assert max(backlog) <= 2 * (15.0 + 12.0 + 0.4)
    gaps = _gaps(live)
    assert {g.channel for g in gaps} == {A, C}
    skipped = sum(int(g.details["utterances"]) for g in gaps)
    assert len(_finals(live)) + skipped == len(_finals(ref))
    assert engine.stats["transcript_gaps"] == len(gaps)
    assert engine.stats["skipped_speech_seconds"] > 60
    assert ref_engine.stats["transcript_gaps"] == 0
