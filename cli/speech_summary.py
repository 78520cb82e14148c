"""The speech section of ``belcoach analyze``'s end-of-call summary (rate, pauses, over-talk)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from belcoach.audio.events import (
    ConversationStats,
    DeadAir,
    EngineStatus,
    Event,
    OverTalk,
    Pause,
    RateVerdict,
    SpeechRate,
    StatusCode,
)


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def _clock(t: float) -> str:
    minutes, seconds = divmod(t, 60)
    return f"{int(minutes):02d}:{seconds:04.1f}"


def speech_summary(events: Sequence[Event]) -> list[str]:
    """Lines about the agent's tempo, pauses, over-talk and the conversation figures."""
    rates = [e for e in events if isinstance(e, SpeechRate)]
    pauses = [e for e in events if isinstance(e, Pause)]
    overtalks = [e for e in events if isinstance(e, OverTalk) and not e.ongoing]
    dead = [e for e in events if isinstance(e, DeadAir) and not e.ongoing]
    finals = [e for e in events if isinstance(e, ConversationStats) and e.final]
    mono = any(isinstance(e, EngineStatus) and e.code == StatusCode.MONO_CALL for e in events)
    if not (rates or pauses or finals):
        return []
    lines = ["Speech (agent)"]
    if mono:
        lines.append("  mono call: taken as the agent; over-talk and talk ratio need two channels")
    if rates:
        arts = [r.articulation_rate for r in rates]
        last = rates[-1]
        verdicts = {v: sum(r.verdict == v for r in rates) for v in RateVerdict}
        shares = ", ".join(f"{v} {_pct(n, len(rates))}" for v, n in verdicts.items() if n)
        lines.append(
            f"  tempo: {statistics.median(arts):.1f} syll/s articulation, "
            f"{statistics.median(r.syllables_per_s for r in rates):.1f} with pauses "
            f"(ok band {last.norm_low:.1f}-{last.norm_high:.1f}): {shares} of the time"
        )
        wpm = [r.words_per_min for r in rates if r.words_per_min is not None]
        pairs = [(r.acoustic_rate, r.words_rate) for r in rates if r.acoustic_rate and r.words_rate]
        if wpm:
            check = ""
            if pairs:
                ratio = statistics.median(a / w for a, w in pairs)
                check = f"; acoustic/word estimates differ by {abs(ratio - 1) * 100:.0f} %"
            lines.append(f"  words per minute: {statistics.median(wpm):.0f}{check}")
    else:
        lines.append("  tempo: not enough agent speech for a figure")
    stats = finals[-1] if finals else None
    if pauses:
        durations = [p.duration for p in pauses]
        lines.append(
            f"  pauses: {len(pauses)} (median {statistics.median(durations):.2f} s, "
            f"longest {max(durations):.1f} s)"
        )
    if stats is not None and stats.sentences:
        lines.append(
            f"  sentences followed by a pause: {stats.sentences_with_pause} of "
            f"{stats.sentences} ({_pct(stats.sentences_with_pause, stats.sentences)})"
        )
    if not mono:
        by_agent = [o for o in overtalks if o.interrupter == "agent"]
        by_customer = [o for o in overtalks if o.interrupter == "customer"]
        line = (
            f"  over-talk: agent over customer {len(by_agent)}x "
            f"({sum(o.overlap_s for o in by_agent):.1f} s), "
            f"customer over agent {len(by_customer)}x"
        )
        if by_agent:
            line += "; at " + ", ".join(_clock(o.start) for o in by_agent[:6])
        lines.append(line)
    if stats is not None and stats.talk_ratio is not None:
        lines.append(
            f"  talk ratio: agent {stats.talk_ratio * 100:.0f} % / customer "
            f"{(1 - stats.talk_ratio) * 100:.0f} % (top performers talk 43 %)"
        )
    if stats is not None:
        extra = "" if mono else f", longest customer turn {stats.longest_customer_turn:.1f} s"
        lines.append(f"  longest agent monologue {stats.longest_agent_monologue:.1f} s{extra}")
    if not mono and dead:
        longest = max(dead, key=lambda d: d.duration)
        lines.append(
            f"  dead air: {len(dead)}x, {sum(d.duration for d in dead):.1f} s in total "
            f"(longest {longest.duration:.1f} s at {_clock(longest.t)})"
        )
    return lines
