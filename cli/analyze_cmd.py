"""``belcoach analyze``: run the engine on a recorded call and write its events.

Prints the transcript (both sides, by time) to stdout, shows a progress bar on
stderr, and with ``--events`` writes every event as JSON Lines.

Language and model (name, directory, threads, beam size) come from the
layered settings unless a flag gives them for this run; a flag that
contradicts a setting IT locked is refused. The settings' ``[analysis]`` table
goes to the analysers as plain values. Settings problems are printed as
warnings on stderr, and the run goes on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from belcoach.audio.events import Event, Transcript
from belcoach.audio.jsonl import JsonlWriter
from belcoach.cli import batch_cmd
from belcoach.cli.common import add_call_flags, call_flags, load_cli_settings
from belcoach.cli.live_print import transcript_line
from belcoach.cli.summary import format_summary
from belcoach.core.errors import ConfigError

if TYPE_CHECKING:
    from belcoach.audio.engine.sources import FileCallSource


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``analyze`` command."""
    p = sub.add_parser(
        "analyze",
        help="transcribe and analyse a recorded call",
        description=(
            "Analyse a recorded call: a stereo file (left = agent, right = customer) "
            "or two mono files. Nothing leaves this PC."
        ),
    )
    p.add_argument(
        "call",
        nargs="*",
        type=Path,
        help="stereo call file (WAV/FLAC/OGG/MP3); several files or folders: batch",
    )
    p.add_argument("--demo", action="store_true", help="analyse the embedded demo call")
    p.add_argument("--agent", type=Path, help="mono file with the agent's side")
    p.add_argument("--customer", type=Path, help="mono file with the customer's side")
    p.add_argument(
        "--agent-channel",
        choices=("left", "right"),
        default="left",
        help="which channel of a stereo file is the agent (default: left)",
    )
    p.add_argument("--events", type=Path, help="write events as JSON Lines here ('-' = stdout)")
    p.add_argument("--realtime", action="store_true", help="pace the audio like a live call")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_call_flags(p)
    batch_cmd.add_arguments(p)
    p.set_defaults(func=run)


def _source(args: argparse.Namespace) -> FileCallSource:
    from belcoach.audio.engine.sources import open_call

    if args.demo:
        if args.call or args.agent or args.customer:
            raise ConfigError("--demo takes no call file")
        from belcoach.demo import demo_call_path

        return open_call(demo_call_path(), realtime=args.realtime)
    if args.call is None and not (args.agent or args.customer):
        raise ConfigError("give a call file, --agent A --customer C, or --demo")
    return open_call(
        args.call,
        agent=args.agent,
        customer=args.customer,
        agent_channel=0 if args.agent_channel == "left" else 1,
        realtime=args.realtime,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach analyze``."""
    from belcoach.wiring.call import plan_call
    from belcoach.wiring.library import refuse_foreign_inputs
    from belcoach.wiring.qa import plan_qa_card

    settings = load_cli_settings()
    batch = batch_cmd.wants_batch(args)
    # Many calls at once: nobody waits for the words, so the offline profile
    # (model.offline_decoding); one call keeps the live words of `live`/replay.
    plan = plan_call(settings, call_flags(args), offline=batch)
    # a recorded call in another OS account's library is refused here too
    refuse_foreign_inputs(
        plan.recording, [*(Path(c) for c in args.call or ()), args.agent, args.customer]
    )
    if batch:
        return batch_cmd.run(args, plan, qa_card=plan_qa_card(settings))
    args.call = args.call[0] if args.call else None
    from belcoach.audio.jobs.run import load_transcriber, run_call

    source = _source(args)  # fails fast on a bad file, before the model loads
    show_bar = not args.quiet
    transcriber = load_transcriber(plan.model, plan.language)

    to_stdout = args.events is not None and str(args.events) == "-"
    writer = JsonlWriter(sys.stdout if to_stdout else args.events) if args.events else None
    committed: list[Transcript] = []
    everything: list[Event] = []
    total = source.duration or 0.0
    bar = tqdm(
        total=round(total, 1),
        unit="s",
        desc=f"{source.description}",
        disable=not show_bar,
        file=sys.stderr,
        bar_format=(
            "{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s audio [{elapsed}<{remaining}]"
        ),
    )

    def on_event(event: Event) -> None:
        everything.append(event)
        if writer is not None:
            writer(event)
        if isinstance(event, Transcript) and event.final:
            committed.append(event)
            if args.realtime and not to_stdout:
                tqdm.write(transcript_line(event), file=sys.stdout)

    def on_progress(t: float) -> None:
        # tqdm throttles update() to a few redraws a second
        step = round(min(t, total), 1) - bar.n
        if step > 0:
            bar.update(step)

    sink = plan.output(on_event)  # the transcript, the summary and --events alike
    try:
        engine = run_call(
            source,
            transcriber,
            model_name=plan.model.name,
            paced=args.realtime,
            analysis_settings=plan.analysis,
            subscribers=[sink],
            on_progress=on_progress,
        )
    finally:
        bar.close()
        if writer is not None:
            writer.close()
    if not args.realtime and not to_stdout:
        for event in sorted(committed, key=lambda e: e.t):
            print(transcript_line(event))
    summary = format_summary(everything)
    if summary and not to_stdout:
        print()
        print(summary)
    stats = engine.stats
    audio, wall = stats["audio_seconds"], stats["wall_seconds"]
    print(
        f"belcoach: {audio:.1f} s of audio in {wall:.1f} s "
        f"({audio / wall if wall else 0:.1f}x real time), {len(committed)} utterances",
        file=sys.stderr,
    )
    return 0
