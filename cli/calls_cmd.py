"""``belcoach calls``: the coach's call library from the command line.

``list`` shows the calls (newest first, interrupted ones included; ``--mine``
only those recorded under your OS login), ``import``
analyses a recorded call with the same engine and adds it (progress bar,
Ctrl-C cancels and adds nothing; ``privacy.redact``/``--redact`` and
``recording.encrypt`` apply as to a live call), ``prune`` applies the
retention period, ``delete`` removes one call, ``export`` writes a
decrypted copy (FLAC + events) for handing a call over (logged in the access
log first) and ``access-log`` prints who opened which call (`access_cmd`).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from belcoach.audio.calls.library import CallLibrary
from belcoach.cli.common import add_call_flags, call_flags, load_cli_settings
from belcoach.core.errors import ConfigError
from belcoach.core.settings import ResolvedSettings
from belcoach.wiring.flags import refuse_if_locked

if TYPE_CHECKING:
    from belcoach.wiring.library import RecordingPlan


def add_library_option(p: argparse.ArgumentParser) -> None:
    """``--library DIR``: which library (default: ``recording.storage_dir`` or the data dir)."""
    p.add_argument(
        "--library",
        type=Path,
        metavar="DIR",
        help="call library folder (default: the recording.storage_dir setting)",
    )


def library_plan(
    args: argparse.Namespace, settings: ResolvedSettings | None = None, *, writes: bool = False
) -> RecordingPlan:
    """The library ``args`` names (``--library`` or the settings), with the privacy in force.

    Args:
        args: the command's arguments (``--library``, ``--redact`` when it has them).
        settings: the settings the command read (read here when not given).
        writes: the command adds calls: a ``--library`` elsewhere than a locked
            ``recording.storage_dir`` is refused.

    Raises:
        ConfigError: ``--library`` contradicts a locked storage folder (``writes``);
        ForeignLibraryError: the library belongs to another OS account and is
            not the shared one the IT policy names.
    """
    from belcoach.wiring.library import plan_library, refuse_foreign_library

    settings = settings if settings is not None else load_cli_settings()
    root = Path(args.library) if getattr(args, "library", None) else None
    if writes and root is not None:
        refuse_if_locked(settings, "recording.storage_dir", "--library", str(root))
    plan = plan_library(settings, root=root, redact=bool(getattr(args, "redact", False)))
    refuse_foreign_library(plan)
    return plan


def stored_call(spec: str, plan: RecordingPlan) -> Path:
    """The call CALL names (`resolve_call`), refused when it lies in another account's library.

    Raises:
        AppError: no such call; ForeignLibraryError: the call folder given by
            path is in a library another OS account owns (not IT's shared one).
    """
    from belcoach.audio.calls.library import resolve_call
    from belcoach.wiring.library import refuse_foreign_call

    path = resolve_call(spec, root=plan.root)
    refuse_foreign_call(plan, path)
    return path


def library_dir(args: argparse.Namespace) -> Path:
    """The library folder for ``args`` (``--library`` or the settings)."""
    return library_plan(args).root


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``calls`` command and its subcommands."""
    p = sub.add_parser(
        "calls",
        help="the call library: list, import, prune, delete, export, access-log",
        description="The coach's call library (recorded and imported calls).",
    )
    calls = p.add_subparsers(dest="calls_command", metavar="ACTION")

    ls = calls.add_parser("list", help="list the calls, newest first")
    add_library_option(ls)
    ls.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ls.add_argument(
        "--mine",
        action="store_true",
        help="only the calls recorded under your OS login (the agent column)",
    )
    ls.set_defaults(func=run_list)

    imp = calls.add_parser("import", help="analyse a recorded call and add it to the library")
    add_library_option(imp)
    imp.add_argument("call", nargs="?", type=Path, help="stereo call file (WAV/FLAC/OGG/MP3)")
    imp.add_argument("--agent", type=Path, help="mono file with the agent's side")
    imp.add_argument("--customer", type=Path, help="mono file with the customer's side")
    imp.add_argument("--agent-channel", choices=("left", "right"), default="left")
    imp.add_argument("--agent-name", default="", help="whose call it is")
    imp.add_argument(
        "--realtime",
        action="store_true",
        help="pace the audio like a live call (as the app records one)",
    )
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    add_call_flags(imp, tuning=False)
    imp.set_defaults(func=run_import)

    prune = calls.add_parser("prune", help="delete calls older than the retention period")
    add_library_option(prune)
    prune.add_argument(
        "--days", type=int, help="retention in days (default: the recording.retention_days setting)"
    )
    prune.set_defaults(func=run_prune)

    rm = calls.add_parser("delete", help="delete one call")
    add_library_option(rm)
    rm.add_argument("id", help="the call id")
    rm.set_defaults(func=run_delete)

    exp = calls.add_parser(
        "export", help="write a decrypted copy of a call (audio.flac + events.jsonl) to hand over"
    )
    add_library_option(exp)
    exp.add_argument("call", help="call id (or its start) or call folder")
    exp.add_argument("out", type=Path, help="a new folder for the copy")
    exp.set_defaults(func=run_export)

    from belcoach.cli.access_cmd import add_parser as add_access_log

    add_access_log(calls)
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])


