"""Syllables of written words, and where a sentence ends, as Whisper writes them.

Shared by the engine (its hallucination filter judges an utterance's syllable
rate) and the speech analysis (speaking rate in syllables per second, pauses
between sentences), so it lives beside the events rather than in either.

Hyphenation dictionaries (pyphen ships nl, sv and en) split at syllable
boundaries but leave out splits near word edges ("even", "oké", "idea"); a
vowel-group count per language catches those. A word's syllables are the
larger of the two.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_VOWELS = {
    "nl": "aeiouyàáâäèéêëìíîïòóôöùúûü",
    "sv": "aeiouyåäöéü",
    "en": "aeiouy",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@lru_cache(maxsize=4)
def _hyphenator(language: str) -> Any:
    try:
        import pyphen
    except ImportError:  # pragma: no cover - pyphen is a dependency
        return None
    lang = {"nl": "nl_NL", "sv": "sv", "en": "en_US"}.get(language)
    if lang is None or lang not in pyphen.LANGUAGES:
        return None
    return pyphen.Pyphen(lang=lang, left=2, right=2)


def load_syllable_rules(language: str) -> None:
    """Load ``language``'s hyphenation dictionary now, before the call's first word.

    Loading it takes ~70 ms (more under load); on the first word mid-call that ran
    under the event bus's lock and held up the engine thread's alerts.
    """
    _hyphenator(language)


def _vowel_groups(word: str, language: str) -> int:
    vowels = _VOWELS.get(language, _VOWELS["en"])
    w = word.lower()
    if language == "nl":
        # A diaeresis starts a new syllable (beëindigen, ideeën): split before it.
        w = re.sub("([ëïöü])", r"-\1", w)
    groups = re.findall(f"[{vowels}]+", w)
    n = len(groups)
    if language == "en" and n > 1:
        if w.endswith("e") and not w.endswith(("le", "ee", "ye")):
            n -= 1  # silent final e: "make", "simple" keeps its "le"
        elif w.endswith(("es", "ed")) and len(w) > 3 and w[-3] not in "sxzcgtd":
            n -= 1  # "makes", "called"; but "buses", "wanted" keep the syllable
    return max(1, n) if re.search(f"[{vowels}]", w) else (1 if w else 0)


def word_syllables(word: str, language: str) -> int:
    """Syllables of one written word (0 for punctuation or numbers).

    Args:
        word: a word as Whisper writes it, possibly with punctuation around it.
        language: the call's language; nl, sv and en have dictionaries, others
            fall back to counting vowel groups.
    """
    total = 0
    for part in _WORD.findall(word):
        count = _vowel_groups(part, language)
        hyph = _hyphenator(language)
        if hyph is not None:
            count = max(count, len(hyph.positions(part)) + 1)
        total += count
    return total


def text_syllables(text: str, language: str) -> int:
    """Syllables of a text: the sum over its words."""
    return sum(word_syllables(w, language) for w in text.split())


def ends_sentence(word: str) -> bool:
    """True when a word as Whisper writes it closes a sentence (. ? ! …)."""
    return bool(re.search(r"[.?!…]['\"”’)]*$", word.strip()))
