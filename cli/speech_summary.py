"""The speech section of ``belcoach analyze``'s end-of-call summary (rate, pauses, over-talk)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from belcoach.audio.calls.summary import CallSummary
from belcoach.audio.events import (
    Channel,
    ConversationStats,
    EngineStatus,
    Event,
    Pause,
    RateVerdict,
    SpeechRate,
    StatusCode,
)
from belcoach.core.clock import format_clock

AGENT = (None, Channel.AGENT)
"""The channels an agent's tempo comes on (None: a mono call), as the report counts it."""


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def speech_summary(events: Sequence[Event], summary: CallSummary) -> list[str]:
    """Lines about the agent's tempo, pauses, over-talk and the conversation figures.

    Every figure the report also shows (tempo, band and shares, words per minute,
    sentences followed by a pause, over-talk, talk ratio, longest monologue, dead air)
    is printed from ``summary``, so the two agree; the rest (the pauses' count and
    length, the rate with pauses included, the longest customer turn) are read from
    the events.
    """
    s = summary
    rates = [e for e in events if isinstance(e, SpeechRate) and e.channel in AGENT]
    pauses = [e for e in events if isinstance(e, Pause)]
    finals = [e for e in events if isinstance(e, ConversationStats) and e.final]
    mono = any(isinstance(e, EngineStatus) and e.code == StatusCode.MONO_CALL for e in events)
    if not (rates or pauses or finals):
        return []
    lines = ["Speech (agent)"]
    if mono:
        lines.append("  mono call: taken as the agent; over-talk and talk ratio need two channels")
    if rates and s.agent_rate is not None:
        lines.append(_tempo(s, rates))
        pairs = [(r.acoustic_rate, r.words_rate) for r in rates if r.acoustic_rate and r.words_rate]
        if s.agent_wpm:
            check = ""
            if pairs:
                ratio = statistics.median(a / w for a, w in pairs)
                check = f"; acoustic/word estimates differ by {abs(ratio - 1) * 100:.0f} %"
            lines.append(f"  words per minute: {s.agent_wpm:.0f}{check}")
    else:
        lines.append("  tempo: not enough agent speech for a figure")
    stats = finals[-1] if finals else None
    if pauses:
        durations = [p.duration for p in pauses]
        lines.append(
            f"  pauses: {len(pauses)} (median {statistics.median(durations):.2f} s, "
            f"longest {max(durations):.1f} s)"
        )
    if s.sentences:
        with_pause = s.sentences_with_pause or 0
        lines.append(
            f"  sentences followed by a pause: {with_pause} of "
            f"{s.sentences} ({_pct(with_pause, s.sentences)})"
        )
    if not mono:
        by_agent = [m for m in s.overtalk if m.channel == "agent"]
        line = (
            f"  over-talk: agent over customer {len(by_agent)}x "
            f"({sum(m.end - m.start for m in by_agent):.1f} s), "
            f"customer over agent {s.overtalk_by_customer}x"
        )
        if by_agent:
            line += "; at " + ", ".join(format_clock(m.start, tenths=True) for m in by_agent[:6])
        lines.append(line)
    if s.talk_ratio is not None:
        lines.append(
            f"  talk ratio: agent {s.talk_ratio * 100:.0f} % / customer "
            f"{(1 - s.talk_ratio) * 100:.0f} % (top performers talk 43 %)"
        )
    if stats is not None:
        longest = s.longest_monologue
        # the report's figure; without speech regions it has none, the analyser's stands
        length = longest.end - longest.start if longest else stats.longest_agent_monologue
        extra = "" if mono else f", longest customer turn {stats.longest_customer_turn:.1f} s"
        lines.append(f"  longest agent monologue {length:.1f} s{extra}")
    if not mono and s.dead_air:
        worst = max(s.dead_air, key=lambda m: m.end - m.start)
        lines.append(
            f"  dead air: {len(s.dead_air)}x, {s.dead_air_total:.1f} s in total "
            f"(longest {worst.end - worst.start:.1f} s at {format_clock(worst.start, tenths=True)})"
        )
    return lines


def _tempo(s: CallSummary, rates: Sequence[SpeechRate]) -> str:
    """The tempo line: the report's median rate, band and time-weighted verdict shares."""
    fast, slow = s.fast_share or 0.0, s.slow_share or 0.0
    shares = {
        RateVerdict.SLOW: slow,
        RateVerdict.OK: max(0.0, 1.0 - fast - slow),
        RateVerdict.FAST: fast,
    }
    said = ", ".join(f"{v} {_pct(share, 1.0)}" for v, share in shares.items() if share > 1e-9)
    return (
        f"  tempo: {s.agent_rate:.1f} {s.rate_unit} articulation, "
        f"{statistics.median(r.syllables_per_s for r in rates):.1f} with pauses "
        f"(ok band {s.rate_low:.1f}-{s.rate_high:.1f}): {said} of the time"
    )
