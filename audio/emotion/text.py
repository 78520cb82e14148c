"""Valence and feeling cues from the customer's words: lexicons plus project-written cues.

A portable baseline that needs nothing but the data in ``seeds/emotion/``. Words are
scored with the language's sentiment lexicons (Pattern and AFINN for Dutch, VADER and AFINN
for Swedish, AFINN for English), with negation ("niet blij" turns weakly negative, as in
VADER) and intensifiers ("echt", "heel", "totaal"). Cue phrases from ``cues_<lang>.toml``
cover what lexicons miss in customer-service talk ("voor de derde keer", "van het kastje
naar de muur", "bang dat", "fijn geregeld"); each names the feeling it signals.

Whisper misreads words, more so on synthetic or noisy speech, so each word counts by
Whisper's own probability for it. Cue words match exactly (or by a written prefix,
``woord*``): near-miss spellings were once matched too, with a threshold chosen around one
misreading in the demo call, and are gone. Every hit is kept as evidence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from belcoach.seeds.emotion_data import LanguageCues, Lexicon

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?;]\s*$")

NEGATION_SCALAR = -0.6
"""A negated word's valence is multiplied by this: "niet blij" is mildly negative, not "boos"."""

GAP_MAX = 3
"""A lone ``*`` in a cue phrase skips up to this many words."""


@dataclass(frozen=True, slots=True)
class Token:
    """One lower-cased word of the utterance.

    Attributes:
        text: the word without punctuation.
        weight: how far to trust it (from Whisper's probability), 0.1..1.
        sentence_start: True when a sentence ended right before it (negation stops there).
    """

    text: str
    weight: float = 1.0
    sentence_start: bool = False


@dataclass(frozen=True, slots=True)
class CueHit:
    """A cue phrase found in the words.

    Attributes:
        label: the feeling it signals.
        phrase: the cue as written in the seed file.
        said: the words that matched.
        weight: its strength after word trust.
        negated: True when a negator came right before it (then it does not count).
    """

    label: str
    phrase: str
    said: str
    weight: float
    negated: bool = False


@dataclass(frozen=True, slots=True)
class TextReading:
    """What the words of one utterance say about the customer's feeling.

    Attributes:
        valence: -1 (negative) .. +1 (positive); 0 when nothing in the words carries feeling.
        cue_scores: label → summed cue weight (only labels with hits).
        cues: every cue hit, negated ones included, for the evidence.
        lexicon_words: (word, signed contribution) for each lexicon hit outside cues.
        words: number of words read.
    """

    valence: float = 0.0
    cue_scores: Mapping[str, float] = field(default_factory=dict)
    cues: tuple[CueHit, ...] = ()
    lexicon_words: tuple[tuple[str, float], ...] = ()
    words: int = 0

    @property
    def strength(self) -> float:
        """How much the words say at all, 0..1 (cues and lexicon hits saturating)."""
        total = sum(self.cue_scores.values()) + sum(abs(v) for _, v in self.lexicon_words)
        return 1.0 - math.exp(-1.5 * total)


def tokens_from_words(words: Iterable[tuple[str, float]]) -> list[Token]:
    """Split Whisper words (text, probability) into tokens, keeping sentence ends.

    A word Whisper was unsure of (probability 0.1) counts a sixth as much as a sure one:
    weight = min(1, max(0.1, p) / 0.6).
    """
    out: list[Token] = []
    boundary = True
    for text, probability in words:
        weight = min(1.0, max(0.1, probability) / 0.6)
        for i, match in enumerate(_TOKEN.finditer(text.lower())):
            out.append(Token(match.group(0), weight, boundary and i == 0))
        if out:
            boundary = bool(_SENTENCE_END.search(text))
    return out


def tokens_from_text(text: str) -> list[Token]:
    """Tokens of plain text (every word fully trusted); for tests and the benchmark."""
    return tokens_from_words((w, 1.0) for w in text.split())


