"""Speculative passes: Whisper starts in the pause, the final reuses its words.

The segmenter's jobs are real (fed scripted VAD frames); the transcriber is a
scripted one that counts its passes and names its words after the audio it
got, so a word says which pass made it. Nothing here is timed: a transcriber
that is held until released decides which job is running when.
"""

from __future__ import annotations

import threading

import numpy as np

from belcoach.audio.engine.asr_worker import AsrWorker
from belcoach.audio.engine.segmenter import SegmenterConfig, SpeechSegmenter, Utterance
from belcoach.audio.engine.speculation import same_audio
from belcoach.audio.engine.vad import WINDOW, WINDOW_SECONDS, VadFrames
from belcoach.audio.events import Channel, Event, Transcript, Word

A, C = Channel.AGENT, Channel.CUSTOMER
NO_SPECULATION = SegmenterConfig(speculate_after=None)


def _windows(pattern: list[tuple[float, float]], seed: int = 3) -> list[VadFrames]:
    """VAD output one window at a time from (seconds, probability) runs; noise audio."""
    rng = np.random.default_rng(seed)
    frames = []
    t = 0.0
    for seconds, p in pattern:
        for _ in range(round(seconds / WINDOW_SECONDS)):
            audio = rng.standard_normal(WINDOW).astype(np.float32)
            frames.append(VadFrames(t, np.array([p], np.float32), audio))
            t += WINDOW_SECONDS
    return frames


def _jobs(pattern: list[tuple[float, float]], config: SegmenterConfig | None = None):
    """Every job the segmenter gives, with the index of the window that produced it."""
    seg = SpeechSegmenter(A, config)
    out: list[tuple[int, Utterance]] = []
    for i, frames in enumerate(_windows(pattern)):
        out += [(i, job) for job in seg.feed(frames)[1]]
    out += [(-1, job) for job in seg.finish()[1]]
    return out


class CountingTranscriber:
    """One word per pass naming the audio's length and first sample.

    Each pass waits for one permit of ``allow`` (none at first), so a test
    decides when the running pass ends; ``entered`` counts passes begun.
    """

    def __init__(self) -> None:
        self.allow = threading.Semaphore(0)
        self.entered = threading.Semaphore(0)
        self.passes: list[int] = []

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        self.entered.release()
        assert self.allow.acquire(timeout=30)
        self.passes.append(len(audio))
        return [Word(f"n{len(audio)}:{audio[0]:.6f}", 0.1, 0.4, 0.9)]


def _transcripts(events: list[Event]) -> list[Transcript]:
    return [e for e in events if isinstance(e, Transcript)]


def _run_held(jobs: list[Utterance]) -> tuple[CountingTranscriber, AsrWorker, list[Event]]:
    """Submit jobs in order; each speculative pass is running before the next job comes.

    That is the live situation the speculation is for: the pass starts in the
    pause and the final (or more speech) arrives while it runs.
    """
    scripted = CountingTranscriber()
    got: list[Event] = []
    worker = AsrWorker(scripted, got.append)
    worker.start()
    running = False
    for job in jobs:
        worker.submit(job, block=False)
        if running:  # the job came while the guess ran; now let that pass end
            scripted.allow.release()
        running = job.speculative
        if running:
            assert scripted.entered.acquire(timeout=10)
    scripted.allow.release(100)
    worker.close(timeout=10)
    return scripted, worker, got


# ------------------------------------------------------------------ segmenter


def test_speculative_job_is_the_final_sample_for_sample_and_comes_first() -> None:
    pattern = [(0.6, 0.0), (1.7, 0.9), (1.0, 0.0)]
    jobs = _jobs(pattern)
    (i_spec, spec), (i_final, final) = jobs
    assert spec.speculative and not spec.final
    assert final.final and not final.speculative
    # sent once the silence covers the end padding (0.2 s = 7 windows), before end_silence
    assert i_spec < i_final
    assert (i_spec - i_final) * WINDOW_SECONDS < -0.25
    assert same_audio(spec, final)
    assert spec.t0 == final.t0 and spec.speech_end == final.speech_end
    assert np.array_equal(spec.audio, final.audio)
    # and the final is exactly what the segmenter gives without speculation
    [(_i, plain)] = _jobs(pattern, NO_SPECULATION)
    assert same_audio(plain, final)


def test_speech_resuming_in_the_pause_gives_a_new_guess_and_a_different_final() -> None:
    pattern = [(0.6, 0.0), (1.2, 0.9), (0.35, 0.0), (1.2, 0.9), (1.0, 0.0)]
    jobs = [job for _i, job in _jobs(pattern)]
    assert [(j.speculative, j.final, j.utterance) for j in jobs] == [
        (True, False, 1),
        (True, False, 1),
        (False, True, 1),
    ]
    first, second, final = jobs
    assert not same_audio(first, final)
    assert same_audio(second, final)
    # (without speculation an interim pass would also go out in the final pause)
    [plain] = [job for _i, job in _jobs(pattern, NO_SPECULATION) if job.final]
    assert same_audio(plain, final)


