"""The ASR worker runs the two channels' waiting finals in one batched pass.

Scripted transcribers: these tests are about which jobs go together and where
their words land; tests/audio/engine/test_whisper_decode.py batches real Whisper.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from belcoach.audio.engine.asr_batch import Entry, take_partner
from belcoach.audio.engine.asr_worker import AsrWorker
from belcoach.audio.engine.segmenter import Utterance
from belcoach.audio.events import Channel, Event, Transcript, Word


class BatchingTranscriber:
    """One word per utterance, named after its first sample; remembers each pass; can be held."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()
        self.passes: list[list[float]] = []

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        return self.transcribe_batch([audio])[0]

    def transcribe_batch(self, audios: Sequence[np.ndarray]) -> list[list[Word]]:
        self.entered.set()
        self.release.wait(5)
        self.passes.append([float(a[0]) for a in audios])
        return [[Word(f"w{a[0]:.0f}", 0.1, 0.5, 0.9)] for a in audios]


def _job(ch: Channel, utt: int, t0: float, *, final: bool, tag: float) -> Utterance:
    return Utterance(ch, utt, t0, np.full(16000, tag, np.float32), t0 + 0.8, final)


def _held_worker(
    transcriber: BatchingTranscriber, got: list[Event], *, batch_channels: bool = True
) -> AsrWorker:
    """A started worker busy with a first customer interim (tag 0) until released."""
    worker = AsrWorker(transcriber, got.append, batch_channels=batch_channels)
    transcriber.release.clear()
    worker.start()
    worker.submit(_job(Channel.CUSTOMER, 99, 0.0, final=False, tag=0), block=False)
    assert transcriber.entered.wait(5)
    return worker


def test_both_channels_finals_run_in_one_pass_and_land_on_their_own_channel() -> None:
    transcriber = BatchingTranscriber()
    got: list[Event] = []
    worker = _held_worker(transcriber, got)
    worker.submit(_job(Channel.CUSTOMER, 1, 2.0, final=True, tag=1), block=False)
    worker.submit(_job(Channel.CUSTOMER, 2, 6.0, final=True, tag=2), block=False)
    worker.submit(_job(Channel.AGENT, 1, 3.0, final=True, tag=3), block=False)
    worker.submit(_job(Channel.AGENT, 2, 8.0, final=False, tag=4), block=False)
    transcriber.release.set()
    worker.close(timeout=10)

    # the agent's final goes first, with the customer's oldest final; then the
    # customer's second final alone (no agent final left); the interim last
    assert transcriber.passes == [[0], [3, 1], [2], [4]]
    assert worker.batched_passes == 1
    assert worker.passes == 4
    words = {
        (e.channel, e.utterance): (e.words[0].text, e.words[0].start)
        for e in got
        if isinstance(e, Transcript) and e.final
    }
    assert words == {
        (Channel.AGENT, 1): ("w3", 3.1),
        (Channel.CUSTOMER, 1): ("w1", 2.1),
        (Channel.CUSTOMER, 2): ("w2", 6.1),
    }


def test_batching_is_off_unless_asked_for() -> None:
    """Off by default: batched passes round differently, so words would depend on timing."""
    transcriber = BatchingTranscriber()
    worker = _held_worker(transcriber, [], batch_channels=False)
    worker.submit(_job(Channel.CUSTOMER, 1, 2.0, final=True, tag=1), block=False)
    worker.submit(_job(Channel.AGENT, 1, 3.0, final=True, tag=3), block=False)
    transcriber.release.set()
    worker.close(timeout=10)
    assert transcriber.passes == [[0], [3], [1]]
    assert worker.batched_passes == 0