class TextScorer:
    """Scores utterances in one language; built once per call (the data is cached)."""

    def __init__(self, cues: LanguageCues, lexicons: Sequence[Lexicon]) -> None:
        self.cues = cues
        self._lexicons = tuple(lexicons)
        self._phrases = [
            (group.label, group.valence, group.weight, phrase, phrase.split())
            for group in cues.groups
            for phrase in group.phrases
        ]
        self._ack = [p.split() for p in cues.acknowledge]
        self._stock = [p.split() for p in cues.stock]

    # -- customer side -------------------------------------------------------------

    def read(self, tokens: Sequence[Token]) -> TextReading:
        """Return the valence and cue evidence of one utterance's tokens."""
        hits, covered = self._cue_hits(tokens)
        scores: dict[str, float] = {}
        total = 0.0
        for hit, valence in hits:
            if hit.negated:
                if valence > 0:  # "niet tevreden": a let-down, weakly negative
                    total += NEGATION_SCALAR * valence * hit.weight
                    scores["gefrustreerd"] = scores.get("gefrustreerd", 0.0) + 0.5 * hit.weight
                continue
            scores[hit.label] = scores.get(hit.label, 0.0) + hit.weight
            total += valence * hit.weight
        lexicon_words = []
        for i, token in enumerate(tokens):
            if i in covered or (token.text in self.cues.intensifiers and i + 1 < len(tokens)):
                continue
            value = self._valence(token.text)
            if value == 0.0:
                continue
            value *= self._intensity(tokens, i)
            if self._negated(tokens, i):
                value *= NEGATION_SCALAR
            value *= token.weight
            lexicon_words.append((token.text, round(value, 3)))
            total += value
        valence = total / math.sqrt(total * total + 1.0)
        return TextReading(
            valence=valence,
            cue_scores=scores,
            cues=tuple(h for h, _ in hits),
            lexicon_words=tuple(lexicon_words),
            words=len(tokens),
        )

    # -- agent side ----------------------------------------------------------------

    def acknowledgement(self, tokens: Sequence[Token]) -> str | None:
        """Return the words that acknowledge the customer's feeling, or None.

        Stock phrases said to everyone ("wat vervelend voor u", seed 002) do not count,
        nor does an acknowledgement inside one.
        """
        stock_spans = [span for pattern in self._stock for span in self._find(tokens, pattern)]
        for pattern in self._ack:
            for start, end in self._find(tokens, pattern):
                if any(s <= start and end <= e for s, e in stock_spans):
                    continue
                if self._negated(tokens, start) and pattern[0] not in self.cues.negators:
                    continue
                return " ".join(t.text for t in tokens[start:end])
        return None

    # -- matching ------------------------------------------------------------------

    def _cue_hits(self, tokens: Sequence[Token]) -> tuple[list[tuple[CueHit, float]], set[int]]:
        """Find cue phrases; longer matches win where two overlap."""
        candidates = []
        for label, valence, weight, phrase, pattern in self._phrases:
            for start, end in self._find(tokens, pattern):
                trust = sum(t.weight for t in tokens[start:end]) / (end - start)
                candidates.append((end - start, weight * trust, start, end, label, valence, phrase))
        candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
        taken: set[int] = set()
        hits = []
        for _n, strength, start, end, label, valence, phrase in candidates:
            span = set(range(start, end))
            if span & taken:
                continue
            taken |= span
            negated = self._negated(tokens, start) and pattern_starts_plain(phrase, self.cues)
            hit = CueHit(
                label=label,
                phrase=phrase,
                said=" ".join(t.text for t in tokens[start:end]),
                weight=round(strength, 3),
                negated=negated,
            )
            hits.append((hit, valence))
        hits.sort(key=lambda h: h[0].said)
        return hits, taken

    def _find(self, tokens: Sequence[Token], pattern: Sequence[str]) -> list[tuple[int, int]]:
        """Every (start, end) where ``pattern`` matches, non-overlapping, left to right."""
        found = []
        i = 0
        while i < len(tokens):
            match = _match(tokens, i, pattern, 0)
            if match is None:
                i += 1
                continue
            found.append((i, match))
            i = match
        return found

    def _valence(self, word: str) -> float:
        overrides = self.cues.valence_overrides
        if word in overrides:
            return overrides[word]
        for lexicon in self._lexicons:
            if word in lexicon.entries:
                return lexicon.entries[word]
        return 0.0

    def _intensity(self, tokens: Sequence[Token], i: int) -> float:
        factor = 1.0
        for j in range(i - 1, max(-1, i - 3), -1):
            if tokens[j + 1].sentence_start:
                break
            factor *= self.cues.intensifiers.get(tokens[j].text, 1.0)
        return factor

    def _negated(self, tokens: Sequence[Token], i: int) -> bool:
        """True when a negator stands within the window before token ``i`` in its sentence."""
        for j in range(i - 1, max(-1, i - 1 - self.cues.negation_window), -1):
            if tokens[j + 1].sentence_start:
                return False
            if tokens[j].text in self.cues.negators:
                return True
        return False


def pattern_starts_plain(phrase: str, cues: LanguageCues) -> bool:
    """A cue that itself starts with a negator ("niet eerlijk") is not negated again."""
    return phrase.split()[0] not in cues.negators


def _word_matches(word: str, pattern: str) -> bool:
    """Whether one word fits one pattern word (exactly, or by its prefix for ``woord*``)."""
    if pattern.endswith("*") and len(pattern) > 1:
        return word.startswith(pattern[:-1])
    return word == pattern


def _match(tokens: Sequence[Token], i: int, pattern: Sequence[str], k: int) -> int | None:
    """Match ``pattern[k:]`` at token ``i``; return the end or None. Gaps are lazy."""
    if k == len(pattern):
        return i
    word = pattern[k]
    if word == "*":
        for skip in range(GAP_MAX + 1):
            if i + skip > len(tokens):
                break
            if skip and tokens[i + skip - 1].sentence_start and i + skip - 1 != i:
                break
            rest = _match(tokens, i + skip, pattern, k + 1)
            if rest is not None:
                return rest
        return None
    if i >= len(tokens):
        return None
    if k > 0 and tokens[i].sentence_start and pattern[k - 1] != "*":
        return None  # phrases do not run across sentences
    if not _word_matches(tokens[i].text, word):
        return None
    return _match(tokens, i + 1, pattern, k + 1)
