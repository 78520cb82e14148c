"""The agent's tempo over the last seconds of their speech, with a slow/ok/fast verdict.

Two estimates check each other:

- *acoustic*: syllable nuclei in the audio (``syllables.NucleusDetector``),
  ready the moment the agent speaks;
- *words*: syllables of the committed words (pyphen + vowel groups), 1.5-3 s
  later, over the stretch of speech they cover.

Both are divided by the same times from the confirmed runs: phonation time
(runs only: the *articulation rate*) and speaking time (runs plus the pauses
between them: the *speaking rate*). The window is the last ``window`` seconds
of the agent's speaking time, so the customer's turns do not dilute it.

The verdict compares the articulation rate with the language norm: inside
±``tolerance`` (the just-noticeable tempo difference, 10-15 %) it is ``ok``;
outside it turns ``fast``/``slow``, and it only returns to ``ok`` once the rate
is ``hysteresis`` back inside the band, so it does not flicker.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from belcoach.audio.analysis.speech.channel_track import Run
from belcoach.audio.analysis.speech.config import SpeechConfig
from belcoach.audio.events import Channel, RateVerdict, SpeechRate, Word
from belcoach.audio.words import word_syllables


@dataclass(frozen=True, slots=True)
class Window:
    """Times and counts over the agent's recent speech.

    Attributes:
        start: audio-clock start of the oldest run included.
        end: end of the newest run included.
        phonation: seconds inside runs.
        speaking: phonation plus the pauses between the runs.
        runs: the runs included, oldest first.
    """

    start: float
    end: float
    phonation: float
    speaking: float
    runs: tuple[Run, ...]


class RateEstimator:
    """Collects agent runs, nuclei and words; produces ``SpeechRate`` events."""

    def __init__(self, config: SpeechConfig) -> None:
        self.config = config
        r = config.rate
        self.norm = config.articulation_norm
        self.low = self.norm * (1 - r.tolerance)
        self.high = self.norm * (1 + r.tolerance)
        self._runs: list[Run] = []  # closed agent runs, oldest first
        self._joined: dict[int, bool] = {}  # run serial -> the gap before it is a pause
        self._open: Run | None = None
        self._nuclei: list[float] = []
        self._words: list[tuple[float, float, int]] = []  # (start, end, syllables)
        self._word_mids: list[float] = []
        self._due = 0.0
        self.verdict = RateVerdict.OK
        self.samples: list[SpeechRate] = []

    # -- input -------------------------------------------------------------------------

    def add_nuclei(self, times: Sequence[float]) -> None:
        """Syllable nuclei found in the agent's audio (audio-clock times, increasing)."""
        self._nuclei.extend(times)

    def run_confirmed(self, run: Run, *, after_pause: bool) -> None:
        """An agent run began; ``after_pause`` when the silence before it was a pause."""
        self._open = run
        self._joined[run.serial] = after_pause

    def run_closed(self, run: Run) -> None:
        """An agent run ended."""
        self._open = None
        self._runs.append(run)
        horizon = run.end - 4 * self.config.rate.window - 60.0
        while self._runs and self._runs[0].end < horizon:
            old = self._runs.pop(0)
            self._joined.pop(old.serial, None)
        cut = bisect_left(self._nuclei, horizon)
        del self._nuclei[:cut]

    def add_words(self, words: Sequence[Word], language: str) -> None:
        """Committed agent words (in time order)."""
        for w in words:
            syl = word_syllables(w.text, language)
            if syl:
                self._words.append((w.start, w.end, syl))
                self._word_mids.append((w.start + w.end) / 2)

    # -- output ------------------------------------------------------------------------

    def step(self, now: float, *, force: bool = False, final: bool = False) -> list[SpeechRate]:
        """Publish a sample every ``update_every`` seconds while the agent speaks.

        ``force`` publishes one now (at the end of an agent run, so the last
        words of a turn are in a figure before the customer answers); ``final``
        publishes the end-of-call figure, with every committed word in it.
        """
        r = self.config.rate
        if now < self._due and not force and not final:
            return []
        latest = self._open or (self._runs[-1] if self._runs else None)
        if latest is None or (now - latest.end > r.update_every and not final):
            return []  # the agent is not speaking: nothing new to say
        window = self.window(until=now)
        if window is None or window.phonation < r.min_phonation:
            return []
        self._due = now + r.update_every
        nuclei = self._count_nuclei(window)
        acoustic = nuclei / window.phonation
        words = self._words_estimate(now)
        words_rate = words[0] if words else None
        wpm = words[1] if words else None
        use_words = r.basis == "words" and words is not None
        syllables = words[2] if use_words and words else nuclei
        phon = words[3].phonation if use_words and words else window.phonation
        speak = words[3].speaking if use_words and words else window.speaking
        articulation = syllables / phon
        self._judge(articulation)
        sample = SpeechRate(
            now,
            Channel.AGENT,
            syllables_per_s=syllables / speak,
            articulation_rate=articulation,
            words_per_min=wpm,
            verdict=self.verdict,
            window=speak,
            basis="words" if use_words else "acoustic",
            acoustic_rate=acoustic,
            words_rate=words_rate,
            norm_low=self.low,
            norm_high=self.high,
        )
        self.samples.append(sample)
        return [sample]

    def window(self, *, until: float) -> Window | None:
        """The last ``window`` seconds of agent speaking time ending at or before ``until``."""
        runs = [r for r in self._runs if r.end <= until]
        if self._open is not None and self._open.start < until:
            runs.append(self._open)
        if not runs:
            return None
        chosen: list[Run] = []
        phonation = speaking = 0.0
        for i in range(len(runs) - 1, -1, -1):
            run = runs[i]
            end = min(run.end, until)
            chosen.append(run)
            phonation += end - run.start
            speaking += end - run.start
            if speaking >= self.config.rate.window:
                break
            if i > 0 and self._joined.get(run.serial, False):
                speaking += run.start - runs[i - 1].end
        chosen.reverse()
        if phonation <= 0:
            return None
        return Window(
            chosen[0].start, min(chosen[-1].end, until), phonation, speaking, tuple(chosen)
        )

    def _count_nuclei(self, window: Window) -> int:
        total = 0
        for run in window.runs:
            total += bisect_right(self._nuclei, run.end) - bisect_left(self._nuclei, run.start)
        return total

    def _words_estimate(self, now: float) -> tuple[float, float, int, Window] | None:
        """(articulation rate, words/min, syllables, window) over the speech words cover."""
        if not self._words:
            return None
        covered = min(now, self._words[-1][1] + 0.05)
        window = self.window(until=covered)
        if window is None or window.phonation < self.config.rate.min_phonation:
            return None
        lo = bisect_left(self._word_mids, window.start - 0.05)
        hi = bisect_right(self._word_mids, window.end + 0.05)
        chosen = self._words[lo:hi]
        if not chosen:
            return None
        syllables = sum(s for _a, _b, s in chosen)
        return syllables / window.phonation, len(chosen) / window.speaking * 60.0, syllables, window

    def _judge(self, rate: float) -> None:
        """Move the verdict, with hysteresis at the band edges."""
        h = self.config.rate.hysteresis
        if (self.verdict == RateVerdict.FAST and rate < self.high * (1 - h)) or (
            self.verdict == RateVerdict.SLOW and rate > self.low * (1 + h)
        ):
            self.verdict = RateVerdict.OK
        if self.verdict == RateVerdict.OK:
            if rate > self.high:
                self.verdict = RateVerdict.FAST
            elif rate < self.low:
                self.verdict = RateVerdict.SLOW
