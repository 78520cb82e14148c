"""The rules' vocabulary: pattern slots as word indices with edit limits, and what was heard.

``Vocabulary`` gives every word of every registered variant (and every pair
of neighbouring pattern words run together, "er achter" → "erachter") an
index, so one ``rapidfuzz`` call per utterance (``phrase_tokens.Similarity``)
gives all distances. Per utterance it also answers which words were heard at
all, so ``VariantMatcher.find`` skips a variant at once when a word it needs
is missing: with ~1500 variants per pack most are skipped, which keeps
coaching an utterance within a few milliseconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from belcoach.audio.analysis.phrases.tokens import Similarity, allowed_edits
from belcoach.seeds.loader import Matching
from belcoach.seeds.patterns import Slot, Variant

MAX_JOINS = 64
"""Neighbouring slots with more word pairs than this are never matched run together."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """A slot's words as vocabulary indices with their edit limits (fuzzy and exact).

    ``fuzzy_ids`` / ``exact_ids`` split the indices by whether a choice may
    be heard fuzzily; ``join_ids`` are the run-together words it is part of.
    They let ``Vocabulary.viable`` skip a variant at once when one of its
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


@dataclass(frozen=True, slots=True)
class Joined:
    """Two neighbouring slots' word pairs, run together, as vocabulary indices."""

    idx: np.ndarray
    limits: np.ndarray
    words: tuple[tuple[str, str], ...]


class Vocabulary:
    """Every registered slot's words as indices; see the module docstring."""

    def __init__(self, matching: Matching) -> None:
        self.matching = matching
        self.index: dict[str, int] = {}
        self.compiled: dict[Slot, Compiled] = {}
        self.joins: dict[tuple[Slot, Slot], Joined] = {}
        self._limits: list[int] = []
        """Per word, the most edits any slot allows it (for ``heard``)."""
        self._required: dict[int, tuple[Variant, tuple[Compiled, ...]]] = {}
        """Per variant (by id), the slots that must be heard for it to match."""

    def add(self, variants: Iterable[Variant]) -> None:
        """Register the words of ``variants`` (and of neighbours run together) in the vocabulary."""
        for v in variants:
            known = self._required.get(id(v))
            if known is not None and known[0] is v:
                continue
            for slot in v.slots:
                if not slot.gap and slot not in self.compiled:
                    self.compiled[slot] = self._compile(slot)
            for a, b in itertools.pairwise(v.slots):
                if not (a.gap or b.gap) and (a, b) not in self.joins:
                    self.joins[(a, b)] = join = self._join(a, b)
                    ids = {int(i) for i in join.idx}
                    self.compiled[a].join_ids.update(ids)
                    self.compiled[b].join_ids.update(ids)
            required = tuple(self.compiled[s] for s in v.slots if not (s.gap or s.optional))
            self._required[id(v)] = (v, required)

    def _word(self, word: str, limit: int) -> int:
        index = self.index.setdefault(word, len(self.index))
        if index == len(self._limits):
            self._limits.append(limit)
        else:
            self._limits[index] = max(self._limits[index], limit)
        return index

    def _compile(self, slot: Slot) -> Compiled:
        exact = [
            e or w in self.matching.exact_words
            for w, e in zip(slot.choices, slot.exact, strict=True)
        ]
        limits = [allowed_edits(w, exact=e) for w, e in zip(slot.choices, exact, strict=True)]
        ids = [self._word(w, lim) for w, lim in zip(slot.choices, limits, strict=True)]
        return Compiled(
            slot,
            np.array(ids, dtype=np.intp),
            np.array(limits, dtype=np.int32),
            np.zeros(len(slot.choices), dtype=np.int32),
            frozenset(i for i, e in zip(ids, exact, strict=True) if not e),
            frozenset(i for i, e in zip(ids, exact, strict=True) if e),
        )

    def _join(self, a: Slot, b: Slot) -> Joined:
        """Two neighbouring pattern words heard as one ("er achter" → "erachter")."""
        if len(a.choices) * len(b.choices) > MAX_JOINS:
            return Joined(np.zeros(0, np.intp), np.zeros(0, np.int32), ())
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
        idx = np.array([self.index[w + w2] for w, w2 in words], dtype=np.intp)
        return Joined(idx, np.array(limits, dtype=np.int32), tuple(words))

    def heard(self, sim: Similarity) -> tuple[set[int], set[int]]:
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

    def starts(self, comp: Compiled, sim: Similarity, fuzz: bool) -> list[int]:
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

    def viable(self, variant: Variant, sim: Similarity, fuzz: bool) -> bool:
        """False when a word ``variant`` needs was not heard at all, not even fuzzily."""
        entry = self._required.get(id(variant))
        if entry is None or entry[0] is not variant:
            self.add([variant])  # built on the fly (name introductions)
            entry = self._required.pop(id(variant))
        heard_fuzzy, heard_exact = self.heard(sim)
        for c in entry[1]:
            if not c.exact_ids.isdisjoint(heard_exact):
                continue
            if fuzz and not (
                c.fuzzy_ids.isdisjoint(heard_fuzzy) and c.join_ids.isdisjoint(heard_fuzzy)
            ):
                continue
            if not fuzz and not c.fuzzy_ids.isdisjoint(heard_exact):
                continue
            return False
        return True
