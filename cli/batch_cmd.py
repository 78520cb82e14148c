"""``belcoach analyze DIR_OR_FILES... --jobs N``: many calls at once, with a table across them.

Reached from ``belcoach analyze`` when it gets more than one call, a folder,
or ``--jobs``. Writes ``<name>.events.jsonl`` and ``<name>.summary.json`` per
call plus ``calls.csv`` and ``calls.json`` into ``--out``. Files that cannot
be read are reported and skipped; the exit code is 1 when any call failed,
so a script notices, and 0 when all were analysed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

if TYPE_CHECKING:
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
        "(default: ./belcoach-batch)",
    )


def wants_batch(args: argparse.Namespace) -> bool:
    """True when ``analyze`` was given several calls, a folder, or ``--jobs``."""
    calls = args.call or []
    return args.jobs is not None or len(calls) > 1 or any(Path(c).is_dir() for c in calls)


def run(args: argparse.Namespace, plan: CallPlan, *, qa_card: str = "") -> int:
    """Run a batch analysis with the plan ``analyze`` resolved (settings, policy and flags).

    ``qa_card``: the QA card file in force (setting ``qa.card``) for the table's QA columns.
    """
    from belcoach.audio.jobs.batch import BatchConfig, collect, run_batch, write_table
    from belcoach.core.errors import ConfigError
    from belcoach.wiring.library import refuse_foreign_inputs

    if args.demo or args.agent or args.customer or args.realtime or args.events:
        raise ConfigError(
            "batch mode takes stereo call files or folders only "
            "(not --demo, --agent/--customer, --realtime or --events)"
        )
    jobs = args.jobs or 1
    if jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    tasks = collect([Path(c) for c in args.call])
    refuse_foreign_inputs(plan.recording, [t.path for t in tasks])  # also files found in folders
    jobs = min(jobs, len(tasks))
    config = BatchConfig(
        out_dir=args.out or Path("belcoach-batch"),
        language=plan.language,
        model=plan.model.name,
        model_dir=plan.model.admin_dir,
        threads=max(1, plan.model.cpu_threads // jobs),
        beam_size=plan.model.beam_size,
        agent_channel=0 if args.agent_channel == "left" else 1,
        redact=plan.privacy.redact,
        analysis=dict(plan.analysis),
    )
    total = _total_seconds(tasks)
    bar = tqdm(
        total=round(total),
        unit="s",
        desc=f"{len(tasks)} calls, {jobs} job(s)",
        file=sys.stderr,
        disable=args.quiet,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s audio "
        "[{elapsed}<{remaining}]",
    )

    def progress(seconds: float) -> None:
        bar.update(min(seconds, max(0.0, bar.total - bar.n)))

    def result(r: object) -> None:
        if getattr(r, "status", "ok") != "ok":
            tqdm.write(f"belcoach: {r.status}: {r.error}", file=sys.stderr)  # type: ignore[attr-defined]

    started = time.perf_counter()
    try:
        results = run_batch(tasks, config, jobs=jobs, on_progress=progress, on_result=result)
    finally:
        bar.close()
    wall = time.perf_counter() - started
    csv_path, json_path = write_table(results, config.out_dir, qa_card=qa_card or None)
    audio = sum(r.audio_seconds for r in results)
    failed = [r for r in results if r.status == "error"]
    print(f"{csv_path}\n{json_path}")
    print(
        f"belcoach: {len(results) - len(failed)} of {len(results)} calls analysed, "
        f"{audio:.0f} s of audio in {wall:.0f} s ({audio / wall if wall else 0:.1f}x real "
        f"time, {jobs} job(s)); {len(failed)} skipped",
        file=sys.stderr,
    )
    return 1 if failed else 0


def _total_seconds(tasks: list) -> float:  # type: ignore[type-arg]
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
