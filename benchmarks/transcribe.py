"""Transcription speed, latency, CPU, memory and accuracy of the engine on this machine.

Prints figures; asserts nothing (targets live here, not in tests). Usage:

    .venv/bin/python benchmarks/transcribe.py [--runs 3] [--fillets 120] [--no-realtime]
        [--no-speculation] [--no-interims] [--windows full|short] [--interim-windows short|full]

- batch: the demo call (84 s of synthetic espeak-ng Dutch) analysed as fast as
  possible, real-time factor (wall / audio; lower is faster) as the median of
  ``--runs`` runs, decoded as live (utterance by utterance) and with the
  ``whole`` profile that imports and batch runs use (each side decoded whole,
  `belcoach.audio.engine.channel_words`, by the model as they load it: two
  one-thread decodes, one per side, ``run.side_workers``; loaded after the
  realtime runs, so the first peak-memory figure is the live model's alone);
- realtime: the demo call paced like a live call, ``--runs`` times; delay from
  the end of each utterance's speech (as the VAD placed it) on the source's
  real-time clock to the moment its committed words are published (wall clock,
  so it includes the engine's own lateness), p50/p95/max per run and pooled;
  CPU use in cores and peak memory; Whisper passes per committed utterance
  (interims and speculative passes included) and the speculative passes run,
  reused by their final and wasted (the speaker went on);
  ``--no-speculation`` turns the speculative pass in the pause off and
  ``--no-interims`` the interim passes inside long utterances, to compare;
  ``--interim-windows full`` reads the interim passes in the finals' 30 s windows
  instead of ``SHORT_WINDOWS`` (the live default), to compare. The realtime runs
  pace the demo and a call of ``REALTIME_CLIPS`` real Dutch clips.
  Measured 2026-12-05 evening, quiet 2-core AMD machine, 3 runs each, pooled
  p50/p95/max and CPU while live: demo 1.03/1.38/1.49 s, 0.58 cores, real call
  1.01/1.15/1.26 s, 0.34 cores; with ``--interim-windows full`` demo
  1.07/1.64/1.82 s, 0.75 cores, real 1.05/1.22/1.32 s, 0.38 cores. The morning's
  run (before the token budget and the short interims, demo only) was
  1.47/3.49/4.72 s at 1.04 cores; then ``--no-interims`` 1.45/2.50/4.84 s at
  0.74 cores and both off 1.78/2.43/2.51 s at 0.50 cores (the speculative pass
  buys ~0.3 s at p50);
- accuracy: word error rate on the demo call (synthetic espeak speech) and on
  a sample of real human Dutch speech from Debian's fillets-ng-data-nl, live
  and ``whole``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from spread import Spread  # noqa: E402

from belcoach.audio.engine.buckets import SHORT_WINDOWS  # noqa: E402
from belcoach.audio.engine.channel_words import ChannelTranscriber  # noqa: E402
from belcoach.audio.engine.segmenter import SegmenterConfig, SpeechSegmenter  # noqa: E402
from belcoach.audio.engine.sources import open_call  # noqa: E402
from belcoach.audio.engine.transcriber import DecodeProfile, WhisperTranscriber  # noqa: E402
from belcoach.audio.jobs.run import ModelChoice, load_transcriber  # noqa: E402
from belcoach.demo import demo_call_path, demo_truth_path  # noqa: E402
from support.calls import CallRun, clips_call, run_file  # noqa: E402
from support.fillets import fillets_clips  # noqa: E402
from support.wer import word_error_rate  # noqa: E402

CHANNELS = ("agent", "customer")


def _demo_wer(run: CallRun) -> float:
    truth = json.loads(demo_truth_path().read_text())
    refs = [" ".join(t["text"] for t in truth["turns"] if t["channel"] == ch) for ch in CHANNELS]
    return word_error_rate(refs, [run.text(ch) for ch in CHANNELS], "nl")


def _run(transcriber, path: Path, *, whole: bool) -> CallRun:
    """The call analysed as fast as possible, decoded live or with the ``whole`` profile."""
    if not whole:
        return run_file(transcriber, path)
    sides = ChannelTranscriber(transcriber, lambda stop: open_call(path).blocks(stop))
    try:
        return run_file(sides, path)
    finally:
        sides.close()


def _fillets_wer(transcriber, n: int, *, whole: bool) -> tuple[float, int, float] | None:
    """A two-channel call made of real Dutch clips (alternating sides), scored."""
    clips = fillets_clips(limit=n, seed=1)
    if not clips:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fillets_call.flac"
        refs = clips_call(clips, path)
        run = _run(transcriber, path, whole=whole)
    wer = word_error_rate([refs[ch] for ch in CHANNELS], [run.text(ch) for ch in CHANNELS], "nl")
    return wer, len(clips), run.stats["audio_seconds"]


def _passes(stats: dict[str, float]) -> str:
    """Whisper passes per committed utterance and what the speculative ones became."""
    finals = max(1.0, stats["asr_finals"])
    return (
        f"{stats['asr_passes'] / finals:.2f} passes per utterance "
        f"({stats['asr_finals']:.0f} utterances; "
        f"speculative {stats['speculative_passes']:.0f} run, "
        f"{stats['speculative_reused']:.0f} reused, {stats['speculative_wasted']:.0f} wasted)"
    )


REALTIME_CLIPS = 24
"""Real clips in the paced real-speech call (seed 4, about 100 s, turns alternating)."""


def _realtime(transcriber, path: Path, what: str, runs: int) -> list[float]:
    """The call paced like a live one, ``runs`` times: latency, CPU and passes; pooled latencies."""
    pooled: list[float] = []
    cores: list[float] = []
    for i in range(runs):
        run = run_file(transcriber, path, realtime=True)
        stats = run.stats
        lat = [e.latency for e in run.finals if e.latency is not None]
        pooled += lat
        cores.append(stats["cpu_seconds"] / stats["wall_seconds"])
        print(
            f"realtime run {i + 1} ({what}): {len(lat)} utterances, speech end -> committed "
            f"words {Spread.of(lat).text()}; CPU {cores[-1]:.2f} cores; interim passes skipped "
            f"{stats['skipped_interims']:.0f}; {_passes(stats)}",
            flush=True,
        )
    print(
        f"realtime, {runs} run(s) pooled ({len(pooled)} utterances, {what}): "
        f"speech end -> committed words {Spread.of(pooled).text()}; "
        f"CPU median {statistics.median(cores):.2f} cores",
        flush=True,
    )
    return pooled


def _batch(transcriber, demo: Path, runs: int, *, whole: bool) -> None:
    """The demo call analysed as fast as possible, ``runs`` times: real-time factor and WER."""
    rtfs = []
    for _ in range(runs):
        run = _run(transcriber, demo, whole=whole)
        rtfs.append(run.stats["wall_seconds"] / run.stats["audio_seconds"])
    rtf = statistics.median(rtfs)
    how = "whole sides (imports, batch)" if whole else "live decoding"
    print(
        f"batch, {how}: real-time factor median {rtf:.3f} ({1 / rtf:.1f}x real time) "
        f"over {runs} runs [{', '.join(f'{r:.3f}' for r in rtfs)}]; "
        f"last run {_passes(run.stats)}"
    )
    print(f"demo WER (espeak speech), {how}: {_demo_wer(run):.1%}")


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--fillets", type=int, default=120, help="real Dutch clips to score (0 = skip)")
    ap.add_argument("--no-realtime", action="store_true")
    ap.add_argument("--beam-size", type=int, default=1)
    ap.add_argument("--no-speculation", action="store_true", help="no Whisper pass in the pause")
    ap.add_argument(
        "--no-interims", action="store_true", help="no interim passes inside long utterances"
    )
    ap.add_argument(
        "--windows",
        choices=("full", "short"),
        default="full",
        help="encoder windows: 30 s (the default) or SHORT_WINDOWS (10/20/30 s buckets)",
    )
    ap.add_argument(
        "--interim-windows",
        choices=("short", "full"),
        default="short",
        help="interim passes in SHORT_WINDOWS (the live default) or in the finals' windows",
    )
    ap.add_argument(
        "--sides-in-turn",
        action="store_true",
        help="whole profile on the live model (one decode of 2 threads), to compare",
    )
    args = ap.parse_args()
    if args.no_speculation:  # a benchmark-only switch: run_file builds the default engine
        SpeechSegmenter._should_speculate = lambda self: False  # type: ignore[method-assign]
    if args.no_interims:  # likewise: every segmenter's config, with no interim passes
        init = SpeechSegmenter.__init__

        def no_interims(self, channel, config=None):  # type: ignore[no-untyped-def]
            config = replace(config or SegmenterConfig(), interim_every=float("inf"))
            init(self, channel, config)

        SpeechSegmenter.__init__ = no_interims  # type: ignore[method-assign]

    t = time.perf_counter()
    transcriber = load_transcriber(ModelChoice("base", beam_size=args.beam_size), "nl")
    if args.windows == "short":
        transcriber = transcriber.with_policy(SHORT_WINDOWS)
    if args.interim_windows == "full":
        transcriber = WhisperTranscriber(
            transcriber.model, transcriber.options, policy=transcriber.policy, interim_policy=None
        )
    print(
        f"model: base int8, 2 threads, beam {args.beam_size}, {args.windows} encoder windows "
        f"(interims: {args.interim_windows}); "
        f"load + warm-up {time.perf_counter() - t:.1f} s"
    )
    demo = demo_call_path()
    print(f"call: {demo.name} ({sf.info(demo).duration:.1f} s, synthetic espeak-ng Dutch)")
    _batch(transcriber, demo, args.runs, whole=False)

    if not args.no_realtime:
        with tempfile.TemporaryDirectory() as tmp:
            calls = [(demo, "espeak demo call")]
            clips = fillets_clips(limit=REALTIME_CLIPS, seed=4)
            if clips:
                real = Path(tmp) / "real_call.flac"
                clips_call(clips, real)
                calls.append((real, f"real Dutch speech, {len(clips)} fillets clips"))
            everything: list[float] = []
            for path, what in calls:
                everything += _realtime(transcriber, path, what, args.runs)
        print(
            f"realtime, all calls pooled ({len(everything)} utterances): speech end -> "
            f"committed words {Spread.of(everything).text()}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS), live model only: {peak_mb:.0f} MB")

    # what imports and batch load: two one-thread decodes, one per side (run.side_workers)
    whole_choice = ModelChoice("base", beam_size=args.beam_size, profile=DecodeProfile.WHOLE)
    sides = transcriber if args.sides_in_turn else load_transcriber(whole_choice, "nl")
    print(
        "whole-profile model: "
        + ("one decode of 2 threads" if sides.parallel == 1 else "2 decodes of 1 thread each")
    )
    _batch(sides, demo, args.runs, whole=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS), both models loaded: {peak_mb:.0f} MB")

    for whole in (False, True) if args.fillets else ():
        result = _fillets_wer(sides if whole else transcriber, args.fillets, whole=whole)
        if result is None:
            print("fillets: not installed (apt-get install fillets-ng-data-nl fillets-ng-data)")
            break
        wer, n, seconds = result
        how = "whole sides" if whole else "live decoding"
        print(
            f"fillets real Dutch speech, {how}: WER {wer:.1%} on {n} clips ({seconds:.0f} s call)"
        )


if __name__ == "__main__":
    main()
