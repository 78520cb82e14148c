"""What a scored QA card is: verdicts, the evidence each rests on, and the score.

Kept apart from the checks so the report, the replay panel, the CLI and the
batch table read one small, JSON-ready shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    """An item's outcome, as on a Dutch monitoring form."""

    GOED = "goed"
    NIET_GOED = "niet_goed"
    NVT = "nvt"
    """Niet van toepassing: the call gave no chance (no negative feeling to acknowledge, ...)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a verdict rests on: a moment of the call and what happened there.

    Attributes:
        t: seconds on the audio clock (None for a figure over the whole call).
        note: what it shows, in the card's language ("leidt voordat het gevoel erkend is").
        quote: the words said there, verbatim from the transcript ("" when none).
        event: the kind of event it comes from (``transcript``, ``phrase``,
            ``overtalk``, ``emotion``, ``speech_rate``, ``pause``, ``speech``).
    """

    t: float | None
    note: str
    quote: str = ""
    event: str = "transcript"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (time rounded to 0.1 s)."""
        return {
            "t": None if self.t is None else round(self.t, 1),
            "note": self.note,
            "quote": self.quote,
            "event": self.event,
        }


@dataclass(frozen=True, slots=True)
class ItemScore:
    """One item of the card, scored.

    Attributes:
        id: the item's id; ``title``: what the coach reads.
        verdict: Goed / Niet goed / N.v.t.
        label: the verdict as the card writes it.
        evidence: what the verdict rests on (never empty).
        seed: the seed file the item comes from; ``quote``: the passage.
    """

    id: str
    title: str
    verdict: Verdict
    label: str
    evidence: tuple[Evidence, ...]
    seed: str = ""
    quote: str = ""

    @property
    def first_time(self) -> float | None:
        """The earliest moment the evidence points at (None for whole-call figures)."""
        times = [e.t for e in self.evidence if e.t is not None]
        return min(times) if times else None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "title": self.title,
            "verdict": str(self.verdict),
            "label": self.label,
            "evidence": [e.to_json() for e in self.evidence],
            "seed": self.seed,
        }


@dataclass(frozen=True, slots=True)
class Scorecard:
    """A call's scored card.

    Attributes:
        title: the card's name; ``language``: the card's language.
        items: each item, in card order.
        card_file: the card file it was scored with.
        problems: why a chosen card file was not used (the packaged card was).
    """

    title: str
    language: str
    items: tuple[ItemScore, ...]
    card_file: str = ""
    problems: tuple[str, ...] = field(default=())

    @property
    def applicable(self) -> int:
        """Items that apply (Goed or Niet goed)."""
        return sum(1 for i in self.items if i.verdict != Verdict.NVT)

    @property
    def passed(self) -> int:
        """Items scored Goed."""
        return sum(1 for i in self.items if i.verdict == Verdict.GOED)

    @property
    def score(self) -> float | None:
        """Goed out of the items that apply, 0..1 (None when none applies)."""
        return self.passed / self.applicable if self.applicable else None

    def score_text(self) -> str:
        """``7/9`` (Goed out of the items that apply)."""
        return f"{self.passed}/{self.applicable}"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (``belcoach qa --json``)."""
        return {
            "title": self.title,
            "language": self.language,
            "card": self.card_file,
            "passed": self.passed,
            "applicable": self.applicable,
            "score": None if self.score is None else round(self.score, 3),
            "items": [i.to_json() for i in self.items],
            "problems": list(self.problems),
        }
