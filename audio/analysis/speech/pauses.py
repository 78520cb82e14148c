"""Silent pauses in the agent's speech, and whether the agent pauses between sentences.

A pause is the silence between two confirmed agent runs (``channel_track``)
that lasts at least ``min_pause`` and less than ``max_pause`` (longer is dead
air), while the customer did not take the turn (their speech inside the gap
stays under ``min_turn``, so a "ja" does not break the agent's pause).

Whether a sentence ended before a pause needs the words, which arrive 1.5-3 s
after the speech. A pause event therefore waits until the committed words
reach past it (or the call ends), so that every pause event says once and for
all whether it follows a sentence end; its content depends only on the audio
and the words, so a replay gives the same pauses as the live call. Without
any words (no transcription), a pause of at least ``long_pause`` is taken as
a sentence end.

Seed 001: "zet pauzes tussen uw zinnen" is measured as the share of sentence
ends followed (before the agent's next word) by a silence of at least
``sentence_pause``. A sentence end after which the customer takes the turn
is not "between sentences" and is not counted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from belcoach.audio.analysis.speech.channel_track import HOP_SECONDS, Run
from belcoach.audio.analysis.speech.config import PauseConfig
from belcoach.audio.events import Channel, Event, Pause, Word
from belcoach.audio.words import ends_sentence

SpeechBetween = Callable[[float, float], float]

_WORD_SLACK = 0.5
"""Whisper's word ends wander up to about half a second into the silence after them."""


@dataclass(slots=True)
class Gap:
    """A silence between two agent runs that is a pause.

    Attributes:
        start: end of the run before it (audio clock).
        end: start of the run after it.
    """

    start: float
    end: float

    @property
    def duration(self) -> float:
        """Seconds of silence."""
        return self.end - self.start


class PauseTracker:
    """Finds the agent's pauses and matches them with sentence ends from committed words.

    Args:
        config: pause thresholds.
        min_turn: customer speech inside a silence that makes it a turn exchange (s).
        customer_speech: seconds of customer speech between two audio times.
    """

    def __init__(
        self, config: PauseConfig, *, min_turn: float, customer_speech: SpeechBetween
    ) -> None:
        self.config = config
        self.min_turn = min_turn
        self._customer_speech = customer_speech
        self.pauses: list[Gap] = []
        self._pending: list[Gap] = []
        self._words: list[Word] = []
        self._word_ends: list[float] = []
        self._cursor = 0  # first word not yet examined as a sentence end
        self.sentences = 0
        self.sentences_with_pause = 0
        self.count = 0

    def run_confirmed(self, run: Run, previous: Run | None) -> Gap | None:
        """An agent run began after ``previous``; return the pause between them, if it is one."""
        if previous is None:
            return None
        gap = Gap(previous.end, run.start)
        cfg = self.config
        if not (cfg.min_pause - HOP_SECONDS / 2 <= gap.duration < cfg.max_pause):
            return None
        if self._customer_speech(gap.start, gap.end) >= self.min_turn:
            return None
        self.pauses.append(gap)
        self._pending.append(gap)
        self.count += 1
        del self.pauses[: max(0, len(self.pauses) - 2000)]
        return gap

    def add_words(self, words: Sequence[Word]) -> list[Event]:
        """Committed agent words arrived; publish the pauses they settle."""
        for word in words:
            self._words.append(word)
            self._word_ends.append(word.end)
        self._count_sentences()
        coverage = max((w.end for w in self._words[-len(words) :]), default=-1.0)
        done = [g for g in self._pending if g.end < coverage]
        self._pending = [g for g in self._pending if g.end >= coverage]
        return [self._event(g) for g in done]

    def finish(self) -> list[Event]:
        """End of the call: publish every pause still waiting for words."""
        done, self._pending = self._pending, []
        return [self._event(g) for g in done]

    def _event(self, gap: Gap) -> Pause:
        return Pause(
            gap.start,
            Channel.AGENT,
            duration=gap.duration,
            after_sentence=self._after_sentence(gap),
        )

    def _words_in(self, a: float, b: float) -> list[Word]:
        i = bisect_left(self._word_ends, a)
        out = []
        for w in self._words[i:]:
            if w.start > b:
                break
            out.append(w)
        return out

    def _after_sentence(self, gap: Gap) -> bool:
        nearby = self._words_in(gap.start - 5.0, gap.end + 5.0)
        if not nearby:
            return gap.duration >= self.config.long_pause
        return any(
            ends_sentence(w.text) and gap.start - _WORD_SLACK <= w.end <= gap.end
            for w in self._words_in(gap.start - _WORD_SLACK, gap.end)
        )

    def _count_sentences(self) -> None:
        cfg = self.config
        words = self._words
        while self._cursor + 1 < len(words):
            word, following = words[self._cursor], words[self._cursor + 1]
            self._cursor += 1
            if not ends_sentence(word.text):
                continue
            if following.start - word.end >= cfg.max_pause:
                continue  # the next word belongs to a later stretch of talk
            if self._customer_speech(word.end, following.start) >= self.min_turn:
                continue  # the customer took the turn: not between the agent's sentences
            self.sentences += 1
            lo, hi = word.end - _WORD_SLACK, following.start + 0.1
            if any(
                g.duration >= cfg.sentence_pause and g.start < hi and g.end > lo
                for g in self.pauses[-50:]
            ):
                self.sentences_with_pause += 1
