"""The end-of-call summary section of the phrase rules: what was said, and the follow-ups.

Two blocks for ``belcoach analyze``: the coaching phrases (to avoid, with what
to say instead; good signals, a summary with where in the call it came and
whether it named what, when and who), and the promises the agent made as a
follow-up list with their time, if the promise named one (seed 002: keep
your promises).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from belcoach.audio.analysis.phrases.matcher import PhraseMatcher
from belcoach.audio.analysis.phrases.tokens import words_from_text
from belcoach.audio.events import CallEnded, CallStarted, Event, PhraseHit
from belcoach.core.clock import format_clock
from belcoach.seeds.loader import RuleBook, load_rules

MAX_SAID = 70


def _short(text: str) -> str:
    return text if len(text) <= MAX_SAID else text[: MAX_SAID - 1] + "…"


def phrase_section(events: Sequence[Event]) -> list[str]:
    """Lines for the summary: phrases to avoid, good signals, follow-up items."""
    hits = sorted((e for e in events if isinstance(e, PhraseHit)), key=lambda e: e.t)
    if not hits:
        return []
    language = next((e.language for e in events if isinstance(e, CallStarted)), "")
    length = next((e.t for e in events if isinstance(e, CallEnded)), None)
    book = load_rules(language) if language else None
    avoid = [h for h in hits if h.polarity == "avoid"]
    good = [h for h in hits if h.polarity == "good" and h.category != "promise"]
    promises = [h for h in hits if h.category == "promise"]
    lines = [f"Coaching phrases: {len(avoid)} to avoid, {len(good)} good, {len(promises)} promises"]
    for hit in avoid:
        stamp = format_clock(hit.t, tenths=True)
        lines.append(f"  ! [{stamp}] {_short(hit.said)!r} ({hit.rule_id}, {hit.severity})")
        for suggestion in hit.suggestions[:2]:
            lines.append(f"      say instead: {suggestion}")
    for hit in good:
        lines.append(
            f"  + [{format_clock(hit.t, tenths=True)}] {_short(hit.said)!r} ({hit.rule_id})"
            + _summary_note(hit, hits, book, length)
        )
    if promises:
        lines.append("")
        lines.append("Follow-up (promises made in the call; keep them):")
        due = _due_finder(book)
        for hit in promises:
            when = due(hit.said)
            lines.append(
                f"  [ ] [{format_clock(hit.t, tenths=True)}] {hit.said}"
                + (f" — when: {when}" if when else "")
            )
    return lines


def _summary_note(
    hit: PhraseHit, hits: Sequence[PhraseHit], book: RuleBook | None, length: float | None
) -> str:
    """For a summary: where in the call it came (001: summarise at the end) and what it named."""
    rule = book.get(hit.rule_id) if book else None
    if rule is None or rule.kind != "summary" or book is None:
        return ""
    where = f"at {100 * hit.t / length:.0f}% of the call" if length else ""
    check = next((r for r in book.rules if r.kind == "summary_check" and r.after == rule.id), None)
    if check is None:
        return f" — {where}" if where else ""
    gap = next((h for h in hits if h.rule_id == check.id and abs(h.t - hit.t) < 0.01), None)
    named = "what, when and who named" if gap is None else "not everything named"
    return " — " + ", ".join(x for x in (where, named) if x)


def _due_finder(book: RuleBook | None) -> Callable[[str], str]:
    """A function giving the time words of a promise ("morgen"), from the pack's summary check."""
    check = next((r for r in book.rules if r.kind == "summary_check"), None) if book else None
    when = next((p for p in check.parts if p.name == "when"), None) if check else None
    if book is None or when is None:
        return lambda _said: ""
    matcher = PhraseMatcher(book)

    def due(said: str) -> str:
        words = words_from_text(said)
        tokens, sim = matcher.tokens(words)
        spans = sorted(matcher.find_variants(when.variants, tokens, sim), key=lambda s: s.start)
        if not spans:
            return ""
        first, last = tokens[spans[0].start].word, tokens[spans[0].stop - 1].word
        return " ".join(w.text for w in words[first : last + 1]).strip(" ,.;:!?")

    return due
