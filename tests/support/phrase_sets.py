"""The labelled phrase sets (tests/data/phrases/<language>.tsv) and scoring the rules on them.

Shared by ``tests/audio/test_phrase_labels.py`` (asserts the targets) and
``benchmarks/rules.py`` (prints the figures and the matcher's speed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from belcoach.audio.events import PhraseHit
from belcoach.audio.phrase_analyser import PhraseAnalyser
from belcoach.audio.phrase_tokens import words_from_text
from belcoach.seeds.loader import RuleBook, load_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "phrases"
AGENT_START = 3.0
"""The sentence is the agent's first utterance, this many seconds into the call."""


@dataclass(frozen=True)
class Labelled:
    """One labelled sentence."""

    expected: frozenset[str]
    kind: str
    text: str
    line: int


@dataclass
class Score:
    """Hits counted per (sentence, rule) pair over one language's set."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    mistakes: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    sentences: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        """Share of flagged rules that were expected."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of expected rules that were flagged."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_set(language: str) -> tuple[str, list[Labelled]]:
    """The customer's opening line and the labelled sentences of one language."""
    customer = ""
    items: list[Labelled] = []
    path = DATA / f"{language}.tsv"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("# customer:"):
            customer = line.split(":", 1)[1].strip()
        if not line.strip() or line.startswith("#"):
            continue
        expected, kind, text = line.split("\t")
        ids = frozenset() if expected == "-" else frozenset(expected.split())
        items.append(Labelled(ids, kind, text, number))
    return customer, items


def found_rules(
    language: str, customer: str, text: str, book: RuleBook
) -> tuple[set[str], float, list[PhraseHit]]:
    """Rule ids flagged for ``text`` as the agent's first utterance; and the matching time."""
    analyser = PhraseAnalyser(language, book=book)
    analyser.customer_words(words_from_text(customer, start=0.0))
    words = words_from_text(text, start=AGENT_START)
    started = time.perf_counter()
    events = analyser.agent_words(words)
    elapsed = time.perf_counter() - started
    hits = [e for e in events if isinstance(e, PhraseHit)]
    return {h.rule_id for h in hits}, elapsed, hits


def score(language: str, book: RuleBook | None = None) -> Score:
    """Score the rules of ``language`` on its labelled set."""
    book = book or load_rules(language)
    customer, items = load_set(language)
    result = Score(sentences=len(items))
    for item in items:
        found, elapsed, _hits = found_rules(language, customer, item.text, book)
        result.seconds.append(elapsed)
        tp = len(found & item.expected)
        result.tp += tp
        result.fp += len(found - item.expected)
        result.fn += len(item.expected - found)
        kind = result.by_kind.setdefault(item.kind, [0, 0])
        kind[0] += 1
        kind[1] += found == item.expected
        if found != item.expected:
            result.mistakes.append(
                f"{language}.tsv:{item.line} {item.text!r}: expected "
                f"{sorted(item.expected) or '-'}, found {sorted(found) or '-'}"
            )
    return result
