"""The core of the phrase matcher: expanded pattern variants against one utterance's tokens.

``VariantMatcher`` walks a variant's slots over the tokens depth-first,
allowing what ``belcoach.audio.phrases`` describes: fuzzy words within
their edit limits, a word Whisper split in two or two pattern words heard as
one, ``*`` gaps, and the pack's filler words ("eh", "nou", "eigenlijk")
between two pattern words, before a ``^`` match at the clause start and after
a ``$`` match at the clause end (at most ``max_fillers`` per match). It
returns ``Span``s; ``PhraseMatcher`` turns them into rule findings.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from belcoach.audio.phrase_tokens import Similarity, Token, allowed_edits
from belcoach.seeds.loader import Matching
from belcoach.seeds.patterns import Slot, Variant


@dataclass(frozen=True, slots=True)
class Span:
    """Where a variant matched: tokens ``start`` to ``stop`` (exclusive).

    Attributes:
        variant: the word sequence that matched.
        edits: letters changed, summed over the words.
        fuzzy: (pattern word, heard) pairs that were not identical.
    """

    start: int
    stop: int
    variant: Variant
    edits: int
    fuzzy: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A slot's words as vocabulary indices with their edit limits (fuzzy and exact).

    ``fuzzy_ids`` / ``exact_ids`` split the indices by whether a choice may
    be heard fuzzily; ``join_ids`` are the run-together words it is part of.
    They let ``VariantMatcher.find`` skip a variant at once when one of its
    words was not heard at all.
    """

    slot: Slot
    idx: np.ndarray
    fuzzy_limits: np.ndarray
    exact_limits: np.ndarray
    fuzzy_ids: frozenset[int] = frozenset()
    exact_ids: frozenset[int] = frozenset()
    join_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Joined:
    """Two neighbouring slots' word pairs, run together, as vocabulary indices."""

    idx: np.ndarray
    limits: np.ndarray
    words: tuple[tuple[str, str], ...]


SHORT = 4
"""In a two-word match, words this short must be exact (see ``_finish``)."""
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
    fillers: int = 0


def _moved(st: _State, slot: int, token: int, *, fillers: int = 0) -> _State:
    """``st`` at another slot and token, having passed ``fillers`` more filler words."""
    return _State(
        slot, token, st.edits, st.words, st.exact, st.chars, st.fuzzy, st.fillers + fillers
    )


