"""The phrase-pattern language of the rule packs, and the text normalisation both sides share.

A rule lists the spoken forms of a phrase as short patterns instead of
hundreds of spelled-out sentences, so a coach can read and extend them:

==========  ==========================================================
``word``    a word; matched after normalisation (case, accents and
            punctuation do not matter) and, in the matcher, with some
            tolerance for transcription errors
``=word``   this word exactly, never fuzzily (``=niet`` in a pattern
            whose meaning hangs on it)
``(a|b c)`` one of the alternatives; an alternative may be several
            words or empty; groups nest
``[a|b]``   optional: the same as ``(a|b|)``
``*``       a gap of up to a few words (``max_gap`` in the pack)
``^``       first item only: the match starts a clause (the utterance's
            start or right after ``.``, ``,``, ``?``, ``!``, ``;`` or ``:``)
``$``       last item only: the match ends a clause
``@name``   a word class of the pack (``[classes]``): the same as writing
            its alternatives as a group, so ``@weten`` can stand for
            ``(weet|wist|weten)`` in every rule that needs it
==========  ==========================================================

``ik weet het [ook|echt] (niet|=niks)`` expands to six word sequences.
Parsing fails with a ``PatternError`` saying what is wrong and where, so a
rule file's author sees the problem (the loader adds the file, line and field).

Between two pattern words the matcher also lets a few filler words of the
pack pass (``[matching] fillers``: "eh", "nou", "eigenlijk" …), so
``dat weet ik =niet`` matches "dat weet ik eigenlijk niet" without listing
every filler; a ``^`` match may follow fillers at the clause start ("Eh,
wacht even") and a ``$`` match may be followed by some ("Ik mag u niet, hoor").
Fillers never carry the meaning: a pattern still names every word that does.

The same ``normalise_words`` turns rule text and transcribed words into
tokens, so "Één", "een" and "EEN," compare equal, as do "don't" and "dont".
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MAX_VARIANTS = 256
"""A pattern may expand to at most this many slot sequences (keeps matching fast)."""
MAX_CLASS_DEPTH = 4
"""Word classes may use other classes this many levels deep (catches loops)."""

Classes = Mapping[str, str]
"""Word class name → its alternatives as one pattern group, ``"(weet|wist)"``."""

_JOINERS = re.compile(r"['’`´\u00ad]|(?<=\w)-(?=\w)")
_NON_WORD = re.compile(r"[^\w]+")
_CLAUSE_END = re.compile(r"[.,!?;:…]\W*$")
_CLASS_REF = re.compile(r"(=?)@([\w-]*)")
CLASS_NAME = re.compile(r"^[^\W\d][\w-]*$")
"""What a word class may be called: a letter, then letters, digits, ``-`` or ``_``."""


class PatternError(ValueError):
    """A phrase pattern is malformed; the message says what and where."""


@dataclass(frozen=True, slots=True)
class Slot:
    """One position of a variant: a word out of ``choices``, or a gap.

    Groups whose alternatives are single words stay one slot
    (``(morgen|vandaag)``), so a pattern does not multiply into thousands of
    word sequences; only alternatives of several words expand into variants.

    Attributes:
        choices: the normalised words that fit here (empty for a gap).
        exact: per choice, True when it must match exactly (``=word``).
        optional: the slot may match nothing (``[a|b]``).
        gap: a ``*``: up to ``max_gap`` words of anything.
    """

    choices: tuple[str, ...] = ()
    exact: tuple[bool, ...] = ()
    optional: bool = False
    gap: bool = False

    def describe(self) -> str:
        """The slot in pattern syntax, for messages."""
        if self.gap:
            return "*"
        words = [("=" if e else "") + w for w, e in zip(self.choices, self.exact, strict=True)]
        inner = "|".join(words)
        if self.optional:
            return f"[{inner}]"
        return inner if len(words) == 1 else f"({inner})"


GAP_SLOT = Slot(gap=True)


@dataclass(frozen=True, slots=True)
class Variant:
    """One slot sequence a pattern expands to.

    Attributes:
        slots: the positions, in order.
        at_start: the match must start a clause (``^``).
        at_end: the match must end a clause (``$``).
        pattern: the pattern it was expanded from, as written (for explanations).
    """

    slots: tuple[Slot, ...]
    at_start: bool = False
    at_end: bool = False
    pattern: str = field(default="", compare=False)

    def words(self) -> set[str]:
        """Every word any slot accepts."""
        return {w for s in self.slots for w in s.choices}

    def describe(self) -> str:
        """The variant in pattern syntax."""
        body = " ".join(s.describe() for s in self.slots)
        return ("^" if self.at_start else "") + body + ("$" if self.at_end else "")


def normalise_words(text: str) -> list[str]:
    """Return the comparable tokens of ``text``: lower case, no accents, no punctuation.

    Apostrophes and in-word hyphens join (``don't`` → ``dont``, ``e-mail`` →
    ``email``), every other non-word character separates.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    joined = _JOINERS.sub("", stripped.casefold())
    return [t for t in _NON_WORD.sub(" ", joined).replace("_", " ").split() if t]


