"""A finished call as the QA checks read it: its lines, phrase hits and figures, and word search.

Patterns are searched in one utterance at a time, on its words lower-cased
with punctuation removed, and a match is mapped back to the words it covers:
the evidence then quotes exactly those words with the first one's time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from belcoach.audio.calls.marks import Line
from belcoach.audio.calls.summary import CallSummary
from belcoach.audio.calls.timeline import Timeline
from belcoach.audio.events import Channel, Event, PhraseHit, SpeechRegion, Word
from belcoach.audio.status import EngineStatus

_PUNCT = re.compile(r"[^\w']+")


@dataclass(frozen=True, slots=True)
class Found:
    """A pattern's match in one line: where, and the words it covers."""

    line: Line
    first: int
    last: int

    @property
    def t(self) -> float:
        """The first matched word's start."""
        return self.line.words[self.first].start

    @property
    def words(self) -> tuple[Word, ...]:
        """The matched words."""
        return self.line.words[self.first : self.last + 1]

    @property
    def quote(self) -> str:
        """The matched words as said."""
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class CallView:
    """What the checks read of one call.

    Attributes:
        events: the journal's events.
        timeline: the events arranged (lines, marks, rate points).
        summary: the headline figures.
        language: the card's language, for the evidence notes.
    """

    events: Sequence[Event]
    timeline: Timeline
    summary: CallSummary
    language: str = "nl"
    lines: tuple[Line, ...] = field(init=False)
    phrases: tuple[PhraseHit, ...] = field(init=False)

    def __post_init__(self) -> None:
        lines = tuple(line for line in self.timeline.lines if line.words)
        object.__setattr__(self, "lines", lines)
        object.__setattr__(self, "phrases", tuple(self.timeline.phrases))

    def side(self, channel: Channel) -> list[Line]:
        """One side's lines, in time order."""
        return [line for line in self.lines if line.channel == channel]

    @property
    def agent(self) -> list[Line]:
        """The agent's lines."""
        return self.side(Channel.AGENT)

    @property
    def customer(self) -> list[Line]:
        """The customer's lines."""
        return self.side(Channel.CUSTOMER)

    def hits(self, rule_ids: Sequence[str] = (), *, category: str = "") -> list[PhraseHit]:
        """The agent's phrase hits of these rules (or of this category), by time."""
        return [
            p
            for p in self.phrases
            if p.channel in (Channel.AGENT, None)
            and ((rule_ids and p.rule_id in rule_ids) or (category and p.category == category))
        ]

    @property
    def mono(self) -> bool:
        """True when the engine said the call has one channel only."""
        return any(isinstance(e, EngineStatus) and e.code == "mono_call" for e in self.events)

    def first_speech(self) -> tuple[float, Channel] | None:
        """Who spoke first, and when (speech regions, else transcript lines)."""
        regions = [e for e in self.events if isinstance(e, SpeechRegion) and e.channel]
        if regions:
            first = min(regions, key=lambda r: r.t)
            assert first.channel is not None
            return first.t, first.channel
        if self.lines:
            return self.lines[0].t, self.lines[0].channel
        return None

    def line_at(self, channel: Channel, t: float) -> Line | None:
        """The line of ``channel`` being spoken at ``t`` (or starting within a second of it)."""
        for line in self.side(channel):
            if line.t - 1.0 <= t <= line.end + 0.05:
                return line
        return None


def normalise(text: str) -> str:
    """Lower-case, punctuation removed, single spaces (what patterns are matched against)."""
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def search(patterns: Sequence[str], line: Line, *, raw: bool = False) -> Found | None:
    """The earliest match of any pattern in ``line`` (``raw``: on the words as written)."""
    tokens = [w.text if raw else normalise(w.text) for w in line.words]
    starts: list[int] = []
    owner: list[int] = []
    text = ""
    for i, tok in enumerate(tokens):
        if not tok:
            continue
        if text:
            text += " "
        starts.append(len(text))
        owner.append(i)
        text += tok
    best: Found | None = None
    for pattern in patterns:
        m = re.search(pattern, text)
        if m is None or m.end() == m.start():
            continue
        first = _word_at(starts, owner, m.start())
        last = _word_at(starts, owner, max(m.start(), m.end() - 1))
        if best is None or first < best.first:
            best = Found(line, first, last)
    return best


def _word_at(starts: list[int], owner: list[int], pos: int) -> int:
    index = 0
    for k, start in enumerate(starts):
        if start <= pos:
            index = k
        else:
            break
    return owner[index]


def text_between(lines: Sequence[Line], start: float, end: float) -> list[Line]:
    """The lines that start within [start, end]."""
    return [line for line in lines if start - 0.05 <= line.t <= end]
