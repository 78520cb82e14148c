"""Valence and feeling cues from the customer's words: lexicons plus project-written cues.

A portable baseline that needs nothing but the data in ``seeds/emotion/``. Words are
scored with the language's sentiment lexicons (Pattern and AFINN for Dutch, VADER and AFINN
for Swedish, AFINN for English). Cue phrases from ``cues_<lang>.toml`` cover what lexicons
miss in customer-service talk ("voor de derde keer", "van het kastje naar de muur", "bang
dat", "ja of nee", "fijn geregeld"); each names the feeling it signals.

Around the words, the usual rules of sentiment analysis (as in VADER):

- negation: a negator shortly before a word ("niet blij") turns it weakly the other way;
  it does not reach across a comma, a sentence end or a conjunction ("niet of dat ...");
  a negated complaint ("niet boos") does not count for its feeling;
- intensifiers ("echt", "heel", "totally") and glued-on prefixes ("jättenöjd") strengthen;
- contrast: in "niet boos, maar wel teleurgesteld" what follows "maar" counts in full and
  what comes before it counts less.

Whisper misreads words, more so on synthetic or noisy speech, so each word counts by
Whisper's own probability for it. Every hit is kept as evidence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from belcoach.audio.analysis.emotion.cue_match import find, match_at
from belcoach.audio.analysis.emotion.tokens import (
    Token,
    normalise,
    pattern_words,
    split_compounds,
    tokens_from_text,
    tokens_from_words,
)
from belcoach.audio.analysis.emotion.words_model import WordsModel, features
from belcoach.seeds.emotion_data import NEUTRAL_LABELS, EmotionLabel, LanguageCues, Lexicon

__all__ = [
    "CueHit",
    "LexiconHit",
    "TextReading",
    "TextScorer",
    "Token",
    "tokens_from_text",
    "tokens_from_words",
]

NEGATION_SCALAR = -0.6
"""A negated word's valence is multiplied by this: "niet blij" is mildly negative, not "boos"."""

NEGATED_COMPLAINT = 0.3
"""A negated negative cue ("geen zorgen", "niet boos") adds this share of its valence as
relief (a little positive); its feeling does not count."""

INTENSITY_MAX = 2.0
"""Intensifiers multiply up to this much ("echt heel erg" does not run away)."""


@dataclass(frozen=True, slots=True)
class CueHit:
    """A cue phrase found in the words.

    Attributes:
        label: the feeling it signals.
        phrase: the cue as written in the seed file.
        said: the words that matched.
        weight: its strength after word trust, intensifiers and contrast.
        negated: True when a negator came right before it (then it does not count).
        negator: the negating word, "" when not negated.
        intensifiers: the intensifying words right before it.
    """

    label: str
    phrase: str
    said: str
    weight: float
    negated: bool = False
    negator: str = ""
    intensifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """A word the sentiment lexicons know, outside any cue phrase.

    Attributes:
        word: the word.
        base: its valence in the lexicon (or the cue file's override), -1..1.
        value: its signed contribution after trust, intensifiers, negation and contrast.
        source: the lexicon file, or the cue file for an override.
        intensifiers: the intensifying words right before it.
        negator: the negating word, "" when not negated.
    """

    word: str
    base: float
    value: float
    source: str
    intensifiers: tuple[str, ...] = ()
    negator: str = ""