def ends_clause(word_text: str) -> bool:
    """True when a transcribed word carries clause-ending punctuation (``dag.``, ``Wacht,``)."""
    return bool(_CLAUSE_END.search(word_text.strip()))


# --- parsing ---------------------------------------------------------------
# The grammar: pattern := item+ ; item := WORD | =WORD | "(" alts ")" |
# "[" alts "]" | "*" ; alts := seq ("|" seq)* ; "^" and "$" only at the ends.
# Each item parses to a list of alternatives, each a list of slots.

_Alt = list[Slot]
_TOKEN = re.compile(r"\s*([()\[\]|*^$]|=?[^\s()\[\]|*^$]+)")


def class_group(name: str, alternatives: Sequence[str], classes: Classes) -> str:
    """The pattern group a word class stands for, checked.

    Args:
        name: the class's name (without ``@``).
        alternatives: its alternatives, each a pattern fragment ("=niet",
            "geen idee", "@other").
        classes: the classes defined before it (it may use them).

    Raises:
        PatternError: a bad name, no alternatives, or an alternative that
            does not parse.
    """
    if not CLASS_NAME.match(name):
        raise PatternError(f"word class name {name!r}: letters, digits, '-' or '_' only")
    if not alternatives or any(not a.strip() for a in alternatives):
        raise PatternError(f"word class @{name} needs non-empty alternatives")
    for alt in alternatives:
        if alt.strip().startswith("^") or alt.strip().endswith("$"):
            raise PatternError(f"word class @{name}: {alt!r}: '^' and '$' belong in the rule")
        expand(alt, classes)
    return "(" + "|".join(a.strip() for a in alternatives) + ")"


def resolve_classes(pattern: str, classes: Classes | None) -> str:
    """``pattern`` with every ``@name`` replaced by its class's group.

    Raises:
        PatternError: an unknown class, ``=@name``, or classes that use each other in a loop.
    """
    text = pattern
    for _ in range(MAX_CLASS_DEPTH + 1):
        if "@" not in text:
            return text

        def group(m: re.Match[str]) -> str:
            exact, name = m.group(1), m.group(2)
            if exact:
                raise PatternError(f"pattern {pattern!r}: '=@{name}': put '=' on the class's words")
            if name not in (classes or {}):
                known = ", ".join("@" + k for k in sorted(classes or {})) or "none"
                raise PatternError(
                    f"pattern {pattern!r}: unknown word class '@{name}' (known: {known})"
                )
            return (classes or {})[name]

        text = _CLASS_REF.sub(group, text)
    raise PatternError(f"pattern {pattern!r}: word classes nested too deep (a loop?)")


