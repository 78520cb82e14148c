"""Placeholders in a rule's suggestions: the agent's, the company's and the customer's names.

A suggestion is something the agent can say at once, so it should carry the
names of *this* call ("Goedemiddag, met Anouk van Zorgverzekeraar Noord") and
never a made-up story. Rule packs therefore write names as placeholders:

=================  ===================================================
``{agent}``        the agent's name (setting ``agent.name``, else the
                   name the agent introduced themselves with)
``{company}``      the company's name (setting ``company.name``)
``{customer}``     the customer's name as learnt in the call
``[ … ]``          an optional part: dropped whole when a placeholder
                   inside it has no value ("Dank u[, {customer}].")
=================  ===================================================

A placeholder outside ``[ … ]`` whose value is unknown becomes a neutral
wording in the call's language ("(uw naam)"), so the sentence still reads as
something to say. When an optional part at the start is dropped, the first
letter is capitalised again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

NAMES: tuple[str, ...] = ("agent", "company", "customer")
"""The placeholders a suggestion may use."""

FALLBACKS: Mapping[str, Mapping[str, str]] = {
    "nl": {"agent": "(uw naam)", "company": "(uw organisatie)", "customer": "meneer/mevrouw"},
    "sv": {"agent": "(ditt namn)", "company": "(företaget)", "customer": ""},
    "en": {"agent": "(your name)", "company": "(your company)", "customer": ""},
}
"""Neutral wording per language for a value nobody knows (English for other languages)."""

_PART = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{([^{}]*)\}")


class PlaceholderError(ValueError):
    """A suggestion's placeholders are malformed; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class CallNames:
    """The names a suggestion may be filled with; empty when unknown.

    Attributes:
        agent: the agent's name.
        company: the company's name.
        customer: the customer's name as the agent would address them.
    """

    agent: str = ""
    company: str = ""
    customer: str = ""

    def get(self, name: str) -> str:
        """The value of placeholder ``name`` (stripped), or ``""``."""
        return str(getattr(self, name, "")).strip()


def check(text: str) -> None:
    """Validate the placeholders and optional parts of one suggestion.

    Raises:
        PlaceholderError: an unknown placeholder, a brace or bracket left open
            or nested, or an optional part without a placeholder.
    """
    depth = 0
    for ch in text:
        if ch == "[":
            depth += 1
            if depth > 1:
                raise PlaceholderError("optional parts '[ … ]' cannot be nested")
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise PlaceholderError("']' without its '['")
    if depth:
        raise PlaceholderError("'[' is never closed with ']'")
    for name in _SLOT.findall(text):
        if name not in NAMES:
            known = ", ".join("{" + n + "}" for n in NAMES)
            raise PlaceholderError(f"unknown placeholder {{{name}}}; use {known}")
    if "{" in _SLOT.sub("", text) or "}" in _SLOT.sub("", text):
        raise PlaceholderError("a '{' or '}' that is not part of a placeholder")
    for part in _PART.findall(text):
        if not _SLOT.search(part):
            raise PlaceholderError(f"optional part [{part}] holds no placeholder")


def fill(text: str, names: CallNames, language: str) -> str:
    """Return ``text`` with its placeholders filled from ``names`` (see the module docstring).

    Args:
        text: a suggestion that passed ``check``.
        names: the call's known names.
        language: the call's language, for the neutral wording of unknown names.
    """
    fallback = FALLBACKS.get(language, FALLBACKS["en"])
    out: list[str] = []
    capitalise_next = False
    pos = 0
    for match in _PART.finditer(text):
        out.append(text[pos : match.start()])
        if capitalise_next:
            out[-1] = _capitalised(out[-1])
        inner = match.group(1)
        if all(names.get(n) for n in _SLOT.findall(inner)):
            filled_part = _SLOT.sub(lambda m: names.get(m.group(1)), inner)
            at_start = _starts_sentence("".join(out))
            out.append(_capitalised(filled_part) if at_start else filled_part)
            capitalise_next = False
        else:
            # dropped: a sentence that began with it must still begin with a capital
            capitalise_next = _starts_sentence("".join(out))
        pos = match.end()
    tail = text[pos:]
    out.append(_capitalised(tail) if capitalise_next else tail)
    filled = _SLOT.sub(
        lambda m: names.get(m.group(1)) or fallback.get(m.group(1), ""), "".join(out)
    )
    filled = re.sub(r" {2,}", " ", filled)
    filled = re.sub(r"\s+([,.;:!?])", r"\1", filled)
    filled = re.sub(r",([.!?])", r"\1", filled)
    return filled.strip()


def _starts_sentence(before: str) -> bool:
    """Whether text placed after ``before`` opens a sentence (or a quoted sentence)."""
    stripped = before.rstrip().rstrip("'\"‘“«")
    return not stripped.strip() or stripped.rstrip()[-1:] in ".!?:"


def _capitalised(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
    return text
