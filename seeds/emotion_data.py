"""Typed loader for the emotion data in ``seeds/emotion/``: lexicons, cues, hints, examples.

The data is pure (TOML and tab-separated text, see ``seeds/emotion/LICENSES.md`` for where
each file comes from); this module only reads and checks it, so the engine never parses
files itself. A malformed file raises ``RuleError`` naming the file and the field.
Results are cached: every call reads the same packaged files.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from belcoach.core.errors import RuleError
from belcoach.seeds.packaged import load_toml, packaged_text


class EmotionLabel(StrEnum):
    """Seed 000's seven feelings, as language-independent ids (the Dutch words): "Is hij boos,
    gefrustreerd, angstig, verongelijkt? Neutraal, zakelijk? Of gewoon heel tevreden".

    The values are what event logs and seed files hold, so they never change.
    """

    BOOS = "boos"
    GEFRUSTREERD = "gefrustreerd"
    ANGSTIG = "angstig"
    VERONGELIJKT = "verongelijkt"
    NEUTRAAL = "neutraal"
    ZAKELIJK = "zakelijk"
    TEVREDEN = "tevreden"


class ValenceClass(StrEnum):
    """The three valence classes the feelings fall into."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class EmotionBasis(StrEnum):
    """What an estimated feeling rests on (setting ``emotion.voice``).

    The overlay, the replay window and the report name it: "from words" when the
    customer's voice was not used (``emotion.voice`` off), else "from voice and words".
    """

    WORDS = "words"
    VOICE_AND_WORDS = "voice_and_words"


class EmotionStep(StrEnum):
    """Seed 000's three steps: sense the feeling, acknowledge it, then lead."""

    AANVOELEN = "aanvoelen"
    ERKENNEN = "erkennen"
    LEIDEN = "leiden"


LABELS: tuple[EmotionLabel, ...] = tuple(EmotionLabel)
"""Seed 000's seven feelings in seed order."""

VALENCE_CLASSES: tuple[ValenceClass, ...] = tuple(ValenceClass)
"""The three valence classes the feelings fall into."""

VALENCE_CLASS: Mapping[EmotionLabel, ValenceClass] = {
    EmotionLabel.BOOS: ValenceClass.NEGATIVE,
    EmotionLabel.GEFRUSTREERD: ValenceClass.NEGATIVE,
    EmotionLabel.ANGSTIG: ValenceClass.NEGATIVE,
    EmotionLabel.VERONGELIJKT: ValenceClass.NEGATIVE,
    EmotionLabel.NEUTRAAL: ValenceClass.NEUTRAL,
    EmotionLabel.ZAKELIJK: ValenceClass.NEUTRAL,
    EmotionLabel.TEVREDEN: ValenceClass.POSITIVE,
}
"""Each feeling's valence class: the one place that says which feelings are negative.

Zakelijk (businesslike: brisk, to the point) is neutral, like neutraal: nothing to
acknowledge, the customer wants facts or action."""

NEGATIVE_LABELS: frozenset[EmotionLabel] = frozenset(
    k for k, v in VALENCE_CLASS.items() if v == ValenceClass.NEGATIVE
)
"""The feelings that call for acknowledgement (Erkennen) before leading."""

NEUTRAL_LABELS: frozenset[EmotionLabel] = frozenset(
    k for k, v in VALENCE_CLASS.items() if v == ValenceClass.NEUTRAL
)
"""The feelings with nothing to acknowledge (neutraal, zakelijk)."""

POSITIVE_LABELS: frozenset[EmotionLabel] = frozenset(
    k for k, v in VALENCE_CLASS.items() if v == ValenceClass.POSITIVE
)
"""The content customer (tevreden)."""


def valence_class(label: str) -> ValenceClass:
    """The valence class (``negative``, ``neutral``, ``positive``) of a seed label.

    Raises:
        KeyError: ``label`` is not one of ``LABELS``.
    """
    try:
        return VALENCE_CLASS[EmotionLabel(label)]
    except ValueError as exc:
        raise KeyError(label) from exc


STEPS: tuple[EmotionStep, ...] = tuple(EmotionStep)
"""Seed 000's three steps, in order."""

LANGUAGES: tuple[str, ...] = ("nl", "sv", "en")
"""Languages with cue lists and hints; other languages fall back to English cues."""

_FOLDER = "emotion"