@dataclass(frozen=True, slots=True)
class TextReading:
    """What the words of one utterance say about the customer's feeling.

    Attributes:
        valence: -1 (negative) .. +1 (positive); 0 when nothing in the words carries feeling.
        cue_scores: label → summed cue weight (only labels with hits).
        cues: every cue hit, negated ones included, for the evidence.
        lexicon: every lexicon hit outside cues.
        words: number of words read.
        model_probs: label → probability from the learnt words model (``words_model``);
            empty without one.
    """

    valence: float = 0.0
    cue_scores: Mapping[str, float] = field(default_factory=dict)
    cues: tuple[CueHit, ...] = ()
    lexicon: tuple[LexiconHit, ...] = ()
    words: int = 0
    model_probs: Mapping[str, float] = field(default_factory=dict)

    @property
    def lexicon_words(self) -> tuple[tuple[str, float], ...]:
        """(word, signed contribution) for each lexicon hit, as the evidence lists them."""
        return tuple((hit.word, hit.value) for hit in self.lexicon)

    @property
    def strength(self) -> float:
        """How much the words say at all, 0..1 (cues and lexicon hits saturating)."""
        total = sum(self.cue_scores.values()) + sum(abs(h.value) for h in self.lexicon)
        return 1.0 - math.exp(-1.5 * total)


