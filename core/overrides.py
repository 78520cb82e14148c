"""Apply a nested mapping of overrides (from a TOML file) onto a frozen config dataclass.

Every tunable part of belcoach (analyser thresholds, norms, model choice ...)
is a frozen dataclass whose defaults come from code or from the packaged
``seeds/`` data. User settings and the IT policy are TOML tables with the same
shape; ``apply_overrides`` lays such a table over a config value and returns a
new one. Unknown keys and values of the wrong type raise ``ConfigError`` naming
the dotted key and where it came from, so a bad file is explained, never
half-applied.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from belcoach.core.errors import ConfigError

T = TypeVar("T")


def apply_overrides(
    config: T, overrides: Mapping[str, Any], *, origin: str = "", prefix: str = ""
) -> T:
    """Return ``config`` with the values in ``overrides`` replaced, checked by type.

    Args:
        config: a dataclass instance (frozen or not); nested dataclass fields
            take nested tables.
        overrides: e.g. ``{"overtalk": {"min_overlap": 0.8}}``.
        origin: where the values came from (a file path), for error messages.
        prefix: dotted path of ``config`` inside the whole settings tree.

    Returns:
        A new instance; ``config`` itself is never changed.

    Raises:
        ConfigError: an unknown key, or a value of the wrong type.
    """
    if not dataclasses.is_dataclass(config) or isinstance(config, type):
        raise TypeError(f"apply_overrides needs a dataclass instance, not {config!r}")
    hints = typing.get_type_hints(type(config))
    fields = {f.name: f for f in dataclasses.fields(config) if f.init}
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{_where(origin)}unknown setting {dotted!r} (known here: {known})")
        current = getattr(config, key)
        if dataclasses.is_dataclass(current) and not isinstance(current, type):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{_where(origin)}setting {dotted!r} must be a table")
            changes[key] = apply_overrides(current, value, origin=origin, prefix=dotted)
        else:
            changes[key] = coerce(value, hints[key], dotted=dotted, origin=origin)
    return dataclasses.replace(config, **changes)


def coerce(value: Any, hint: Any, *, dotted: str, origin: str = "") -> Any:
    """Check ``value`` against a type hint; TOML is looser (int → float, list → tuple).

    Raises:
        ConfigError: the value does not fit the hint.
    """
    origin_type = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return value
    if origin_type in (types.UnionType, typing.Union):
        for arg in args:
            if arg is type(None) and value is None:
                return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return coerce(value, arg, dotted=dotted, origin=origin)
            except ConfigError as exc:
                errors.append(exc)
        raise errors[0] if errors else _bad(value, hint, dotted, origin)
    if origin_type is typing.Literal:
        if value in args:
            return value
        choices = ", ".join(repr(a) for a in args)
        raise ConfigError(
            f"{_where(origin)}setting {dotted!r} must be one of {choices}, not {value!r}"
        )
    if origin_type in (tuple, list, frozenset, set):
        if not isinstance(value, list | tuple):
            raise _bad(value, hint, dotted, origin)
        item_hint = args[0] if args else Any
        items = [
            coerce(v, item_hint, dotted=f"{dotted}[{i}]", origin=origin)
            for i, v in enumerate(value)
        ]
        return (origin_type or tuple)(items)
    if origin_type in (dict, Mapping) or hint in (dict, Mapping):
        if not isinstance(value, Mapping):
            raise _bad(value, hint, dotted, origin)
        return dict(value)
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise _bad(value, hint, dotted, origin)
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise _bad(value, hint, dotted, origin)
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _bad(value, hint, dotted, origin)
    if hint is str:
        if isinstance(value, str):
            return value
        raise _bad(value, hint, dotted, origin)
    if isinstance(hint, type) and isinstance(value, hint):
        return value
    if isinstance(hint, type) and issubclass(hint, str) and isinstance(value, str):
        try:
            return hint(value)  # StrEnum
        except ValueError as exc:
            raise _bad(value, hint, dotted, origin) from exc
    raise _bad(value, hint, dotted, origin)


def _where(origin: str) -> str:
    return f"{origin}: " if origin else ""


def _bad(value: Any, hint: Any, dotted: str, origin: str) -> ConfigError:
    name = getattr(hint, "__name__", None) or str(hint)
    return ConfigError(
        f"{_where(origin)}setting {dotted!r} must be {name}, not {type(value).__name__} {value!r}"
    )
