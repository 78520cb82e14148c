"""The core of the phrase matcher: expanded pattern variants against one utterance's tokens.

``VariantMatcher`` walks a variant's slots over the tokens depth-first,
allowing what ``belcoach.audio.analysis.phrases.matcher`` describes: fuzzy words within
their edit limits, a word Whisper split in two or two pattern words heard as
one, ``*`` gaps, and the pack's fillers ("eh", "nou", "eigenlijk", and
fillers of several words such as "op dit moment", which count as one)
between two pattern words, before a ``^`` match at the clause start and after
a ``$`` match at the clause end (at most ``max_fillers`` per match). A filler
never passes a clause end between two pattern words ("wacht nou even, u zei"
is not "wacht u"), and a filler or a heard word the meaning hangs on (the
pack's ``exact_words``) is never taken fuzzily for another pattern word
("meneer" is not a misheard "meteen", "not" not a misheard "now"): it is a
real word, not a recogniser's slip. It returns ``Span``s; ``PhraseMatcher`` turns them into
rule findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from belcoach.audio.analysis.phrases.tokens import Similarity, Token
from belcoach.audio.analysis.phrases.vocab import Vocabulary
from belcoach.seeds.loader import Matching
from belcoach.seeds.patterns import Slot, Variant


@dataclass(frozen=True, slots=True)
class Span:
    """Where a variant matched: tokens ``start`` to ``stop`` (exclusive).

    Attributes:
        variant: the word sequence that matched.
        edits: letters changed, summed over the words.
        fuzzy: (pattern word, heard) pairs that were not identical.
        carriers: the tokens that matched the pattern's words, in order: the
            span without the words a ``*`` gap skipped or fillers passed (and,
            for a clause rule, without the rest of the clause). Empty means
            every token of the span.
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
class _Fillers:
    """One utterance's fillers: per token, the length of a filler starting there
    (0: none; more than 1: a filler of several words) and whether it is part of one."""

    length: tuple[int, ...]
    member: tuple[bool, ...]


SHORT = 4
"""In a two-word match, words this short must be exact (see ``_finish``)."""


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
    taken: tuple[int, ...] = ()


def _moved(st: _State, slot: int, token: int, *, fillers: int = 0) -> _State:
    """``st`` at another slot and token, having passed ``fillers`` more filler words."""
    return _State(
        slot,
        token,
        st.edits,
        st.words,
        st.exact,
        st.chars,
        st.fuzzy,
        st.fillers + fillers,
        st.taken,
    )


