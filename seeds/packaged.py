"""Reading the seed files packaged with belcoach, with one wording for what is wrong.

The tips, the speech norms, the hallucination phrases and the emotion tables
are TOML files inside ``belcoach.seeds``; each loader also takes the text
itself, so tests can hand in a broken file. A file that cannot be read or is
not TOML raises the loader's error naming the file, so the message points a
person at what to open.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from belcoach.core.errors import AppError, RuleError

PACKAGE = "belcoach.seeds"


def packaged_text(*parts: str, error: type[AppError] = RuleError) -> str:
    """The text of the file at ``parts`` under ``belcoach.seeds``.

    Raises:
        AppError: (``error``) the file is missing or not UTF-8.
    """
    try:
        return resources.files(PACKAGE).joinpath(*parts).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"seeds/{'/'.join(parts)}: cannot read ({exc})") from exc


def is_packaged(*parts: str) -> bool:
    """True when ``belcoach.seeds`` holds a file at ``parts``."""
    return resources.files(PACKAGE).joinpath(*parts).is_file()


def load_toml(
    *parts: str,
    text: str | None = None,
    origin: str | None = None,
    error: type[AppError] = RuleError,
) -> dict[str, Any]:
    """Parse the packaged TOML file at ``parts`` (or ``text`` standing in for it).

    Args:
        parts: the path under ``belcoach.seeds``, e.g. ``("emotion", "hints.toml")``.
        text: the file's text, for tests; read from the package when None.
        origin: how messages name the file (default ``seeds/<parts>``).
        error: the loader's error type.

    Raises:
        AppError: (``error``) the file cannot be read or is not valid TOML.
    """
    where = origin or f"seeds/{'/'.join(parts)}"
    if text is None:
        text = packaged_text(*parts, error=error)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{where}: not valid TOML ({exc})") from exc