LEXICON_FILES: Mapping[str, tuple[tuple[str, float], ...]] = {
    # (file, divisor that maps the file's scale onto -1..1)
    "nl": (("lexicon_nl_pattern.tsv", 1.0), ("lexicon_nl_afinn.tsv", 5.0)),
    "sv": (("lexicon_sv_vader.tsv", 4.0), ("lexicon_sv_afinn.tsv", 5.0)),
    "en": (("lexicon_en_afinn.tsv", 5.0),),
}
"""Lexicons per language, most trusted first (the first that knows a word decides)."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word valences from one sentiment lexicon, mapped onto -1..1.

    Attributes:
        name: the file it came from.
        language: its language code.
        entries: lower-cased word or multi-word expression → valence in -1..1.
    """

    name: str
    language: str
    entries: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class CueGroup:
    """Phrases that signal one feeling.

    Attributes:
        label: one of ``LABELS``.
        valence: what the phrases say about how positive the customer is, -1..1.
        weight: how strongly one phrase signals the label (0..1 or a little more).
        phrases: the phrases (see ``cues_nl.toml`` for the syntax).
    """

    label: EmotionLabel
    valence: float
    weight: float
    phrases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LanguageCues:
    """The project-written cue list of one language.

    Attributes:
        language: its code.
        negators: words that negate what follows ("niet", "geen").
        negation_window: how many words after a negator stay negated.
        negation_after: how many words after a word a clause-final negator may follow and
            still negate it (Dutch and Swedish: "dat waardeer ik niet"; 0 for English).
        negators_after: the negators that can do that ("niet", "inte").
        negation_stops: conjunctions that end a negation's reach ("niet of dat ...").
        intensifiers: word → multiplier (>1 strengthens, <1 softens).
        compound_prefixes: glued-on intensifiers ("jätte" in "jättenöjd") → multiplier.
        contrast: words after which the rest of the sentence counts in full and what
            came before counts ``contrast_before`` ("niet boos, maar wel teleurgesteld").
        contrast_before: the weight of the words before a contrast word, 0..1.
        valence_overrides: word → valence that replaces the lexicons' value.
        groups: cue groups, one or more per label.
        acknowledge: agent phrases that acknowledge the customer's feeling.
        stock: agent phrases said to everyone, which do not acknowledge.
        source: the file name, for evidence and errors.
    """

    language: str
    negators: frozenset[str]
    negation_window: int
    negation_after: int
    negators_after: frozenset[str]
    negation_stops: frozenset[str]
    intensifiers: Mapping[str, float]
    compound_prefixes: Mapping[str, float]
    contrast: frozenset[str]
    contrast_before: float
    valence_overrides: Mapping[str, float]
    groups: tuple[CueGroup, ...]
    acknowledge: tuple[str, ...]
    stock: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Hint:
    """What to do now for one step and some feelings, in each language.

    Attributes:
        step: one of ``STEPS``.
        labels: the feelings it fits, or ``("*",)`` for any.
        texts: language code → the hint.
        quote: the seed line it rests on.
        source: the seed file (or files, comma-separated).
    """

    step: EmotionStep
    labels: tuple[str, ...]
    texts: Mapping[str, str]
    quote: str
    source: str

    def text(self, language: str) -> str:
        """The hint in ``language``, or in English when it has none."""
        return self.texts.get(language) or self.texts["en"]


@dataclass(frozen=True, slots=True)
class Example:
    """A project-written example sentence with its feeling (for the embedding layer).

    Attributes:
        language: its language code.
        label: one of ``LABELS``.
        text: the sentence.
    """

    language: str
    label: EmotionLabel
    text: str


def _read_text(name: str) -> str:
    return packaged_text(_FOLDER, name)


def _read_toml(name: str) -> dict[str, Any]:
    return load_toml(_FOLDER, name, text=_read_text(name))  # tests replace _read_text


def _entries(data: Mapping[str, Any], key: str, where: str) -> Iterator[tuple[str, Any]]:
    """The entries of the array of tables ``key``, each with where it is (``file: key[i]``)."""
    for index, raw in enumerate(data.get(key, [])):
        yield f"{where}: {key}[{index}]", raw


def _one_of(raw: Mapping[str, Any], key: str, allowed: Sequence[str], at: str) -> str:
    """``raw[key]``, which must be one of ``allowed``.

    Raises:
        RuleError: it is missing or another value, naming the entry.
    """
    value = raw.get(key)
    if value not in allowed:
        raise RuleError(f"{at}.{key} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def _float_map(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where} must be a table")
    out: dict[str, float] = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RuleError(f"{where}.{key} must be a number, not {value!r}")
        out[str(key).lower()] = float(value)
    return out


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise RuleError(f"{where} must be a list of non-empty strings")
    return tuple(s.strip().lower() for s in raw)


@functools.cache
def load_lexicons(language: str) -> tuple[Lexicon, ...]:
    """Return the sentiment lexicons for ``language``, most trusted first (empty if none).

    Raises:
        RuleError: a lexicon file is malformed.
    """
    out = []
    for name, scale in LEXICON_FILES.get(language, ()):
        entries: dict[str, float] = {}
        for number, line in enumerate(_read_text(name).splitlines(), start=1):
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            try:
                value = float(parts[1])
            except (IndexError, ValueError) as exc:
                raise RuleError(f"seeds/{_FOLDER}/{name}:{number}: not 'word<TAB>number'") from exc
            entries[parts[0].strip().lower()] = max(-1.0, min(1.0, value / scale))
        out.append(Lexicon(name=name, language=language, entries=entries))
    return tuple(out)


