"""Live events as terminal lines: what ``belcoach demo`` prints when there is no display.

One line per thing an agent would notice on the overlay: committed words,
the agent talking over the customer, phrase alerts with the alternative,
speaking too fast, dead air, changes in the customer's estimated feeling,
and engine status. Interim words, meters and running figures are left out.
"""

from __future__ import annotations

import sys
from typing import TextIO

from belcoach.audio.events import (
    CallEnded,
    ConversationStats,
    DeadAir,
    EmotionEstimate,
    EngineStatus,
    Event,
    OverTalk,
    PhraseHit,
    RateVerdict,
    SpeechRate,
    Transcript,
)
from belcoach.core.clock import format_clock


def _stamp(t: float) -> str:
    return f"[{format_clock(t, tenths=True)}]"


def transcript_line(event: Transcript) -> str:
    """``[mm:ss.s] agent   : words``: one committed utterance, as every command prints it."""
    who = "agent   " if event.channel == "agent" else "customer"
    return f"{_stamp(event.t)} {who}: {event.text}"


def describe(event: Event, *, last_verdict: str | None = None) -> str | None:
    """One line for ``event``, or None when it is not worth a line."""
    stamp = _stamp(event.t)
    if isinstance(event, Transcript):
        if not event.final or not event.words:
            return None
        return transcript_line(event)
    if isinstance(event, OverTalk):
        if event.channel == "agent" and event.ongoing:
            return f"{stamp} !! over-talk: you are talking over the customer"
        return None
    if isinstance(event, PhraseHit):
        if event.polarity != "avoid":
            return None
        line = f"{stamp} !! phrase: you said '{event.said}'"
        if event.suggestions:
            line += f" -> say instead: '{event.suggestions[0]}'"
        return line
    if isinstance(event, SpeechRate):
        if event.verdict != last_verdict and event.verdict in (RateVerdict.FAST, RateVerdict.SLOW):
            return f"{stamp} !! pace: {event.verdict} ({event.articulation_rate:.1f} syll/s)"
        return None
    if isinstance(event, DeadAir):
        return f"{stamp} !! silence since {event.t:.1f} s" if event.ongoing else None
    if isinstance(event, EmotionEstimate):
        if not event.changed:
            return None
        return (
            f"{stamp} customer seems {event.label} (estimate, {round(event.confidence * 100)} %)"
            f" -> {event.step}: {event.hint}"
        )
    if isinstance(event, EngineStatus):
        return f"{stamp} ({event.level}) {event.message or event.code}"
    if isinstance(event, ConversationStats) and event.final and event.talk_ratio is not None:
        return f"{stamp} talk time: you {round(event.talk_ratio * 100)} %"
    if isinstance(event, CallEnded):
        return f"{stamp} call ended ({event.reason})"
    return None


class LivePrinter:
    """A bus subscriber that prints ``describe`` lines as events arrive.

    Args:
        stream: where to print (stdout by default).
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout
        self._verdict: str | None = None

    def __call__(self, event: Event) -> None:
        """Print one event's line, if it has one."""
        line = describe(event, last_verdict=self._verdict)
        if isinstance(event, SpeechRate):
            self._verdict = event.verdict
        if line is not None:
            print(line, file=self._stream, flush=True)
