"""A call's events arranged for a timeline: lanes of marks, curves and transcript lines.

The replay window draws this, the report plots it and `summary` counts it, so
all three show the same thing. Where the analysers that publish over-talk,
dead air and conversation figures did not run (an older journal, or a call
analysed before they existed), those marks are derived from the VAD's speech
regions with the published thresholds below and flagged ``derived``; when
the analysers ran, their events are used as they are, even when they found
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from belcoach.audio.events import (
    CallEnded,
    CallStarted,
    Channel,
    ConversationStats,
    DeadAir,
    EmotionEstimate,
    Event,
    OverTalk,
    Pause,
    PhraseHit,
    SpeechRate,
    SpeechRegion,
    Transcript,
    Word,
)

OVERTALK_MIN_S = 0.5
"""Overlaps shorter than this are backchannels, not interruptions (Schegloff 2000; MEASURED.md)."""

DEAD_AIR_MIN_S = 5.0
"""Silence on both sides counted as dead air (CCAI Insights counts > 5 s; MEASURED.md)."""

SENTENCE_PAUSE_S = 0.35
"""A gap after a sentence at least this long counts as a pause (200-350 ms in dialogue)."""

RATE_NORM = (3.5, 5.5)
"""Syllables/s band used only without the speech-rate analyser (rate from word times,
pauses inside an utterance included): the Dutch mean speaking rate is 4.23 syll/s
(Verhoeven, De Pauw & Kloots 2004); "fast" is 30 % above it, twice the just-noticeable
tempo difference, so a coach is not shown noise."""

MIN_RATE_SPAN_S = 2.0
"""Utterances shorter than this give no rate: a few words say nothing about tempo."""

_NUCLEUS = re.compile(r"(?:ij|[aeiouyåäöéèëêïüáóúà])+", re.IGNORECASE)

NEGATIVE_EMOTIONS = frozenset({"boos", "gefrustreerd", "angstig", "verongelijkt"})
"""The seed 000 feelings a coach wants to see acknowledged (aanvoelen, erkennen, leiden)."""

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
    verdict: str
    words_per_min: float | None = None
    start: float | None = None


@dataclass(frozen=True, slots=True)
class EmotionPoint:
    """The customer's estimated feeling at one moment (an estimate, never a fact)."""

    t: float
    label: str
    confidence: float
    valence: float
    step: str = ""
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


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything the replay window and the report draw for one call."""

    duration: float
    language: str = ""
    marks: tuple[Mark, ...] = ()
    lines: tuple[Line, ...] = ()
    rate: tuple[RatePoint, ...] = ()
    emotion: tuple[EmotionPoint, ...] = ()
    stats: ConversationStats | None = None
    ended: str | None = None
    analytics: bool = False
    phrases: tuple[PhraseHit, ...] = field(default=())

    def lane(self, name: str) -> list[Mark]:
        """The marks on one lane, by start time."""
        return [m for m in self.marks if m.lane == name]

    def of_kind(self, kind: str) -> list[Mark]:
        """The marks of one kind, by start time."""
        return [m for m in self.marks if m.kind == kind]

    def next_mark(self, kind: str, t: float) -> Mark | None:
        """The first mark of ``kind`` starting after ``t`` (a little slack for rounding)."""
        return next((m for m in self.of_kind(kind) if m.start > t + 0.05), None)

    def previous_mark(self, kind: str, t: float) -> Mark | None:
        """The last mark of ``kind`` starting before ``t``."""
        before = [m for m in self.of_kind(kind) if m.start < t - 0.05]
        return before[-1] if before else None

    def line_at(self, t: float) -> int | None:
        """Index of the transcript line being spoken at ``t`` (or the last one before it)."""
        best: int | None = None
        for i, line in enumerate(self.lines):
            if line.t <= t:
                best = i
            else:
                break
        return best


def build_timeline(events: Sequence[Event], *, duration: float | None = None) -> Timeline:
    """Arrange a call's events (journal order) into a `Timeline`.

    Args:
        events: every event of the call.
        duration: the call's length if known (e.g. from the audio); otherwise the
            ``call_ended`` time or the last event.
    """
    end = duration if duration is not None else _duration(events)
    language = next((e.language for e in events if isinstance(e, CallStarted)), "")
    regions = sorted((e for e in events if isinstance(e, SpeechRegion)), key=lambda e: e.t)
    stats = _final_stats(events)
    analytics = stats is not None or any(isinstance(e, OverTalk | DeadAir) for e in events)
    phrases = _dedupe_phrases(e for e in events if isinstance(e, PhraseHit))
    marks: list[Mark] = [
        Mark("speech", "speech", r.t, max(r.t, r.end), r.channel, tone=str(r.channel))
        for r in regions
        if r.channel is not None
    ]
    if analytics:
        marks += _overtalk_marks(events, end) + _dead_air_marks(events, end)
    else:
        marks += derived_overtalk(regions) + derived_dead_air(regions)
    marks += _pause_marks(events)
    marks += [_phrase_mark(p) for p in phrases]
    emotion = _emotion_points(events)
    marks += _emotion_marks(emotion, end)
    marks.sort(key=lambda m: (m.start, LANES.index(m.lane)))
    return Timeline(
        duration=end,
        language=language,
        marks=tuple(marks),
        lines=tuple(_lines(events, phrases)),
        rate=tuple(_rate_points(events)),
        emotion=tuple(emotion),
        stats=stats,
        ended=next((e.reason for e in reversed(events) if isinstance(e, CallEnded)), None),
        analytics=analytics,
        phrases=tuple(phrases),
    )


def _duration(events: Sequence[Event]) -> float:
    for e in reversed(events):
        if isinstance(e, CallEnded):
            return e.t
    ends = [getattr(e, "end", None) or e.t for e in events]
    return max((float(x) for x in ends), default=0.0)


def _final_stats(events: Sequence[Event]) -> ConversationStats | None:
    stats = [e for e in events if isinstance(e, ConversationStats)]
    finals = [s for s in stats if s.final]
    chosen = finals or stats
    return chosen[-1] if chosen else None


def merged_spans(regions: Iterable[SpeechRegion], channel: Channel) -> list[tuple[float, float]]:
    """One channel's speech as sorted, non-overlapping (start, end) spans."""
    spans: list[tuple[float, float]] = []
    for r in sorted((r for r in regions if r.channel == channel), key=lambda r: r.t):
        if spans and r.t <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], r.end))
        else:
            spans.append((r.t, r.end))
    return spans


