"""Batch analysis speed: ``belcoach analyze DIR --jobs N`` on generated calls.

Prints figures; asserts nothing. Usage:

    .venv/bin/python benchmarks/batch.py [--calls 10] [--minutes 5] [--jobs 1 2] [--runs 1]

Each call is generated from the demo call: its turns (both channels of each
turn's time span, so over-talk stays over-talk) are shuffled with a seeded
generator and joined, with 0.3-2.5 s gaps, until the call is ``--minutes``
long. Then ``belcoach analyze`` runs on the folder once per ``--jobs`` value
(whole command, model loading included) and the speed is audio seconds /
wall seconds ("x real time"; higher is faster), the median over ``--runs``.
The machine is shared: other work on it makes the figures noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from belcoach.demo import demo_call_path, demo_truth_path

ROOT = Path(__file__).resolve().parents[1]


def make_calls(folder: Path, *, count: int, minutes: float, seed: int = 8) -> float:
    """Write ``count`` stereo calls of ``minutes`` each; return the total audio seconds."""
    audio, rate = sf.read(demo_call_path(), dtype="int16")
    turns = json.loads(demo_truth_path().read_text(encoding="utf-8"))["turns"]
    pieces = [audio[int(t["start"] * rate) : int(t["end"] * rate)] for t in turns]
    rng = np.random.default_rng(seed)
    total = 0.0
    for i in range(count):
        parts: list[np.ndarray] = []
        length = 0
        while length < minutes * 60 * rate:
            piece = pieces[int(rng.integers(len(pieces)))]
            gap = np.zeros((int(rng.uniform(0.3, 2.5) * rate), 2), np.int16)
            parts += [piece, gap]
            length += len(piece) + len(gap)
        call = np.concatenate(parts)[: int(minutes * 60 * rate)]
        sf.write(folder / f"call-{i + 1:02d}.flac", call, rate)
        total += len(call) / rate
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    belcoach = str(Path(sys.executable).with_name("belcoach"))
    with tempfile.TemporaryDirectory() as tmp:
        calls = Path(tmp) / "calls"
        calls.mkdir()
        audio = make_calls(calls, count=args.calls, minutes=args.minutes)
        print(
            f"{args.calls} calls of {args.minutes:g} min ({audio:.0f} s of audio), "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start"
        )
        for jobs in args.jobs:
            speeds = []
            for run in range(args.runs):
                out = Path(tmp) / f"out-{jobs}-{run}"
                started = time.perf_counter()
                proc = subprocess.run(
                    [
                        belcoach,
                        "analyze",
                        str(calls),
                        "--jobs",
                        str(jobs),
                        "--out",
                        str(out),
                        "--quiet",
                    ],
                    capture_output=True,
                    text=True,
                )
                wall = time.perf_counter() - started
                if proc.returncode != 0:
                    raise SystemExit(f"belcoach analyze failed:\n{proc.stderr[-2000:]}")
                speeds.append(audio / wall)
                print(
                    f"  --jobs {jobs} run {run + 1}: {wall:.0f} s wall, "
                    f"{audio / wall:.1f}x real time "
                    f"(load average {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
            print(
                f"--jobs {jobs}: {statistics.median(speeds):.1f}x real time "
                f"(median of {len(speeds)})",
                flush=True,
            )


if __name__ == "__main__":
    main()