class VariantMatcher:
    """Matches expanded patterns against tokens with the tolerance rules above."""

    def __init__(self, matching: Matching, *, fuzzy: bool = True) -> None:
        self.matching = matching
        self.fuzzy = fuzzy
        self.vocab: dict[str, int] = {}
        self._compiled: dict[Slot, _Compiled] = {}
        self._joins: dict[tuple[Slot, Slot], _Joined] = {}
        self._limits: list[int] = []
        """Per vocabulary word, the most edits any slot allows it (for ``_heard``)."""
        self._required: dict[int, tuple[Variant, tuple[_Compiled, ...]]] = {}
        """Per variant (by id), the slots that must be heard for it to match."""

    def add(self, variants: Iterable[Variant]) -> None:
        """Register the words of ``variants`` (and of neighbours run together) in the vocabulary."""
        for v in variants:
            known = self._required.get(id(v))
            if known is not None and known[0] is v:
                continue
            for slot in v.slots:
                if not slot.gap and slot not in self._compiled:
                    self._compiled[slot] = self._compile(slot)
            for a, b in itertools.pairwise(v.slots):
                if not (a.gap or b.gap) and (a, b) not in self._joins:
                    self._joins[(a, b)] = join = self._join(a, b)
                    ids = {int(i) for i in join.idx}
                    self._compiled[a].join_ids.update(ids)
                    self._compiled[b].join_ids.update(ids)
            required = tuple(self._compiled[s] for s in v.slots if not (s.gap or s.optional))
            self._required[id(v)] = (v, required)

    def _word(self, word: str, limit: int) -> int:
        index = self.vocab.setdefault(word, len(self.vocab))
        if index == len(self._limits):
            self._limits.append(limit)
        else:
            self._limits[index] = max(self._limits[index], limit)
        return index

    def _compile(self, slot: Slot) -> _Compiled:
        exact = [
            e or w in self.matching.exact_words
            for w, e in zip(slot.choices, slot.exact, strict=True)
        ]
        limits = [allowed_edits(w, exact=e) for w, e in zip(slot.choices, exact, strict=True)]
        ids = [self._word(w, lim) for w, lim in zip(slot.choices, limits, strict=True)]
        return _Compiled(
            slot,
            np.array(ids, dtype=np.intp),
            np.array(limits, dtype=np.int32),
            np.zeros(len(slot.choices), dtype=np.int32),
            frozenset(i for i, e in zip(ids, exact, strict=True) if not e),
            frozenset(i for i, e in zip(ids, exact, strict=True) if e),
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
                self._word(w + w2, max(limit, 0))
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
        heard_fuzzy, heard_exact = self._heard(sim)
        for variant in variants:
            entry = self._required.get(id(variant))
            if entry is None or entry[0] is not variant:
                self.add([variant])  # built on the fly (name introductions)
                entry = self._required.pop(id(variant))
            required = entry[1]
            if not all(
                not c.exact_ids.isdisjoint(heard_exact)
                or (
                    fuzz
                    and not (
                        c.fuzzy_ids.isdisjoint(heard_fuzzy) and c.join_ids.isdisjoint(heard_fuzzy)
                    )
                )
                or (not fuzz and not c.fuzzy_ids.isdisjoint(heard_exact))
                for c in required
            ):
                continue  # a word it needs was not heard, not even fuzzily
            first = variant.slots[0]
            if first.optional:
                starts: Iterable[int] = range(n)
            else:
                starts = self._starts(self._compiled[first], sim, fuzz)
            for start in starts:
                if variant.at_start and not self._opens_clause(tokens, start):
                    continue
                span = self._at(variant, tokens, sim, start, fuzz)
                if span is not None:
                    spans.append(span)
        spans.sort(key=lambda s: (s.edits, s.start, -(s.stop - s.start)))
        return spans

    def _heard(self, sim: Similarity) -> tuple[set[int], set[int]]:
        """The vocabulary words heard in the utterance: within their edit limits, and exactly."""
        cached = sim.cache.get("heard")
        if cached is None:
            limits = np.array(self._limits, dtype=np.int32)
            fuzzy = (sim.single <= limits).any(axis=0)
            exact = (sim.single == 0).any(axis=0)
            if len(sim.pairs):
                fuzzy |= (sim.joined <= limits).any(axis=0)
                exact |= (sim.joined == 0).any(axis=0)
            cached = sim.cache["heard"] = (
                set(np.flatnonzero(fuzzy).tolist()),
                set(np.flatnonzero(exact).tolist()),
            )
        return cached  # type: ignore[return-value]

    def _starts(self, comp: _Compiled, sim: Similarity, fuzz: bool) -> list[int]:
        """Tokens where a slot's word is heard (alone or split in two), cached per utterance."""
        key = (id(comp), fuzz)
        cached = sim.cache.get(key)
        if cached is None:
            limits = comp.fuzzy_limits if fuzz else comp.exact_limits
            hit: np.ndarray = np.asarray((sim.single[:, comp.idx] <= limits).any(axis=1))
            if fuzz and len(sim.texts) > 1:
                hit[:-1] |= (sim.joined[:, comp.idx] <= limits).any(axis=1)
            cached = sim.cache[key] = np.flatnonzero(hit).tolist()
        return cached  # type: ignore[return-value]

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
            if (
                can_take
                and st.token > start
                and not slot.gap
                and st.fillers < self.matching.max_fillers
                and tokens[st.token].text in self.matching.fillers
            ):
                # a filler between two pattern words ("dat weet ik eh niet")
                stack.append(_moved(st, st.slot, st.token + 1, fillers=1))
            if slot.gap:
                # up to ``max_gap`` words of anything; fillers in it do not count
                stack.append(_moved(st, st.slot + 1, st.token))
                k, skipped = st.token, 0
                while k < n and not (k > start and tokens[k - 1].sentence_end):
                    skipped += tokens[k].text not in self.matching.fillers
                    if skipped > self.matching.max_gap:
                        break
                    k += 1
                    stack.append(_moved(st, st.slot + 1, k))
                continue
            if slot.optional:
                stack.append(_moved(st, st.slot + 1, st.token))
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
                    st.fillers,
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
                        st.fillers,
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
                        st.fillers,
                    )
                )

    def _opens_clause(self, tokens: Sequence[Token], start: int) -> bool:
        """Whether a match at ``start`` starts a clause, perhaps after fillers ("Eh, wacht")."""
        k = start
        for _ in range(self.matching.max_fillers + 1):
            if tokens[k].clause_start:
                return True
            k -= 1
            if k < 0 or tokens[k].text not in self.matching.fillers:
                return False
        return False

    def _closes_clause(self, tokens: Sequence[Token], stop: int, used: int) -> bool:
        """Whether a match ending before ``stop`` ends a clause, perhaps before fillers."""
        k = stop - 1
        for _ in range(self.matching.max_fillers - used + 1):
            if tokens[k].clause_end:
                return True
            k += 1
            if k >= len(tokens) or tokens[k].text not in self.matching.fillers:
                return False
        return False

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
        if variant.at_end and not self._closes_clause(tokens, st.token, st.fillers):
            return None
        if st.edits:
            # a fifth of the letters, but one edit only in short matches:
            # "schiet het" must not pass for "schikt het"
            budget = (1 if st.chars < 12 else int(0.2 * st.chars)) if fuzz else 0
            if st.words == 1 or st.edits > budget or 2 * st.exact < st.words:
                return None
            # in a two-word match a short word must be heard exactly: "fijn dat"
            # is not "fijn dag", "ingen roll" not "ingen koll"
            if st.words == 2 and any(len(w) <= SHORT for w, _h in st.fuzzy if " " not in w):
                return None
        return Span(start, st.token, variant, st.edits, st.fuzzy)
