"""The readable end-of-call summary ``belcoach analyze`` prints after the transcript.

Each analysis contributes one section: a function from the call's events and
its `CallSummary` to lines of text (an empty list when it has nothing to say).
The `CallSummary` is the one the report and the library compute
(`belcoach.audio.calls.summary.summarize`), so a figure printed here is the
figure the report shows for the same call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from belcoach.audio.calls.folder import CallMeta
from belcoach.audio.calls.summary import CallSummary, summarize
from belcoach.audio.events import CallStarted, Event
from belcoach.cli.device_summary import device_section
from belcoach.cli.emotion_summary import emotion_summary
from belcoach.cli.phrase_summary import phrase_section
from belcoach.cli.speech_summary import speech_summary

Section = Callable[[Sequence[Event], CallSummary], list[str]]


def _events_only(section: Callable[[Sequence[Event]], list[str]]) -> Section:
    """A section that reads only the events (nothing in it is a `CallSummary` figure)."""
    return lambda events, _summary: section(events)


SECTIONS: list[Section] = [
    _events_only(device_section),
    speech_summary,
    _events_only(phrase_section),
    _events_only(emotion_summary),
]
"""Summary sections in print order; analysers' CLI views append theirs here."""


def call_summary(events: Sequence[Event]) -> CallSummary:
    """The call's headline figures, computed as the report computes them."""
    language = next((e.language for e in events if isinstance(e, CallStarted)), "")
    return summarize(events, meta=CallMeta("", "", language=language))


def format_summary(events: Sequence[Event]) -> str:
    """Return the summary of a finished call, sections separated by blank lines."""
    summary = call_summary(events)
    blocks = ["\n".join(lines) for section in SECTIONS if (lines := section(events, summary))]
    return "\n\n".join(blocks)