def open_library(args: argparse.Namespace) -> CallLibrary:
    """Open (and reconcile) the library ``args`` names; retention is applied too."""
    from belcoach.wiring.library import open_library as open_planned

    return open_planned(library_plan(args))


def run_list(args: argparse.Namespace) -> int:
    """``belcoach calls list``."""
    plan = library_plan(args)
    from belcoach.wiring.library import open_library as open_planned

    library = open_planned(plan)
    entries = library.calls()
    if args.mine:
        entries = [e for e in entries if plan.agent and e.agent == plan.agent]
    if args.json:
        json.dump(
            [
                {
                    "id": e.id,
                    "folder": str(e.folder),
                    "status": e.status,
                    "agent": e.agent,
                    **e.headline,
                }
                for e in entries
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
        return 0
    if not entries:
        whose = f" recorded as {plan.agent!r}" if args.mine else ""
        print(f"no calls{whose} in {library.root}")
        return 0
    print(
        f"{'id':<23} {'started (UTC)':<20} {'length':>7} {'status':<11} {'agent':<10} "
        f"{'talk':>5} {'over':>4} {'phr':>3}  source"
    )
    for e in entries:
        h = e.headline
        talk = f"{h['talk_ratio']:.0%}" if h.get("talk_ratio") is not None else "-"
        length = f"{e.duration:.0f} s" if e.duration is not None else "-"
        print(
            f"{e.id:<23} {e.started_at[:19]:<20} {length:>7} {e.status:<11} "
            f"{e.agent[:10]:<10} {talk:>5} {h.get('overtalk_by_agent', '-')!s:>4} "
            f"{h.get('phrases_to_avoid', '-')!s:>3}  {e.source}"
        )
    return 0


def run_import(args: argparse.Namespace) -> int:
    """``belcoach calls import``."""
    from belcoach.audio.jobs.importer import CallFiles, ImportCancelled, import_call
    from belcoach.audio.jobs.run import load_transcriber
    from belcoach.wiring.call import plan_call
    from belcoach.wiring.library import open_library as open_planned
    from belcoach.wiring.library import refuse_foreign_inputs

    if args.call is None and not (args.agent or args.customer):
        raise ConfigError("give a call file, or --agent A --customer C")
    files = CallFiles(
        args.call, args.agent, args.customer, 0 if args.agent_channel == "left" else 1
    )
    settings = load_cli_settings()
    # IT's locks first: a refused flag opens no file, library or model.
    # An import is decoded after the fact (model.offline_decoding), unless it is
    # paced like a live call (--realtime), where the live profile keeps up.
    plan = plan_call(
        settings,
        call_flags(args),
        library_root=library_plan(args, settings, writes=True).root,
        offline=not args.realtime,
    )
    refuse_foreign_inputs(plan.recording, [args.call, args.agent, args.customer])
    source = files.open()  # a bad file fails before the model loads
    library = open_planned(plan.recording)
    transcriber = load_transcriber(plan.model, plan.language)
    total = source.duration or 0.0
    bar = tqdm(
        total=round(total, 1),
        unit="s",
        desc=source.description,
        file=sys.stderr,
        disable=args.quiet,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s "
        "[{elapsed}<{remaining}]",
    )
    stop = threading.Event()

    def progress(t: float) -> None:
        step = round(min(t, total), 1) - bar.n
        if step > 0:
            bar.update(step)

    try:
        summary = import_call(
            library,
            files,
            transcriber,
            agent_name=args.agent_name,
            model_name=plan.model.name,
            profile=plan.model.profile,
            realtime=args.realtime,
            stop=stop,
            analysis_settings=plan.analysis,
            on_progress=progress,
        )
    except (KeyboardInterrupt, ImportCancelled):
        bar.close()
        print("belcoach: import cancelled; nothing was added", file=sys.stderr)
        return 130
    bar.close()
    for problem in summary.problems:
        print(f"belcoach: warning: {problem}", file=sys.stderr)
    print(f"{summary.meta.id}\t{library.root / summary.meta.id}")
    return 0


def run_prune(args: argparse.Namespace) -> int:
    """``belcoach calls prune``."""
    plan = library_plan(args)
    library = CallLibrary.open(plan.root)
    days = plan.retention_days if args.days is None else args.days
    deleted = library.enforce_retention(days)
    print(f"deleted {len(deleted)} call(s) older than {days} day(s)")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    """``belcoach calls delete``."""
    library = CallLibrary.open(library_dir(args))
    library.get(args.id)
    library.delete(args.id)
    print(f"deleted {args.id}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """``belcoach calls export``."""
    from belcoach.audio.calls.export import export_call

    plan = library_plan(args)
    path = stored_call(args.call, plan)
    for written in export_call(path, args.out, shared=plan.shared_root):
        print(written)
    print(
        f"belcoach: warning: {args.out} is a decrypted copy; retention and "
        "`belcoach forget` do not reach it, delete it when it has been handed over",
        file=sys.stderr,
    )
    return 0
