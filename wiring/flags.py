"""What a command line asked for, and the refusal of a flag that contradicts IT's lock.

A flag wins over the user's settings for one run, but a lock is IT's decision
for the machine (a CPU budget, an approved model, a language, redaction): a
flag that differs from a locked value is an error that names the lock, never
silently ignored and never silently obeyed. The refusal comes first, before a
device or a model is opened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from belcoach.core.errors import ConfigError
from belcoach.core.settings import ResolvedSettings


@dataclass(frozen=True, slots=True)
class CallFlags:
    """The call options given on a command line (None: not given, the settings decide).

    Attributes:
        language: ``--language``.
        model: ``--model`` (a registered name or a directory).
        model_dir: ``--model-dir``, the IT-supplied model folder.
        threads: ``--threads``, Whisper's CPU threads.
        beam_size: ``--beam-size``.
        redact: ``--redact``: can only add redaction, never remove it, so no lock
            refuses it (a policy that locks ``privacy.redact`` off leaves
            redaction optional; it cannot forbid it).
    """

    language: str | None = None
    model: str | None = None
    model_dir: Path | None = None
    threads: int | None = None
    beam_size: int | None = None
    redact: bool = False

    def wanted(self) -> tuple[tuple[str, str, Any], ...]:
        """(setting key, flag, value) for every flag given."""
        rows: tuple[tuple[str, str, Any], ...] = (
            ("call.language", "--language", self.language),
            ("model.name", "--model", self.model),
            (
                "model.directory",
                "--model-dir",
                None if self.model_dir is None else str(self.model_dir),
            ),
            ("model.cpu_threads", "--threads", self.threads),
            ("model.beam_size", "--beam-size", self.beam_size),
        )
        return tuple(row for row in rows if row[2] is not None)


def refuse_locked(settings: ResolvedSettings, flags: CallFlags) -> None:
    """Refuse every flag in ``flags`` that contradicts a setting IT locked.

    Raises:
        ConfigError: the first such flag, naming the lock and its reason.
    """
    for key, flag, wanted in flags.wanted():
        refuse_if_locked(settings, key, flag, wanted)


def refuse_if_locked(settings: ResolvedSettings, key: str, flag: str, wanted: Any) -> None:
    """Refuse one flag value that contradicts the locked setting ``key``.

    Raises:
        ConfigError: ``key`` is locked and ``wanted`` differs from its value.
    """
    if wanted is None or not settings.locked(key):
        return
    if wanted != settings.get(key):
        raise ConfigError(
            f"{flag} {format_value(wanted)} conflicts with setting {key!r} = "
            f"{format_value(settings.get(key))}, {settings.lock_reason(key)}"
        )


def format_value(value: Any) -> str:
    """Show a setting's value the way it is written in a TOML file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {format_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    return str(value)
