"""``belcoach settings show | set | unset``: see every setting and where it comes from.

``show`` lists every key with its value, its origin (packaged default, IT
policy or the user's file), whether IT locked it and the file it came from;
``--json`` gives the same for scripts and fleet tools. ``set`` and ``unset``
change the user's file (atomically) and refuse a key IT locked, saying who
locked it and whom to ask.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Mapping
from typing import Any

from belcoach.cli.common import load_cli_settings
from belcoach.core.errors import ConfigError
from belcoach.core.settings import ResolvedSettings, SettingInfo, save_user_settings
from belcoach.wiring.flags import format_value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``settings`` command and its subcommands."""
    parser = sub.add_parser(
        "settings",
        help="show or change settings (IT policy locks are respected)",
        description=(
            "Show every setting with its origin, or change your own settings. "
            "Settings locked by the IT policy cannot be changed here."
        ),
    )
    parser.set_defaults(func=lambda _args: _print_help(parser))
    cmds = parser.add_subparsers(dest="settings_command", metavar="SUBCOMMAND")

    p_show = cmds.add_parser("show", help="every key, value, origin, lock and source file")
    p_show.add_argument("--json", action="store_true", help="machine-readable output")
    p_show.add_argument("key", nargs="?", help="only this key (or the keys under a table)")
    p_show.set_defaults(func=_cmd_show)

    p_set = cmds.add_parser(
        "set",
        help="change one of your settings",
        description=(
            "Set KEY to VALUE in your settings file. VALUE is written as in TOML: "
            "true/false, numbers, [lists]; text needs no quotes."
        ),
    )
    p_set.add_argument("key", help="dotted key, e.g. call.language or alerts.overtalk")
    p_set.add_argument("value", help="the new value")
    p_set.set_defaults(func=_cmd_set)

    p_unset = cmds.add_parser("unset", help="remove your value (back to policy/default)")
    p_unset.add_argument("key", help="dotted key")
    p_unset.set_defaults(func=_cmd_unset)


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    settings = load_cli_settings(warn=False)
    rows = [info for key, info in sorted_info(settings) if _selected(key, args.key)]
    if args.key and not rows:
        raise ConfigError(f"unknown setting {args.key!r} (see belcoach settings show)")
    if args.json:
        json.dump(settings_json(settings, rows), sys.stdout, indent=1, ensure_ascii=False)
        print()
        return 0
    print(f"policy:   {policy_line(settings)}")
    print(f"settings: {settings.user_path}")
    table = [("KEY", "VALUE", "ORIGIN", "SOURCE")]
    for info in rows:
        origin = info.origin + (" (locked)" if info.locked else "")
        table.append((info.key, format_value(info.value), origin, info.source or "-"))
    widths = [min(max(len(r[i]) for r in table), 40) for i in range(3)]
    for row in table:
        cells = [c.ljust(w) for c, w in zip(row[:3], widths, strict=True)]
        print("  ".join([*cells, row[3]]).rstrip())
    for problem in settings.problems:
        print(f"problem: {problem}")
    return 0


def _cmd_set(args: argparse.Namespace) -> int:
    settings = load_cli_settings()
    value = parse_value(settings, args.key, args.value)
    if args.key.startswith("analysis."):
        _check_analysis(settings, args.key, value)
    new = save_user_settings(settings, {args.key: value})
    _print_now(new, args.key)
    return 0


def _cmd_unset(args: argparse.Namespace) -> int:
    settings = load_cli_settings()
    if args.key not in settings.info and not args.key.startswith("analysis."):
        raise ConfigError(f"unknown setting {args.key!r} (see belcoach settings show)")
    new = save_user_settings(settings, {args.key: None})
    _print_now(new, args.key)
    return 0


def _print_now(settings: ResolvedSettings, key: str) -> None:
    info = settings.info.get(key)
    if info is None:  # an analysis key or table that is now gone
        print(f"{key} removed from {settings.user_path}")
        return
    where = f", {info.source}" if info.source else ""
    print(f"{key} = {format_value(info.value)} ({info.origin}{where})")


def parse_value(settings: ResolvedSettings, key: str, text: str) -> Any:
    """Turn the text typed on the command line into a setting's value.

    Text settings take the text as it is (``sv``, ``C:\\calls``); every other
    setting reads it as a TOML value (``true``, ``14``, ``0.8``, ``["a", "b"]``),
    so a typo such as ``ture`` is refused with the type it needed rather than
    stored as text.

    Raises:
        ConfigError: the key is unknown or the text is not a value.
    """
    info = settings.info.get(key)
    if info is None and not key.startswith("analysis."):
        raise ConfigError(f"unknown setting {key!r} (see belcoach settings show)")
    if info is not None and isinstance(info.default, str):
        return text
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        if info is None:  # free-form analysis keys: plain words are text
            return text
        raise ConfigError(
            f"setting {key!r}: {text!r} is not a value (write true/false, a number or a [list])"
        ) from None


def _check_analysis(settings: ResolvedSettings, key: str, value: Any) -> None:
    """Let the analysers validate an ``analysis.*`` change before it is written."""
    from belcoach.audio.analysis.defaults import default_analysers

    table = _nested_copy(settings.values.analysis)
    node = table
    *parents, leaf = key.split(".")[1:]
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[leaf] = value
    default_analysers(settings.values.call.language, table)


def _nested_copy(table: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _nested_copy(v) if isinstance(v, Mapping) else v for k, v in table.items()}


def _selected(key: str, wanted: str | None) -> bool:
    return wanted is None or key == wanted or key.startswith(wanted + ".")


def sorted_info(settings: ResolvedSettings) -> list[tuple[str, SettingInfo]]:
    """Schema keys in schema order, then the free-form ``analysis.*`` keys sorted."""
    schema = [(k, i) for k, i in settings.info.items() if not k.startswith("analysis.")]
    free = sorted((k, i) for k, i in settings.info.items() if k.startswith("analysis."))
    return schema + free


def policy_line(settings: ResolvedSettings) -> str:
    """One line on the policy file: where, and whether it is in force."""
    path = settings.policy_path
    if settings.policy_loaded:
        contact = f"; contact: {settings.contact}" if settings.contact else ""
        return f"{path} (in force{contact})"
    if any(p.startswith(str(path)) for p in settings.problems):
        return f"{path} (CANNOT BE READ: safe defaults locked, see problems)"
    return f"{path} (none: no machine policy)"


def settings_json(settings: ResolvedSettings, rows: list[SettingInfo]) -> dict[str, Any]:
    """The JSON form of ``settings show`` (also used by ``doctor --json``)."""
    return {
        "policy": {
            "path": str(settings.policy_path),
            "loaded": settings.policy_loaded,
            "contact": settings.contact,
        },
        "user_settings": str(settings.user_path),
        "problems": list(settings.problems),
        "settings": [
            {
                "key": info.key,
                "value": _jsonable(info.value),
                "default": _jsonable(info.default),
                "origin": info.origin,
                "locked": info.locked,
                "lock_reason": settings.lock_reason(info.key),
                "source": info.source,
            }
            for info in rows
        ],
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value
