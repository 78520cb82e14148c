"""Bookkeeping of speculative Whisper passes: start in the pause, reuse for the final.

Why: the segmenter needs ``end_silence`` (0.5 s) of silence before it calls an
utterance finished, and only then would Whisper start (~0.4-2 s per pass), so
committed words could never come sooner than ~1 s after the speech ended. Once
the silence has run as long as the padding kept after speech, the audio the
final job will hold if the speaker does not go on is already known; the
segmenter sends that audio as a *speculative* job (``Utterance.speculative``)
and the ASR worker runs it like a final. When the final arrives with
sample-for-sample the same audio (same channel, utterance, start, speech end
and samples), its words are the speculative pass's words: no second pass. When
the speaker went on, the utterance's next job differs and the guess is
dropped, its words never published.

All methods are called with the worker's lock held; the worker thread is the
only one that runs passes, so a guess is never running when a final is taken
from the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from belcoach.audio.engine.segmenter import Utterance
from belcoach.audio.events import Channel, Word

_Key = tuple[Channel, int]


def same_audio(a: Utterance, b: Utterance) -> bool:
    """True when both jobs would give Whisper exactly the same input at the same place."""
    return (
        a.channel is b.channel
        and a.utterance == b.utterance
        and a.t0 == b.t0
        and a.speech_end == b.speech_end
        and a.audio.shape == b.audio.shape
        and bool(np.array_equal(a.audio, b.audio))
    )


@dataclass(slots=True)
class _Guess:
    job: Utterance
    started: bool = False
    words: list[Word] | None = None  # Whisper's words (times from audio[0]) once run


@dataclass(slots=True)
class Speculation:
    """The open guesses of one worker (at most one per channel's utterance) and counts.

    Attributes:
        ran: speculative passes run.
        reused: finals published from a speculative pass (a Whisper pass saved).
        wasted: speculative passes run (or running) whose words were thrown away.
        replaced: queued speculative jobs removed unrun (the final or newer audio came first).
    """

    ran: int = 0
    reused: int = 0
    wasted: int = 0
    replaced: int = 0
    _open: dict[_Key, _Guess] = field(default_factory=dict)

    def submitted(self, job: Utterance) -> Utterance | None:
        """Note a new job; return a queued speculative job it makes useless (remove it unrun).

        A speculative job replaces the utterance's older guess. A final with
        the guess's exact audio keeps a guess that has run (or is running) for
        reuse; a queued one is returned, since the final's own pass costs the
        same. Any other job of the utterance means the speaker went on.
        """
        key = (job.channel, job.utterance)
        guess = self._open.pop(key, None)
        if job.speculative:
            self._open[key] = _Guess(job)
        if guess is None:
            return None
        if not guess.started:
            self.replaced += 1
            return guess.job
        if job.final and same_audio(guess.job, job):
            self._open[key] = guess
        else:
            self.wasted += 1
        return None

    def started(self, job: Utterance) -> bool:
        """The worker takes a speculative job from the queue; False if it is no longer wanted."""
        guess = self._open.get((job.channel, job.utterance))
        if guess is None or guess.job is not job:
            return False
        guess.started = True
        self.ran += 1
        return True

    def finished(self, job: Utterance, words: list[Word]) -> None:
        """Keep a speculative pass's words until its final comes (or the guess is dropped)."""
        guess = self._open.get((job.channel, job.utterance))
        if guess is not None and guess.job is job:
            guess.words = words
        # else: replaced while running; already counted as wasted

    def claim(self, final: Utterance) -> list[Word] | None:
        """Words for a final from its matching speculative pass, or None to run Whisper."""
        guess = self._open.pop((final.channel, final.utterance), None)
        if guess is None:
            return None
        if guess.words is not None and same_audio(guess.job, final):
            self.reused += 1
            return guess.words
        self.wasted += 1  # a failed pass, or audio that differs after all
        return None

    def forget(self, job: Utterance) -> None:
        """Drop the guess of a job that will not run (shed as too late)."""
        guess = self._open.get((job.channel, job.utterance))
        if guess is None:
            return
        if job.final or guess.job is job:
            del self._open[(job.channel, job.utterance)]
            if guess.started:
                self.wasted += 1
