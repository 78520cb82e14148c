"""What a coaching rule is, and checking one rule table from a TOML file against it.

The packaged packs (``seeds/rules/<language>.toml``), a coach's file and the
IT policy's file all use this one schema; the loader (``seeds.loader``) merges
them by rule id and reports each problem with its file, line and field.

Categories (``category``) and what they mean; ``polarity`` follows from them:

================  ========  ====================================================
``avoid``         avoid     words that hurt the call: the seed 001 table
                            ("Ik weet het niet…"), brushing feelings aside
                            (000), defensive answers (001, 003)
``stock_phrase``  avoid     the "standaardzinnetjes" of seed 002 ("welkom bij…",
                            "fijne dag verder…") and asking for time before
                            saying why you call
``address``       avoid     jij/jou/je before asking whether that is fine (002)
``positive``      good      behaviour worth showing the coach: the customer's
                            name (001), a summary of what/when/who (001), why
                            you call (002), showing you listened (001, 003)
``promise``       good      a promise ("ik bel u terug"): becomes a follow-up
                            item in the call summary, because promises must be
                            kept (002)
================  ========  ====================================================

Kinds (``kind``): ``phrase`` (match ``patterns``), ``name`` (the agent uses
the customer's name; no patterns, uses the pack's ``[names]`` table),
``summary`` (a summary starts; its words are then checked by a
``summary_check`` rule naming it in ``after``), ``summary_check`` (reports
which of what/when/who a summary left out, with a suggestion per part).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from belcoach.core.errors import RuleError
from belcoach.seeds.patterns import Classes, PatternError, Variant, expand
from belcoach.seeds.placeholders import PlaceholderError
from belcoach.seeds.placeholders import check as check_placeholders

CATEGORIES: dict[str, str] = {
    "avoid": "avoid",
    "stock_phrase": "avoid",
    "address": "avoid",
    "positive": "good",
    "promise": "good",
}
"""Category → polarity."""

SEVERITIES = ("info", "warning", "alert")
KINDS = ("phrase", "name", "summary", "summary_check")
CHANNELS = ("agent", "customer")
WHEN = ("any", "opening")
SPANS = ("match", "clause")
SUMMARY_PARTS = ("what", "when", "who")

ID_PATTERN = re.compile(r"^[a-z]{2,3}\.[a-z0-9][a-z0-9._-]*$")

REQUIRED = ("id", "category", "why", "source")
"""Fields every rule needs (after merging with a rule of the same id from a lower layer)."""

FIELDS = frozenset(
    {
        *REQUIRED,
        "language",
        "kind",
        "patterns",
        "exceptions",
        "exception_reach",
        "severity",
        "suggestions",
        "channel",
        "silent",
        "when",
        "not_after",
        "max_per_call",
        "span",
        "fuzzy",
        "enabled",
        "note",
        "seed_quote",
        "after",
        "parts",
    }
)


@dataclass(frozen=True, slots=True)
class SummaryPart:
    """One of what/when/who that a summary should name.

    Attributes:
        name: ``what``, ``when`` or ``who``.
        patterns: phrase patterns that show the part is there.
        suggestion: what to add when it is missing.
        variants: the expanded patterns.
    """

    name: str
    patterns: tuple[str, ...]
    suggestion: str
    variants: tuple[Variant, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Rule:
    """One coaching rule, validated.

    Attributes:
        id: stable id, ``<language>.<name>`` (``nl.ik-weet-het-niet``).
        language: the call language it applies to.
        category: see the module docstring.
        kind: see the module docstring.
        patterns: spoken forms (``seeds.patterns`` syntax).
        exceptions: contexts that make a match fine (same syntax); a match is
            dropped when one of them overlaps it or lies within ``exception_reach`` words.
        exception_reach: how many words away an exception still counts (0 =
            it must overlap the match: "dank je wel" for the jij/jou rule).
        severity: ``info``, ``warning`` or ``alert``.
        suggestions: what to say instead (avoid rules).
        why: one short sentence on why it matters, from the seed.
        source: the seed file (or a coach's reference) it comes from.
        channel: whose words it looks at; ``customer`` rules must be silent.
        silent: matched and remembered for other rules (``not_after``), never shown.
        when: ``any``, or ``opening`` (only early in the call).
        not_after: rule ids that, once matched earlier in the call, silence this one.
        max_per_call: at most this many hits per call (0 = no limit).
        span: ``match`` (the matched words) or ``clause`` (to the clause's end:
            a promise's whole sentence).
        fuzzy: tolerate transcription errors (False = exact words only).
        note: remarks for coaches (e.g. how a seed's wording was polished).
        seed_quote: the seed's own words, verbatim.
        after: for ``summary_check``: the summary rule whose words it checks.
        parts: for ``summary_check``: what/when/who.
        origin: ``file:line`` where the rule (or its last override) was defined.
        variants: the expanded patterns.
        exception_variants: the expanded exceptions.
    """

    id: str
    language: str
    category: str
    why: str
    source: str
    kind: str = "phrase"
    patterns: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    exception_reach: int = 8
    severity: str = "warning"
    suggestions: tuple[str, ...] = ()
    channel: str = "agent"
    silent: bool = False
    when: str = "any"
    not_after: tuple[str, ...] = ()
    max_per_call: int = 0
    span: str = "match"
    fuzzy: bool = True
    enabled: bool = True
    note: str = ""
    seed_quote: str = ""
    after: str = ""
    parts: tuple[SummaryPart, ...] = ()
    origin: str = ""
    variants: tuple[Variant, ...] = field(default=(), compare=False, repr=False)
    exception_variants: tuple[Variant, ...] = field(default=(), compare=False, repr=False)

    @property
    def polarity(self) -> str:
        """``avoid`` (hurts the call) or ``good`` (worth showing the coach)."""
        return CATEGORIES[self.category]


LineOf = Callable[[str | None, str | None], int | None]
"""Finds the line of a field (and optionally a value inside it) in the rule's table."""


def build_rule(
    raw: Mapping[str, Any],
    *,
    file: str,
    line_of: LineOf,
    default_language: str,
    classes: Classes | None = None,
) -> Rule:
    """Validate one merged rule table and return the rule.

    Args:
        raw: the rule's keys and values as read from TOML (merged with a
            lower layer's rule of the same id, if any).
        file: the file the rule (or its override) is in, for messages.
        line_of: ``line_of(field, value)`` gives the line number of a field,
            or of the rule's header when ``field`` is None.
        default_language: the file's top-level ``language``.
        classes: the word classes its patterns may use (``@name``).

    Raises:
        RuleError: ``file:line: rule 'id': field 'x': problem``.
    """
    rid = raw.get("id") if isinstance(raw.get("id"), str) else None

    def fail(fld: str | None, problem: str, value: str | None = None) -> RuleError:
        line = line_of(fld, value) or line_of(None, None)
        where = f"{file}:{line}" if line else file
        who = f"rule {rid!r}" if rid else "rule"
        what = f" field {fld!r}:" if fld else ""
        return RuleError(f"{where}: {who}:{what} {problem}")

    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise fail(unknown[0], f"unknown field (known: {', '.join(sorted(FIELDS))})")
    for name in REQUIRED:
        if name not in raw:
            raise fail(None, f"missing field {name!r}")

    def text(name: str, default: str = "", *, allow_empty: bool = False) -> str:
        value = raw.get(name, default)
        if not isinstance(value, str):
            raise fail(name, f"must be a string, not {type(value).__name__}")
        if not value.strip() and name in raw and not allow_empty:
            raise fail(name, "must not be empty")
        return value.strip()

    def choice(name: str, options: tuple[str, ...] | Mapping[str, str], default: str) -> str:
        value = text(name, default)
        if value not in options:
            raise fail(name, f"unknown {name} {value!r} (one of: {', '.join(options)})")
        return value

    def strings(name: str) -> tuple[str, ...]:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(name, "must be a list of strings")
        for v in value:
            if not v.strip():
                raise fail(name, "contains an empty string", '""')
        return tuple(v.strip() for v in value)

    def flag(name: str, default: bool) -> bool:
        value = raw.get(name, default)
        if not isinstance(value, bool):
            raise fail(name, "must be true or false")
        return value

    rule_id = text("id")
    if not ID_PATTERN.match(rule_id):
        raise fail("id", f"{rule_id!r} is not an id like 'nl.ik-weet-het-niet'")
    language = text("language", default_language)
    if not language:
        raise fail("language", "missing: set it on the rule or at the top of the file")
    if not rule_id.startswith(language + "."):
        raise fail("id", f"must start with the rule's language {language + '.'!r}")
    category = choice("category", CATEGORIES, "")
    kind = choice("kind", KINDS, "phrase")
    polarity = CATEGORIES[category]
    severity = choice("severity", SEVERITIES, "warning" if polarity == "avoid" else "info")
    channel = choice("channel", CHANNELS, "agent")
    silent = flag("silent", False)
    max_per_call = _count(raw, "max_per_call", 0, fail)
    exception_reach = _count(raw, "exception_reach", 8, fail)

    def compile_all(name: str, patterns: tuple[str, ...]) -> tuple[Variant, ...]:
        out: list[Variant] = []
        for p in patterns:
            try:
                out.extend(expand(p, classes))
            except PatternError as exc:
                raise fail(name, str(exc), p) from None
        return tuple(out)

    patterns = strings("patterns")
    if kind in ("phrase", "summary") and not patterns:
        raise fail("patterns", "needs at least one pattern", "patterns")
    if kind in ("name", "summary_check") and patterns:
        raise fail("patterns", f"a {kind!r} rule takes no patterns")
    suggestions = strings("suggestions")
    for suggestion in suggestions:
        try:
            check_placeholders(suggestion)
        except PlaceholderError as exc:
            raise fail("suggestions", str(exc), suggestion) from None
    if polarity == "avoid" and not silent and kind != "summary_check" and not suggestions:
        raise fail("suggestions", "an avoid rule needs at least one suggestion")
    if channel == "customer" and not silent:
        raise fail("channel", "rules on the customer's words must be silent = true")
    after = text("after")
    parts: tuple[SummaryPart, ...] = ()
    if kind == "summary_check":
        if not after:
            raise fail("after", "a summary_check rule names its summary rule in 'after'")
        parts = _parts(raw.get("parts"), fail, classes)
    elif "parts" in raw or after:
        raise fail("parts" if "parts" in raw else "after", "only for kind = 'summary_check'")

    return Rule(
        id=rule_id,
        language=language,
        category=category,
        why=text("why"),
        source=text("source"),
        kind=kind,
        patterns=patterns,
        exceptions=strings("exceptions"),
        exception_reach=exception_reach,
        severity=severity,
        suggestions=suggestions,
        channel=channel,
        silent=silent,
        when=choice("when", WHEN, "any"),
        not_after=strings("not_after"),
        max_per_call=max_per_call,
        span=choice("span", SPANS, "match"),
        fuzzy=flag("fuzzy", True),
        enabled=flag("enabled", True),
        note=text("note", allow_empty=True),
        seed_quote=text("seed_quote", allow_empty=True),
        after=after,
        parts=parts,
        origin=f"{file}:{line_of(None, None) or '?'}",
        variants=compile_all("patterns", patterns),
        exception_variants=compile_all("exceptions", strings("exceptions")),
    )


def _count(raw: Mapping[str, Any], name: str, default: int, fail: Callable[..., RuleError]) -> int:
    value = raw.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise fail(name, "must be a whole number >= 0")
    return value


def _parts(
    value: Any, fail: Callable[..., RuleError], classes: Classes | None
) -> tuple[SummaryPart, ...]:
    if not isinstance(value, Mapping):
        raise fail("parts", "needs a table [rule.parts.what] / .when / .who")
    out: list[SummaryPart] = []
    for name in SUMMARY_PARTS:
        part = value.get(name)
        if not isinstance(part, Mapping):
            raise fail("parts", f"missing [rule.parts.{name}]")
        pats = part.get("patterns")
        sugg = part.get("suggestion")
        if not isinstance(pats, list) or not pats or not all(isinstance(p, str) for p in pats):
            raise fail("parts", f"parts.{name}.patterns must be a non-empty list of strings")
        if not isinstance(sugg, str) or not sugg.strip():
            raise fail("parts", f"parts.{name}.suggestion must be a non-empty string")
        try:
            check_placeholders(sugg)
        except PlaceholderError as exc:
            raise fail("parts", f"parts.{name}.suggestion: {exc}", sugg) from None
        variants: list[Variant] = []
        for p in pats:
            try:
                variants.extend(expand(p, classes))
            except PatternError as exc:
                raise fail("parts", f"parts.{name}: {exc}", p) from None
        out.append(SummaryPart(name, tuple(pats), sugg.strip(), tuple(variants)))
    extra = sorted(set(value) - set(SUMMARY_PARTS))
    if extra:
        raise fail("parts", f"unknown part {extra[0]!r} (what, when, who)")
    return tuple(out)
