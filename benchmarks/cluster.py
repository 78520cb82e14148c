"""Batch speed on Ray: 1 vs 2 workers, actor pool vs Ray Data, on the same real Dutch calls.

Prints figures; asserts nothing. Usage:

    .venv/bin/python benchmarks/cluster.py [--calls 20] [--min-minutes 1] [--max-minutes 5]
        [--variants actors data] [--shapes 1x1 1x2 2x1]

The ``data`` variant needs pandas, which Ray Data imports and the cluster
extra does not carry: ``.venv/bin/pip install pandas`` first, or give
``--variants actors``.

The calls are stereo, 1-5 minutes each (drawn with a seeded generator): the
agent (left) says Fish Fillets NG "small fish" lines and the customer (right)
"big fish" lines, turn by turn with 0.3-1.5 s gaps, real voice-acted Dutch
(`tests/support/fillets.py`; without that data the demo call's espeak turns
stand in, as in ``benchmarks/batch.py``). They are generated once and kept in
``<cache dir>/bench-cluster/`` for the next run.

One embedded Ray (all cores) serves every run. A run is one pool of workers,
each ``W x T`` (W workers of T Whisper threads, each worker asking Ray for T
CPUs) analysing all the calls with the product's per-call work
(`analyse_one`, into a fresh folder), timed from the pool's start (workers
start and load Whisper once each) to the last call written. Speed is audio
hours per wall hour (= "x real time"). Two ways to run the workers:

- ``actors``: the product's own pool (`belcoach.audio.jobs.cluster`): Ray
  actors given one call at a time;
- ``data``: Ray Data, ``map_batches`` with a callable class on an actor pool
  of W (``concurrency``), one call per batch.

Printed per variant: the speed of each shape; the speed-up of 2 workers x 1
thread over 1 worker x 2 threads (the same two cores, split two ways); and
the scaling efficiency, 2 workers x 1 thread over twice 1 worker x 1 thread
(how close two workers come to twice one; what a cluster of N such workers
would get is about N x the 1x1 speed x this). Targets: efficiency >= 0.8 and
the 2-worker speed >= 8x real time. Then a projection for 10 nodes like this
machine and 1,000 hours of audio.

Which is better, measured on 2026-12-05 on this 2-core machine with nothing
else running, the default 20 calls (72.6 min of real Dutch speech), whole
decoding (the default ``model.offline_decoding``), in audio hours per wall hour:

    actor pool  1x1 8.61  1x2 9.95  2x1 15.45   efficiency 0.90
    then --shapes 2x1, actors and Ray Data back to back:
    actor pool  2x1 15.95
    Ray Data    2x1 14.94

The actor pool is 7 % ahead of Ray Data, with 3 % between two runs of the
same shape. The product keeps it, also for what it does that Ray Data does
not: a call whose worker dies is tried once more and then listed as failed
while the others go on (`test_a_dead_worker_s_call_is_retried_once_then_reported`;
with Ray Data the retries follow its own actor-restart rules), every worker's
node is checked for the recording key before any call is handed out, and the
cluster extra needs no pandas (Ray Data does). The runs of 2026-12-04 on a
machine loaded to 16-26 (Ray Data ahead then, by less than the actor pool's
own 2x swing between runs) are superseded by these.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # support.fillets: the real Dutch speech

from belcoach.audio.engine.transcriber import DecodeProfile  # noqa: E402
from belcoach.audio.jobs import cluster  # noqa: E402
from belcoach.audio.jobs.batch import analyse_one, collect  # noqa: E402
from belcoach.audio.jobs.batch_types import BatchConfig, BatchResult, BatchTask  # noqa: E402
from belcoach.core import paths  # noqa: E402
from belcoach.core.settings_schema import ModelSettings  # noqa: E402

RATE = 16_000
CACHE_VERSION = 1


# --------------------------------------------------------------------------- calls


def _clip_audio(path: Path) -> np.ndarray:
    """A fillets clip as 16 kHz mono float32 (the channels averaged, peaks held to 1)."""
    from scipy.signal import resample_poly

    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    if rate != RATE:
        mono = resample_poly(mono, RATE, rate).astype(np.float32)
    return np.clip(mono, -1.0, 1.0)


def make_fillets_calls(
    folder: Path, *, count: int, low: float, high: float, seed: int
) -> list[float]:
    """Write ``count`` stereo calls of ``low``-``high`` minutes; their lengths in seconds."""
    from support.fillets import fillets_clips

    clips = fillets_clips(seed=seed)
    agent = [c for c in clips if c.speaker == "small_fish"]
    customer = [c for c in clips if c.speaker == "big_fish"]
    rng = np.random.default_rng(seed)
    decoded: dict[Path, np.ndarray] = {}

    def audio(clip: Any) -> np.ndarray:
        if clip.path not in decoded:
            decoded[clip.path] = _clip_audio(clip.path)
        return decoded[clip.path]

    lengths = []
    for i in range(count):
        target = int(rng.uniform(low, high) * 60 * RATE)
        parts: list[np.ndarray] = []
        length, side = 0, 0
        while length < target:
            pool = agent if side == 0 else customer
            speech = audio(pool[int(rng.integers(len(pool)))])
            turn = np.zeros((len(speech), 2), np.float32)
            turn[:, side] = speech
            gap = np.zeros((int(rng.uniform(0.3, 1.5) * RATE), 2), np.float32)
            parts += [turn, gap]
            length += len(turn) + len(gap)
            side = 1 - side
        call = np.concatenate(parts)[:target]
        sf.write(folder / f"call-{i + 1:02d}.flac", call, RATE, subtype="PCM_16")
        lengths.append(len(call) / RATE)
    return lengths


def cached_calls(count: int, low: float, high: float, seed: int) -> tuple[Path, str]:
    """The calls' folder (made on the first run) and what speech they hold."""
    from support.fillets import fillets_available

    real = fillets_available()
    kind = "fillets" if real else "espeak"
    name = f"v{CACHE_VERSION}-{kind}-n{count}-{low:g}-{high:g}min-seed{seed}"
    folder = paths.cache_dir() / "bench-cluster" / name
    if not (folder / "done").exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"generating {count} calls into {folder} ...", flush=True)
        if real:
            make_fillets_calls(folder, count=count, low=low, high=high, seed=seed)
        else:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from batch import make_calls

            make_calls(folder, count=count, minutes=(low + high) / 2, seed=seed)
        (folder / "done").write_text("")
    what = (
        "real Dutch speech (Fish Fillets NG)"
        if real
        else "synthetic espeak speech (no fillets data)"
    )
    return folder, what


