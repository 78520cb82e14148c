"""Layered settings: packaged defaults < IT policy defaults < the user's file < IT policy locks.

Every value carries where it came from and whether IT locked it, so the
settings dialog can grey out a locked control and say why, and ``belcoach
doctor`` can print the policy in force.

The machine policy (``core.paths.policy_path()``, read-only for users) is TOML::

    schema_version = 1
    contact = "IT service desk, ext. 4444"   # shown next to every lock

    [defaults.call]        # preset values the user may still change
    language = "nl"

    [locked.recording]     # set and locked: the user cannot change these
    enabled = false
    retention_days = 30

    [locked.analysis.rules]
    disabled = ["nl.welkom-bij"]

The user's file (``core.paths.user_settings_path()``) holds plain tables
(``[call] language = "sv"``) and is written only through
``save_user_settings`` (atomically).

Bad files never stop the app: a syntax error or a bad value becomes a one-line
problem naming the file, line and key (``ResolvedSettings.problems``, shown in
the UI and the log) and the rest still applies. A policy that cannot be read
at all locks recording off (the safe choice); a user file that cannot be read
is replaced by the last copy that could (``settings.toml.last-good``).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import tomllib
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from belcoach.core import paths
from belcoach.core.atomic import write_atomic
from belcoach.core.errors import ConfigError
from belcoach.core.overrides import apply_overrides, coerce
from belcoach.core.settings_schema import SCHEMA_VERSION, Settings

log = logging.getLogger(__name__)

ORIGINS = ("default", "policy", "user")
"""Where a value can come from, lowest first (a locked policy value wins over the user's)."""

_FREE_TABLES = ("analysis",)
"""Tables whose keys the analysers validate (free-form here)."""

SAFE_LOCKS: Mapping[str, Any] = {"recording.enabled": False}
"""Locked when the policy file exists but cannot be read: record nothing."""


@dataclass(frozen=True, slots=True)
class SettingInfo:
    """One setting's value and its provenance.

    Attributes:
        key: dotted key, e.g. ``recording.enabled``.
        value: the value in force.
        default: the packaged default (None for free-form ``analysis.*`` keys).
        origin: ``default``, ``policy`` or ``user``.
        locked: True when the IT policy locks it.
        source: the file the value came from (empty for packaged defaults).
    """

    key: str
    value: Any
    default: Any
    origin: str
    locked: bool
    source: str


@dataclass(frozen=True)
class ResolvedSettings:
    """The merged settings, what every value rests on, and what went wrong reading them.

    Attributes:
        values: the typed tree the rest of the app reads.
        info: every leaf key's provenance.
        problems: one line per bad file or value (empty when all was well).
        policy_path: where the policy was looked for.
        user_path: the user's settings file.
        policy_loaded: True when a policy file was found and read.
        contact: who to ask about locked settings (from the policy).
    """

    values: Settings
    info: Mapping[str, SettingInfo]
    problems: tuple[str, ...]
    policy_path: Path
    user_path: Path
    policy_loaded: bool = False
    contact: str = ""

    def get(self, key: str) -> Any:
        """Return the value of a dotted key.

        Raises:
            ConfigError: the key is unknown.
        """
        if key in self.info:
            return self.info[key].value
        raise ConfigError(f"unknown setting {key!r}")

    def locked(self, key: str) -> bool:
        """True when the IT policy locks ``key`` (or a table above it)."""
        return any(info.locked for k, info in self.info.items() if k == key or _under(k, key))

    def lock_reason(self, key: str) -> str:
        """A sentence for the UI: who locked the setting and whom to ask, or ``""``."""
        if not self.locked(key):
            return ""
        reason = f"locked by IT policy ({self.policy_path})"
        if self.contact:
            reason += f"; ask {self.contact}"
        return reason


def load_settings(
    *, policy_path: Path | None = None, user_path: Path | None = None
) -> ResolvedSettings:
    """Read the policy and the user's file and merge them over the defaults.

    Args:
        policy_path: defaults to ``core.paths.policy_path()``.
        user_path: defaults to ``core.paths.user_settings_path()``.

    Returns:
        The merged settings; never raises for bad files (see ``problems``).
    """
    policy_path = policy_path or paths.policy_path()
    user_path = user_path or paths.user_settings_path()
    state = _Merge()
    policy, policy_text, policy_problem = _read_toml(policy_path)
    contact = ""
    if policy_problem:
        state.problems.append(policy_problem + "; recording is locked off until it is fixed")
        for key, value in SAFE_LOCKS.items():
            state.set(key, value, origin="policy", source=str(policy_path), locked=True)
    elif policy is not None:
        contact = str(policy.get("contact", ""))
        _check_version(policy, policy_path, state)
        unknown = set(policy) - {"schema_version", "contact", "defaults", "locked"}
        for name in sorted(unknown):
            state.problem(policy_path, policy_text, name, f"unknown table or key {name!r}")
        for table, locked in (("defaults", False), ("locked", True)):
            section = policy.get(table, {})
            if not isinstance(section, dict):
                state.problem(policy_path, policy_text, table, f"{table!r} must be a table")
                continue
            state.apply(
                section,
                path=policy_path,
                text=policy_text,
                origin="policy",
                locked=locked,
                prefix=table,
            )
    user, user_text, user_problem = _read_toml(user_path)
    if user_problem:
        state.problems.append(user_problem)
        backup = _last_good(user_path)
        user, user_text, backup_problem = _read_toml(backup)
        if user is not None and not backup_problem:
            state.problems.append(f"{user_path}: using the last good copy ({backup.name})")
        else:
            user = None
    if user is not None:
        _check_version(user, user_path, state)
        body = {k: v for k, v in user.items() if k != "schema_version"}
        state.apply(body, path=user_path, text=user_text, origin="user", locked=False)
        if not user_problem:
            _keep_last_good(user_path, user_text)
    for line in state.problems:
        log.warning("settings: %s", line)
    return ResolvedSettings(
        values=state.build(),
        info=dict(state.info),
        problems=tuple(state.problems),
        policy_path=policy_path,
        user_path=user_path,
        policy_loaded=policy is not None and not policy_problem,
        contact=contact,
    )


def save_user_settings(resolved: ResolvedSettings, changes: Mapping[str, Any]) -> ResolvedSettings:
    """Change settings in the user's file (atomically) and return the settings reloaded.

    Args:
        resolved: the settings in force (gives the file and the locks).
        changes: dotted key → new value; ``None`` removes the user's value.

    Raises:
        ConfigError: a key is unknown, locked by policy, or the value has the wrong type.
            Nothing is written then.
    """
    hints = _leaf_hints()
    checked: dict[str, Any] = {}
    for key, value in changes.items():
        if resolved.locked(key):
            raise ConfigError(f"setting {key!r} is {resolved.lock_reason(key)}")
        if key in hints:
            checked[key] = None if value is None else coerce(value, hints[key], dotted=key)
        elif _is_free(key):
            checked[key] = value
        else:
            raise ConfigError(f"unknown setting {key!r}")
    table, _text, problem = _read_toml(resolved.user_path)
    if problem or table is None:
        table, _text, _problem = _read_toml(_last_good(resolved.user_path))
    table = dict(table or {})
    table["schema_version"] = SCHEMA_VERSION
    for key, value in checked.items():
        _set_nested(table, key.split("."), value)
    text = tomli_w.dumps(table)
    write_atomic(resolved.user_path, text)
    return load_settings(policy_path=resolved.policy_path, user_path=resolved.user_path)


def leaf_keys() -> list[str]:
    """Every dotted key of the schema (``analysis.*`` excluded), in schema order."""
    return list(_leaf_hints())


def leaf_types() -> dict[str, Any]:
    """Dotted key → type hint (``str``, ``int``, ``float``, ``bool``, ``Literal[...]``).

    For UIs and docs that need to know what a key accepts (the settings dialog
    picks its control from it; docs/it.md is checked against it).
    """
    return dict(_leaf_hints())


# --------------------------------------------------------------------------- internals


class _Merge:
    """Accumulates leaf values by layer, with provenance and problems."""

    def __init__(self) -> None:
        self.hints = _leaf_hints()
        defaults = Settings()
        self.info: dict[str, SettingInfo] = {}
        for key in self.hints:
            value = _get_path(defaults, key)
            self.info[key] = SettingInfo(key, value, value, "default", False, "")
        self.problems: list[str] = []

    def set(self, key: str, value: Any, *, origin: str, source: str, locked: bool) -> None:
        old = self.info.get(key)
        if old is not None and old.locked:
            return  # a lock always wins, whatever layer comes later
        default = old.default if old is not None else None
        self.info[key] = SettingInfo(key, value, default, origin, locked, source)

    def problem(self, path: Path, text: str, dotted: str, message: str) -> None:
        line = _line_of(text, dotted)
        where = f"{path}:{line}" if line else str(path)
        self.problems.append(f"{where}: {message}")

    def apply(
        self,
        table: Mapping[str, Any],
        *,
        path: Path,
        text: str,
        origin: str,
        locked: bool,
        prefix: str = "",
    ) -> None:
        for key, value in _flatten(table):
            file_key = f"{prefix}.{key}" if prefix else key
            if key in self.hints:
                try:
                    value = coerce(value, self.hints[key], dotted=key)
                except ConfigError as exc:
                    self.problem(path, text, file_key, str(exc).removeprefix("setting "))
                    if locked:  # keep the lock IT asked for, at the packaged default
                        info = self.info[key]
                        self.set(key, info.default, origin=origin, source=str(path), locked=True)
                    continue
            elif not _is_free(key):
                self.problem(path, text, file_key, f"unknown setting {key!r}")
                continue
            self.set(key, value, origin=origin, source=str(path), locked=locked)

    def build(self) -> Settings:
        nested: dict[str, Any] = {}
        for key, info in self.info.items():
            if info.origin != "default":
                _set_nested(nested, key.split("."), info.value)
        analysis = nested.pop("analysis", {})
        settings = apply_overrides(Settings(), nested)
        return dataclasses.replace(settings, analysis=analysis)


def _leaf_hints() -> dict[str, Any]:
    """Dotted key → type hint for every leaf of the schema except free tables."""
    out: dict[str, Any] = {}

    def walk(cls: type, prefix: str) -> None:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            key = f"{prefix}{f.name}"
            if key == "schema_version" or key in _FREE_TABLES:
                continue
            hint = hints[f.name]
            if dataclasses.is_dataclass(hint):
                walk(typing.cast(type, hint), key + ".")
            else:
                out[key] = hint

    walk(Settings, "")
    return out


def _is_free(key: str) -> bool:
    return any(key.startswith(t + ".") for t in _FREE_TABLES)


def _under(key: str, table: str) -> bool:
    return key.startswith(table + ".")


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, dotted + ".")
        else:
            yield dotted, value