def derived_overtalk(regions: Sequence[SpeechRegion]) -> list[Mark]:
    """Over-talk from overlapping speech regions; the later starter interrupted."""
    agent = merged_spans(regions, Channel.AGENT)
    customer = merged_spans(regions, Channel.CUSTOMER)
    marks = []
    for a0, a1 in agent:
        for c0, c1 in customer:
            start, stop = max(a0, c0), min(a1, c1)
            if stop - start >= OVERTALK_MIN_S:
                who = Channel.AGENT if a0 > c0 else Channel.CUSTOMER
                marks.append(
                    Mark(
                        "overtalk",
                        "overtalk",
                        start,
                        stop,
                        who,
                        label=_overtalk_label(who, stop - start),
                        tone=str(who),
                        derived=True,
                    )
                )
    return marks


def _overtalk_label(who: Channel | str | None, seconds: float) -> str:
    side = "agent" if str(who) == "agent" else "customer"
    return f"{side} interrupted ({seconds:.1f} s overlap)"


def derived_dead_air(regions: Sequence[SpeechRegion]) -> list[Mark]:
    """Stretches of at least `DEAD_AIR_MIN_S` where neither side spoke, inside the call."""
    spans = sorted(merged_spans(regions, Channel.AGENT) + merged_spans(regions, Channel.CUSTOMER))
    marks = []
    reach = None
    for start, stop in spans:
        if reach is not None and start - reach >= DEAD_AIR_MIN_S:
            marks.append(
                Mark(
                    "pause",
                    "dead_air",
                    reach,
                    start,
                    None,
                    label=f"dead air {start - reach:.1f} s",
                    tone="dead_air",
                    derived=True,
                )
            )
        reach = stop if reach is None else max(reach, stop)
    return marks


def _overtalk_marks(events: Sequence[Event], end: float) -> list[Mark]:
    by_start: dict[tuple[float, str], OverTalk] = {}
    for e in events:
        if isinstance(e, OverTalk):
            key = (round(e.start or e.t, 2), e.interrupter or str(e.channel))
            if key not in by_start or not e.ongoing:
                by_start[key] = e
    marks = []
    for e in by_start.values():
        start = e.start or e.t
        stop = e.end if e.end is not None else (start + e.overlap_s if not e.ongoing else end)
        who = e.channel or (
            Channel(e.interrupter) if e.interrupter in ("agent", "customer") else None
        )
        marks.append(
            Mark(
                "overtalk",
                "overtalk",
                start,
                max(start, stop),
                who,
                label=_overtalk_label(who, max(e.overlap_s, stop - start)),
                tone=str(who),
            )
        )
    return marks


def _dead_air_marks(events: Sequence[Event], end: float) -> list[Mark]:
    by_start: dict[float, DeadAir] = {}
    for e in events:
        if isinstance(e, DeadAir):
            key = round(e.t, 2)
            if key not in by_start or not e.ongoing:
                by_start[key] = e
    marks = []
    for e in by_start.values():
        stop = e.t + e.duration if not e.ongoing else end
        marks.append(
            Mark(
                "pause",
                "dead_air",
                e.t,
                stop,
                None,
                label=f"dead air {stop - e.t:.1f} s",
                tone="dead_air",
            )
        )
    return marks