# --------------------------------------------------------------------------- runs


def run_actors(ray: Any, tasks: Sequence[BatchTask], config: BatchConfig, workers: int) -> float:
    """The product's actor pool; wall seconds from its start to the last call written."""
    started = time.perf_counter()
    pool = cluster._Pool(ray, config, analyse_one, workers)
    try:
        results = pool.run(tasks, None)
    finally:
        pool.close()
    wall = time.perf_counter() - started
    _check(results)
    return wall


class DataAnalyst:
    """Ray Data's callable class: one `cluster.Analyst` (one Whisper) per actor."""

    def __init__(self, config: BatchConfig) -> None:
        self._analyst = cluster.Analyst(config, analyse_one)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[bytes]]:
        shipped = []
        for i in range(len(batch["index"])):
            task = BatchTask(
                int(batch["index"][i]),
                Path(str(batch["path"][i])),
                str(batch["stem"][i]),
                str(batch["agent"][i]),
                str(batch["key"][i]),
            )
            shipped.append(pickle.dumps(self._analyst.analyse(task)))
        return {"shipped": shipped}


def run_data(ray: Any, tasks: Sequence[BatchTask], config: BatchConfig, workers: int) -> float:
    """Ray Data ``map_batches`` on an actor pool; wall seconds as for `run_actors`."""
    import ray.data

    ray.data.DataContext.get_current().enable_progress_bars = False
    started = time.perf_counter()
    rows = [{**asdict(t), "path": str(t.path.resolve())} for t in tasks]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
        DataAnalyst,
        fn_constructor_args=(config,),
        batch_size=1,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=config.threads,
    )
    by_index = {t.index: t for t in tasks}
    results: list[BatchResult] = []
    for row in dataset.iter_rows():
        shipped: cluster.Shipped = pickle.loads(row["shipped"])
        results.append(cluster._keep(by_index[shipped.result.index], shipped, config.out_dir))
    wall = time.perf_counter() - started
    _check(results)
    return wall


def _check(results: Sequence[BatchResult]) -> None:
    bad = [r for r in results if r.status != "ok"]
    if bad:
        raise SystemExit(f"{len(bad)} call(s) failed: {bad[0].error}")