class TextScorer:
    """Scores utterances in one language; built once per call (the data is cached)."""

    def __init__(
        self,
        cues: LanguageCues,
        lexicons: Sequence[Lexicon],
        *,
        model: WordsModel | None = None,
    ) -> None:
        self.cues = cues
        self.model = model
        # every word list is spelt as utterances are (no stress accents, plain apostrophes)
        self._lexicons = tuple(
            (lexicon.name, {normalise(w): v for w, v in lexicon.entries.items()})
            for lexicon in lexicons
        )
        self._overrides = {normalise(w): v for w, v in cues.valence_overrides.items()}
        self._negators = frozenset(normalise(w) for w in cues.negators)
        self._stops = frozenset(normalise(w) for w in cues.negation_stops)
        self._negators_after = frozenset(normalise(w) for w in cues.negators_after)
        self._contrast = frozenset(normalise(w) for w in cues.contrast)
        self._prefixes = {normalise(w): m for w, m in cues.compound_prefixes.items()}
        self._intensifiers = {
            **{normalise(w): m for w, m in cues.intensifiers.items()},
            **self._prefixes,
        }
        self._phrases = [
            (group.label, group.valence, group.weight, phrase, pattern_words(phrase))
            for group in cues.groups
            for phrase in group.phrases
        ]
        # cue phrases by their first word, so each token only tries the phrases it can start
        self._by_first: dict[str, list[int]] = {}
        self._by_prefix: list[tuple[str, int]] = []
        for index, (*_, pattern) in enumerate(self._phrases):
            first = pattern[0]
            if first.endswith("*"):
                self._by_prefix.append((first[:-1], index))
            else:
                self._by_first.setdefault(first, []).append(index)
        self._ack = [pattern_words(p) for p in cues.acknowledge]
        self._stock = [pattern_words(p) for p in cues.stock]
        known: set[str] = set(self._overrides) | set(self._intensifiers)
        for _name, entries in self._lexicons:
            known.update(w for w in entries if " " not in w)
        for *_, pattern in self._phrases:
            known.update(w for w in pattern if not w.endswith("*"))
        self._known = frozenset(known)

    # -- customer side -------------------------------------------------------------

    def prepare(self, tokens: Sequence[Token]) -> list[Token]:
        """The tokens as the scorer reads them (glued-on intensifiers split off)."""
        return split_compounds(tokens, self._prefixes, self._known)

    def read(self, tokens: Sequence[Token]) -> TextReading:
        """Return the valence and cue evidence of one utterance's tokens (and the words
        model's probabilities when the scorer has one)."""
        prepared = self.prepare(tokens)
        reading = self._read(prepared)
        if self.model is None:
            return reading
        values = features(prepared, self._negators, reading.cue_scores, reading.valence)
        return replace(reading, model_probs=self.model.probs(values))

    def feature_values(self, tokens: Sequence[Token]) -> dict[str, float]:
        """The words model's features of one utterance (``scripts/train_emotion_words.py``)."""
        prepared = self.prepare(tokens)
        reading = self._read(prepared)
        return features(prepared, self._negators, reading.cue_scores, reading.valence)

    def _read(self, tokens: Sequence[Token]) -> TextReading:
        contrast = self._contrast_factors(tokens)
        hits, covered = self._cue_hits(tokens, contrast)
        scores: dict[str, float] = {}
        total = 0.0
        for hit, valence in hits:
            if hit.negated:
                if valence > 0:  # "niet tevreden": a let-down, weakly negative
                    total += NEGATION_SCALAR * valence * hit.weight
                    frustrated = EmotionLabel.GEFRUSTREERD
                    scores[frustrated] = scores.get(frustrated, 0.0) + 0.5 * hit.weight
                else:  # "geen zorgen", "niks te klagen": a little relief
                    total += NEGATED_COMPLAINT * -valence * hit.weight
                continue
            scores[hit.label] = scores.get(hit.label, 0.0) + hit.weight
            total += valence * hit.weight
        lexicon = []
        for i, token in enumerate(tokens):
            if i in covered or token.prefix or self._is_intensifier(tokens, i):
                continue
            found = self._valence(token.text)
            if found is None:
                continue
            base, source = found
            intensity, boosters = self._intensity(tokens, i)
            value = base * intensity * token.weight * contrast[i]
            negator = self._negator(tokens, i) or self._negator_after(tokens, i, covered)
            if negator:
                value *= NEGATION_SCALAR
            lexicon.append(
                LexiconHit(token.text, round(base, 3), round(value, 3), source, boosters, negator)
            )
            total += value
        valence = total / math.sqrt(total * total + 1.0)
        return TextReading(
            valence=valence,
            cue_scores=scores,
            cues=tuple(h for h, _ in hits),
            lexicon=tuple(lexicon),
            words=len(tokens),
        )

    # -- agent side ----------------------------------------------------------------

    def acknowledgement(self, tokens: Sequence[Token]) -> str | None:
        """Return the words that acknowledge the customer's feeling, or None.

        Stock phrases said to everyone ("wat vervelend voor u", seed 002) do not count,
        nor does an acknowledgement inside one.
        """
        stock_spans = [span for pattern in self._stock for span in find(tokens, pattern)]
        for pattern in self._ack:
            for start, end in find(tokens, pattern):
                if any(s <= start and end <= e for s, e in stock_spans):
                    continue
                if self._negator(tokens, start) and pattern[0] not in self._negators:
                    continue
                return " ".join(t.text for t in tokens[start:end])
        return None

    # -- matching ------------------------------------------------------------------

    def _cue_hits(
        self, tokens: Sequence[Token], contrast: Sequence[float]
    ) -> tuple[list[tuple[CueHit, float]], set[int]]:
        """Find cue phrases; longer matches win where two overlap."""
        candidates = []
        for start, token in enumerate(tokens):
            if token.prefix:
                continue
            tried = self._by_first.get(token.text, [])
            tried = tried + [k for pre, k in self._by_prefix if token.text.startswith(pre)]
            for k in tried:
                label, valence, weight, phrase, pattern = self._phrases[k]
                end = match_at(tokens, start, pattern)
                if end is None:
                    continue
                n = end - start
                trust = sum(tokens[i].weight * contrast[i] for i in range(start, end)) / n
                candidates.append((n, weight * trust, start, end, label, valence, phrase, pattern))
        candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
        taken: set[int] = set()
        hits: list[tuple[tuple[CueHit, float], int]] = []
        for _n, strength, start, end, label, valence, phrase, pattern in candidates:
            span = set(range(start, end))
            if span & taken:
                continue
            taken |= span
            negator = self._negator(tokens, start) if self._plain(pattern) else ""
            intensity, boosters = self._intensity(tokens, start)
            if label not in NEUTRAL_LABELS:  # "heel graag" is no stronger businesslike
                strength *= intensity
            hit = CueHit(
                label=label,
                phrase=phrase,
                said=" ".join(t.text for t in tokens[start:end]),
                weight=round(strength, 3),
                negated=bool(negator),
                negator=negator,
                intensifiers=boosters,
            )
            hits.append(((hit, valence), end))
        out = [self._negated_after(tokens, found, end, taken) for found, end in hits]
        out.sort(key=lambda h: h[0].said)
        return out, taken

    def _negated_after(
        self, tokens: Sequence[Token], found: tuple[CueHit, float], end: int, taken: set[int]
    ) -> tuple[CueHit, float]:
        """Dutch and Swedish negate after the verb ("dat waardeer ik niet", "det hjälper
        inte"): a free negator right after a cue, in its clause, negates it too."""
        hit, valence = found
        if hit.negated or not self._plain(pattern_words(hit.phrase)):
            return found
        negator = self._negator_after(tokens, end - 1, taken)
        if not negator:
            return found
        return replace(hit, negated=True, negator=negator), valence

    def _negator_after(self, tokens: Sequence[Token], last: int, taken: set[int]) -> str:
        """A clause-final "niet"/"inte" within ``negation_after`` words after token ``last``.

        Only the adverb at the end of its clause negates backwards ("dat waardeer ik
        niet."); "geen", or a "niet" before more words ("... als ik niet kan betalen"),
        negates what follows it.
        """
        for j in range(last + 1, min(len(tokens), last + 1 + self.cues.negation_after)):
            if tokens[j].clause_start:
                return ""
            word = tokens[j].text
            if word in self._negators_after:
                final = j + 1 == len(tokens) or tokens[j + 1].clause_start
                return word if final and j not in taken else ""
            if word in self._negators or word in self._stops:
                return ""
        return ""

    def _plain(self, pattern: Sequence[str]) -> bool:
        """A cue that itself starts with a negator ("niet eerlijk") is not negated again."""
        return pattern[0] not in self._negators

    def _valence(self, word: str) -> tuple[float, str] | None:
        if word in self._overrides:
            value = self._overrides[word]
            return (value, self.cues.source) if value else None
        for name, entries in self._lexicons:
            if word in entries:
                value = entries[word]
                return (value, name) if value else None
        return None

    def _is_intensifier(self, tokens: Sequence[Token], i: int) -> bool:
        """An intensifier before another word of its clause only boosts that word."""
        return (
            tokens[i].text in self._intensifiers
            and i + 1 < len(tokens)
            and not tokens[i + 1].clause_start
        )

    def _intensity(self, tokens: Sequence[Token], i: int) -> tuple[float, tuple[str, ...]]:
        """The product of the intensifiers right before token ``i`` (in its clause)."""
        factor = 1.0
        words: list[str] = []
        for j in range(i - 1, max(-1, i - 3), -1):
            if tokens[j + 1].clause_start:
                break
            m = self._intensifiers.get(tokens[j].text)
            if m is None:
                if tokens[j].text in self._negators:
                    continue  # "niet echt blij": look past the negator
                break
            factor *= m
            words.insert(0, tokens[j].text)
        return min(INTENSITY_MAX, factor), tuple(words)

    def _negator(self, tokens: Sequence[Token], i: int) -> str:
        """The negator that negates token ``i`` ("" for none).

        It must stand within the window before ``i`` in the same clause, with no
        conjunction between ("ik weet niet of dat kwaad kan": "kwaad" is not negated).
        """
        for j in range(i - 1, max(-1, i - 1 - self.cues.negation_window), -1):
            if tokens[j + 1].clause_start:
                return ""
            word = tokens[j].text
            if word in self._negators:
                return word
            if word in self._stops:
                return ""
        return ""

    def _contrast_factors(self, tokens: Sequence[Token]) -> list[float]:
        """Per token, how much it counts: less before the last contrast word of its sentence."""
        factors = [1.0] * len(tokens)
        if not self._contrast:
            return factors
        start = 0
        for i in range(len(tokens) + 1):
            if i == len(tokens) or (i > start and tokens[i].sentence_start):
                marks = [j for j in range(start + 1, i) if tokens[j].text in self._contrast]
                if marks:
                    for j in range(start, marks[-1]):
                        factors[j] = self.cues.contrast_before
                start = i
        return factors