def _pause_marks(events: Sequence[Event]) -> list[Mark]:
    return [
        Mark(
            "pause",
            "pause",
            e.t,
            e.t + e.duration,
            e.channel,
            label=f"pause {e.duration:.1f} s" + (" after a sentence" if e.after_sentence else ""),
            tone="after_sentence" if e.after_sentence else "pause",
        )
        for e in events
        if isinstance(e, Pause) and e.channel == Channel.AGENT
    ]


def _dedupe_phrases(hits: Iterable[PhraseHit]) -> list[PhraseHit]:
    seen: dict[tuple[str, float], PhraseHit] = {}
    for hit in hits:
        seen.setdefault((hit.rule_id, round(hit.t, 2)), hit)
    return sorted(seen.values(), key=lambda h: h.t)


def _phrase_mark(hit: PhraseHit) -> Mark:
    instead = " / ".join(hit.suggestions)
    return Mark(
        "phrase",
        "phrase",
        hit.t,
        max(hit.t, hit.end),
        hit.channel,
        label=f"\u201c{hit.said}\u201d",
        detail=instead or hit.why,
        tone="good" if hit.polarity == "good" else "avoid",
    )


def _emotion_points(events: Sequence[Event]) -> list[EmotionPoint]:
    return [
        EmotionPoint(e.t, e.label, e.confidence, e.valence, e.step, e.hint)
        for e in sorted((e for e in events if isinstance(e, EmotionEstimate)), key=lambda e: e.t)
    ]


def _emotion_marks(points: Sequence[EmotionPoint], end: float) -> list[Mark]:
    """One mark per stretch with the same estimated label (until the next estimate)."""
    marks: list[Mark] = []
    for i, p in enumerate(points):
        stop = points[i + 1].t if i + 1 < len(points) else max(end, p.t)
        if marks and marks[-1].tone == p.label:
            prev = marks[-1]
            marks[-1] = Mark(
                prev.lane,
                prev.kind,
                prev.start,
                stop,
                prev.channel,
                prev.label,
                prev.detail,
                prev.tone,
            )
            continue
        marks.append(
            Mark(
                "emotion",
                "emotion",
                p.t,
                stop,
                Channel.CUSTOMER,
                label=f"{p.label} ({p.confidence:.0%})",
                detail=p.hint,
                tone=p.label,
            )
        )
    return marks


def _rate_points(events: Sequence[Event]) -> list[RatePoint]:
    rates = [e for e in events if isinstance(e, SpeechRate) and e.channel in (None, Channel.AGENT)]
    if rates:
        return [
            RatePoint(
                e.t,
                e.articulation_rate or e.syllables_per_s,
                e.norm_low,
                e.norm_high,
                "syll/s",
                e.verdict,
                e.words_per_min,
                max(0.0, e.t - e.window),
            )
            for e in sorted(rates, key=lambda e: e.t)
        ]
    low, high = RATE_NORM
    points = []
    for line in _final_lines(events):
        span = line.end - line.t
        if line.channel != Channel.AGENT or span < MIN_RATE_SPAN_S:
            continue
        rate = sum(syllables(w.text) for w in line.words) / span
        verdict = "fast" if rate > high else "slow" if rate < low else "ok"
        points.append(
            RatePoint(
                line.end, rate, low, high, "syll/s", verdict, 60.0 * len(line.words) / span, line.t
            )
        )
    return points


def syllables(word: str) -> int:
    """Rough syllable count of a written word: its vowel groups (Dutch ``ij`` is a vowel).

    Good to about 10 % on Dutch and Swedish text, enough for a tempo that is only
    used when the speech-rate analyser did not run.
    """
    return max(1, len(_NUCLEUS.findall(word))) if any(c.isalpha() for c in word) else 0


def _final_lines(events: Sequence[Event]) -> list[Line]:
    latest: dict[tuple[str, int], Transcript] = {}
    for e in events:
        if isinstance(e, Transcript) and e.channel is not None and e.words:
            key = (str(e.channel), e.utterance)
            if e.final or key not in latest or not latest[key].final:
                latest[key] = e
    lines = [
        Line(e.words[0].start, e.words[-1].end, e.channel, e.words, e.final)
        for e in latest.values()
        if e.channel is not None
    ]
    return sorted(lines, key=lambda line: (line.t, str(line.channel)))


def _lines(events: Sequence[Event], phrases: Sequence[PhraseHit]) -> list[Line]:
    out = []
    for line in _final_lines(events):
        spans = tuple(
            (p.t, max(p.t, p.end))
            for p in phrases
            if p.channel == line.channel and p.t < line.end + 0.01 and p.end > line.t - 0.01
        )
        out.append(Line(line.t, line.end, line.channel, line.words, line.final, spans))
    return out