RUNNERS: dict[str, Callable[[Any, Sequence[BatchTask], BatchConfig, int], float]] = {
    "actors": run_actors,
    "data": run_data,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--min-minutes", type=float, default=1.0)
    parser.add_argument("--max-minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--model", default="base")
    parser.add_argument(
        "--profile",
        choices=[str(p) for p in DecodeProfile],
        default=ModelSettings().offline_decoding,
        help="offline decoding profile (model.offline_decoding; default: the packaged default)",
    )
    parser.add_argument(
        "--variants", nargs="+", choices=sorted(RUNNERS), default=["actors", "data"]
    )
    parser.add_argument(
        "--shapes", nargs="+", default=["1x1", "1x2", "2x1"], help="WORKERSxTHREADS"
    )
    parser.add_argument("--nodes", type=int, default=10, help="projection: nodes like this one")
    parser.add_argument("--hours", type=float, default=1000.0, help="projection: audio hours")
    args = parser.parse_args()

    folder, what = cached_calls(args.calls, args.min_minutes, args.max_minutes, args.seed)
    tasks = collect([folder])
    audio = sum(sf.info(str(t.path)).duration for t in tasks)
    print(
        f"{len(tasks)} calls of {args.min_minutes:g}-{args.max_minutes:g} min, {audio / 60:.1f} "
        f"min of {what}; model {args.model}, profile {args.profile}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at start",
        flush=True,
    )
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    import ray

    started = time.perf_counter()
    cluster._connect(ray, cluster.LOCAL)
    print(f"Ray started in {time.perf_counter() - started:.0f} s", flush=True)
    speeds: dict[tuple[str, str], float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # shapes outer, variants inner: the variants of a shape run back to back, so a
            # change in the machine's other load hits both alike
            for shape in args.shapes:
                for variant in args.variants:
                    workers, threads = (int(x) for x in shape.split("x"))
                    out = Path(tmp) / f"{variant}-{shape}"
                    out.mkdir()
                    config = BatchConfig(
                        out_dir=out,
                        language="nl",
                        model=args.model,
                        threads=threads,
                        profile=args.profile,
                    )
                    wall = RUNNERS[variant](ray, tasks, config, workers)
                    speeds[variant, shape] = audio / wall
                    print(
                        f"{variant:6s} {workers} worker(s) x {threads} thread(s): "
                        f"{audio / wall:5.2f} audio h per wall h ({audio:.0f} s in {wall:.0f} s, "
                        f"load average {os.getloadavg()[0]:.1f})",
                        flush=True,
                    )
    finally:
        ray.shutdown()
    _summary(speeds, args)


def _summary(speeds: dict[tuple[str, str], float], args: argparse.Namespace) -> None:
    print()
    best: tuple[float, str] | None = None
    for variant in args.variants:
        one_two, two_one = speeds.get((variant, "1x2")), speeds.get((variant, "2x1"))
        one_one = speeds.get((variant, "1x1"))
        parts = []
        if one_one and two_one:
            parts.append(f"speed-up 2x1 over 1x1: {two_one / one_one:.2f}")
        if one_two and two_one:
            parts.append(f"speed-up 2x1 over 1x2 (same cores): {two_one / one_two:.2f}")
        if one_one and two_one:
            efficiency = two_one / (2 * one_one)
            parts.append(f"scaling efficiency 2x1 / (2 x 1x1): {efficiency:.2f} (target >= 0.8)")
        if two_one:
            target = "meets" if two_one >= 8 else "below"
            parts.append(f"2 workers: {two_one:.2f}x real time ({target} the 8x target)")
            if best is None or two_one > best[0]:
                best = (two_one, variant)
        print(f"{variant}: " + "; ".join(parts))
    if best is not None:
        per_node, variant = best
        one_one = speeds.get((variant, "1x1"))
        efficiency = min(1.0, per_node / (2 * one_one)) if one_one else 1.0
        ideal = args.nodes * per_node
        rate = ideal * efficiency
        print(
            f"projection ({variant}): {args.nodes} nodes like this one, 2 workers x 1 thread each "
            f"at {per_node:.2f}x real time: {ideal:.1f} audio h per wall h if the nodes add up "
            f"(they share only the audio share and the driver), {rate:.1f} if they lose what two "
            f"workers on one node lose (efficiency {efficiency:.2f}); {args.hours:g} h of audio "
            f"in {args.hours / ideal:.1f}-{args.hours / rate:.1f} h. Bound by CPU (Whisper's "
            f"decoding); the share then serves {ideal * RATE * 4 / 1e6:.1f} MB/s of 16 kHz "
            "stereo PCM (less as FLAC), the driver writes a few kB per call"
        )


if __name__ == "__main__":
    main()
