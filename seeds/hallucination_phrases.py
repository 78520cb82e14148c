"""Loads ``hallucinations/<language>.toml``: text Whisper writes when it hears little.

Data only: deciding whether an utterance (or its end) is such text is
``belcoach.audio.engine.hallucinations``. The file is checked when loaded (STYLE S5),
so a broken entry fails with the file and the entry named instead of
silently dropping the wrong words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from belcoach.core.errors import RuleError
from belcoach.seeds.packaged import is_packaged, load_toml
from belcoach.seeds.patterns import normalise_words

FOLDER = "hallucinations"
KINDS = ("never_said", "could_be_said")


@dataclass(frozen=True, slots=True)
class HallucinationPhrase:
    """One phrase Whisper invents.

    Attributes:
        words: its normalised words.
        prefix: True when anything may follow the words (written with a final ``*``).
        could_be_said: True when a person might really say it, so Whisper's
            own figures must agree before it is dropped.
    """

    words: tuple[str, ...]
    prefix: bool
    could_be_said: bool


@dataclass(frozen=True, slots=True)
class HallucinationPhrases:
    """A language's phrases (empty for a language without a file).

    Attributes:
        language: the language code.
        phrases: every phrase, ``never_said`` first.
    """

    language: str
    phrases: tuple[HallucinationPhrase, ...] = ()


def load_hallucination_phrases(
    language: str, text: str | None = None, *, origin: str | None = None
) -> HallucinationPhrases:
    """Read the packaged phrases of ``language`` (or ``text``, for tests).

    Raises:
        RuleError: the file is not valid TOML or an entry is not a usable phrase.
    """
    origin = origin or f"seeds/{FOLDER}/{language}.toml"
    if text is None and not is_packaged(FOLDER, f"{language}.toml"):
        return HallucinationPhrases(language)
    data = load_toml(FOLDER, f"{language}.toml", text=text, origin=origin)
    phrases: list[HallucinationPhrase] = []
    for kind in KINDS:
        phrases += [_phrase(entry, kind, origin) for entry in _strings(data, kind, origin)]
    return HallucinationPhrases(language, tuple(phrases))


def _strings(data: dict[str, Any], kind: str, origin: str) -> list[str]:
    entries = data.get(kind, [])
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise RuleError(f"{origin}: '{kind}' must be a list of strings")
    return entries


def _phrase(entry: str, kind: str, origin: str) -> HallucinationPhrase:
    text = entry.strip()
    prefix = text.endswith("*")
    words = tuple(normalise_words(text.removesuffix("*")))
    if not words or "*" in text.removesuffix("*"):
        raise RuleError(
            f"{origin}: {kind} entry {entry!r}: give words, with at most one '*' at the end"
        )
    return HallucinationPhrase(words, prefix, kind == "could_be_said")