def test_a_silence_shorter_than_the_padding_sends_no_guess() -> None:
    jobs = _jobs([(0.6, 0.0), (1.0, 0.9), (0.15, 0.0), (1.0, 0.9), (1.0, 0.0)])
    assert [j.speculative for _i, j in jobs] == [True, False]


# ------------------------------------------------------------------ worker


def test_a_pause_then_silence_costs_one_pass_and_the_final_uses_its_words() -> None:
    jobs = [job for _i, job in _jobs([(0.6, 0.0), (1.7, 0.9), (1.0, 0.0)])]
    scripted, worker, got = _run_held(jobs)
    assert len(scripted.passes) == 1
    [transcript] = _transcripts(got)  # the guess itself is never published
    assert transcript.final
    assert transcript.words[0].text.startswith(f"n{len(jobs[0].audio)}:")
    assert (worker.speculation.ran, worker.speculation.reused) == (1, 1)
    assert worker.speculation.wasted == 0 and worker.finals == 1


def test_speech_resuming_drops_the_guess_and_the_final_words_are_unchanged() -> None:
    pattern = [(0.6, 0.0), (1.2, 0.9), (0.35, 0.0), (1.2, 0.9), (1.0, 0.0)]
    jobs = [job for _i, job in _jobs(pattern)]
    scripted, worker, got = _run_held(jobs)
    _plain_scripted, _plain_worker, plain = _run_held(
        [job for _i, job in _jobs(pattern, NO_SPECULATION)]
    )
    # two guesses ran: the first was wasted, the second became the final
    assert len(scripted.passes) == 2
    assert (worker.speculation.wasted, worker.speculation.reused) == (1, 1)
    finals = _transcripts(got)
    assert [t.final for t in finals] == [True]
    [plain_final] = [t for t in _transcripts(plain) if t.final]
    assert finals[0].words == plain_final.words


def test_a_guess_still_queued_when_its_final_comes_is_replaced_unrun() -> None:
    scripted = CountingTranscriber()
    got: list[Event] = []
    worker = AsrWorker(scripted, got.append)
    worker.start()
    other = [job for _i, job in _jobs([(0.6, 0.0), (1.0, 0.9), (1.0, 0.0)])][-1]
    worker.submit(Utterance(C, 9, other.t0, other.audio, other.speech_end, True), block=False)
    assert scripted.entered.acquire(timeout=10)  # the customer's final holds the worker
    for job in [job for _i, job in _jobs([(0.6, 0.0), (1.7, 0.9), (1.0, 0.0)])]:
        worker.submit(job, block=False)
    assert worker.queued_jobs() == 1  # the final took the guess's place
    scripted.allow.release(100)
    worker.close(timeout=10)
    assert len(scripted.passes) == 2
    assert worker.speculation.replaced == 1 and worker.speculation.ran == 0
    assert [t.final for t in _transcripts(got)] == [True, True]


def test_shedding_drops_a_stale_guess_silently_and_the_final_with_a_gap() -> None:
    now = [0.0]
    scripted = CountingTranscriber()
    got: list[Event] = []
    worker = AsrWorker(scripted, got.append, latency_of=lambda end: now[0] - end, max_lag=5.0)
    worker.start()
    held = [job for _i, job in _jobs([(0.6, 0.0), (1.0, 0.9), (1.0, 0.0)])][-1]
    worker.submit(Utterance(C, 9, held.t0, held.audio, held.speech_end, True), block=False)
    assert scripted.entered.acquire(timeout=10)
    spec, final = [job for _i, job in _jobs([(0.6, 0.0), (1.7, 0.9), (1.0, 0.0)])]
    worker.submit(spec, block=False)
    now[0] = spec.speech_end + 6.0
    assert worker.shed() == []  # a stale guess is no gap: nothing was lost yet
    assert worker.queued_jobs() == 0
    worker.submit(final, block=False)
    gaps = worker.shed()
    assert [(g.channel, g.utterances) for g in gaps] == [(A, 1)]
    scripted.allow.release(100)
    worker.close(timeout=10)
    assert len(scripted.passes) == 1
    assert worker.speculation.ran == 0 and worker.skipped_interims == 0
    assert worker.dropped_finals == 1


def test_a_final_one_sample_off_its_guess_gets_its_own_pass() -> None:
    spec, final = [job for _i, job in _jobs([(0.6, 0.0), (1.7, 0.9), (1.0, 0.0)])]
    audio = final.audio.copy()
    audio[len(audio) // 2] += 1e-3
    changed = Utterance(A, final.utterance, final.t0, audio, final.speech_end, True)
    assert not same_audio(spec, changed)
    scripted, worker, got = _run_held([spec, changed])
    assert len(scripted.passes) == 2
    assert (worker.speculation.reused, worker.speculation.wasted) == (0, 1)
    assert [t.final for t in _transcripts(got)] == [True]
