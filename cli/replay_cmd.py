"""``belcoach replay [CALL]``: open the coach's replay window.

CALL is a call folder, a call id (or the start of one) in the library, or an
``events.jsonl``; without it the window opens on the call library.
"""

from __future__ import annotations

import argparse
import sys

from belcoach.cli.calls_cmd import add_library_option, library_plan, stored_call


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``replay`` command."""
    p = sub.add_parser(
        "replay",
        help="replay a call with its timeline, transcript and notes",
        description="Open the coach's replay window.",
    )
    p.add_argument("call", nargs="?", help="call folder, call id, or events.jsonl")
    p.add_argument("--mute", action="store_true", help="play without sound")
    add_library_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach replay``."""
    from belcoach.cli.common import load_cli_settings
    from belcoach.wiring.library import open_library
    from belcoach.wiring.qa import plan_qa_card

    settings = load_cli_settings()
    plan = library_plan(args, settings)
    library = open_library(plan)
    path = stored_call(args.call, plan) if args.call else None
    from PySide6.QtWidgets import QApplication

    from belcoach.desktop.replay.window import ReplayWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("belcoach")
    window = ReplayWindow(
        path,
        library=library,
        player_output="none" if args.mute else "auto",
        qa_card=plan_qa_card(settings),
        settings=settings,
    )
    window.show()
    return int(app.exec())
