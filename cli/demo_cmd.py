"""``belcoach demo`` and ``belcoach app``: the desktop overlay, with the demo call or live.

``demo`` plays the embedded Dutch demo call through the real engine, paced
like a live call, so a new user sees every feature without a phone. With no
display it says so and prints the live events in the terminal instead.
``app`` starts the desktop app for real calls (overlay, tray icon, start/stop).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from belcoach.core.errors import ConfigError

if TYPE_CHECKING:
    from belcoach.core.settings import ResolvedSettings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``demo`` and ``app`` commands."""
    demo = sub.add_parser(
        "demo",
        help="show the overlay on the embedded demo call",
        description=(
            "Play the embedded Dutch demo call through the engine in real time and show "
            "the live overlay. Without a display, print the live events instead."
        ),
    )
    demo.add_argument(
        "--speed", type=float, default=1.0, help="audio seconds per second (default: 1)"
    )
    demo.add_argument(
        "--screenshot",
        type=Path,
        help="save a PNG of the overlay --after seconds into the call, then quit "
        "(with --quit-at-end: play on to the end)",
    )
    demo.add_argument(
        "--after",
        type=float,
        default=45.0,
        help="call seconds before the screenshot is taken (default: 45)",
    )
    demo.add_argument("--quit-at-end", action="store_true", help="quit when the call ends")
    demo.add_argument(
        "--terminal", action="store_true", help="print live events instead of showing a window"
    )
    demo.set_defaults(func=run_demo)
    app = sub.add_parser(
        "app",
        help="start the desktop app: overlay and tray icon for live calls",
        description="Start belcoach's overlay and tray icon; start a call from either.",
    )
    app.add_argument(
        "--start", action="store_true", help="start a call at once (live devices from the settings)"
    )
    app.set_defaults(func=run_app_cmd)


def run_demo(args: argparse.Namespace) -> int:
    """Run ``belcoach demo``."""
    if not 0.1 <= args.speed <= 20:
        raise ConfigError(f"--speed must be between 0.1 and 20, not {args.speed:g}")
    if args.after < 0:
        raise ConfigError("--after must not be negative")
    from belcoach.cli.common import load_cli_settings
    from belcoach.desktop.app import has_display

    settings = load_cli_settings()
    _refuse_locked_language(settings)
    subscribers = []
    if args.terminal or not has_display():
        if not args.terminal:
            print(
                "belcoach: no display found (DISPLAY/WAYLAND_DISPLAY unset); "
                "printing the live events here instead of showing the overlay"
                + (
                    " (the overlay is drawn offscreen for the screenshot)"
                    if args.screenshot
                    else ""
                ),
                file=sys.stderr,
            )
        if args.screenshot is None:
            return _run_in_terminal(args.speed, settings)
        # A screenshot without a display: draw the overlay offscreen and print too.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from belcoach.cli.live_print import LivePrinter

        subscribers.append(LivePrinter())
    from belcoach.desktop.app import AppOptions, run_app

    options = AppOptions(
        demo=True,
        speed=args.speed,
        autostart=True,
        screenshot=args.screenshot,
        after=args.after,
        quit_at_end=args.quit_at_end,
        settings=settings,
    )
    return run_app(options, subscribers=subscribers)


DEMO_LANGUAGE = "nl"
"""The embedded demo call is Dutch."""


def _refuse_locked_language(settings: ResolvedSettings) -> None:
    """The demo call is Dutch: say so when IT locked another language, before anything opens.

    Raises:
        ConfigError: ``call.language`` is locked to another language.
    """
    from belcoach.wiring.flags import refuse_if_locked

    refuse_if_locked(settings, "call.language", "the demo call's language", DEMO_LANGUAGE)


def run_app_cmd(args: argparse.Namespace) -> int:
    """Run ``belcoach app``."""
    from belcoach.desktop.app import AppOptions, has_display, run_app

    if not has_display():
        raise ConfigError("the overlay needs a display (DISPLAY/WAYLAND_DISPLAY is unset)")
    return run_app(AppOptions(autostart=bool(getattr(args, "start", False))))


def _run_in_terminal(speed: float, settings: ResolvedSettings) -> int:
    from belcoach.audio.jobs.session import CallSession, TranscriberCache
    from belcoach.cli.live_print import LivePrinter
    from belcoach.desktop.app import demo_source_factory
    from belcoach.wiring.call import plan_call
    from belcoach.wiring.flags import CallFlags
    from belcoach.wiring.library import open_library, recorder_factory

    plan = plan_call(settings, CallFlags(language=DEMO_LANGUAGE))
    recording = None
    if plan.recording.enabled:  # the demo is recorded like a live call when recording is on
        recording = recorder_factory(open_library(plan.recording), plan.recording, origin="demo")
    session = CallSession(
        demo_source_factory(speed=speed),
        plan.session_config(recording=recording),
        transcribers=TranscriberCache(),
        subscribers=[LivePrinter()],
    )
    session.start()
    try:
        while not session.join(0.5):
            pass
    except KeyboardInterrupt:
        session.stop()
        session.join()
        raise
    if session.error is not None:
        from belcoach.core.errors import AppError

        if isinstance(session.error, AppError):
            raise session.error
        return 1
    return 0
