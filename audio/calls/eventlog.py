"""Reading a call's ``events.jsonl`` back into typed events.

The journal is written one flushed line per event, so after a crash the file
ends with at most one incomplete line. `read_events` keeps every complete
line and drops a torn last one; a damaged line in the middle (a disk error)
is skipped and counted, never fatal, because a coach would rather see the
rest of the call than nothing. Unknown event types (a journal from a newer
belcoach) are skipped the same way.

Vocabulary fields (levels, codes, verdicts, emotion labels and steps) are
`enum.StrEnum` members in memory and their plain string values on disk, so
reading turns each value back into its member. A status line (``type``
``status``) becomes the class its ``code`` belongs to (`status_class`):
`RecordingChanged`, `DeviceLost`, `DeviceBack`, `TranscriptGap` or plain
`EngineStatus`. Those classes write the same status lines as before they
existed, so a journal written by an older belcoach reads back into them
unchanged (we chose this over new line types so old and new journals are
one format); a status with a code this version does not know is skipped
like an unknown type.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from belcoach.audio.events import Event, Word
from belcoach.audio.status import EngineStatus, status_class
from belcoach.core.errors import AppError
from belcoach.core.recording_key import RecordingKey
from belcoach.core.vault import VaultReader

log = logging.getLogger(__name__)


def _event_classes() -> dict[str, type[Event]]:
    """Map every concrete event's ``type`` to its class (subclasses found at call time).

    ``dataclass(slots=True)`` replaces each class with a new one, and the
    discarded original can linger in ``__subclasses__``; only the class its
    module exports under its name is the real one. A subclass that keeps its
    base's ``type`` (the statuses with their own class) is reached through its
    base: `event_from_json` picks it by ``code``.
    """
    found: dict[str, type[Event]] = {}
    todo: list[type[Event]] = [Event]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        module = sys.modules.get(cls.__module__)
        inherited = any(getattr(b, "type", None) == cls.type for b in cls.__mro__[1:])
        if cls is not Event and not inherited and getattr(module, cls.__name__, None) is cls:
            found[cls.type] = cls
    return found


_ENUM_FIELDS: dict[type[Event], dict[str, type[StrEnum]]] = {}


def _enum_fields(cls: type[Event]) -> dict[str, type[StrEnum]]:
    """Fields of ``cls`` that hold enum members (typed ``X`` or ``X | None``), cached."""
    found = _ENUM_FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = {}
        for f in dataclasses.fields(cls):
            hint = hints.get(f.name)
            for arg in typing.get_args(hint) or (hint,):
                if isinstance(arg, type) and issubclass(arg, StrEnum):
                    found[f.name] = arg
        _ENUM_FIELDS[cls] = found
    return found


def event_from_json(obj: dict[str, Any]) -> Event | None:
    """Rebuild one event from its ``to_json`` form; None for an unknown type or status code.

    Fields this version does not know are ignored and missing ones take their
    defaults, so journals stay readable across versions. Enum fields become
    their members; a status becomes the class of its code (module docstring).

    Raises:
        ValueError: a known type with unusable values (wrong channel, unknown
            label, no ``t``).
    """
    cls = _event_classes().get(str(obj.get("type", "")))
    if cls is None:
        return None
    if cls is EngineStatus:
        try:
            cls = status_class(str(obj.get("code")))
        except ValueError:
            return None  # a status from a newer belcoach: unknown, like an unknown type
    enums = _enum_fields(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in obj:
            continue
        value = obj[f.name]
        if f.name in enums:
            value = None if value is None else enums[f.name](value)
        elif f.name == "words":
            value = tuple(
                Word(
                    str(w["text"]),
                    float(w["start"]),
                    float(w["end"]),
                    float(w.get("probability", 1.0)),
                )
                for w in value
            )
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    if "t" not in kwargs:
        raise ValueError("event without 't'")
    kwargs["t"] = float(kwargs["t"])
    kwargs.setdefault("channel", None)
    return cls(**kwargs)


@dataclass(frozen=True, slots=True)
class EventLog:
    """The events of one call as read from disk.

    Attributes:
        events: the events in journal (publication) order.
        skipped: lines that could not be used (damaged or of unknown type).
        torn_tail: True when the last line was incomplete (the call was cut off).
    """

    events: tuple[Event, ...] = ()
    skipped: int = 0
    torn_tail: bool = False
    unknown_types: frozenset[str] = field(default_factory=frozenset)


def parse_lines(lines: Iterable[str]) -> EventLog:
    """Parse journal lines; see the module docstring for what is kept."""
    events: list[Event] = []
    skipped = 0
    unknown: set[str] = set()
    torn = False
    pending: str | None = None
    for raw in lines:
        if pending is not None:
            skipped += 1  # a damaged line in the middle
        pending = None
        if not raw.endswith("\n"):
            pending = raw  # may be the torn last line; decided when the next one comes
            continue
        event = _parse(raw, unknown)
        if event is None:
            skipped += 1
        elif event is not _BLANK:
            events.append(event)
    if pending is not None and pending.strip():
        event = _parse(pending, unknown)
        if event is None or event is _BLANK:
            torn = True
        else:
            events.append(event)  # a complete object, only the newline is missing
    return EventLog(tuple(events), skipped, torn, frozenset(unknown))


_BLANK = Event(0.0, None)


def _parse(line: str, unknown: set[str]) -> Event | None:
    text = line.strip()
    if not text:
        return _BLANK
    try:
        obj = json.loads(text)
        if not isinstance(obj, dict):
            return None
        event = event_from_json(obj)
    except (ValueError, TypeError, KeyError):
        return None
    if event is None:
        unknown.add(str(obj.get("type")))
    return event


def read_events(path: Path) -> EventLog:
    """Read a journal file.

    Raises:
        AppError: the file is missing or unreadable (the message names it).
    """
    try:
        with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
            log_ = parse_lines(_lines(handle))
    except OSError as exc:
        raise AppError(f"{path}: cannot read events ({exc.strerror or exc})") from exc
    if log_.skipped:
        log.warning("%s: skipped %d unusable line(s)", path, log_.skipped)
    return log_


def read_sealed_events(path: Path, key: RecordingKey) -> EventLog:
    """Read an encrypted journal (``events.jsonl.enc``, or a batch's ``<name>.events.jsonl.enc``).

    Decrypted in memory only. A file cut off by a crash reads up to its last
    sealed line and says so in ``torn_tail``.

    Raises:
        VaultError: not readable with ``key`` (WrongKeyError: another key).
    """
    reader = VaultReader(path, key)
    text = reader.read_all().decode("utf-8", errors="replace")
    journal = parse_lines(text.splitlines(keepends=True))
    if reader.lost_bytes:
        journal = EventLog(journal.events, journal.skipped, True, journal.unknown_types)
    return journal


def _lines(handle: Any) -> Iterator[str]:
    yield from handle
