"""The ASR worker's queueing: priorities, stale interims, times on the audio clock.

The transcriber is scripted here because these tests are about the worker's
order and bookkeeping, not about Whisper (which tests/audio/engine/test_transcribe.py
runs for real).
"""

from __future__ import annotations

import threading

import numpy as np

from belcoach.audio.engine.asr_worker import AsrWorker
from belcoach.audio.engine.segmenter import Utterance
from belcoach.audio.events import Channel, Event, Transcript, Word


class ScriptedTranscriber:
    """Returns one word per call, named after the audio's first sample, and can be held."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()
        self.calls: list[float] = []

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        self.entered.set()
        self.release.wait(5)
        self.calls.append(float(audio[0]))
        return [Word(f"w{audio[0]:.0f}", 0.1, 0.5, 0.9), Word("x", 0.4, 0.3, 0.9)]


def _job(ch: Channel, utt: int, t0: float, *, final: bool, tag: float) -> Utterance:
    audio = np.full(16000, tag, np.float32)
    return Utterance(ch, utt, t0, audio, t0 + 0.8, final)


def test_finals_first_agent_first_and_stale_interims_skipped() -> None:
    scripted = ScriptedTranscriber()
    got: list[Event] = []
    worker = AsrWorker(scripted, got.append)
    scripted.release.clear()
    worker.start()
    worker.submit(_job(Channel.CUSTOMER, 1, 0.0, final=False, tag=1), block=False)
    # the first job is taken at once and held in the transcriber; queue the rest behind it
    assert scripted.entered.wait(5)
    worker.submit(_job(Channel.CUSTOMER, 2, 5.0, final=False, tag=2), block=False)
    worker.submit(_job(Channel.CUSTOMER, 2, 5.0, final=False, tag=3), block=False)
    worker.submit(_job(Channel.CUSTOMER, 3, 9.0, final=True, tag=4), block=False)
    worker.submit(_job(Channel.AGENT, 7, 12.0, final=True, tag=5), block=False)
    scripted.release.set()
    worker.close(timeout=10)

    # after the held job: the agent's final, the customer's final, then only
    # the newest interim of utterance 2 (the older one is skipped unrun)
    assert scripted.calls == [1, 5, 4, 3]
    assert worker.skipped_interims == 1


def test_words_land_on_the_audio_clock_and_never_go_back() -> None:
    scripted = ScriptedTranscriber()
    got: list[Event] = []
    worker = AsrWorker(scripted, got.append)
    worker.start()
    worker.submit(_job(Channel.AGENT, 1, 3.0, final=True, tag=1), block=True)
    worker.submit(_job(Channel.AGENT, 2, 3.2, final=True, tag=2), block=True)
    worker.close(timeout=10)
    finals = [e for e in got if isinstance(e, Transcript) and e.final]
    words = [w for e in finals for w in e.words]
    assert finals[0].words[0].start == 3.1
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert all(w.end >= w.start for w in words)
    # the second utterance overlaps the first in the script: it is moved after it
    assert finals[1].words[0].start >= finals[0].words[-1].end


def test_a_failing_transcriber_becomes_a_status_event_and_the_worker_goes_on() -> None:
    class Flaky:
        def __init__(self) -> None:
            self.n = 0

        def transcribe(self, audio: np.ndarray) -> list[Word]:
            self.n += 1
            if self.n == 1:
                raise RuntimeError("boom")
            return [Word("ok", 0.0, 0.2, 1.0)]

    got: list[Event] = []
    worker = AsrWorker(Flaky(), got.append)
    worker.start()
    worker.submit(_job(Channel.AGENT, 1, 0.0, final=True, tag=0), block=True)
    worker.submit(_job(Channel.AGENT, 2, 2.0, final=True, tag=0), block=True)
    worker.close(timeout=10)
    assert [e.type for e in got] == ["status", "transcript"]
    assert "boom" in got[0].message  # type: ignore[attr-defined]


class TwoPassTranscriber(ScriptedTranscriber):
    """Says which pass a job got: the interim pass or the full one."""

    def __init__(self) -> None:
        super().__init__()
        self.interims: list[float] = []

    def transcribe_interim(self, audio: np.ndarray) -> list[Word]:
        self.interims.append(float(audio[0]))
        return [Word("interim", 0.1, 0.5, 0.9)]


def test_interims_take_the_interim_pass_finals_and_guesses_the_full_one() -> None:
    scripted = TwoPassTranscriber()
    got: list[Event] = []
    worker = AsrWorker(scripted, got.append)
    worker.start()
    worker.submit(_job(Channel.AGENT, 1, 0.0, final=False, tag=1), block=True)
    worker.close(timeout=10)
    worker = AsrWorker(scripted, got.append)
    worker.start()
    guess = Utterance(Channel.AGENT, 1, 0.0, np.full(16000, 2, np.float32), 0.8, False, True)
    worker.submit(guess, block=True)
    worker.submit(_job(Channel.AGENT, 2, 3.0, final=True, tag=3), block=True)
    worker.close(timeout=10)

    assert scripted.interims == [1]  # only the interim, never the guess or the final
    assert scripted.calls == [2, 3]
    shown = [e for e in got if isinstance(e, Transcript)]
    assert [(e.final, e.text) for e in shown] == [(False, "interim"), (True, "w3 x")]
