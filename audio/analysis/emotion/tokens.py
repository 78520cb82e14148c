"""The customer's words as tokens for the feeling estimate: trust, sentence and clause edges.

Whisper gives words with punctuation attached ("niet," "boos!"); the estimate needs the
lower-cased word, how far to trust it, and where a sentence or a clause (comma, colon,
dash) ends, because negation does not reach across them ("Nee, ik ben blij" is not "niet
blij"). Swedish and Dutch glue intensifiers onto words ("jättenöjd", "doodsbang",
"skitarg"); ``split_compounds`` takes such a prefix off when what is left is a word the
lexicons or cues know, so "jättenöjd" reads as "very" + "nöjd".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?;…]+[\"”’')\]]*\s*$")
_CLAUSE_END = re.compile(r"[,:;–—]+[\"”’')\]]*\s*$|\s[-–—]\s*$")
_INNER_CLAUSE = re.compile(r"[,:;]")

COMPOUND_REST_MIN = 3
"""A compound's rest must have at least this many letters ("jätte" + "bra")."""


@dataclass(frozen=True, slots=True)
class Token:
    """One lower-cased word of the utterance.

    Attributes:
        text: the word without punctuation (apostrophes kept: "don't").
        weight: how far to trust it (from Whisper's probability), 0.1..1.
        sentence_start: True when a sentence ended right before it (negation stops there).
        clause_start: True at a sentence start or after a comma, colon or dash.
        prefix: True for an intensifier split off a compound ("jätte" of "jättenöjd").
    """

    text: str
    weight: float = 1.0
    sentence_start: bool = False
    clause_start: bool = False
    prefix: bool = False


_STRESS_MARKS = dict.fromkeys(map(ord, "\u0300\u0301"))
_APOSTROPHES = str.maketrans("’‘`´", "''''")


def normalise(text: str) -> str:
    """Lower case, typographic apostrophes made plain, stress accents dropped.

    Dutch marks stress with accents ("Hoe dúrven jullie", "wéér", "nú"); the word is
    the same word. Swedish å, ä, ö are other letters and stay.
    """
    text = unicodedata.normalize("NFD", text.lower().translate(_APOSTROPHES))
    return unicodedata.normalize("NFC", text.translate(_STRESS_MARKS))


def tokens_from_words(words: Iterable[tuple[str, float]]) -> list[Token]:
    """Split Whisper words (text, probability) into tokens, keeping sentence and clause ends.

    A word Whisper was unsure of (probability 0.1) counts a sixth as much as a sure one:
    weight = min(1, max(0.1, p) / 0.6).
    """
    out: list[Token] = []
    sentence, clause = True, True
    for raw, probability in words:
        weight = min(1.0, max(0.1, probability) / 0.6)
        text = normalise(raw)
        parts = list(_TOKEN.finditer(text))
        for i, match in enumerate(parts):
            inner = i > 0 and bool(_INNER_CLAUSE.search(text[parts[i - 1].end() : match.start()]))
            first = i == 0
            out.append(
                Token(
                    match.group(0),
                    weight,
                    sentence_start=sentence and first,
                    clause_start=(clause and first) or inner,
                )
            )
        if parts:
            sentence = bool(_SENTENCE_END.search(text))
            clause = sentence or bool(_CLAUSE_END.search(text))
        elif text.strip():  # a lone "-" or "..." between words
            sentence = sentence or bool(_SENTENCE_END.search(text))
            clause = True
    return out


def tokens_from_text(text: str) -> list[Token]:
    """Tokens of plain text (every word fully trusted); for tests, the CLI and the benchmark."""
    return tokens_from_words((w, 1.0) for w in text.split())


def split_compounds(
    tokens: Sequence[Token], prefixes: Mapping[str, float], known: frozenset[str]
) -> list[Token]:
    """Split an intensifying prefix off a word the scorer does not know but whose rest it does.

    Args:
        tokens: the utterance.
        prefixes: prefix → multiplier (``compound_prefixes`` in the cue file).
        known: every word the lexicons, overrides and cues know.

    Returns:
        The tokens, with ``"jättenöjd"`` as ``"jätte"`` (``prefix=True``) + ``"nöjd"``.
    """
    if not prefixes:
        return list(tokens)
    ordered = sorted(prefixes, key=len, reverse=True)
    out: list[Token] = []
    for token in tokens:
        word = token.text
        split = None
        if word not in known:
            for prefix in ordered:
                rest = word[len(prefix) :]
                if word.startswith(prefix) and len(rest) >= COMPOUND_REST_MIN and rest in known:
                    split = prefix, rest
                    break
        if split is None:
            out.append(token)
            continue
        out.append(replace(token, text=split[0], prefix=True))
        out.append(replace(token, text=split[1], sentence_start=False, clause_start=False))
    return out


def pattern_words(phrase: str) -> list[str]:
    """A cue phrase split the way utterances are ("per e-mail" → per, e, mail; "wéér" → weer).

    ``*`` (a gap) and a trailing ``*`` on a word (a prefix) are kept.
    """
    out: list[str] = []
    for word in phrase.split():
        if word == "*":
            out.append(word)
            continue
        parts = _TOKEN.findall(normalise(word.rstrip("*")))
        if parts and word.endswith("*"):
            parts[-1] += "*"
        out.extend(parts)
    return out