def expand(pattern: str, classes: Classes | None = None) -> tuple[Variant, ...]:
    """Parse ``pattern`` and return the slot sequences it stands for.

    Args:
        pattern: the pattern, in the syntax of the module docstring.
        classes: the pack's word classes (``@name``), from ``class_group``.

    Raises:
        PatternError: the pattern is empty, unbalanced, misplaces ``^``, ``$``
            or ``*``, names an unknown ``@class``, or expands to more than
            ``MAX_VARIANTS`` sequences.
    """
    text = pattern.strip()
    if not text:
        raise PatternError("empty pattern")
    text = resolve_classes(text, classes).strip()
    at_start = text.startswith("^")
    at_end = text.endswith("$")
    body = text[1 if at_start else 0 : len(text) - 1 if at_end else len(text)]
    parser = _Parser(_lex(body, pattern), pattern)
    variants: dict[tuple[Slot, ...], Variant] = {}
    for alt in parser.sequence(top=True):
        slots = _squash_gaps(alt)
        if not [s for s in slots if not s.gap and not s.optional]:
            raise PatternError(f"pattern {pattern!r} can match no words at all")
        if slots[0].gap or slots[-1].gap:
            raise PatternError(f"pattern {pattern!r}: '*' cannot start or end a pattern")
        key = tuple(slots)
        variants.setdefault(key, Variant(key, at_start, at_end, pattern.strip()))
    return tuple(variants.values())


def _lex(body: str, pattern: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while body[pos:].strip():
        m = _TOKEN.match(body, pos)
        if m is None:  # pragma: no cover - the token class accepts any non-space
            raise PatternError(f"pattern {pattern!r}: cannot read {body[pos:]!r}")
        tok = m.group(1)
        if tok in ("^", "$"):
            where = "start" if tok == "^" else "end"
            raise PatternError(f"pattern {pattern!r}: {tok!r} is only allowed at the {where}")
        out.append(tok)
        pos = m.end()
    return out


def _squash_gaps(alt: _Alt) -> _Alt:
    out: _Alt = []
    for slot in alt:
        if slot.gap and out and out[-1].gap:
            continue
        out.append(slot)
    return out


def _single_word(alt: _Alt) -> bool:
    return len(alt) == 1 and not alt[0].gap and not alt[0].optional


class _Parser:
    def __init__(self, tokens: list[str], pattern: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.pattern = pattern

    def _fail(self, why: str) -> PatternError:
        return PatternError(f"pattern {self.pattern!r}: {why}")

    def sequence(self, *, top: bool = False) -> list[_Alt]:
        """Parse items up to a closing bracket or ``|``; return the expanded alternatives."""
        result: list[_Alt] = [[]]
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            if tok in (")", "]", "|"):
                if top:
                    raise self._fail(f"unexpected {tok!r}")
                break
            item = self.item()
            result = [a + b for a, b in itertools.product(result, item)]
            if len(result) > MAX_VARIANTS:
                raise self._fail(f"expands to more than {MAX_VARIANTS} variants; split it")
        return result

    def item(self) -> list[_Alt]:
        tok = self.tokens[self.pos]
        self.pos += 1
        if tok == "*":
            return [[GAP_SLOT]]
        if tok in ("(", "["):
            return self.group(tok)
        exact = tok.startswith("=")
        words = normalise_words(tok[1:] if exact else tok)
        if not words:
            raise self._fail(f"{tok!r} has no letters or digits")
        return [[Slot((w,), (exact,)) for w in words]]

    def group(self, opening: str) -> list[_Alt]:
        closing = ")" if opening == "(" else "]"
        alts: list[_Alt] = []
        while True:
            alts.extend(self.sequence())
            if self.pos >= len(self.tokens):
                raise self._fail(f"{opening!r} is never closed with {closing!r}")
            sep = self.tokens[self.pos]
            self.pos += 1
            if sep == "|":
                continue
            if sep != closing:
                raise self._fail(f"{opening!r} closed with {sep!r}")
            break
        optional = opening == "[" or any(not a for a in alts)
        filled = [a for a in alts if a]
        if filled and all(_single_word(a) for a in filled):
            choices: dict[str, bool] = {}
            for a in filled:
                for w, e in zip(a[0].choices, a[0].exact, strict=True):
                    choices[w] = choices.get(w, False) or e
            return [[Slot(tuple(choices), tuple(choices.values()), optional=optional)]]
        return [*filled, *([[]] if optional else [])]
