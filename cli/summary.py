"""The readable end-of-call summary ``belcoach analyze`` prints after the transcript.

Each analysis contributes one section: a function from the call's events to
lines of text (an empty list when it has nothing to say).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from belcoach.audio.events import Event
from belcoach.cli.emotion_summary import emotion_summary
from belcoach.cli.phrase_summary import phrase_section
from belcoach.cli.speech_summary import speech_summary

Section = Callable[[Sequence[Event]], list[str]]

SECTIONS: list[Section] = [speech_summary, phrase_section, emotion_summary]
"""Summary sections in print order; analysers' CLI views append theirs here."""


def format_summary(events: Sequence[Event]) -> str:
    """Return the summary of a finished call, sections separated by blank lines."""
    blocks = ["\n".join(lines) for section in SECTIONS if (lines := section(events))]
    return "\n\n".join(blocks)
