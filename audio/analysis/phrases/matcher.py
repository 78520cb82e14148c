"""Finding rule phrases in one utterance's words, tolerant of Whisper's mistakes but precise.

Words are normalised (``seeds.patterns.normalise_words``: case, accents and
punctuation gone) and compared with rapidfuzz's Levenshtein distance, so
"vervelent" still matches "vervelend" and "voor stelen" (split, one letter
lost) still matches "voorstellen". Tolerance is kept in check on purpose:

- a word of two letters, a word listed in the pack's ``exact_words``
  (negations, pronouns: "niet"/"wel", "u"/"ik") and a ``=word`` in a pattern
  must be spelled exactly, because the sentence's meaning hangs on them;
- longer words may differ by 1 (3-5 letters), 2 (6-8) or 3 (9+) edits;
- a whole match may differ by one edit when it is under 12 letters long and
  by a fifth of its letters otherwise, at least half of its words must be
  exact, and a one-word pattern is always exact;
- a word Whisper split in two ("voor stelen") or two pattern words heard as
  one ("erachter") cost one edit of tolerance, and a split never swallows an
  exact word ("u even" is not a misheard "even");
- a match never crosses a sentence end (``.``, ``?``, ``!``);
- a rule's ``exceptions`` (found the same way) cancel a match they overlap or
  that lies within the rule's ``exception_reach`` words: "ik weet het niet,
  maar ik zoek het voor u uit" is what the seed recommends, not a violation.

All distances of an utterance against the rules' vocabulary come from one
``rapidfuzz.process.cdist`` call (``phrase_tokens.Similarity``); coaching one
utterance takes a few milliseconds (``benchmarks/rules.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from belcoach.audio.analysis.phrases.tokens import Similarity, Token, tokenize
from belcoach.audio.analysis.phrases.variants import Span, VariantMatcher
from belcoach.audio.events import Word
from belcoach.seeds.loader import RuleBook
from belcoach.seeds.patterns import Variant
from belcoach.seeds.rule_schema import Rule

__all__ = ["Finding", "PhraseMatcher", "Span", "VariantMatcher"]


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's best match in one utterance.

    Attributes:
        rule: the rule.
        span: where it matched (for ``span = "clause"`` rules, up to the clause's end).
        pattern: the pattern (as written in the rule) the match came from.
        cancelled_by: the exception pattern that cancels it, or None when it stands.
    """

    rule: Rule
    span: Span
    pattern: str
    cancelled_by: str | None = None


class PhraseMatcher:
    """Finds each rule's best match in an utterance, applying the rule's exceptions.

    Args:
        book: the rules in force for the call language.
        fuzzy: False matches exact words only (a setting for very clean audio).
    """

    def __init__(self, book: RuleBook, *, fuzzy: bool = True) -> None:
        self.book = book
        self.core = VariantMatcher(book.matching, fuzzy=fuzzy)
        for rule in book.rules:
            self.core.add(rule.variants)
            self.core.add(rule.exception_variants)
            for part in rule.parts:
                self.core.add(part.variants)

    def tokens(self, words: Sequence[Word]) -> tuple[list[Token], Similarity]:
        """Tokenise an utterance and compute its distances (shared by every rule)."""
        tokens = tokenize(words, self.book.matching.spellings)
        return tokens, self.core.similarity(tokens)

    def find(
        self,
        tokens: Sequence[Token],
        sim: Similarity,
        rules: Iterable[Rule],
    ) -> list[Finding]:
        """The best match of each rule in ``rules``, with cancelled ones marked."""
        out: list[Finding] = []
        for rule in rules:
            if not rule.variants:
                continue
            spans = self.core.find(rule.variants, tokens, sim, fuzzy=rule.fuzzy)
            if not spans:
                continue
            exceptions = (
                self.core.find(rule.exception_variants, tokens, sim, fuzzy=rule.fuzzy)
                if rule.exception_variants
                else []
            )
            finding: Finding | None = None
            for span in spans:
                cancel = _cancelling(span, exceptions, rule.exception_reach)
                candidate = Finding(
                    rule,
                    _extend(span, tokens) if rule.span == "clause" else span,
                    span.variant.pattern,
                    cancel.variant.pattern if cancel else None,
                )
                if cancel is None:
                    finding = candidate
                    break
                finding = finding or candidate
            if finding is not None:
                out.append(finding)
        return out

    def find_variants(
        self, variants: Sequence[Variant], tokens: Sequence[Token], sim: Similarity
    ) -> list[Span]:
        """Matches of loose variants (summary parts, name intros) registered in the vocabulary."""
        return self.core.find(variants, tokens, sim)


def _cancelling(span: Span, exceptions: Sequence[Span], reach: int) -> Span | None:
    for ex in exceptions:
        if ex.start < span.stop + reach and span.start < ex.stop + reach:
            return ex
    return None


def _extend(span: Span, tokens: Sequence[Token]) -> Span:
    stop = span.stop
    while stop < len(tokens) and not tokens[stop - 1].clause_end:
        stop += 1
    return Span(span.start, stop, span.variant, span.edits, span.fuzzy, span.carrier_tokens())