class VariantMatcher:
    """Matches expanded patterns against tokens with the tolerance rules above."""

    def __init__(self, matching: Matching, *, fuzzy: bool = True) -> None:
        self.matching = matching
        self.fuzzy = fuzzy
        self.words = Vocabulary(matching)
        self._phrases: dict[str, list[tuple[str, ...]]] = {}
        """Fillers of several words ("op dit moment") by their first word, longest first."""
        for filler in sorted(matching.fillers, key=lambda f: -f.count(" ")):
            words = tuple(filler.split())
            if len(words) > 1:
                self._phrases.setdefault(words[0], []).append(words)

    def add(self, variants: Iterable[Variant]) -> None:
        """Register the words of ``variants`` (and of neighbours run together) in the vocabulary."""
        self.words.add(variants)

    @property
    def vocab(self) -> dict[str, int]:
        """Every registered word (and run-together pair) → its column in ``Similarity``."""
        return self.words.index

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
            if not self.words.viable(variant, sim, fuzz):
                continue  # a word it needs was not heard, not even fuzzily
            first = variant.slots[0]
            if first.optional:
                starts: Iterable[int] = range(n)
            else:
                starts = self.words.starts(self.words.compiled[first], sim, fuzz)
            fill = self._fillers(tokens, sim)
            for start in starts:
                if variant.at_start and not self._opens_clause(tokens, start, fill):
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
        fill = self._fillers(tokens, sim)
        best: Span | None = None
        stack = [_State(0, start)]
        while stack:
            st = stack.pop()
            if st.slot == len(slots):
                span = self._finish(variant, tokens, start, st, fuzz, fill)
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
                and fill.length[st.token]
                and not tokens[st.token + fill.length[st.token] - 1].clause_end
            ):
                # a filler between two pattern words ("dat weet ik eh niet",
                # "dat weet ik op dit moment niet": a filler of several words counts once),
                # not one that ends a clause: "wacht nou even, u zei" is not "wacht u"
                stack.append(_moved(st, st.slot, st.token + fill.length[st.token], fillers=1))
            if slot.gap:
                # up to ``max_gap`` words of anything; fillers in it do not count
                stack.append(_moved(st, st.slot + 1, st.token))
                k, skipped = st.token, 0
                while k < n and not (k > start and tokens[k - 1].sentence_end):
                    skipped += not fill.member[k]
                    if skipped > self.matching.max_gap:
                        break
                    k += 1
                    stack.append(_moved(st, st.slot + 1, k))
                continue
            if slot.optional:
                stack.append(_moved(st, st.slot + 1, st.token))
            if not can_take:
                continue
            self._take(st, slot, slots, tokens, sim, fuzz and not fill.member[st.token], stack)
        return best

    def _fillers(self, tokens: Sequence[Token], sim: Similarity) -> _Fillers:
        """Which tokens are fillers, and how long each filler starting there is (per utterance)."""
        cached = sim.cache.get("fillers")
        if isinstance(cached, _Fillers):
            return cached
        texts = [t.text for t in tokens]
        length = [int(t in self.matching.fillers) for t in texts]
        member = [bool(n) for n in length]
        for k, text in enumerate(texts):
            for words in self._phrases.get(text, ()):
                stop = k + len(words)
                if tuple(texts[k:stop]) == words and not any(
                    t.sentence_end for t in tokens[k : stop - 1]
                ):
                    length[k] = max(length[k], len(words))
                    member[k:stop] = [True] * len(words)
        fill = _Fillers(tuple(length), tuple(member))
        sim.cache["fillers"] = fill
        return fill

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
        comp = self.words.compiled[slot]
        i = st.token
        # a heard word the meaning hangs on is never a misheard other word:
        # "now is not a good time" is not "is now a good time"
        strict = tokens[i].text in self.matching.exact_words
        limits = comp.fuzzy_limits if fuzz and not strict else comp.exact_limits
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
                        st.fillers,
                        (*st.taken, i, i + 1),
                    )
                )
        nxt = st.slot + 1
        if nxt < len(slots) and not slots[nxt].gap:
            join = self.words.joins[(slot, slots[nxt])]
            if not join.words:
                return
            dist = sim.single[i, join.idx]
            for k in np.flatnonzero(dist <= (0 if strict else join.limits)).tolist():
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
                        (*st.taken, i),
                    )
                )

    def _opens_clause(self, tokens: Sequence[Token], start: int, fill: _Fillers) -> bool:
        """Whether a match at ``start`` starts a clause, perhaps after fillers ("Eh, wacht")."""
        k = start
        for _ in range(self.matching.max_fillers + 1):
            if tokens[k].clause_start:
                return True
            k -= 1
            if k < 0 or not fill.member[k]:
                return False
        return False

    def _closes_clause(self, tokens: Sequence[Token], stop: int, used: int, fill: _Fillers) -> bool:
        """Whether a match ending before ``stop`` ends a clause, perhaps before fillers."""
        k = stop - 1
        for _ in range(self.matching.max_fillers - used + 1):
            if tokens[k].clause_end:
                return True
            k += 1
            if k >= len(tokens) or not fill.member[k]:
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
        self,
        variant: Variant,
        tokens: Sequence[Token],
        start: int,
        st: _State,
        fuzz: bool,
        fill: _Fillers,
    ) -> Span | None:
        if st.token == start or st.words == 0:
            return None
        if variant.at_end and not self._closes_clause(tokens, st.token, st.fillers, fill):
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
        return Span(start, st.token, variant, st.edits, st.fuzzy, st.taken)
