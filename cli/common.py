"""What several commands share: loading the layered settings once and showing values.

The CLI is one of the composition roots (STYLE L5): it reads the settings
files through ``belcoach.core.settings`` and hands plain values to the engine,
which never reads a settings file itself (STYLE S3).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from belcoach.core.errors import ConfigError
from belcoach.core.settings import ResolvedSettings, load_settings

if TYPE_CHECKING:
    from belcoach.audio.jobs.run import ModelChoice

SETTINGS_LOGGER = "belcoach.core.settings"
"""The settings loader logs each problem; the CLI prints them itself (see ``main``)."""


def load_cli_settings(*, warn: bool = True) -> ResolvedSettings:
    """Read the IT policy and the user's settings; print their problems as warnings.

    Bad files never stop a command: each problem is one line on stderr
    (``belcoach: warning: FILE:LINE: ...``) and the rest of the settings apply.

    Args:
        warn: print the problems on stderr (``doctor`` and ``settings show``
            list them in their own output instead).
    """
    settings = load_settings()
    if warn:
        for problem in settings.problems:
            print(f"belcoach: warning: {problem}", file=sys.stderr)
    return settings


def refuse_if_locked(settings: ResolvedSettings, key: str, flag: str, wanted: Any) -> None:
    """Refuse a command-line flag that contradicts a setting IT locked.

    A flag wins over the user's settings for one run, but a lock is IT's
    decision for the machine (a CPU budget, an approved model): a flag that
    differs from a locked value is an error that names the lock, never
    silently ignored and never silently obeyed.

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


class EchoedSettingsFilter(logging.Filter):
    """Drop the settings loader's problem warnings from the console log.

    The commands print each problem once as ``belcoach: warning: ...``; the
    log record would repeat it with a timestamp. With ``--verbose`` the log
    keeps everything.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False for the loader's warnings, True for everything else."""
        return not (record.name == SETTINGS_LOGGER and record.levelno == logging.WARNING)


def model_choice(
    settings: ResolvedSettings,
    *,
    model: str | None = None,
    model_dir: Path | None = None,
    threads: int | None = None,
    beam_size: int | None = None,
) -> ModelChoice:
    """The Whisper model to load: each flag given wins, else the setting ``model.*``.

    Raises:
        ConfigError: threads or beam size below 1.
    """
    from belcoach.audio.jobs.run import ModelChoice

    values = settings.values.model
    threads = values.cpu_threads if threads is None else threads
    beam = values.beam_size if beam_size is None else beam_size
    if beam < 1 or threads < 1:
        raise ConfigError(
            f"beam size ({beam}) and threads ({threads}) must be at least 1 "
            "(--beam-size/--threads, settings model.beam_size/model.cpu_threads)"
        )
    if model_dir is None and values.directory:
        model_dir = Path(values.directory).expanduser()
    return ModelChoice(
        name=model or values.name, admin_dir=model_dir, cpu_threads=threads, beam_size=beam
    )
