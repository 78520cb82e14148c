"""Loading the coaching rules for one call language: packaged pack, then coach/IT files.

Layers, lowest first: the packaged pack ``seeds/rules/<language>.toml``, then
each extra file in the order given (the settings layer passes the IT policy's
and the user's files). A rule with an id seen before replaces it field by
field, so a coach can change one suggestion without copying the rule;
``enabled = false`` or the settings' ``disabled`` list switches a rule off.

A bad file never takes the other rules down: a TOML syntax error skips that
file, a bad rule skips that rule (an override that fails keeps the rule it
would have replaced), and every problem is kept in ``RuleBook.problems`` as
one line ``file:line: rule 'id': field 'x': what is wrong``. The pack-wide
tables (``[matching]``, ``[names]``, ``[classes]``) are read by ``seeds.pack_tables``.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from belcoach.core.errors import RuleError
from belcoach.seeds.pack_tables import (
    Matching,
    NameIntro,
    NameSettings,
    first_line,
    read_classes,
    read_matching,
    read_names,
)
from belcoach.seeds.patterns import Classes
from belcoach.seeds.rule_schema import Rule, build_rule

__all__ = [
    "Matching",
    "NameIntro",
    "NameSettings",
    "RuleBook",
    "check_file",
    "load_rules",
    "packaged_languages",
    "packaged_pack",
]

log = logging.getLogger(__name__)

_RULE_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]")
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_PACK_KEYS = frozenset({"language", "rule", "matching", "names", "classes"})
_EXTRA_KEYS = frozenset({"language", "rule", "classes"})


@dataclass(frozen=True, slots=True)
class RuleBook:
    """The rules in force for one call language.

    Attributes:
        language: the call language.
        rules: enabled rules, in file order.
        matching: the language's matching settings.
        names: the language's name settings.
        problems: one line per problem found while loading (the rules above still work).
        files: the files read, lowest layer first.
        classes: the word classes patterns may use (``@name`` → its group).
    """

    language: str
    rules: tuple[Rule, ...] = ()
    matching: Matching = field(default_factory=Matching)
    names: NameSettings = field(default_factory=NameSettings)
    problems: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    classes: Classes = field(default_factory=dict)

    def get(self, rule_id: str) -> Rule | None:
        """The enabled rule with this id, or None."""
        return next((r for r in self.rules if r.id == rule_id), None)


def packaged_languages() -> tuple[str, ...]:
    """Languages with a packaged rule pack."""
    folder = resources.files("belcoach.seeds") / "rules"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")))


def packaged_pack(language: str) -> str | None:
    """The text of the packaged pack for ``language``, or None when there is none."""
    pack = resources.files("belcoach.seeds") / "rules" / f"{language}.toml"
    return pack.read_text(encoding="utf-8") if pack.is_file() else None


def load_rules(
    language: str, *, extra_files: Sequence[str | Path] = (), disabled: Iterable[str] = ()
) -> RuleBook:
    """Load the rules for ``language``: packaged pack, extra files, minus disabled ids.

    Never raises for a bad file or rule: see ``RuleBook.problems``.
    """
    state = _Loading(language)
    text = packaged_pack(language)
    if text is not None:
        state.read(f"seeds/rules/{language}.toml", text, packaged=True)
    for path in extra_files:
        try:
            content = Path(path).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            state.problems.append(f"{path}: cannot read the rule file ({exc})")
            continue
        state.read(str(path), content, packaged=False)
    return state.finish(set(disabled))


def check_file(path: str | Path, *, language: str | None = None) -> list[str]:
    """Problems in one rule file on its own (on top of the packaged pack of its language).

    Returns:
        One line per problem; empty when the file is fine.
    """
    try:
        content = Path(path).expanduser().read_text(encoding="utf-8")
        data = tomllib.loads(content)
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{path}: cannot read the rule file ({exc})"]
    except tomllib.TOMLDecodeError as exc:
        return [_syntax_problem(str(path), exc)]
    languages = {language} if language else _languages_in(data)
    problems: list[str] = []
    for lang in sorted(languages) or ["nl"]:
        book = load_rules(lang, extra_files=[path])
        problems += [p for p in book.problems if p not in problems]
    return problems


def _languages_in(data: Mapping[str, Any]) -> set[str]:
    found = {data["language"]} if isinstance(data.get("language"), str) else set()
    for raw in data.get("rule", []) if isinstance(data.get("rule"), list) else []:
        if isinstance(raw, Mapping):
            if isinstance(raw.get("language"), str):
                found.add(raw["language"])
            elif isinstance(raw.get("id"), str) and "." in raw["id"]:
                found.add(raw["id"].split(".", 1)[0])
    return found


def _syntax_problem(file: str, exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    where = _TOML_WHERE.search(message)
    if where:
        message = message[: where.start()]
        return (
            f"{file}:{where.group(1)}: TOML syntax error: {message} (column {where.group(2)}); "
            "the file's rules are not used"
        )
    return f"{file}: TOML syntax error: {message}; the file's rules are not used"


class _Loading:
    """Merges rule layers for one language, collecting problems."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.raw: dict[str, dict[str, Any]] = {}
        self.rules: dict[str, Rule] = {}
        self.matching = Matching()
        self.names = NameSettings()
        self.classes: dict[str, str] = {}
        self.problems: list[str] = []
        self.files: list[str] = []

    def read(self, file: str, text: str, *, packaged: bool) -> None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self.problems.append(_syntax_problem(file, exc))
            return
        self.files.append(file)
        lines = text.splitlines()
        allowed = _PACK_KEYS if packaged else _EXTRA_KEYS
        for key in sorted(set(data) - allowed):
            line = first_line(lines, rf"^\s*\[?\s*{re.escape(key)}\b")
            where = f"{file}:{line}" if line else file
            self.problems.append(
                f"{where}: unknown top-level key {key!r} (allowed: {', '.join(sorted(allowed))})"
            )
        file_language = data.get("language", "")
        if not isinstance(file_language, str):
            self.problems.append(f"{file}: 'language' must be a string")
            file_language = ""
        self.problems += read_classes(
            file, lines, data.get("classes", {}), self.classes, packaged=packaged
        )
        if packaged:
            self._pack_tables(file, lines, data)
        tables = data.get("rule", [])
        if not isinstance(tables, list):
            self.problems.append(f"{file}: 'rule' must be [[rule]] tables")
            return
        headers = [i for i, line in enumerate(lines) if _RULE_HEADER.match(line)]
        if len(headers) != len(tables):
            headers = []  # inline tables: no reliable line numbers
        seen: dict[str, int] = {}
        for index, raw in enumerate(tables):
            finder = _LineFinder(lines, headers, index)
            if not isinstance(raw, dict):
                self.problems.append(f"{file}: rule #{index + 1} is not a table")
                continue
            self._one(file, file_language, raw, finder, seen)

    def _one(
        self,
        file: str,
        file_language: str,
        raw: dict[str, Any],
        finder: _LineFinder,
        seen: dict[str, int],
    ) -> None:
        rid = raw.get("id")
        language = raw.get("language", file_language)
        if isinstance(rid, str) and not raw.get("language") and not file_language and "." in rid:
            language = rid.split(".", 1)[0]  # ids carry their language
        if isinstance(language, str) and language and language != self.language:
            return  # a multilingual coach file: another language's rule
        if isinstance(rid, str) and rid in seen:
            line = finder(None, None)
            self.problems.append(
                f"{file}:{line}: rule {rid!r} is defined twice in this file "
                f"(first at line {seen[rid]}); the second is ignored"
            )
            return
        merged = {**self.raw.get(rid, {}), **raw} if isinstance(rid, str) else raw
        try:
            rule = build_rule(
                merged,
                file=file,
                line_of=finder,
                default_language=language or self.language,
                classes=self.classes,
            )
        except RuleError as exc:
            # ``id`` may be any TOML value here (a list is unhashable): only a string names a rule.
            replaces = isinstance(rid, str) and rid in self.rules
            kept = " (the packaged version stays in force)" if replaces else ""
            self.problems.append(f"{exc}{kept}")
            return
        seen[rule.id] = finder(None, None) or 0
        self.raw[rule.id] = merged
        self.rules[rule.id] = rule

    def _pack_tables(self, file: str, lines: list[str], data: Mapping[str, Any]) -> None:
        try:
            self.matching = read_matching(data.get("matching", {}))
            self.names = read_names(data.get("names", {}), self.classes)
        except (RuleError, AttributeError) as exc:
            key = str(exc).split(" ", 1)[0].split(".")[0]
            line = first_line(lines, rf"^\s*\[\s*{re.escape(key)}\s*\]")
            self.problems.append(f"{file}:{line or '?'}: {exc}")

    def finish(self, disabled: set[str]) -> RuleBook:
        known = set(self.rules)
        for rid in sorted(disabled):
            if rid.startswith(self.language + ".") and rid not in known:
                self.problems.append(f"settings: disabled rule {rid!r} is not a known rule")
        rules = [r for r in self.rules.values() if r.enabled and r.id not in disabled]
        for rule in rules:
            for ref in (*rule.not_after, *([rule.after] if rule.after else [])):
                if ref not in known:
                    self.problems.append(
                        f"{rule.origin}: rule {rule.id!r}: refers to unknown rule {ref!r}"
                    )
        for problem in self.problems:
            log.warning("%s", problem)
        return RuleBook(
            language=self.language,
            rules=tuple(rules),
            matching=self.matching,
            names=self.names,
            problems=tuple(self.problems),
            files=tuple(self.files),
            classes=dict(self.classes),
        )


class _LineFinder:
    """Line numbers (1-based) of a rule's header, fields and values in its file."""

    def __init__(self, lines: list[str], headers: list[int], index: int) -> None:
        self.lines = lines
        if headers:
            self.start = headers[index]
            self.stop = headers[index + 1] if index + 1 < len(headers) else len(lines)
        else:
            self.start = self.stop = -1

    def __call__(self, field_name: str | None, value: str | None) -> int | None:
        if self.start < 0:
            return None
        if field_name is None:
            return self.start + 1
        key = re.compile(rf"^\s*(\[+\s*rule\.)?\"?{re.escape(field_name)}\"?\s*(=|\.|\])")
        at = next((i for i in range(self.start, self.stop) if key.match(self.lines[i])), None)
        if value is not None:
            quoted = [f'"{value}"', f"'{value}'"] if value != '""' else ['""', "''"]
            begin = at if at is not None else self.start
            for i in range(begin, self.stop):
                if any(q in self.lines[i] for q in quoted):
                    return i + 1
        return at + 1 if at is not None else None
