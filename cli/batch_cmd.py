"""``belcoach analyze DIR_OR_FILES... --jobs N | --cluster ADDRESS``: many calls, one table.

Reached from ``belcoach analyze`` when it gets more than one call, a folder,
``--jobs`` or ``--cluster``. Writes ``<name>.events.jsonl`` and
``<name>.summary.json`` per call plus ``calls.csv`` and ``calls.json`` into
``--out`` (with ``--cluster`` also ``calls.parquet``); with ``recording.encrypt``
the events are ``<name>.events.jsonl.enc``, sealed with the recording key. Calls already done in
``--out`` (the same audio, whatever its name) are not analysed again. Files
that cannot be read are reported and skipped; the exit code is 1 when any
call failed, so a script notices, and 0 when all were analysed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

if TYPE_CHECKING:
    from belcoach.audio.jobs.batch_types import BatchResult, BatchTask
    from belcoach.wiring.batch import BatchFlags, BatchPlan
    from belcoach.wiring.call import CallPlan


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The batch options of ``belcoach analyze``."""
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="analyse several calls at once in N worker processes (batch mode)",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="batch mode: where events, summaries and calls.csv/json go "
        "(default: ./belcoach-batch); calls already done there are skipped",
    )
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="batch mode on Ray: 'local' starts Ray on this PC, 'auto', HOST:PORT or "
        "ray://HOST:10001 join a running cluster (needs belcoach[cluster]; "
        "see docs/cluster.md)",
    )


def wants_batch(args: argparse.Namespace) -> bool:
    """True when ``analyze`` was given several calls, a folder, ``--jobs`` or ``--cluster``."""
    calls = args.call or []
    return (
        args.jobs is not None
        or args.cluster is not None
        or len(calls) > 1
        or any(Path(c).is_dir() for c in calls)
    )


def batch_flags(args: argparse.Namespace) -> BatchFlags:
    """The batch flags ``args`` holds."""
    from belcoach.wiring.batch import BatchFlags

    return BatchFlags(
        jobs=args.jobs,
        cluster=args.cluster,
        out=args.out,
        threads=getattr(args, "threads", None),
        agent_channel=0 if args.agent_channel == "left" else 1,
    )


def run(args: argparse.Namespace, plan: CallPlan, *, qa_card: str = "") -> int:
    """Run a batch analysis with the plan ``analyze`` resolved (settings, policy and flags).

    ``qa_card``: the QA card file in force (setting ``qa.card``) for the table's QA columns.
    """
    from belcoach.audio.jobs.batch import collect, split_done
    from belcoach.audio.jobs.batch_table import write_table
    from belcoach.core.errors import ConfigError
    from belcoach.wiring.batch import DEFAULT_OUT, check_flags, plan_batch
    from belcoach.wiring.library import refuse_foreign_inputs

    if args.demo or args.agent or args.customer or args.realtime or args.events:
        raise ConfigError(
            "batch mode takes stereo call files or folders only "
            "(not --demo, --agent/--customer, --realtime or --events)"
        )
    flags = batch_flags(args)
    check_flags(flags)  # before any file is read
    tasks = collect([Path(c) for c in args.call])
    refuse_foreign_inputs(plan.recording, [t.path for t in tasks])  # also files found in folders
    split = split_done(tasks, flags.out or DEFAULT_OUT, encrypt=plan.privacy.encrypt)
    for result in split.done:
        if result.status == "duplicate":
            _report(result)
    batch = plan_batch(plan, flags, len(split.todo))  # the recording key, if encrypting
    started = time.perf_counter()
    if batch.cluster is None:
        fresh = _run_local(split.todo, batch, quiet=args.quiet)
    else:
        fresh = _run_cluster(split.todo, batch, quiet=args.quiet)
    wall = time.perf_counter() - started
    results = sorted([*split.done, *fresh], key=lambda r: r.index)
    csv_path, json_path = write_table(
        results, batch.config.out_dir, qa_card=qa_card or None, key=batch.key
    )
    print(f"{csv_path}\n{json_path}")
    if batch.cluster is not None:
        from belcoach.audio.jobs.cluster import write_parquet

        print(write_parquet(results, batch.config.out_dir, qa_card=qa_card or None, key=batch.key))
    audio = sum(r.audio_seconds for r in fresh)
    failed = [r for r in results if r.status == "error"]
    earlier = sum(1 for r in split.done if r.done)
    where = f"{batch.jobs} job(s)" if batch.cluster is None else f"Ray at {batch.cluster}"
    print(
        f"belcoach: {sum(1 for r in results if r.done)} of {len(results)} calls analysed"
        + (f" ({earlier} done in an earlier run)" if earlier else "")
        + f", {audio:.0f} s of audio in {wall:.0f} s ({audio / wall if wall else 0:.1f}x real "
        f"time, {where}); {len(failed)} skipped",
        file=sys.stderr,
    )
    return 1 if failed else 0


def _report(result: BatchResult) -> None:
    """One line on stderr for a call that was not simply analysed."""
    if result.status != "ok":
        tqdm.write(f"belcoach: {result.status}: {result.error}", file=sys.stderr)


def _run_local(tasks: list[BatchTask], batch: BatchPlan, *, quiet: bool) -> list[BatchResult]:
    """``--jobs``: local worker processes, a bar in seconds of audio."""
    from belcoach.audio.jobs.batch import run_batch

    if not tasks:
        return []
    total = _total_seconds(tasks)
    bar = tqdm(
        total=round(total),
        unit="s",
        desc=f"{len(tasks)} calls, {batch.jobs} job(s)",
        file=sys.stderr,
        disable=quiet,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s audio "
        "[{elapsed}<{remaining}]",
    )

    def progress(seconds: float) -> None:
        bar.update(min(seconds, max(0.0, bar.total - bar.n)))

    try:
        return run_batch(
            tasks,
            batch.config,
            jobs=batch.jobs,
            on_progress=progress,
            on_result=_report,
            key=batch.key,
        )
    finally:
        bar.close()


def _run_cluster(tasks: list[BatchTask], batch: BatchPlan, *, quiet: bool) -> list[BatchResult]:
    """``--cluster``: Ray workers, a bar in calls with audio hours per wall hour and the ETA."""
    from belcoach.audio.jobs.cluster import run_cluster

    if not tasks:
        return []
    assert batch.cluster is not None
    bar = tqdm(
        total=len(tasks),
        unit="call",
        desc=f"{len(tasks)} calls on Ray",
        file=sys.stderr,
        disable=quiet,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n}/{total} calls "
        "[{elapsed}<{remaining}{postfix}]",
    )
    started = time.perf_counter()
    audio = [0.0]

    def finished(result: BatchResult) -> None:
        _report(result)
        audio[0] += result.audio_seconds
        wall = time.perf_counter() - started  # audio hours per wall hour = audio s per wall s
        speed = audio[0] / wall if wall else 0.0
        bar.set_postfix_str(f"{speed:.1f} audio h per wall h", refresh=False)
        bar.update(1)

    try:
        return run_cluster(
            tasks,
            batch.config,
            address=batch.cluster,
            workers=batch.workers,
            on_result=finished,
        )
    finally:
        bar.close()


def _total_seconds(tasks: list[BatchTask]) -> float:
    """Audio length of the readable files, for the progress bar."""
    import soundfile as sf

    total = 0.0
    for task in tasks:
        try:
            info = sf.info(str(task.path))
            total += info.frames / info.samplerate
        except Exception:  # unreadable: it will be reported by its worker
            continue
    return total