def test_a_final_whose_guess_matched_leaves_the_batch() -> None:
    """The agent's guess ran in the pause: its final takes those words; the customer runs alone."""
    transcriber = BatchingTranscriber()
    got: list[Event] = []
    worker = _held_worker(transcriber, got)
    final = _job(Channel.AGENT, 1, 3.0, final=True, tag=3)
    guess = replace(final, final=False, speculative=True)
    worker.submit(guess, block=False)
    transcriber.release.set()
    assert _wait(lambda: transcriber.passes == [[0], [3]])
    transcriber.release.clear()
    transcriber.entered.clear()
    worker.submit(_job(Channel.AGENT, 7, 9.0, final=False, tag=7), block=False)
    assert transcriber.entered.wait(5)  # busy with the agent's interim
    worker.submit(_job(Channel.CUSTOMER, 1, 2.0, final=True, tag=1), block=False)
    worker.submit(final, block=False)
    transcriber.release.set()
    worker.close(timeout=10)
    assert transcriber.passes == [[0], [3], [7], [1]]
    assert worker.batched_passes == 0
    finals = {e.channel: e.words[0].text for e in got if isinstance(e, Transcript) and e.final}
    assert finals == {Channel.AGENT: "w3", Channel.CUSTOMER: "w1"}


def _wait(done: Callable[[], bool]) -> bool:
    for _ in range(500):
        if done():
            return True
        time.sleep(0.01)
    return False


def test_a_transcriber_that_cannot_batch_gets_one_job_at_a_time() -> None:
    class Single:
        def __init__(self) -> None:
            self.calls: list[float] = []

        def transcribe(self, audio: np.ndarray) -> list[Word]:
            self.calls.append(float(audio[0]))
            return [Word("x", 0.1, 0.2, 0.9)]

    single = Single()
    worker = AsrWorker(single, lambda _e: None)
    worker.submit(_job(Channel.CUSTOMER, 1, 2.0, final=True, tag=1), block=False)
    worker.submit(_job(Channel.AGENT, 1, 3.0, final=True, tag=2), block=False)
    worker.start()
    worker.close(timeout=10)
    assert single.calls == [2, 1]
    assert worker.batched_passes == 0


def test_a_failed_batch_reports_both_utterances_and_frees_the_backlog() -> None:
    class Broken(BatchingTranscriber):
        def transcribe_batch(self, audios: Sequence[np.ndarray]) -> list[list[Word]]:
            if len(audios) > 1:
                raise RuntimeError("boom")
            return super().transcribe_batch(audios)

    transcriber = Broken()
    got: list[Event] = []
    worker = _held_worker(transcriber, got)
    worker.submit(_job(Channel.CUSTOMER, 1, 2.0, final=True, tag=1), block=False)
    worker.submit(_job(Channel.AGENT, 1, 3.0, final=True, tag=2), block=False)
    transcriber.release.set()
    worker.close(timeout=10)
    failed = [e.channel for e in got if getattr(e, "code", None) is not None]
    assert sorted(failed) == sorted([Channel.AGENT, Channel.CUSTOMER])
    assert worker._pending_finals == 0


def test_take_partner_takes_only_another_channels_most_urgent_final() -> None:
    heap: list[Entry] = []
    jobs = [
        _job(Channel.AGENT, 1, 0.0, final=True, tag=1),
        _job(Channel.CUSTOMER, 1, 0.0, final=False, tag=2),
        _job(Channel.CUSTOMER, 2, 1.0, final=True, tag=3),
        _job(Channel.CUSTOMER, 3, 2.0, final=True, tag=4),
    ]
    jobs.append(replace(jobs[2], utterance=4, final=False, speculative=True))
    for seq, job in enumerate(jobs):
        prio = (0 if job.final or job.speculative else 1, 0 if job.channel is Channel.AGENT else 1)
        heapq.heappush(heap, (*prio, seq, job))
    agent = _job(Channel.AGENT, 9, 0.0, final=True, tag=9)
    assert take_partner(heap, _job(Channel.AGENT, 9, 0.0, final=False, tag=9)) is None
    assert take_partner(heap, agent) is jobs[2]
    assert take_partner(heap, agent) is jobs[3]
    assert take_partner(heap, agent) is None
    # a guess (the customer's utterance 4) is never a partner
    assert [heapq.heappop(heap)[3] for _ in range(len(heap))] == [jobs[0], jobs[4], jobs[1]]
