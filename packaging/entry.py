"""The packaged build's entry point: ``belcoach`` (console) and ``belcoach-app`` (windowed).

Both executables run this script; they differ only in their name and in
whether Windows/macOS give them a console. ``belcoach-app`` without arguments
starts the desktop app (the command the overlay registers: ``app`` when it
exists, else ``demo``); ``belcoach`` is the full command line.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

GUI_COMMANDS = ("app", "demo")
"""What the windowed launcher runs when started without arguments, first that exists."""


def _gui_default(argv: list[str]) -> list[str]:
    if argv or not Path(sys.executable).stem.lower().endswith("-app"):
        return argv
    from belcoach.cli.main import build_parser

    commands: set[str] = set()
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands.update(action.choices)
    for name in GUI_COMMANDS:
        if name in commands:
            return [name]
    return ["--help"]


if __name__ == "__main__":
    # A frozen program that starts child processes must call this first, or
    # each child would run the whole app again (Windows, macOS spawn).
    multiprocessing.freeze_support()
    from belcoach.cli.main import main

    sys.exit(main(_gui_default(sys.argv[1:])))
