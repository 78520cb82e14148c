"""``belcoach devices``: list audio devices, or show one input's level for a few seconds.

The list is what a person needs to fill in the two device settings: every input
(PulseAudio/PipeWire sources first on Linux, monitors marked as call audio) and
every output, with host API, default rate and channel count, defaults marked.
``--test NAME`` opens the input exactly as a live call would and draws a text level
meter, so "is this the right microphone?" is answered before the call.
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
import time

from belcoach.core.errors import ConfigError

METER_WIDTH = 40
METER_FLOOR_DB = -60.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``devices`` command."""
    p = sub.add_parser(
        "devices",
        help="list audio devices, or test one with a level meter",
        description=(
            "List audio inputs and outputs with host API and default rate. With --test NAME, "
            "show the level of that input for a few seconds."
        ),
    )
    p.add_argument("--test", metavar="NAME", help="show a level meter for this input")
    p.add_argument("--seconds", type=float, default=5.0, help="how long --test runs (default: 5)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach devices``."""
    from belcoach.audio.live import devices

    if args.test:
        if not 0 < args.seconds <= 600:
            raise ConfigError("--seconds must be between 0 and 600")
        return _meter(args.test, args.seconds)
    listed = devices.list_devices()
    print(devices.platform_summary())
    for kind in ("input", "output"):
        rows = [d for d in listed if d.kind == kind]
        print(f"\n{kind.capitalize()}s:" if rows else f"\nNo {kind}s.")
        for d in rows:
            marks = "".join(
                [" [default]" if d.is_default else "", " [call audio]" if d.loopback else ""]
            )
            print(f"  {d.label()}{marks}")
            print(
                f"      {d.host_api}, {d.default_rate:.0f} Hz, "
                f"{d.channels} channel{'s' if d.channels != 1 else ''}"
            )
    print(
        "\nUse a name (or a unique part of it) with belcoach live --agent-device / "
        "--customer-device, or in the settings."
    )
    return 0


def meter_bar(rms_db: float, peak: float) -> str:
    """A text meter such as ``[#########...........]  -23.4 dBFS  peak 0.41``."""
    frac = (max(rms_db, METER_FLOOR_DB) - METER_FLOOR_DB) / -METER_FLOOR_DB
    filled = round(frac * METER_WIDTH)
    bar = "#" * filled + "." * (METER_WIDTH - filled)
    clip = "  CLIP" if peak >= 0.999 else ""
    return f"[{bar}] {rms_db:6.1f} dBFS  peak {peak:4.2f}{clip}"


def _meter(name: str, seconds: float) -> int:
    """Open one input like a live call does and draw its level ~5 times a second."""
    from belcoach.audio.events import Event, LevelUpdate
    from belcoach.audio.live import ChannelSpec, LiveCallSource, devices
    from belcoach.audio.status import EngineStatus

    device = devices.find_input(name)  # a wrong name fails here, with the candidates
    print(f"Testing {device.label()} ({device.host_api}) for {seconds:g} s; speak or play sound.")
    tty = sys.stdout.isatty()
    problems: list[str] = []
    peak_db = -math.inf

    def on_event(event: Event) -> None:
        nonlocal peak_db
        if isinstance(event, LevelUpdate) and event.channel == "agent":
            peak_db = max(peak_db, event.rms_db)
            line = f"{event.t:5.1f} s {meter_bar(event.rms_db, event.peak)}"
            print(("\r" + line) if tty else line, end="" if tty else "\n", flush=True)
        elif isinstance(event, EngineStatus) and event.channel == "agent":
            problems.append(event.message)

    # The meter reuses the live source (same opening, same levels) with one side only.
    source = LiveCallSource(ChannelSpec(device.name), ChannelSpec(enabled=False), publish=on_event)
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    try:
        started = time.monotonic()
        for _ in source.blocks(stop):
            if time.monotonic() - started > seconds + 5:
                break
    finally:
        timer.cancel()
    if tty:
        print()
    for message in problems:
        print(f"belcoach: {message}", file=sys.stderr)
    if problems and peak_db == -math.inf:
        return 2
    verdict = (
        "no sound at all: wrong device, muted, or nothing played"
        if peak_db <= -90
        else f"loudest {peak_db:.1f} dBFS"
    )
    print(f"Done: {verdict}.")
    return 0
