"""Loads a QA scorecard (``seeds/qa/<language>.toml`` or a coach's own file).

Every item cites the seed text it comes from.

Data only: how an item is scored is decided in ``belcoach.audio.review.qa``;
this module knows which checks exist and which parameters each takes
(`CHECK_PARAMS`), so a broken card fails when it is read, with the file, the
line, the item and the key named (``card.toml:42: item 'pace': key
'min_share': must be a number``). Callers that have a packaged card to fall
back on keep running with it (`card_for`).

A card has at most `MAX_ITEMS` items: Dutch contact-centre practice keeps a
monitoring form short enough to fill in for a few calls per agent a month.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from belcoach.core.errors import ConfigError

__all__ = [
    "CHECK_PARAMS",
    "MAX_ITEMS",
    "CardError",
    "CardItem",
    "QaCard",
    "card_for",
    "load_card",
    "packaged_card",
]

MAX_ITEMS = 12
"""Items a card may hold (Dutch practice: a short form, each item Goed / Niet goed / N.v.t.)."""

SCHEMA_VERSION = 1

CHECK_PARAMS: dict[str, dict[str, Any]] = {
    "opening": {"seconds": 20.0, "intro": [], "company": []},
    "reason_first": {"seconds": 45.0, "reason": [], "reason_rules": [], "time_rules": []},
    "customer_name": {"seconds": 60.0, "intro": [], "name_rules": [], "not_names": []},
    "no_overtalk": {"min_seconds": 0.0},
    "pace": {"min_share": 0.8},
    "pauses": {"min_share": 0.5, "min_sentences": 3, "pause_seconds": 0.35},
    "feeling_ack": {"seconds": 45.0, "acknowledge": [], "lead": [], "stock_rules": []},
    "no_avoid_phrase": {"rules": []},
    "summary": {"seconds": 20.0, "marker": [], "what": [], "when": [], "who": []},
    "promises": {"seconds": 20.0, "marker": [], "when": []},
    "personal_close": {"seconds": 20.0, "stock_rules": []},
}
"""Every check an item may name, with its parameters and their defaults (type = the default's).

List parameters are regular expressions (matched on the lower-cased words of
one utterance, punctuation removed; ``customer_name.intro`` on the words as
written, since a name is told by its capital) or rule ids
(``*_rules``, ``rules``) of the phrase analyser's ``PhraseHit`` events.
"""

_ITEM_KEYS = frozenset({"id", "check", "title", "seed", "quote", "params", "enabled"})
_TOP_KEYS = frozenset({"schema_version", "language", "title", "labels", "item"})
_LABELS = ("goed", "niet_goed", "nvt")
_SEED = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_ITEM_HEADER = re.compile(r"^\s*\[\[\s*item\s*\]\]")


class CardError(ConfigError):
    """A scorecard file that cannot be used; the message names file, line, item and key."""


@dataclass(frozen=True, slots=True)
class CardItem:
    """One item of the scorecard.

    Attributes:
        id: stable id (``opening``); the batch table's column is ``qa_<id>``.
        check: how it is scored (a key of `CHECK_PARAMS`).
        title: what the coach reads, in the card's language.
        seed: the seed file the item comes from.
        quote: the passage of that seed it rests on.
        params: the check's parameters (defaults filled in).
    """

    id: str
    check: str
    title: str
    seed: str
    quote: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QaCard:
    """A scorecard: its items, in the order a coach reads them.

    Attributes:
        language: the call language it is written for (empty = any).
        title: the card's name.
        items: the items (at most `MAX_ITEMS`).
        labels: how ``goed``, ``niet_goed`` and ``nvt`` are written.
        file: where it was read from.
    """

    language: str
    title: str
    items: tuple[CardItem, ...]
    labels: dict[str, str]
    file: str = ""

    def label(self, verdict: str) -> str:
        """The verdict as the card writes it (``Goed``, ``Niet goed``, ``N.v.t.``)."""
        return self.labels.get(verdict, verdict)


def packaged_card(language: str) -> Path:
    """The packaged card for ``language`` (Dutch for a language without its own)."""
    root = resources.files("belcoach.seeds").joinpath("qa")
    for lang in (language, "nl"):
        candidate = root.joinpath(f"{lang}.toml")
        if candidate.is_file():
            return Path(str(candidate))
    raise CardError(f"no packaged QA card for {language!r}")  # pragma: no cover - packaging


def card_for(language: str, path: str | Path | None = None) -> tuple[QaCard, tuple[str, ...]]:
    """The card in force for a call in ``language``, and any problem with the chosen file.

    Args:
        language: the call's language.
        path: a coach's or IT's card (setting ``qa.card``); empty/None = the packaged card.
            A card written for another language leaves the packaged one in force.

    Returns:
        The card and, when ``path`` could not be used, one line saying why
        (file:line: what is wrong) — the packaged card is then in force.
    """
    packaged = load_card(packaged_card(language))
    if not path:
        return packaged, ()
    try:
        card = load_card(Path(path))
    except CardError as exc:
        return packaged, (f"{exc}; using the packaged card ({packaged.file})",)
    if card.language and language and card.language != language:
        return packaged, ()
    return card, ()


def load_card(path: Path) -> QaCard:
    """Read and check one card file.

    Raises:
        CardError: the file cannot be read, is not valid TOML, or an item is
            wrong; the message says file:line and what is wrong.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CardError(f"{name}: cannot read the QA card ({exc})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_WHERE.search(msg)
        line = m.group(1) if m else "1"
        raise CardError(f"{name}:{line}: not valid TOML: {_TOML_WHERE.sub('', msg)}") from exc
    return _Reader(name, text).card(data)


class _Reader:
    """Checks a parsed card and finds the line of each problem in the text."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines = text.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if _ITEM_HEADER.match(line)]

    def fail(self, what: str, *, item: int | None = None, key: str | None = None) -> CardError:
        line = self._line(item, key)
        where = f"{self.name}:{line}" if line else self.name
        return CardError(f"{where}: {what}")

    def _line(self, item: int | None, key: str | None) -> int | None:
        if item is None:
            lo, hi = 0, self.headers[0] if self.headers else len(self.lines)
        elif item < len(self.headers):
            lo = self.headers[item]
            hi = self.headers[item + 1] if item + 1 < len(self.headers) else len(self.lines)
        else:
            return None
        if key is None:
            return lo + 1
        last = key.split(".")[-1]
        pattern = re.compile(rf"^\s*\[?\s*([\w.]+\.)?{re.escape(last)}\s*(=|\])")
        for i in range(lo, hi):
            if pattern.match(self.lines[i]):
                return i + 1
        return lo + 1

    def card(self, data: dict[str, Any]) -> QaCard:
        for key in sorted(set(data) - _TOP_KEYS):
            raise self.fail(f"unknown key {key!r} (known: {', '.join(sorted(_TOP_KEYS))})", key=key)
        version = data.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise self.fail(
                f"schema_version {version!r} is not {SCHEMA_VERSION}", key="schema_version"
            )
        language = self._text(data, "language", required=False)
        title = self._text(data, "title", required=False) or "QA"
        labels = data.get("labels", {})
        if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
            raise self.fail("'labels' must be a table of texts", key="labels")
        for key in labels:
            if key not in _LABELS:
                raise self.fail(f"labels: unknown verdict {key!r} (known: goed, niet_goed, nvt)")
        raw_items = data.get("item", [])
        if not isinstance(raw_items, list) or not raw_items:
            raise self.fail("a card needs at least one [[item]]")
        items: list[CardItem] = []
        for index, raw in enumerate(raw_items):
            item = self._item(index, raw)
            if item is None:
                continue
            if any(i.id == item.id for i in items):
                raise self.fail(f"item {item.id!r}: id is used twice", item=index, key="id")
            items.append(item)
        if len(items) > MAX_ITEMS:
            raise self.fail(f"{len(items)} items; a card holds at most {MAX_ITEMS}")
        return QaCard(
            language=language,
            title=title,
            items=tuple(items),
            labels={**{k: k for k in _LABELS}, **labels},
            file=self.name,
        )

    def _text(
        self, table: dict[str, Any], key: str, *, required: bool, item: int | None = None
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"{_which(item)}key {key!r} is missing", item=item)
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(
                f"{_which(item)}key {key!r} must be a non-empty text", item=item, key=key
            )
        return value

    def _item(self, index: int, raw: Any) -> CardItem | None:
        if not isinstance(raw, dict):
            raise self.fail(f"{_which(index)}must be a table", item=index)
        for key in sorted(set(raw) - _ITEM_KEYS):
            raise self.fail(
                f"{_which(index)}unknown key {key!r} (known: {', '.join(sorted(_ITEM_KEYS))})",
                item=index,
                key=key,
            )
        item_id = self._text(raw, "id", required=True, item=index)
        if raw.get("enabled", True) is False:
            return None
        check = self._text(raw, "check", required=True, item=index)
        if check not in CHECK_PARAMS:
            raise self.fail(
                f"item {item_id!r}: unknown check {check!r} (known: {', '.join(CHECK_PARAMS)})",
                item=index,
                key="check",
            )
        seed = self._text(raw, "seed", required=True, item=index)
        if not _SEED.match(seed):
            raise self.fail(
                f"item {item_id!r}: key 'seed' must name a seed file like "
                f"'000_a1d49fd2dc71d7a4.txt', not {seed!r}",
                item=index,
                key="seed",
            )
        params = self._params(index, item_id, check, raw.get("params", {}))
        return CardItem(
            id=item_id,
            check=check,
            title=self._text(raw, "title", required=True, item=index),
            seed=seed,
            quote=self._text(raw, "quote", required=True, item=index),
            params=params,
        )

    def _params(self, index: int, item_id: str, check: str, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(f"item {item_id!r}: 'params' must be a table", item=index, key="params")
        spec = CHECK_PARAMS[check]
        out = dict(spec)
        for key, value in raw.items():

            def bad(what: str, key: str = key) -> CardError:
                return self.fail(
                    f"item {item_id!r}: key 'params.{key}': {what}", item=index, key=key
                )

            if key not in spec:
                raise bad(f"check {check!r} has no such parameter (known: {', '.join(spec)})")
            default = spec[key]
            if isinstance(default, list):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise bad("must be a list of texts")
                if not key.endswith("rules") and key != "not_names":
                    for pattern in value:
                        try:
                            re.compile(pattern)
                        except re.error as exc:
                            raise bad(f"bad pattern {pattern!r} ({exc})") from exc
            elif isinstance(default, float):
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise bad(f"must be a number >= 0, not {value!r}")
                value = float(value)
            elif isinstance(default, int) and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise bad(f"must be a whole number >= 0, not {value!r}")
            out[key] = value
        return out


def _which(item: int | None) -> str:
    return "" if item is None else f"item {item + 1}: "
