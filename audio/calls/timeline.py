"""A call's events arranged for a timeline: lanes of marks, curves and transcript lines.

The replay window draws this, the report plots it and `summary` counts it, so
all three show the same thing. Where the analysers that publish over-talk,
dead air and conversation figures did not run (an older journal, or a call
analysed before they existed), those marks are derived from the VAD's speech
regions (``derived``, with the published thresholds) and flagged so; when
the analysers ran, their events are used as they are, even when they found
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from belcoach.audio.calls.derived import (
    derived_dead_air,
    derived_overtalk,
    overtalk_label,
    word_rate_points,
)
from belcoach.audio.calls.marks import (
    LANES,
    EmotionPoint,
    Line,
    Mark,
    RatePoint,
)
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
    emotion_basis,
)
from belcoach.seeds.emotion_data import EmotionBasis


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
    emotion_basis: EmotionBasis | None = None
    """What the feelings rest on (words alone when ``emotion.voice`` was off); None without."""

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
        emotion_basis=emotion_basis(events),
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
                label=overtalk_label(who, max(e.overlap_s, stop - start)),
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
    return word_rate_points(_final_lines(events))


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
