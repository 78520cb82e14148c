"""The pack-wide tables of a rule file: ``[matching]``, ``[names]`` and ``[classes]``.

``seeds.loader`` reads the rules; these tables say how they are matched:
which words must be exact, how long a ``*`` gap may be, other spellings,
the filler words that may pass between pattern words (``[matching]``), how
names are introduced (``[names]``), and the word classes patterns may name
with ``@`` (``[classes]``). Only a packaged pack sets ``[matching]`` and
``[names]``; a coach's file may add classes for its own rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from belcoach.core.errors import RuleError
from belcoach.seeds.patterns import (
    Classes,
    PatternError,
    Variant,
    class_group,
    expand,
    normalise_words,
)


@dataclass(frozen=True, slots=True)
class Matching:
    """How tolerant matching is for one language.

    Attributes:
        exact_words: words never matched fuzzily, because a sentence's meaning
            hangs on them (negations, pronouns: "niet"/"wel", "u"/"ik").
        max_gap: most words a ``*`` in a pattern may skip.
        spellings: other spellings of a word → the spelling the rules use
            (Swedish "dej" → "dig", Dutch "m'n" → "mijn"), applied to what was said.
        fillers: words that may stand between two pattern words without a
            ``*`` ("eh", "nou", "eigenlijk"), before a ``^`` match at the
            clause start and after a ``$`` match; they never carry the meaning.
            An entry of several words ("op dit moment") passes as one filler.
        max_fillers: most filler words one match may pass over.
    """

    exact_words: frozenset[str] = frozenset()
    max_gap: int = 3
    spellings: Mapping[str, str] = field(default_factory=dict)
    fillers: frozenset[str] = frozenset()
    max_fillers: int = 2


@dataclass(frozen=True, slots=True)
class NameIntro:
    """A phrase that introduces a name: ``met {name}``, ``{name} heter jag``.

    Attributes:
        pattern: the pattern as written.
        variants: the words around ``{name}``, expanded.
        name_first: True when the name comes before the words.
    """

    pattern: str
    variants: tuple[Variant, ...]
    name_first: bool


@dataclass(frozen=True, slots=True)
class NameSettings:
    """How names are found (the ``[names]`` table of a pack).

    Attributes:
        titles: forms of address before a surname ("meneer", "mevrouw").
        particles: lower-case parts of surnames ("de", "van der").
        customer_intro: how customers say who they are ("met Anouk Jansen").
        agent_intro: how agents say who they are (their own name is not the customer's).
        not_names: capitalised words that are never names (greetings, "Ik").
    """

    titles: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    customer_intro: tuple[NameIntro, ...] = ()
    agent_intro: tuple[NameIntro, ...] = ()
    not_names: frozenset[str] = frozenset()


def read_classes(
    file: str, lines: list[str], table: Any, known: dict[str, str], *, packaged: bool
) -> list[str]:
    """Add a ``[classes]`` table's classes (``name = ["alternative", …]``) to ``known``.

    A coach's file may add classes for its own rules, but not redefine the
    pack's: the packaged rules were built with them.

    Returns:
        One ``file:line: classes.name: problem`` line per bad class (the others are added).
    """
    header = first_line(lines, r"^\s*\[\s*classes\s*\]")
    if not isinstance(table, dict):
        return [f"{file}:{header or '?'}: 'classes' must be a table"]
    problems: list[str] = []
    for name, alternatives in table.items():
        line = first_line(lines, rf"^\s*\"?{re.escape(name)}\"?\s*=") or header or "?"
        where = f"{file}:{line}: classes.{name}"
        if not packaged and name in known:
            problems.append(f"{where}: the pack already defines @{name}; use another name")
            continue
        if not isinstance(alternatives, list) or not all(isinstance(a, str) for a in alternatives):
            problems.append(f"{where}: must be a list of strings")
            continue
        try:
            known[name] = class_group(name, alternatives, known)
        except PatternError as exc:
            problems.append(f"{where}: {exc}")
    return problems


def read_matching(matching: Mapping[str, Any]) -> Matching:
    """The ``[matching]`` table, checked.

    Raises:
        RuleError: ``matching.<key> …``: what is wrong.
    """
    exact = _words(matching.get("exact_words", []), "matching.exact_words")
    gap = matching.get("max_gap", 3)
    if not isinstance(gap, int) or isinstance(gap, bool) or not 0 < gap <= 10:
        raise RuleError("matching.max_gap must be a whole number 1..10")
    spellings = matching.get("spellings", {})
    if not isinstance(spellings, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in spellings.items()
    ):
        raise RuleError('matching.spellings must be a table of word = "word"')
    fillers = _words(matching.get("fillers", []), "matching.fillers")
    most = matching.get("max_fillers", 2)
    if not isinstance(most, int) or isinstance(most, bool) or not 0 <= most <= 5:
        raise RuleError("matching.max_fillers must be a whole number 0..5")
    return Matching(
        exact_words=frozenset(exact),
        max_gap=gap,
        spellings={
            " ".join(normalise_words(k)): " ".join(normalise_words(v)) for k, v in spellings.items()
        },
        fillers=frozenset(fillers),
        max_fillers=most,
    )


def read_names(names: Mapping[str, Any], classes: Classes) -> NameSettings:
    """The ``[names]`` table, checked.

    Raises:
        RuleError: ``names.<key> …``: what is wrong.
    """
    return NameSettings(
        titles=frozenset(_words(names.get("titles", []), "names.titles")),
        particles=frozenset(_words(names.get("particles", []), "names.particles")),
        customer_intro=_intros(names.get("customer_intro", []), "names.customer_intro", classes),
        agent_intro=_intros(names.get("agent_intro", []), "names.agent_intro", classes),
        not_names=frozenset(_words(names.get("not_names", []), "names.not_names")),
    )


def first_line(lines: list[str], pattern: str) -> int | None:
    """The 1-based number of the first line matching ``pattern``, or None."""
    rx = re.compile(pattern)
    return next((i + 1 for i, line in enumerate(lines) if rx.match(line)), None)


def _words(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{name} must be a list of strings")
    return [" ".join(normalise_words(v)) for v in value if normalise_words(v)]


def _intros(value: Any, name: str, classes: Classes) -> tuple[NameIntro, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{name} must be a list of strings")
    out: list[NameIntro] = []
    for pattern in value:
        text = pattern.strip()
        if text.count("{name}") != 1:
            raise RuleError(f"{name}: {pattern!r} needs exactly one {{name}}")
        name_first = text.lstrip("^").startswith("{name}")
        if not (name_first or text.rstrip("$").endswith("{name}")):
            raise RuleError(f"{name}: {pattern!r}: {{name}} must come first or last")
        try:
            variants = expand(text.replace("{name}", " ").replace("^ ", "^"), classes)
        except PatternError as exc:
            raise RuleError(f"{name}: {exc}") from None
        out.append(NameIntro(pattern, variants, name_first))
    return tuple(out)
