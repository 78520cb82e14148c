"""What several commands share: loading the layered settings once, with their problems.

The CLI is one of the composition roots (STYLE L5): each command reads the
settings once here and hands them to `belcoach.wiring`, which turns them (and
the command's flags, refused where IT locked a value) into plain values for
the engine, which never reads a settings file itself (STYLE S3).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from belcoach.core.settings import ResolvedSettings, load_settings
from belcoach.wiring.flags import CallFlags

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


class EchoedSettingsFilter(logging.Filter):
    """Drop the settings loader's problem warnings from the console log.

    The commands print each problem once as ``belcoach: warning: ...``; the
    log record would repeat it with a timestamp. With ``--verbose`` the log
    keeps everything.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False for the loader's warnings, True for everything else."""
        return not (record.name == SETTINGS_LOGGER and record.levelno == logging.WARNING)


def add_call_flags(parser: argparse.ArgumentParser, *, tuning: bool = True) -> None:
    """Add the call flags every call-running command takes, with no defaults.

    An unset flag takes its value from the settings (packaged default < IT
    policy < user file); a given flag wins for this run unless IT locked it,
    and then the command is refused before anything is opened
    (`belcoach.wiring.flags.refuse_locked`).

    Args:
        parser: the command's parser.
        tuning: also add ``--beam-size`` and ``--threads``.
    """
    parser.add_argument("--language", help="language of the call (default: setting call.language)")
    parser.add_argument("--model", help="model name or directory (default: setting model.name)")
    parser.add_argument(
        "--model-dir", type=Path, help="model directory searched first (default: model.directory)"
    )
    if tuning:
        parser.add_argument(
            "--beam-size", type=int, help="Whisper beam size (default: model.beam_size)"
        )
        parser.add_argument(
            "--threads", type=int, help="Whisper CPU threads (default: model.cpu_threads)"
        )
    parser.add_argument(
        "--redact",
        action="store_true",
        help="replace personal numbers (BSN, IBAN, phone, e-mail, postcode) in everything "
        "written; always on when the setting privacy.redact is",
    )


def call_flags(args: argparse.Namespace) -> CallFlags:
    """The call flags ``args`` holds (see `add_call_flags`)."""
    model_dir = getattr(args, "model_dir", None)
    return CallFlags(
        language=getattr(args, "language", None),
        model=getattr(args, "model", None),
        model_dir=Path(model_dir) if model_dir is not None else None,
        threads=getattr(args, "threads", None),
        beam_size=getattr(args, "beam_size", None),
        redact=bool(getattr(args, "redact", False)),
    )
