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

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from belcoach.audio.events import Word
from belcoach.audio.phrase_tokens import Similarity, Token, allowed_edits, tokenize
from belcoach.seeds.loader import Matching, RuleBook
from belcoach.seeds.patterns import Slot, Variant
from belcoach.seeds.rule_schema import Rule


@dataclass(frozen=True, slots=True)
class Span:
    """Where a variant matched: tokens ``start`` to ``stop`` (exclusive).

    Attributes:
        variant: the word sequence that matched.
        edits: letters changed, summed over the words.
        fuzzy: (pattern word, heard) pairs that were not identical.
        carriers: the tokens that matched the pattern's words, in order: the
            span without the words a ``*`` gap skipped (and, for a clause
            rule, without the rest of the clause). Empty means every token
            of the span.
    """

    start: int
    stop: int
    variant: Variant
    edits: int
    fuzzy: tuple[tuple[str, str], ...] = ()
    carriers: tuple[int, ...] = ()

    def carrier_tokens(self) -> tuple[int, ...]:
        """The tokens the match hangs on (``carriers``, or the whole span)."""
        return self.carriers or tuple(range(self.start, self.stop))


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


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A slot's words as vocabulary indices with their edit limits (fuzzy and exact)."""

    slot: Slot
    idx: np.ndarray
    fuzzy_limits: np.ndarray
    exact_limits: np.ndarray


@dataclass(frozen=True, slots=True)
class _Joined:
    """Two neighbouring slots' word pairs, run together, as vocabulary indices."""

    idx: np.ndarray
    limits: np.ndarray
    words: tuple[tuple[str, str], ...]


MAX_JOINS = 64
"""Neighbouring slots with more word pairs than this are never matched run together."""


@dataclass(slots=True)
class _State:
    slot: int
    token: int
    edits: int = 0
    words: int = 0
    exact: int = 0
    chars: int = 0
    fuzzy: tuple[tuple[str, str], ...] = ()
    taken: tuple[int, ...] = ()


