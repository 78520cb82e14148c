"""The headline figures of a call, computed from its event stream.

``summary.json``, the library index, the batch table and the report all use
`CallSummary`. Each figure says what it rests on (``basis``): an analyser's
own events when they are in the journal, otherwise a derivation from the
VAD's speech regions or Whisper's word times (see `timeline`), or nothing.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, NamedTuple

from belcoach.audio.calls.derived import SENTENCE_PAUSE_S, merged_spans
from belcoach.audio.calls.folder import CallMeta
from belcoach.audio.calls.marks import Line, Mark
from belcoach.audio.calls.timeline import Timeline, build_timeline
from belcoach.audio.events import Channel, Event, RateVerdict, SpeechRate, SpeechRegion
from belcoach.seeds.emotion_data import NEGATIVE_LABELS

FigureValue = float | int | str | None


@dataclass(frozen=True, slots=True)
class Moment:
    """A stretch of the call worth pointing at: start, end and a short label."""

    start: float
    end: float
    label: str = ""
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class PhraseNote:
    """A coaching rule that matched, with what to say instead."""

    t: float
    channel: str | None
    rule_id: str
    category: str
    polarity: str
    said: str
    suggestions: tuple[str, ...]
    why: str
    source: str


@dataclass(frozen=True, slots=True)
class CallSummary:
    """Headline figures of one call (``summary.json``); None means "not measured".

    Attributes:
        meta: the call's metadata.
        status: ``complete``, ``partial`` (audio damaged part-way), ``stopped``
            or ``interrupted`` (the app died during the call).
        problems: what went wrong, for a person.
        duration: seconds of audio.
        agent_talk_s / customer_talk_s: seconds each side spoke.
        talk_ratio: the agent's share of the talking, 0..1.
        agent_rate: median agent tempo in ``rate_unit``; ``rate_low``/``rate_high``
            the normal band; ``fast_share`` / ``slow_share`` the share of measured agent
            speech judged fast / slow, weighted by the time each measurement covers.
        agent_wpm: median words per minute of the agent.
        sentences / sentences_with_pause: agent sentences, and how many were
            followed by a pause.
        overtalk: every over-talk (the interrupter in ``channel``).
        dead_air: every stretch of dead air.
        longest_monologue: the agent's longest stretch without the customer.
        phrases: coaching rules that matched.
        emotion_path: the customer's estimated feeling each time it changed.
        basis: per figure, what it rests on (``analyser``, ``speech regions``,
            ``word times`` or ``none``).
    """

    meta: CallMeta
    status: str = "complete"
    problems: tuple[str, ...] = ()
    duration: float = 0.0
    agent_talk_s: float | None = None
    customer_talk_s: float | None = None
    talk_ratio: float | None = None
    agent_rate: float | None = None
    rate_unit: str = ""
    rate_low: float | None = None
    rate_high: float | None = None
    fast_share: float | None = None
    slow_share: float | None = None
    agent_wpm: float | None = None
    sentences: int | None = None
    sentences_with_pause: int | None = None
    overtalk: tuple[Moment, ...] = ()
    dead_air: tuple[Moment, ...] = ()
    longest_monologue: Moment | None = None
    phrases: tuple[PhraseNote, ...] = ()
    emotion_path: tuple[Moment, ...] = ()
    utterances: dict[str, int] = field(default_factory=dict)
    basis: dict[str, str] = field(default_factory=dict)

    @property
    def overtalk_by_agent(self) -> int:
        """Over-talks the agent started."""
        return sum(1 for m in self.overtalk if m.channel == "agent")

    @property
    def overtalk_by_customer(self) -> int:
        """Over-talks the customer started."""
        return sum(1 for m in self.overtalk if m.channel == "customer")

    @property
    def dead_air_total(self) -> float:
        """Seconds of dead air."""
        return sum(m.end - m.start for m in self.dead_air)

    @property
    def phrases_to_avoid(self) -> list[PhraseNote]:
        """Matched phrases that hurt the call."""
        return [p for p in self.phrases if p.polarity != "good"]

    def with_problem(self, problem: str) -> CallSummary:
        """A copy with one more problem noted."""
        return replace(self, problems=(*self.problems, problem))

    def headline(self) -> dict[str, FigureValue]:
        """Flat figures for the library index and the batch table (one row per call)."""
        path = self.emotion_path
        pause_share = (
            self.sentences_with_pause / self.sentences
            if self.sentences and self.sentences_with_pause is not None
            else None
        )
        return {
            "id": self.meta.id,
            "started_at": self.meta.started_at,
            "agent": self.meta.agent,
            "language": self.meta.language,
            "source": self.meta.source,
            "status": self.status,
            "duration_s": _r(self.duration),
            "agent_talk_s": _r(self.agent_talk_s),
            "customer_talk_s": _r(self.customer_talk_s),
            "talk_ratio": _r(self.talk_ratio, 3),
            "agent_rate": _r(self.agent_rate, 2),
            "rate_unit": self.rate_unit,
            "fast_share": _r(self.fast_share, 3),
            "agent_wpm": _r(self.agent_wpm),
            "sentences": self.sentences,
            "pause_after_sentence_share": _r(pause_share, 3),
            "overtalk_by_agent": self.overtalk_by_agent,
            "overtalk_by_customer": self.overtalk_by_customer,
            "dead_air_count": len(self.dead_air),
            "dead_air_s": _r(self.dead_air_total),
            "longest_monologue_s": _r(
                self.longest_monologue.end - self.longest_monologue.start
                if self.longest_monologue
                else None
            ),
            "phrases_to_avoid": len(self.phrases_to_avoid),
            "phrases_good": len(self.phrases) - len(self.phrases_to_avoid),
            "emotion_start": path[0].label if path else None,
            "emotion_end": path[-1].label if path else None,
        }

    def to_json(self) -> dict[str, Any]:
        """The ``summary.json`` body (headline figures first, then the details)."""
        body = asdict(self)
        body["headline"] = self.headline()
        return body

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallSummary:
        """Rebuild a summary written by `to_json` (unknown keys are ignored)."""
        meta_data = data.get("meta", {})
        meta = CallMeta.from_dict(meta_data)
        kwargs: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            if name == "meta" or name not in data:
                continue
            value = data[name]
            if name in ("overtalk", "dead_air", "emotion_path"):
                value = tuple(Moment(**m) for m in value)
            elif name == "longest_monologue":
                value = Moment(**value) if value else None
            elif name == "phrases":
                value = tuple(
                    PhraseNote(**{**p, "suggestions": tuple(p["suggestions"])}) for p in value
                )
            elif name == "problems":
                value = tuple(value)
            kwargs[name] = value
        return cls(meta=meta, **kwargs)


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def summarize(
    events: Sequence[Event],
    *,
    meta: CallMeta,
    status: str = "complete",
    error: str = "",
    audio_seconds: float | None = None,
) -> CallSummary:
    """Compute the headline figures of a call from its events.

    Args:
        events: the call's events in journal order.
        meta: the call's metadata.
        status: how the call ended (see `CallSummary.status`).
        error: a problem to note (empty for none).
        audio_seconds: length of the recorded audio, when there is audio.
    """
    timeline = build_timeline(events, duration=audio_seconds)
    return summarize_timeline(
        timeline, events, meta=meta, status=status, problems=(error,) if error else ()
    )


def summarize_timeline(
    timeline: Timeline,
    events: Sequence[Event],
    *,
    meta: CallMeta,
    status: str = "complete",
    problems: tuple[str, ...] = (),
) -> CallSummary:
    """`summarize` for a timeline that is already built."""
    regions = [e for e in events if isinstance(e, SpeechRegion)]
    basis: dict[str, str] = {}
    talk = _talk(timeline, regions, basis)
    rate = _rate(timeline, events, basis)
    sentences = _sentences(timeline, basis)
    over = tuple(_moment(m) for m in timeline.of_kind("overtalk"))
    dead = tuple(_moment(m) for m in timeline.of_kind("dead_air"))
    basis["overtalk"] = basis["dead_air"] = (
        "analyser" if timeline.analytics else "speech regions" if regions else "none"
    )
    phrases = tuple(
        PhraseNote(
            p.t,
            str(p.channel) if p.channel else None,
            p.rule_id,
            p.category,
            p.polarity,
            p.said,
            tuple(p.suggestions),
            p.why,
            p.source,
        )
        for p in timeline.phrases
    )
    basis["phrases"] = "analyser" if phrases else "none"
    path = _emotion_path(timeline)
    basis["emotion"] = "analyser" if timeline.emotion else "none"
    utterances = {
        ch.value: sum(1 for line in timeline.lines if line.channel == ch) for ch in Channel
    }
    return CallSummary(
        meta=meta,
        status=status,
        problems=problems,
        duration=timeline.duration,
        agent_talk_s=talk[0],
        customer_talk_s=talk[1],
        talk_ratio=talk[2],
        agent_rate=rate.value,
        rate_unit=rate.unit,
        rate_low=rate.low,
        rate_high=rate.high,
        fast_share=rate.fast,
        slow_share=rate.slow,
        agent_wpm=rate.wpm,
        sentences=sentences[0],
        sentences_with_pause=sentences[1],
        overtalk=over,
        dead_air=dead,
        longest_monologue=_longest_monologue(timeline, regions),
        phrases=phrases,
        emotion_path=path,
        utterances=utterances,
        basis=basis,
    )


def _moment(mark: Mark) -> Moment:
    return Moment(
        round(mark.start, 3),
        round(mark.end, 3),
        mark.label,
        str(mark.channel) if mark.channel else None,
    )


def _talk(
    timeline: Timeline, regions: Sequence[SpeechRegion], basis: dict[str, str]
) -> tuple[float | None, float | None, float | None]:
    stats = timeline.stats
    if stats is not None:
        basis["talk"] = "analyser"
        return stats.agent_talk_s, stats.customer_talk_s, stats.talk_ratio
    if not regions:
        basis["talk"] = "none"
        return None, None, None
    basis["talk"] = "speech regions"
    agent = sum(b - a for a, b in merged_spans(regions, Channel.AGENT))
    customer = sum(b - a for a, b in merged_spans(regions, Channel.CUSTOMER))
    total = agent + customer
    return agent, customer, (agent / total if total > 0 else None)


class _Rate(NamedTuple):
    value: float | None = None
    unit: str = ""
    low: float | None = None
    high: float | None = None
    fast: float | None = None
    slow: float | None = None
    wpm: float | None = None


def _rate(timeline: Timeline, events: Sequence[Event], basis: dict[str, str]) -> _Rate:
    points = timeline.rate
    if not points:
        basis["rate"] = "none"
        return _Rate()
    basis["rate"] = "analyser" if any(isinstance(e, SpeechRate) for e in events) else "word times"
    value = statistics.median(p.value for p in points)
    # time-weighted: one long fast stretch counts for what it lasted
    weights = [max(0.1, p.t - p.start) if p.start is not None else 1.0 for p in points]
    total = sum(weights)
    fast, slow = (
        sum(w for p, w in zip(points, weights, strict=True) if p.verdict == verdict) / total
        for verdict in (RateVerdict.FAST, RateVerdict.SLOW)
    )
    wpms = [p.words_per_min for p in points if p.words_per_min]
    wpm = statistics.median(wpms) if wpms else None
    last = points[-1]
    return _Rate(value, last.unit, last.low, last.high, fast, slow, wpm)


def _sentences(timeline: Timeline, basis: dict[str, str]) -> tuple[int | None, int | None]:
    stats = timeline.stats
    if stats is not None and stats.sentences:
        basis["pauses"] = "analyser"
        return stats.sentences, stats.sentences_with_pause
    agent_lines = [line for line in timeline.lines if line.channel == Channel.AGENT]
    if not agent_lines:
        basis["pauses"] = "none"
        return None, None
    basis["pauses"] = "word times"
    customer = [(line.t, line.end) for line in timeline.lines if line.channel == Channel.CUSTOMER]
    return count_sentence_pauses(agent_lines, customer)


def count_sentence_pauses(
    agent_lines: Sequence[Line], customer: Sequence[tuple[float, float]]
) -> tuple[int, int]:
    """Count agent sentences that end inside the agent's turn, and those followed by a pause.

    A sentence ends at a word ending in ``.``, ``?`` or ``!``. One followed by
    the customer (or by the end of the call) is a turn end, not a place to
    pause, and is not counted. The gap is the time to the agent's next word.
    """
    words = [w for line in agent_lines for w in line.words]
    sentences = paused = 0
    for i, word in enumerate(words[:-1]):
        if not word.text.rstrip("\"'\u201d)").endswith((".", "?", "!")):
            continue
        nxt = words[i + 1]
        if any(word.end <= c0 < nxt.start for c0, _ in customer):
            continue
        sentences += 1
        if nxt.start - word.end >= SENTENCE_PAUSE_S:
            paused += 1
    return sentences, paused


def _longest_monologue(timeline: Timeline, regions: Sequence[SpeechRegion]) -> Moment | None:
    """The agent's longest stretch of speech with no customer speech in it."""
    agent = merged_spans(regions, Channel.AGENT)
    customer_starts = [c0 for c0, _ in merged_spans(regions, Channel.CUSTOMER)]
    runs: list[tuple[float, float]] = []
    for a0, a1 in agent:
        if runs and not any(runs[-1][1] <= c0 < a0 for c0 in customer_starts):
            runs[-1] = (runs[-1][0], max(runs[-1][1], a1))  # the customer did not speak between
        else:
            runs.append((a0, a1))
    if not runs:
        return None
    s0, s1 = max(runs, key=lambda r: r[1] - r[0])
    best = Moment(round(s0, 3), round(s1, 3), "agent", "agent")
    stats = timeline.stats
    if stats is not None and stats.longest_agent_monologue:
        # the analyser measured the length; the speech regions say where it starts
        length = stats.longest_agent_monologue
        best = Moment(best.start, round(best.start + length, 3), "agent", "agent")
    return best


def _emotion_path(timeline: Timeline) -> tuple[Moment, ...]:
    path: list[Moment] = []
    for i, p in enumerate(timeline.emotion):
        if path and path[-1].label == p.label:
            continue
        stop = next((q.t for q in timeline.emotion[i:] if q.label != p.label), timeline.duration)
        path.append(Moment(round(p.t, 3), round(stop, 3), p.label, "customer"))
    return tuple(path)


def negative_share(summary: CallSummary) -> float | None:
    """Share of the customer's estimated time in a negative feeling (seed 000 labels)."""
    if not summary.emotion_path:
        return None
    total = sum(m.end - m.start for m in summary.emotion_path)
    bad = sum(m.end - m.start for m in summary.emotion_path if m.label in NEGATIVE_LABELS)
    return bad / total if total > 0 else None
