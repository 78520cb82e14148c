"""Word error rate on normalised text, shared by tests and benchmarks.

A transcript and its reference differ in ways no listener would count as an
error: capitals, punctuation, quotes, typographic apostrophes, ``12`` versus
``twaalf``. `normalize` removes those differences before counting, so WER
measures words. Numbers go one way only: digits 0-20 become words, because
espeak and voice actors speak them as words and reference texts write small
numbers out; larger numbers stay as digits on both sides (Whisper writes
``480``, and so do our scripts).

Used as ``from support.wer import word_error_rate`` (pytest has
``pythonpath = ["tests"]``; benchmarks put the tests directory on sys.path).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import jiwer

# fmt: off
NUMBER_WORDS: dict[str, tuple[str, ...]] = {
    "nl": (
        "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
        "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien",
        "negentien", "twintig",
    ),
    "sv": (
        "noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
        "elva", "tolv", "tretton", "fjorton", "femton", "sexton", "sjutton", "arton",
        "nitton", "tjugo",
    ),
    "en": (
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty",
    ),
}
# fmt: on
"""Words for 0..20 per language (index = value)."""

SPELLING_VARIANTS: dict[str, dict[str, str]] = {
    "nl": {"één": "een", "eén": "een", "ééns": "eens", "oke": "oké", "ok": "oké", "okee": "oké"},
    "sv": {"okej": "ok"},
    "en": {"okay": "ok"},
}
"""Spellings transcribers and writers pick freely for the same spoken word.

``één`` (capitalised ``Eén``) is stressed ``een``: the accent marks emphasis, which a transcriber
cannot hear reliably, so both count as the same word.
"""

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "′": "'"})
_DUTCH_CLITICS = frozenset({"'s", "'t", "'n", "'k", "'m", "'r", "'ns"})
"""Dutch words that start with an apostrophe ('s avonds, 't is, zo'n is internal)."""

_NON_WORD = re.compile(r"(?<=\d)([.,])(?=\d)|[^\w'\s]")
"""Any punctuation or symbol, except a decimal/thousands separator between digits."""
_TOKEN = re.compile(r"\S+")


def normalize(text: str, language: str = "nl") -> str:
    """Reduce a transcript to lowercase words separated by single spaces.

    Lowercases; unifies apostrophes; drops punctuation, quotes, dashes and
    ellipses (a hyphen splits the word: ``e-mail`` -> ``e mail``); keeps
    decimal and thousands separators between digits (``2,5`` stays); turns the
    numbers 0-20 written as digits into words; maps free spelling variants.

    Args:
        text: A reference or a transcript.
        language: ``"nl"``, ``"sv"`` or ``"en"``; picks the number words.

    Returns:
        The normalised text, possibly empty.

    Raises:
        ValueError: The language has no number words here.

    Examples:
        >>> normalize("Wacht… ik bel u om 12 uur terug!")
        'wacht ik bel u om twaalf uur terug'
    """
    numbers = _numbers(language)
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = _NON_WORD.sub(lambda m: m.group(1) or " ", text.replace("_", " "))
    variants = SPELLING_VARIANTS.get(language, {})
    words: list[str] = []
    for raw in _TOKEN.findall(text):
        word = raw if raw in _DUTCH_CLITICS else raw.strip("'")
        if not word:
            continue
        if word.isdigit() and int(word) < len(numbers):
            word = numbers[int(word)]
        words.append(variants.get(word, word))
    return " ".join(words)


def _numbers(language: str) -> tuple[str, ...]:
    """Number words for ``language``; a clear error beats silently skipping numbers."""
    try:
        return NUMBER_WORDS[language]
    except KeyError:
        known = ", ".join(sorted(NUMBER_WORDS))
        raise ValueError(f"no number words for language {language!r} (known: {known})") from None


def word_error_rate(
    references: Sequence[str], hypotheses: Sequence[str], language: str = "nl"
) -> float:
    """Corpus-level WER: all edits over all reference words, after `normalize`.

    Pooling the counts (rather than averaging per-utterance WERs) keeps a
    two-word clip from weighing as much as a twenty-word one.

    Args:
        references: What was said, one string per utterance.
        hypotheses: What the recogniser wrote, aligned with ``references``.
        language: Language for `normalize`.

    Returns:
        (substitutions + deletions + insertions) / reference words; can exceed 1.

    Raises:
        ValueError: The lists differ in length, or the references hold no words.
    """
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    refs = [normalize(r, language) for r in references]
    hyps = [normalize(h, language) for h in hypotheses]
    total = sum(len(r.split()) for r in refs)
    if total == 0:
        raise ValueError("the references contain no words")
    out = jiwer.process_words(refs, hyps)
    return (out.substitutions + out.deletions + out.insertions) / total
