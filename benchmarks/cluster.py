"""Batch speed on Ray vs local processes: ``analyze DIR --jobs N`` and ``--cluster local``.

Prints figures; asserts nothing. Usage:

    .venv/bin/python benchmarks/cluster.py [--calls 6] [--minutes 1] [--jobs 2] [--workers 2]

The calls are generated as in ``benchmarks/batch.py`` (the demo call's espeak
turns, shuffled with a seeded generator). Each mode runs the whole command on
the same folder into a fresh ``--out`` (model loading, and for Ray its start,
included) and the speed is audio hours per wall hour (= "x real time"). Both
modes use one Whisper thread per worker (``--threads 1``), so they share the
cores the same way. The machine is shared: other work on it makes the figures
noisy; the load average is printed with each run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# run as a script, benchmarks/ is on sys.path: the calls are made as benchmarks/batch.py makes them
from batch import make_calls


def _run(belcoach: str, calls: Path, out: Path, mode: list[str]) -> float:
    """Wall seconds of one ``belcoach analyze`` run."""
    started = time.perf_counter()
    proc = subprocess.run(
        [belcoach, "analyze", str(calls), *mode, "--threads", "1", "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"belcoach analyze {' '.join(mode)} failed:\n{proc.stderr[-2000:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=6)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--jobs", type=int, default=2, help="local worker processes")
    parser.add_argument("--workers", type=int, default=2, help="Ray workers")
    args = parser.parse_args()
    belcoach = str(Path(sys.executable).with_name("belcoach"))
    with tempfile.TemporaryDirectory() as tmp:
        calls = Path(tmp) / "calls"
        calls.mkdir()
        audio = make_calls(calls, count=args.calls, minutes=args.minutes)
        print(
            f"{args.calls} calls of {args.minutes:g} min ({audio:.0f} s of synthetic espeak "
            f"speech), {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start",
            flush=True,
        )
        modes = {
            f"--jobs {args.jobs}": ["--jobs", str(args.jobs)],
            f"--cluster local ({args.workers} workers)": [
                "--cluster",
                "local",
                "--jobs",
                str(args.workers),
            ],
        }
        for i, (name, mode) in enumerate(modes.items()):
            wall = _run(belcoach, calls, Path(tmp) / f"out-{i}", mode)
            print(
                f"{name}: {audio / wall:.2f} audio hours per wall hour "
                f"({audio:.0f} s of audio in {wall:.0f} s, load average "
                f"{os.getloadavg()[0]:.1f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
