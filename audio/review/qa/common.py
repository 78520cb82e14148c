"""Shared pieces of the QA checks: result types and how evidence is written."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from belcoach.audio.calls.marks import Line
from belcoach.audio.events import PhraseHit
from belcoach.audio.review.qa.model import Evidence, Verdict
from belcoach.audio.review.qa.texts import note
from belcoach.audio.review.qa.view import CallView, Found, search

Result = tuple[Verdict, list[Evidence]]
Check = Callable[[CallView, Mapping[str, Any]], Result]


def n_(v: CallView, key: str, **values: Any) -> str:
    """An evidence note in the card's language."""
    return note(v.language, key, **values)


def fmt(value: float) -> str:
    """A card parameter in seconds as a note shows it (``20``, ``2.5``)."""
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def said(found: Found, key: str, v: CallView, **values: Any) -> Evidence:
    """Evidence quoting the words a pattern matched, at the first one's start."""
    return Evidence(found.t, n_(v, key, **values), found.quote, "transcript")


def hit(p: PhraseHit, key: str, v: CallView, **values: Any) -> Evidence:
    """Evidence resting on a phrase rule's hit (its time and the words it matched)."""
    return Evidence(p.t, n_(v, key, **values), p.said, f"phrase {p.rule_id}")


def no_agent(v: CallView) -> Result:
    """N.v.t.: the agent said nothing the transcript kept, so there is nothing to judge."""
    return Verdict.NVT, [Evidence(None, n_(v, "no_agent_words"), event="transcript")]


def turn_end(v: CallView, start: float, limit: float) -> float:
    """Where the agent's turn from ``start`` ends: the customer's next words, or ``limit``."""
    nxt = next((line.t for line in v.customer if line.t > start + 0.05), limit)
    return min(nxt, limit)


def first_found(patterns: list[str], lines: list[Line]) -> Found | None:
    """The first match of any pattern, line by line in time order."""
    for line in lines:
        found = search(patterns, line)
        if found is not None:
            return found
    return None
