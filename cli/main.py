"""Entry point of the ``belcoach`` command: parses arguments, runs a command, explains errors.

Every command module exposes ``register(subparsers)`` which adds its parser
and sets ``func(args) -> int``. Errors derived from ``AppError`` are printed
as one line (``belcoach: error: ...``) with exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib.metadata import PackageNotFoundError, version

from belcoach.cli.common import EchoedSettingsFilter
from belcoach.core.errors import AppError


def _version() -> str:
    try:
        return version("belcoach")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every command registered."""
    from belcoach.cli import (
        analyze_cmd,
        calls_cmd,
        demo_cmd,
        devices_cmd,
        doctor_cmd,
        emotion_cmd,
        forget_cmd,
        live_cmd,
        models_cmd,
        qa_cmd,
        qt_check_cmd,
        replay_cmd,
        report_cmd,
        rules_cmd,
        settings_cmd,
        team_cmd,
    )

    parser = argparse.ArgumentParser(
        prog="belcoach",
        description="On-device call assist: local transcripts and coaching for phone calls.",
    )
    parser.add_argument("--version", action="version", version=f"belcoach {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    analyze_cmd.register(sub)
    models_cmd.register(sub)
    demo_cmd.register(sub)
    rules_cmd.register(sub)
    emotion_cmd.register(sub)
    settings_cmd.register(sub)
    doctor_cmd.register(sub)
    qt_check_cmd.register(sub)
    devices_cmd.register(sub)
    live_cmd.register(sub)
    calls_cmd.register(sub)
    report_cmd.register(sub)
    qa_cmd.register(sub)
    replay_cmd.register(sub)
    forget_cmd.register(sub)
    team_cmd.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:  # commands print settings problems once, as warnings
        for handler in logging.getLogger().handlers:
            handler.addFilter(EchoedSettingsFilter())
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except AppError as exc:
        print(f"belcoach: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("belcoach: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (``belcoach settings show | head``): not worth a
        # traceback; point stdout at devnull so the exit flush cannot fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