@functools.cache
def load_cues(language: str) -> LanguageCues:
    """Return the cue list for ``language`` (English for a language without one).

    Raises:
        RuleError: the file is malformed (unknown label, wrong type), naming file and field.
    """
    lang = language if language in LANGUAGES else "en"
    name = f"cues_{lang}.toml"
    data = _read_toml(name)
    where = f"seeds/{_FOLDER}/{name}"
    groups = []
    for at, raw in _entries(data, "cues", where):
        label = _one_of(raw, "label", LABELS, at)
        numbers = _float_map({k: raw.get(k, 1.0) for k in ("valence", "weight")}, at)
        phrases = _strings(raw.get("phrases"), f"{at}.phrases")
        for phrase in phrases:
            if phrase.split()[0] == "*" or phrase.split()[-1] == "*":
                raise RuleError(f"{at}.phrases: {phrase!r} starts or ends with a gap '*'")
        groups.append(
            CueGroup(
                label=EmotionLabel(label),
                valence=numbers["valence"],
                weight=numbers["weight"],
                phrases=phrases,
            )
        )
    ack = data.get("acknowledge", {})
    window = data.get("negation_window", 3)
    if not isinstance(window, int) or window < 1:
        raise RuleError(f"{where}: negation_window must be a positive integer")
    after = data.get("negation_after", 0)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise RuleError(f"{where}: negation_after must be a whole number, 0 or more")
    before = data.get("contrast_before", 1.0)
    if isinstance(before, bool) or not isinstance(before, int | float) or not 0 <= before <= 1:
        raise RuleError(f"{where}: contrast_before must be a number from 0 to 1")
    return LanguageCues(
        language=lang,
        negators=frozenset(_strings(data.get("negators", []), f"{where}: negators")),
        negation_window=window,
        negation_after=after,
        negators_after=frozenset(
            _strings(data.get("negators_after", []), f"{where}: negators_after")
        ),
        negation_stops=frozenset(
            _strings(data.get("negation_stops", []), f"{where}: negation_stops")
        ),
        intensifiers=_float_map(data.get("intensifiers", {}), f"{where}: intensifiers"),
        compound_prefixes=_float_map(
            data.get("compound_prefixes", {}), f"{where}: compound_prefixes"
        ),
        contrast=frozenset(_strings(data.get("contrast", []), f"{where}: contrast")),
        contrast_before=float(before),
        valence_overrides=_float_map(
            data.get("valence_overrides", {}), f"{where}: valence_overrides"
        ),
        groups=tuple(groups),
        acknowledge=_strings(ack.get("phrases", []), f"{where}: acknowledge.phrases"),
        stock=_strings(ack.get("stock", []), f"{where}: acknowledge.stock"),
        source=name,
    )


@functools.cache
def load_hints() -> tuple[Hint, ...]:
    """Return every hint in file order.

    Raises:
        RuleError: a hint has an unknown step or label, or no English text.
    """
    name = "hints.toml"
    data = _read_toml(name)
    source = str(data.get("source", ""))
    out = []
    for at, raw in _entries(data, "hints", f"seeds/{_FOLDER}/{name}"):
        step = _one_of(raw, "step", STEPS, at)
        labels = tuple(raw.get("labels", ["*"]))
        for label in labels:
            if label != "*" and label not in LABELS:
                raise RuleError(f"{at}.labels: unknown label {label!r}")
        texts = {lang: str(raw[lang]) for lang in LANGUAGES if lang in raw}
        if "en" not in texts:
            raise RuleError(f"{at}: needs an 'en' text")
        out.append(
            Hint(
                step=EmotionStep(step),
                labels=labels,
                texts=texts,
                quote=str(raw.get("quote", "")),
                source=str(raw.get("source", source)),
            )
        )
    return tuple(out)


def hint_for(step: EmotionStep, label: EmotionLabel) -> Hint:
    """The first hint for ``step`` that fits ``label``.

    Raises:
        RuleError: no hint covers the step (the packaged file always has a ``*`` hint).
    """
    for hint in load_hints():
        if hint.step == step and ("*" in hint.labels or label in hint.labels):
            return hint
    raise RuleError(f"seeds/{_FOLDER}/hints.toml: no hint for step {step!r}")


@functools.cache
def load_examples() -> tuple[Example, ...]:
    """Return the example sentences for the optional embedding classifier.

    Raises:
        RuleError: an example has an unknown label.
    """
    name = "examples.toml"
    data = _read_toml(name)
    out = []
    for lang in LANGUAGES:
        table = data.get(lang, {})
        for label, sentences in table.items():
            if label not in LABELS:
                raise RuleError(f"seeds/{_FOLDER}/{name}: {lang}.{label} is not a label")
            for text in _strings(sentences, f"seeds/{_FOLDER}/{name}: {lang}.{label}"):
                out.append(Example(language=lang, label=EmotionLabel(label), text=text))
    return tuple(out)
