"""The pieces a call's timeline is made of: marks on lanes, rate and emotion points, lines."""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from belcoach.audio.events import Channel, RateVerdict, Word
from belcoach.seeds.emotion_data import EmotionLabel, EmotionStep

LANES = ("speech", "overtalk", "pause", "phrase", "emotion")
"""Lane order from top to bottom in the replay window and the report."""


@dataclass(frozen=True, slots=True)
class Mark:
    """Something that happened over a stretch of the call, on one lane.

    Attributes:
        lane: one of `LANES`.
        kind: what to jump between: ``speech``, ``overtalk``, ``pause``,
            ``dead_air``, ``phrase`` or ``emotion``.
        start: audio-clock start, seconds.
        end: audio-clock end, seconds (>= start).
        channel: the side it belongs to (the interrupter for over-talk), or None.
        label: a short text for a tooltip or a table.
        detail: more text (what to say instead, the hint, ...).
        tone: how to colour it: ``agent``, ``customer``, ``avoid``, ``good``,
            ``after_sentence``, an emotion label, ...
        derived: True when computed from speech regions rather than an analyser.
    """

    lane: str
    kind: str
    start: float
    end: float
    channel: Channel | None = None
    label: str = ""
    detail: str = ""
    tone: str = ""
    derived: bool = False

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class RatePoint:
    """The agent's tempo at one moment.

    Attributes:
        t: end of the window it covers.
        value: the plotted rate, in ``unit``.
        low: lower edge of the normal band, same unit.
        high: upper edge.
        unit: ``syll/s`` (articulation rate, from the analyser) or ``wpm``.
        verdict: ``slow``, ``ok`` or ``fast``.
        words_per_min: words per minute, when known.
        start: where the stretch the figure covers begins (``t`` minus the window).
    """

    t: float
    value: float
    low: float
    high: float
    unit: str
    verdict: RateVerdict
    words_per_min: float | None = None
    start: float | None = None


EMOTION_LABEL_GAP = 0.08
"""Share of the call within which two feeling labels would collide (the later goes below)."""

RATE_GAP_S = 6.0
"""No rate line is drawn across a stretch this long without a new figure (no agent speech)."""


def rate_is_sliding(points: Sequence[RatePoint]) -> bool:
    """True when the figures come from a sliding window (about one a second while the agent speaks).

    Then each figure's window overlaps the next ones, so they read as one
    curve; sparse figures (one per stretch of speech, or per utterance from
    the words) are drawn over the stretch they measure instead.
    """
    if len(points) < 3:
        return False
    return statistics.median(b.t - a.t for a, b in itertools.pairwise(points)) <= 2.0


def rate_curve(
    points: Sequence[RatePoint], *, verdict: RateVerdict | None = None
) -> tuple[list[float], list[float]]:
    """The rate as x/y lists, broken (NaN) where the agent did not speak for `RATE_GAP_S`.

    With ``verdict``, only the stretches with that verdict keep their values
    (to draw the too-fast parts over the curve in another colour).
    """
    xs: list[float] = []
    ys: list[float] = []
    for prev, p in zip([None, *points], points, strict=False):
        if prev is not None and p.t - prev.t > RATE_GAP_S:
            xs.append(math.nan)
            ys.append(math.nan)
        xs.append(p.t)
        ys.append(p.value if verdict is None or p.verdict == verdict else math.nan)
    return xs, ys


@dataclass(frozen=True, slots=True)
class EmotionPoint:
    """The customer's estimated feeling at one moment (an estimate, never a fact)."""

    t: float
    label: EmotionLabel
    confidence: float
    valence: float
    step: EmotionStep = EmotionStep.AANVOELEN
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    """One utterance of the transcript.

    Attributes:
        t: first word's start.
        end: last word's end.
        channel: who spoke.
        words: the words with their times.
        final: False for words never committed (the call was cut off mid-utterance).
        phrase_spans: (start, end) times of words that matched a coaching rule.
    """

    t: float
    end: float
    channel: Channel
    words: tuple[Word, ...]
    final: bool = True
    phrase_spans: tuple[tuple[float, float], ...] = ()

    @property
    def text(self) -> str:
        """The words joined with spaces."""
        return " ".join(w.text for w in self.words)
