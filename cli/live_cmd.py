"""``belcoach live``: run the engine on live devices, headless.

Transcripts and device messages go to the terminal as they happen; ``--events``
writes every event as JSON Lines (``-`` = stdout). Ctrl-C (or ``--duration``) ends
the call cleanly: the engine finishes what it heard and publishes ``call_ended``.
A second Ctrl-C aborts at once.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING

from belcoach.audio.events import DeviceBack, EngineStatus, Event, StatusLevel, Transcript
from belcoach.audio.jsonl import JsonlWriter
from belcoach.cli.common import add_call_flags, call_flags, load_cli_settings
from belcoach.cli.live_print import transcript_line
from belcoach.cli.summary import format_summary
from belcoach.core.errors import ConfigError

if TYPE_CHECKING:
    from belcoach.audio.bus import Subscriber
    from belcoach.audio.live import LiveCallSource


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``live`` command."""
    p = sub.add_parser(
        "live",
        help="coach a live call from the microphone and the call audio",
        description=(
            "Capture the agent's microphone and the call audio (the softphone's output) as "
            "two channels and run the engine on them. Devices by name: see belcoach devices. "
            "Ctrl-C ends the call. Nothing leaves this PC."
        ),
    )
    p.add_argument("--agent-device", metavar="NAME", help="agent microphone (default: system)")
    p.add_argument(
        "--customer-device",
        metavar="NAME",
        help="call audio: an output's monitor/loopback (default: the default output's)",
    )
    p.add_argument(
        "--agent-channel", type=int, metavar="N", help="device channel of the agent (1-based)"
    )
    p.add_argument(
        "--customer-channel", type=int, metavar="N", help="device channel of the customer"
    )
    p.add_argument("--events", help="write events as JSON Lines here ('-' = stdout)")
    p.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    add_call_flags(p)
    p.set_defaults(func=run)


def _column(value: int | None, flag: str) -> int | None:
    if value is None:
        return None
    if value < 1:
        raise ConfigError(f"{flag} counts from 1")
    return value - 1


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach live``."""
    from pathlib import Path

    from belcoach.audio.jobs.run import load_transcriber, run_call
    from belcoach.audio.live import check_devices, open_live
    from belcoach.wiring.call import plan_call

    # Settings, IT's locks and the flags first: a refused flag opens no device.
    plan = plan_call(load_cli_settings(), call_flags(args))
    if args.duration is not None and args.duration <= 0:
        raise ConfigError("--duration must be positive")
    agent_col = _column(args.agent_channel, "--agent-channel")
    customer_col = _column(args.customer_channel, "--customer-channel")
    # A wrong device name fails here, before the model loads.
    agent, customer = check_devices(args.agent_device, args.customer_device)
    for role, dev in (("agent", agent), ("call audio", customer)):
        print(
            f"belcoach: {role}: {dev.label() + ' (' + dev.host_api + ')' if dev else 'none'}",
            file=sys.stderr,
        )
    transcriber = load_transcriber(plan.model, plan.language)
    sources: list[LiveCallSource] = []

    def open_source(publish: Subscriber) -> LiveCallSource:
        sources.append(
            open_live(
                agent_device=agent.name if agent else args.agent_device,
                customer_device=customer.name if customer else args.customer_device,
                agent_column=agent_col,
                customer_column=customer_col,
                publish=publish,
            )
        )
        return sources[0]

    to_stdout = args.events == "-"
    writer = JsonlWriter(sys.stdout if to_stdout else Path(args.events)) if args.events else None
    everything: list[Event] = []

    def on_event(event: Event) -> None:
        if event.type != "level":
            everything.append(event)
        if writer is not None:
            writer(event)
        if to_stdout:
            return
        if isinstance(event, Transcript) and event.final:
            print(transcript_line(event), flush=True)
        elif isinstance(event, EngineStatus) and (
            event.level != StatusLevel.INFO or isinstance(event, DeviceBack)
        ):
            print(f"belcoach: {event.message}", file=sys.stderr, flush=True)

    stop = threading.Event()
    timer = threading.Timer(args.duration, stop.set) if args.duration else None
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        print("\nbelcoach: ending the call (Ctrl-C again to abort)", file=sys.stderr)
        stop.set()
        signal.signal(signal.SIGINT, previous)

    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        signal.signal(signal.SIGINT, on_sigint)
    if timer is not None:
        timer.start()
    print("belcoach: live; Ctrl-C ends the call", file=sys.stderr)
    try:
        engine = run_call(
            open_source,
            transcriber,
            model_name=plan.model.name,
            paced=True,
            # the terminal, --events and the summary alike: redacted when the policy says so
            subscribers=[plan.output(on_event)],
            analysis_settings=plan.analysis,
            stop=stop,
        )
    finally:
        if timer is not None:
            timer.cancel()
        if in_main:
            signal.signal(signal.SIGINT, previous)
        if writer is not None:
            writer.close()
    summary = format_summary(everything)
    if summary and not to_stdout:
        print()
        print(summary)
    figures = sources[0].stats() if sources else {}
    print(
        f"belcoach: {engine.stats['audio_seconds']:.1f} s live; "
        + "; ".join(
            f"{role}: {int(f['dropped_blocks'])} dropped, {int(f['reconnects'])} reconnects"
            for role, f in figures.items()
        ),
        file=sys.stderr,
    )
    return 0
