"""The report's QA scorecard section: the score, and per item its verdict and evidence."""

from __future__ import annotations

from typing import Any

from belcoach.audio.review.qa import Scorecard
from belcoach.core.clock import format_clock
from belcoach.seeds.report_tips import seed_title


def qa_section(card: Scorecard) -> dict[str, Any]:
    """The scorecard section: score, and per item its verdict and evidence."""
    return {
        "title": card.title,
        "score": card.score_text(),
        "percent": None if card.score is None else f"{card.score * 100:.0f} %",
        "problems": card.problems,
        "items": [
            {
                "title": item.title,
                "verdict": str(item.verdict),
                "label": item.label,
                "seed": seed_title(item.seed),
                "evidence": [
                    {
                        "time": format_clock(e.t) if e.t is not None else "",
                        "note": e.note,
                        "quote": e.quote,
                    }
                    for e in item.evidence
                ],
            }
            for item in card.items
        ],
    }