class VariantMatcher:
    """Matches expanded patterns against tokens with the tolerance rules above."""

    def __init__(self, matching: Matching, *, fuzzy: bool = True) -> None:
        self.matching = matching
        self.fuzzy = fuzzy
        self.vocab: dict[str, int] = {}
        self._compiled: dict[Slot, _Compiled] = {}
        self._joins: dict[tuple[Slot, Slot], _Joined] = {}

    def add(self, variants: Iterable[Variant]) -> None:
        """Register the words of ``variants`` (and of neighbours run together) in the vocabulary."""
        for v in variants:
            for a, b in itertools.pairwise(v.slots):
                if not (a.gap or b.gap) and (a, b) not in self._joins:
                    self._joins[(a, b)] = self._join(a, b)
            for slot in v.slots:
                if slot.gap or slot in self._compiled:
                    continue
                for w in slot.choices:
                    self.vocab.setdefault(w, len(self.vocab))
                exact = [
                    e or w in self.matching.exact_words
                    for w, e in zip(slot.choices, slot.exact, strict=True)
                ]
                self._compiled[slot] = _Compiled(
                    slot,
                    np.array([self.vocab[w] for w in slot.choices], dtype=np.intp),
                    np.array(
                        [
                            allowed_edits(w, exact=e)
                            for w, e in zip(slot.choices, exact, strict=True)
                        ],
                        dtype=np.int32,
                    ),
                    np.zeros(len(slot.choices), dtype=np.int32),
                )

    def _join(self, a: Slot, b: Slot) -> _Joined:
        """Two neighbouring pattern words heard as one ("er achter" → "erachter")."""
        if len(a.choices) * len(b.choices) > MAX_JOINS:
            return _Joined(np.zeros(0, np.intp), np.zeros(0, np.int32), ())
        exact_words = self.matching.exact_words
        words, limits = [], []
        for w, e in zip(a.choices, a.exact, strict=True):
            for w2, e2 in zip(b.choices, b.exact, strict=True):
                exact = e or e2 or w in exact_words or w2 in exact_words
                # at most one edit, and a pattern word may not simply vanish in the other
                limit = min(allowed_edits(w + w2, exact=exact), 1, len(w) - 1, len(w2) - 1)
                words.append((w, w2))
                limits.append(max(limit, 0))
                self.vocab.setdefault(w + w2, len(self.vocab))
        idx = np.array([self.vocab[w + w2] for w, w2 in words], dtype=np.intp)
        return _Joined(idx, np.array(limits, dtype=np.int32), tuple(words))

    def similarity(self, tokens: Sequence[Token]) -> Similarity:
        """Compute the distances for one utterance (once, for all rules)."""
        return Similarity(tokens, self.vocab)

    def find(
        self,
        variants: Sequence[Variant],
        tokens: Sequence[Token],
        sim: Similarity,
        *,
        fuzzy: bool = True,
    ) -> list[Span]:
        """Every match of any variant, best (fewest edits) first, then earliest."""
        spans: list[Span] = []
        fuzz = fuzzy and self.fuzzy
        n = len(tokens)
        for variant in variants:
            first = variant.slots[0]
            if first.optional:
                starts: Iterable[int] = range(n)
            else:
                comp = self._compiled[first]
                limits = comp.fuzzy_limits if fuzz else comp.exact_limits
                hit: np.ndarray = np.asarray((sim.single[:, comp.idx] <= limits).any(axis=1))
                if fuzz and n > 1:
                    hit[:-1] |= (sim.joined[:, comp.idx] <= limits).any(axis=1)
                starts = np.flatnonzero(hit).tolist()
            for start in starts:
                if variant.at_start and not tokens[start].clause_start:
                    continue
                span = self._at(variant, tokens, sim, start, fuzz)
                if span is not None:
                    spans.append(span)
        spans.sort(key=lambda s: (s.edits, s.start, -(s.stop - s.start)))
        return spans

    def _at(
        self, variant: Variant, tokens: Sequence[Token], sim: Similarity, start: int, fuzz: bool
    ) -> Span | None:
        slots = variant.slots
        n = len(tokens)
        best: Span | None = None
        stack = [_State(0, start)]
        while stack:
            st = stack.pop()
            if st.slot == len(slots):
                span = self._finish(variant, tokens, start, st, fuzz)
                if span is not None and (best is None or span.edits < best.edits):
                    best = span
                continue
            slot = slots[st.slot]
            # consuming token ``i`` must not cross a sentence end inside the match
            can_take = st.token < n and (st.token == start or not tokens[st.token - 1].sentence_end)
            if slot.gap:
                stack.append(replace(st, slot=st.slot + 1))
                k = st.token
                while k < n and k - st.token < self.matching.max_gap:
                    if k > start and tokens[k - 1].sentence_end:
                        break
                    k += 1
                    stack.append(replace(st, slot=st.slot + 1, token=k))
                continue
            if slot.optional:
                stack.append(replace(st, slot=st.slot + 1))
            if not can_take:
                continue
            self._take(st, slot, slots, tokens, sim, fuzz, stack)
        return best

    def _take(
        self,
        st: _State,
        slot: Slot,
        slots: tuple[Slot, ...],
        tokens: Sequence[Token],
        sim: Similarity,
        fuzz: bool,
        stack: list[_State],
    ) -> None:
        comp = self._compiled[slot]
        limits = comp.fuzzy_limits if fuzz else comp.exact_limits
        i = st.token
        dist = sim.single[i, comp.idx]
        for k in np.flatnonzero(dist <= limits).tolist():
            d = int(dist[k])
            w = slot.choices[k]
            pair = ((w, sim.texts[i]),) if d else ()
            stack.append(
                _State(
                    st.slot + 1,
                    i + 1,
                    st.edits + d,
                    st.words + 1,
                    st.exact + (d == 0),
                    st.chars + len(w),
                    st.fuzzy + pair,
                    (*st.taken, i),
                )
            )
        if not fuzz:
            return
        if i + 1 < len(tokens) and not tokens[i].sentence_end:
            joined = sim.joined[i, comp.idx]
            shorter = min(len(tokens[i].text), len(tokens[i + 1].text))
            # a split costs one edit of tolerance ("voor stelen" for "voorstellen");
            # an exact split is always fine ("my self"), a fuzzy one never swallows
            # a word the meaning hangs on ("u even" is not a misheard "even")
            fuzzy_ok = (joined <= limits - 1) & (joined < shorter)
            ok = (joined == 0) | (fuzzy_ok if self._splittable(tokens, i) else False)
            for k in np.flatnonzero(ok).tolist():
                w = slot.choices[k]
                pair = ((w, f"{sim.texts[i]} {sim.texts[i + 1]}"),)
                stack.append(
                    _State(
                        st.slot + 1,
                        i + 2,
                        st.edits + int(joined[k]),
                        st.words + 1,
                        st.exact + (joined[k] == 0),
                        st.chars + len(w),
                        st.fuzzy + pair,
                        (*st.taken, i, i + 1),
                    )
                )
        nxt = st.slot + 1
        if nxt < len(slots) and not slots[nxt].gap:
            join = self._joins[(slot, slots[nxt])]
            if not join.words:
                return
            dist = sim.single[i, join.idx]
            for k in np.flatnonzero(dist <= join.limits).tolist():
                d = int(dist[k])
                w, w2 = join.words[k]
                pair = ((f"{w} {w2}", sim.texts[i]),)
                stack.append(
                    _State(
                        nxt + 1,
                        i + 1,
                        st.edits + d,
                        st.words + 2,
                        st.exact + 2 * (d == 0),
                        st.chars + len(w) + len(w2),
                        st.fuzzy + pair,
                        (*st.taken, i),
                    )
                )

    def _splittable(self, tokens: Sequence[Token], i: int) -> bool:
        """Whether tokens ``i`` and ``i + 1`` may be one word Whisper split in two.

        Never when either piece is a word the meaning hangs on ("u even" is
        not a misheard "even").
        """
        exact = self.matching.exact_words
        return tokens[i].text not in exact and tokens[i + 1].text not in exact

    def _finish(
        self, variant: Variant, tokens: Sequence[Token], start: int, st: _State, fuzz: bool
    ) -> Span | None:
        if st.token == start or st.words == 0:
            return None
        if variant.at_end and not tokens[st.token - 1].clause_end:
            return None
        if st.edits:
            # a fifth of the letters, but one edit only in short matches:
            # "schiet het" must not pass for "schikt het"
            budget = (1 if st.chars < 12 else int(0.2 * st.chars)) if fuzz else 0
            if st.words == 1 or st.edits > budget or 2 * st.exact < st.words:
                return None
        return Span(start, st.token, variant, st.edits, st.fuzzy, st.taken)


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
