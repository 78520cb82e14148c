"""belcoach against the open-source tools an IT department would try instead, on the same audio.

Plays the same audio in real time into belcoach and into each peer, one after
the other in this one invocation, and prints per tool: speech end -> final
text latency p50/p95/max, average CPU cores, peak RSS and WER; then belcoach's
ratio against the best peer on each figure (below 1: belcoach is better).
Asserts nothing. Usage:

    benchmarks/peers_env.sh        # once: the peers' own venv, .peers-venv/
    .venv/bin/python benchmarks/peers.py --whisper-streaming DIR [--fillets 30] [--channels agent]

Peers: ufal/whisper_streaming (`OnlineASRProcessor`, faster-whisper backend;
not on PyPI: ``--whisper-streaming`` is a checkout of it), RealtimeSTT and
WhisperLive (PyPI, in .peers-venv). Every tool loads the same Whisper base
int8 directory (belcoach's model store), language nl, on this machine, with
the Hugging Face hub switched offline. A tool that cannot run is reported
with the reason, never dropped silently.

Audio (benchmarks/peers/calls.py): the demo call and a call of real Dutch
clips from fillets-ng-data-nl, split into mono channels because the peers take
one stream; belcoach gets the same mono files. Each file is fed at wall-clock
pace in 0.1 s chunks. Latency: the last aligned word of an utterance arriving,
minus its speech end measured from the audio (benchmarks/peers/score.py), the
same rule for every tool. CPU: process tree, while the call plays (what the
tool got: on a loaded machine, less than it asked for). Peak RSS: process
tree, summed, over the whole run (model load included). ``--channels both``
plays each channel as its own stream (twice the time); the default plays the
agent's channel only.

The whisper_streaming checkout: the repository's files at any recent commit
(github.com/ufal/whisper_streaming), e.g. unpacked into
.peers-venv/src/whisper_streaming; only ``whisper_online.py`` is imported.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from peers.calls import Stream, build_streams  # noqa: E402
from peers.score import score  # noqa: E402
from peers.tools import Run, Tool, network_cut, run_tool  # noqa: E402
from spread import Spread  # noqa: E402

from belcoach.models.store import ModelStore  # noqa: E402
from support.wer import word_error_rate  # noqa: E402

PEERS_VENV = ROOT / ".peers-venv"


@dataclass
class Result:
    """One tool over all streams: pooled figures, or why it has none."""

    name: str
    latency: Spread
    missed: int
    utterances: int
    cores: float
    peak_mb: float
    wer: dict[str, float]
    why: str | None = None


def tools(args: argparse.Namespace) -> list[Tool]:
    """belcoach first, then the peers, each with why it cannot run (if it cannot)."""
    peer_python = Path(args.peers_python)
    no_venv = (
        None if peer_python.exists() else f"{peer_python} missing: run benchmarks/peers_env.sh"
    )
    ws = args.whisper_streaming
    ws_why = no_venv
    if ws_why is None and not (ws and (Path(ws) / "whisper_online.py").is_file()):
        ws_why = (
            "no checkout of ufal/whisper_streaming (--whisper-streaming DIR, whisper_online.py)"
        )
    return [
        Tool("belcoach", Path(sys.executable), "run_belcoach.py"),
        Tool(
            "whisper_streaming",
            peer_python,
            "run_whisper_streaming.py",
            ("--whisper-streaming", str(Path(ws).resolve()) if ws else ""),
            ws_why,
        ),
        Tool("RealtimeSTT", peer_python, "run_realtimestt.py", (), no_venv),
        Tool("WhisperLive", peer_python, "run_whisperlive.py", (), no_venv),
    ]


def measure(tool: Tool, streams: list[Stream], model: Path, log: Path) -> Result:
    """Run one tool over every stream and pool its figures."""
    latencies: list[float] = []
    missed = total = 0
    refs: dict[str, list[str]] = {}
    hyps: dict[str, list[str]] = {}
    cpu = window = 0.0
    peak = 0
    for stream in streams:
        run: Run = run_tool(tool, stream, model, "nl", log)
        if run.why:
            return Result(
                tool.name,
                Spread.of([]),
                0,
                0,
                math.nan,
                0,
                {},
                f"{stream.call}/{stream.channel}: {run.why}",
            )
        got = score(stream, run.finals)
        latencies += got.latencies
        missed += got.missed
        total += len(stream.utterances)
        refs.setdefault(stream.call, []).append(got.reference)
        hyps.setdefault(stream.call, []).append(got.hypothesis)
        if not math.isnan(run.cores):
            cpu += run.cores * run.window
            window += run.window
        peak = max(peak, run.peak_rss)
        print(
            f"  {tool.name} {stream.call}/{stream.channel}: {len(run.finals)} finals, "
            f"latency {Spread.of(got.latencies).text()}, "
            f"missed {got.missed}/{len(stream.utterances)}, "
            f"CPU {run.cores:.2f} cores, peak RSS {run.peak_rss / 2**20:.0f} MB",
            flush=True,
        )
    wer = {call: _wer(refs[call], hyps[call]) for call in refs}
    return Result(
        tool.name,
        Spread.of(latencies),
        missed,
        total,
        cpu / window if window else math.nan,
        peak / 2**20,
        wer,
    )


def _wer(refs: list[str], hyps: list[str]) -> float:
    """Pooled WER; a stream with no words at all counts every reference word as an error."""
    if not any(hyps):
        return 1.0
    return word_error_rate(refs, hyps, "nl")


FIGURES = (
    ("latency p50", lambda r: r.latency.p50),
    ("latency p95", lambda r: r.latency.p95),
    ("latency max", lambda r: r.latency.max),
    ("CPU cores", lambda r: r.cores),
    ("peak RSS", lambda r: r.peak_mb),
)


def report(results: list[Result], calls: list[str]) -> None:
    """The table, the failures, and belcoach's ratio to the best peer per figure."""
    print(
        "\ntool               latency s (p50 / p95 / max)  timed/total  CPU cores  peak RSS MB  "
        + "  ".join(f"WER {c}" for c in calls)
    )
    for r in results:
        if r.why:
            print(f"{r.name:<18} did not run: {r.why}")
            continue
        wers = "  ".join(f"{r.wer.get(c, math.nan):>{len(c) + 4}.1%}" for c in calls)
        print(
            f"{r.name:<18} {r.latency.p50:6.2f} / {r.latency.p95:6.2f} / {r.latency.max:6.2f}      "
            f"{r.utterances - r.missed:>4}/{r.utterances:<4}  {r.cores:9.2f}  "
            f"{r.peak_mb:11.0f}  {wers}"
        )
    ours = next((r for r in results if r.name == "belcoach" and not r.why), None)
    peers = [r for r in results if r.name != "belcoach" and not r.why]
    if ours is None or not peers:
        print("\nno ratio: belcoach or every peer did not run")
        return
    print("\nbelcoach / best peer (below 1: belcoach better)")
    figures = [*FIGURES, *((f"WER {c}", lambda r, c=c: r.wer.get(c, math.nan)) for c in calls)]
    for label, get in figures:
        valid = [p for p in peers if not math.isnan(get(p))]
        if not valid or math.isnan(get(ours)):
            print(f"  {label:<12} n/a")
            continue
        best = min(valid, key=get)
        ratio = get(ours) / get(best) if get(best) else math.inf
        print(
            f"  {label:<12} {ratio:5.2f}  (belcoach {get(ours):.3g} vs {best.name} {get(best):.3g})"
        )


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    """Build the audio, run every tool on it, print the comparison."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--whisper-streaming", metavar="DIR", help="checkout of ufal/whisper_streaming")
    ap.add_argument("--peers-python", default=str(PEERS_VENV / "bin" / "python"))
    ap.add_argument(
        "--fillets", type=int, default=30, help="real Dutch clips in the second call (0 = skip)"
    )
    ap.add_argument(
        "--channels",
        choices=("agent", "both"),
        default="agent",
        help="agent: the agent channel only; both: each channel as its own stream",
    )
    ap.add_argument("--only", nargs="*", help="run only these tools (names as printed)")
    args = ap.parse_args()

    channels = ("agent",) if args.channels == "agent" else ("agent", "customer")
    model = ModelStore().resolve("base")
    streams, tmp = build_streams(args.fillets, channels)
    log = tmp / "runners.log"
    print(f"model: {model} (Whisper base, int8), language nl, Hugging Face hub offline")
    cut = (
        "own network namespace, loopback only" if network_cut() else "network NOT cut (no unshare)"
    )
    print(f"runners: {cut}; chunks of 0.1 s at wall-clock pace")
    print(f"machine: {os.cpu_count()} cores, load average {_load()}")
    for s in streams:
        print(
            f"audio: {s.call}/{s.channel}: {s.seconds:.0f} s, {len(s.utterances)} utterances, "
            "mono 16 kHz, fed in real time"
        )
    print(f"runner output: {log}\n")
    calls = list(dict.fromkeys(s.call for s in streams))
    results = []
    for tool in tools(args):
        if args.only and tool.name not in args.only:
            continue
        if tool.unavailable:
            print(f"  {tool.name}: cannot run here: {tool.unavailable}", flush=True)
            results.append(
                Result(tool.name, Spread.of([]), 0, 0, math.nan, 0, {}, tool.unavailable)
            )
            continue
        results.append(measure(tool, streams, model, log))
    report(results, calls)
    print(f"\nload average at the end: {_load()} (timings are indicative on a shared machine)")
    if all(not r.why for r in results):
        shutil.rmtree(tmp, ignore_errors=True)  # keep the runners' log when something failed


if __name__ == "__main__":
    main()