def _get_path(obj: Any, key: str) -> Any:
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def _set_nested(table: dict[str, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        child = table.get(part)
        if not isinstance(child, dict):
            child = table[part] = {}
        table = child
    if value is None:
        table.pop(parts[-1], None)
    else:
        table[parts[-1]] = value


def _read_toml(path: Path) -> tuple[dict[str, Any] | None, str, str]:
    """Return (table, text, problem); a missing file is (None, "", "")."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, "", ""
    except OSError as exc:
        return None, "", f"{path}: cannot read: {exc.strerror or exc}"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, "", f"{path}: not UTF-8 text (byte {exc.start})"
    try:
        return tomllib.loads(text), text, ""
    except tomllib.TOMLDecodeError as exc:
        return None, text, f"{path}: not valid TOML: {exc}"


def _check_version(table: Mapping[str, Any], path: Path, state: _Merge) -> None:
    version = table.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        state.problems.append(f"{path}: schema_version must be a whole number")
    elif version > SCHEMA_VERSION:
        state.problems.append(
            f"{path}: written for settings version {version}, this belcoach knows "
            f"{SCHEMA_VERSION}; keys it does not know are ignored"
        )


def _line_of(text: str, dotted: str) -> int | None:
    """Line number (1-based) where ``dotted`` is set in TOML ``text``, if it can be found."""
    table = ""
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
    assign = re.compile(r"^\s*([A-Za-z0-9_.\-\"']+)\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if m := header.match(line):
            table = m.group(1).replace('"', "").replace("'", "")
            if table == dotted:
                return number
            continue
        if m := assign.match(line):
            key = m.group(1).replace('"', "").replace("'", "")
            full = f"{table}.{key}" if table else key
            if full == dotted or dotted.startswith(full + "."):
                return number
    return None


def _last_good(path: Path) -> Path:
    return path.with_name(path.name + ".last-good")


def _keep_last_good(path: Path, text: str) -> None:
    backup = _last_good(path)
    try:
        if not backup.exists() or backup.read_text(encoding="utf-8") != text:
            write_atomic(backup, text)
    except OSError as exc:  # a read-only config folder must not stop the app
        log.info("could not keep a last-good copy of %s: %s", path, exc)
