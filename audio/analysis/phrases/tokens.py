"""Turning transcribed words into comparable tokens, and their distances to the rules' words.

The phrase matcher (``belcoach.audio.analysis.phrases.matcher``) works on these: each token is
a normalised word (``seeds.patterns.normalise_words``) that remembers which
transcribed ``Word`` it came from (for the hit's times) and whether a clause
or sentence ends after it (for ``^``/``$`` anchors and so that no match
crosses a sentence end). ``Similarity`` holds one utterance's rapidfuzz edit
distances to the whole rule vocabulary, computed in one ``cdist`` call.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from belcoach.audio.events import Word
from belcoach.seeds.patterns import ends_clause, normalise_words

MAX_EDITS = 3
"""The most letters a rule word may differ by (long words); see ``allowed_edits``."""
_SENTENCE_END = (".", "?", "!", "…")


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised word of an utterance.

    Attributes:
        text: the normalised word.
        word: index of the transcribed ``Word`` it comes from.
        original: that word as Whisper wrote it (capitals kept, for names).
        clause_start: first token of the utterance or after clause punctuation.
        clause_end: last token before clause punctuation or the utterance end.
        sentence_end: last token before ``.``, ``?``, ``!`` or the utterance end.
    """

    text: str
    word: int
    original: str
    clause_start: bool
    clause_end: bool
    sentence_end: bool


def tokenize(words: Sequence[Word], spellings: Mapping[str, str] | None = None) -> list[Token]:
    """Turn one utterance's words into tokens, keeping clause and sentence boundaries.

    ``spellings`` maps other spellings of a word to the one the rules use
    (Swedish "dej" → "dig").
    """
    out: list[Token] = []
    boundary = True
    spellings = spellings or {}
    for index, word in enumerate(words):
        parts = [spellings.get(p, p) for p in normalise_words(word.text)]
        stripped = word.text.strip()
        clause = ends_clause(stripped)
        sentence = stripped.rstrip("\"')»”").endswith(_SENTENCE_END)
        for k, part in enumerate(parts):
            last = k == len(parts) - 1
            out.append(
                Token(
                    text=part,
                    word=index,
                    original=stripped,
                    clause_start=boundary and k == 0,
                    clause_end=clause and last,
                    sentence_end=sentence and last,
                )
            )
        if parts:
            boundary = clause
        elif clause and out:  # a lone punctuation "word" closes the previous token
            prev = out[-1]
            out[-1] = Token(prev.text, prev.word, prev.original, prev.clause_start, True, sentence)
            boundary = True
    if out:
        last_token = out[-1]
        out[-1] = Token(
            last_token.text,
            last_token.word,
            last_token.original,
            last_token.clause_start,
            True,
            True,
        )
    return out


def words_from_text(text: str, *, start: float = 0.0, step: float = 0.3) -> tuple[Word, ...]:
    """Fake transcribed words for typed text (``belcoach rules test``, tests): even times."""
    return tuple(
        Word(w, start + i * step, start + (i + 1) * step - 0.05, 1.0)
        for i, w in enumerate(text.split())
    )


class Similarity:
    """Edit distances of one utterance's tokens (and joined neighbours) to a vocabulary."""

    def __init__(self, tokens: Sequence[Token], vocab: dict[str, int]) -> None:
        texts = [t.text for t in tokens]
        pairs = [a + b for a, b in itertools.pairwise(texts)]
        choices = list(vocab)
        self.single = _distances(texts, choices)
        self.joined = _distances(pairs, choices)
        self.texts = texts
        self.pairs = pairs
        self.cache: dict[object, object] = {}
        """Per-utterance results the matcher reuses across rules (``phrase_variants``)."""


def _distances(queries: list[str], choices: list[str]) -> np.ndarray:
    if not queries or not choices:
        return np.full((len(queries), len(choices)), MAX_EDITS + 1, dtype=np.int32)
    return cdist(
        queries, choices, scorer=Levenshtein.distance, score_cutoff=MAX_EDITS, workers=1
    ).astype(np.int32)


def allowed_edits(word: str, *, exact: bool) -> int:
    """Edits a pattern word may differ by; see the module docstring."""
    if exact or len(word) <= 2:
        return 0
    if len(word) <= 5:
        return 1
    if len(word) <= 8:
        return 2
    return MAX_EDITS
