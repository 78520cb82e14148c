"""Scoring a finished call against a QA card.

`score_call` takes a `LoadedCall` (what ``belcoach qa``, the report and the
replay window open); `score_events` takes a bare event list (tests, the batch
table). Both give a `Scorecard`: each item's verdict with its evidence, and
the score out of the items that apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from belcoach.audio.calls.folder import CallMeta
from belcoach.audio.calls.loaded import LoadedCall
from belcoach.audio.calls.summary import CallSummary, summarize_timeline
from belcoach.audio.calls.timeline import Timeline, build_timeline
from belcoach.audio.events import CallStarted, Event
from belcoach.audio.review.qa.checks import CHECKS
from belcoach.audio.review.qa.model import Evidence, ItemScore, Scorecard, Verdict
from belcoach.audio.review.qa.view import CallView
from belcoach.seeds.qa_card import QaCard, card_for


def score_call(
    call: LoadedCall, *, card: QaCard | None = None, card_path: str | Path | None = None
) -> Scorecard:
    """Score an opened call.

    Args:
        call: the call.
        card: the card to use; None = the card in force for the call's language
            (``card_path``, the setting ``qa.card``, else the packaged card).
        card_path: a coach's or IT's card file (ignored when ``card`` is given).
    """
    language = call.summary.meta.language or call.timeline.language or "nl"
    problems: tuple[str, ...] = ()
    if card is None:
        card, problems = card_for(language, card_path)
    return _score(call.events, call.timeline, call.summary, card, problems)


def score_events(
    events: Sequence[Event],
    *,
    card: QaCard | None = None,
    card_path: str | Path | None = None,
    language: str | None = None,
) -> Scorecard:
    """Score a call given as its events (journal order)."""
    timeline = build_timeline(events)
    lang = language or timeline.language or "nl"
    meta = CallMeta(id="", started_at="", language=lang)
    summary = summarize_timeline(timeline, events, meta=meta)
    problems: tuple[str, ...] = ()
    if card is None:
        card, problems = card_for(lang, card_path)
    return _score(events, timeline, summary, card, problems)


def _score(
    events: Sequence[Event],
    timeline: Timeline,
    summary: CallSummary,
    card: QaCard,
    problems: tuple[str, ...],
) -> Scorecard:
    language = card.language or next(
        (e.language for e in events if isinstance(e, CallStarted)), "nl"
    )
    view = CallView(events, timeline, summary, language=language)
    items = []
    for item in card.items:
        verdict, evidence = CHECKS[item.check](view, item.params)
        if not evidence:  # never a verdict without something to point at
            evidence = [Evidence(None, item.title, event="none")]
        items.append(
            ItemScore(
                id=item.id,
                title=item.title,
                verdict=verdict,
                label=card.label(str(verdict)),
                evidence=tuple(evidence),
                seed=item.seed,
                quote=item.quote,
            )
        )
    return Scorecard(
        title=card.title,
        language=card.language,
        items=tuple(items),
        card_file=card.file,
        problems=problems,
    )


__all__ = ["Scorecard", "Verdict", "score_call", "score_events"]
