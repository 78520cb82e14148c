"""Bucketed encoder windows against faster-whisper's 30 s window: accuracy, pass times, batching.

Prints figures; asserts nothing. Usage:

    nice -n 5 .venv/bin/python benchmarks/encoder.py [--clips 300] [--seed 7] [--runs 5]
        [--policies 5,10,20,30@0 10,20,30@2] [--skip-wer] [--skip-timing]

1. accuracy: corpus WER (tests/support/wer.py) of Whisper base int8, beam 1, on
   ``--clips`` real Dutch clips (tests/support/fillets.py), each decoded as one
   utterance (as the segmenter hands it over), with faster-whisper's own
   ``transcribe`` (the 30 s baseline) and with each bucket policy
   (``buckets@margin``); also how many clips got the very same words, and each
   pass's wall time grouped by the bucket it used;
2. pass times: one utterance per bucket size, decoded ``--runs`` times with that
   bucket forced; median / p95 / max seconds of encoder + decode + alignment;
3. batching: two utterances (one per channel) in one ``decode_batch`` against two
   ``decode`` calls, ``--runs`` times, and whether both give the same words.

Times are wall clock on whatever else runs on the machine; the load average is
printed next to them. Accuracy does not depend on the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
from faster_whisper import decode_audio  # noqa: E402

from belcoach.audio.engine.buckets import (  # noqa: E402
    FULL_WINDOW,
    SHORT_WINDOWS,
    BucketPolicy,
)
from belcoach.audio.engine.hallucinations import HeardSegment  # noqa: E402
from belcoach.audio.engine.transcriber import DecodeOptions, WhisperTranscriber  # noqa: E402
from belcoach.models.loader import load_whisper  # noqa: E402
from belcoach.models.store import ModelStore  # noqa: E402
from support.fillets import fillets_clips  # noqa: E402
from support.wer import word_error_rate  # noqa: E402

SAMPLE_RATE = 16_000


def parse_policy(text: str) -> BucketPolicy:
    """``"5,10,20,30@1"`` -> buckets (5, 10, 20, 30) s with a 1 s margin."""
    buckets, _, margin = text.partition("@")
    return BucketPolicy(tuple(float(b) for b in buckets.split(",")), float(margin or 0))


def label(policy: BucketPolicy | None) -> str:
    if policy is None:
        return "30 s (faster-whisper)"
    return ",".join(f"{b:g}" for b in policy.buckets) + f" s, margin {policy.margin:g} s"


def words_of(heard: list[HeardSegment]) -> str:
    return " ".join(w.text for seg in heard for w in seg.words)


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered):.3f}  p95 {p95:.3f}  max {ordered[-1]:.3f}"
        f"  (n={len(ordered)})"
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


def accuracy(model: object, policies: list[BucketPolicy | None], clips: int, seed: int) -> None:
    sample = fillets_clips(limit=clips, seed=seed)
    audio = [decode_audio(str(c.path), sampling_rate=SAMPLE_RATE) for c in sample]
    refs = [c.text for c in sample]
    seconds = [len(a) / SAMPLE_RATE for a in audio]
    print(
        f"\n== accuracy: {len(sample)} fillets clips (seed {seed}), "
        f"{min(seconds):.1f}-{max(seconds):.1f} s, median {statistics.median(seconds):.1f} s"
    )
    baseline: list[str] = []
    for policy in policies:
        transcriber = WhisperTranscriber(model, DecodeOptions("nl"), policy=policy)
        hyps: list[str] = []
        by_bucket: dict[float, list[float]] = defaultdict(list)
        members: dict[float, list[int]] = defaultdict(list)
        for i, (a, s) in enumerate(zip(audio, seconds, strict=True)):
            started = time.perf_counter()
            hyps.append(words_of(transcriber.decode(a)))
            bucket = 30.0 if policy is None else policy.seconds(s)
            by_bucket[bucket].append(time.perf_counter() - started)
            members[bucket].append(i)
        if not baseline and policy is None:
            baseline = hyps
        same = sum(h == b for h, b in zip(hyps, baseline or hyps, strict=True))
        print(
            f"{label(policy):32s} WER {100 * word_error_rate(refs, hyps):5.1f} %"
            f"   same words as baseline {same}/{len(hyps)}   ({load()})"
        )
        for bucket in sorted(by_bucket):
            ref = [refs[i] for i in members[bucket]]
            own = word_error_rate(ref, [hyps[i] for i in members[bucket]])
            versus = ""
            if baseline and policy is not None:
                base = word_error_rate(ref, [baseline[i] for i in members[bucket]])
                versus = f" (30 s: {100 * base:.1f} %)"
            print(
                f"    {bucket:4.0f} s bucket: WER {100 * own:5.1f} %{versus};"
                f" pass s {spread(by_bucket[bucket])}"
            )


def forced(bucket: float) -> BucketPolicy:
    """A policy that pads anything up to ``bucket`` seconds to exactly that bucket."""
    return FULL_WINDOW if bucket >= 30 else BucketPolicy((bucket, 30.0))


def pass_times(model: object, runs: int, seed: int) -> None:
    print(f"\n== pass times per bucket, {runs} runs each ({load()})")
    sample = fillets_clips(limit=200, seed=seed)
    by_length = sorted(sample, key=lambda c: c.duration)
    for bucket in (5.0, 10.0, 20.0, 30.0):
        fits = [c for c in by_length if c.duration <= bucket - 0.5]
        clip = fits[len(fits) // 2] if bucket <= 10 else fits[-1]
        audio = decode_audio(str(clip.path), sampling_rate=SAMPLE_RATE)
        transcriber = WhisperTranscriber(model, DecodeOptions("nl"), policy=forced(bucket))
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            transcriber.decode(audio)
            times.append(time.perf_counter() - started)
        print(f"{bucket:4.0f} s bucket ({clip.duration:4.1f} s clip): s {spread(times)}")


def batching(model: object, policy: BucketPolicy, runs: int, seed: int) -> None:
    print(f"\n== batching two utterances, {label(policy)}, {runs} runs ({load()})")
    sample = fillets_clips(limit=40, seed=seed + 1)
    transcriber = WhisperTranscriber(model, DecodeOptions("nl"), policy=policy)
    pairs = [(sample[i], sample[i + 1]) for i in range(0, 2 * runs, 2)]
    single, batched, same = [], [], 0
    for left, right in pairs:
        a = decode_audio(str(left.path), sampling_rate=SAMPLE_RATE)
        b = decode_audio(str(right.path), sampling_rate=SAMPLE_RATE)
        started = time.perf_counter()
        one = [transcriber.decode(a), transcriber.decode(b)]
        single.append(time.perf_counter() - started)
        started = time.perf_counter()
        both = transcriber.decode_batch([a, b])
        batched.append(time.perf_counter() - started)
        same += [words_of(h) for h in one] == [words_of(h) for h in both]
    print(f"two single passes: s {spread(single)}")
    print(f"one batched pass:  s {spread(batched)}")
    ratio = statistics.median(b / s for b, s in zip(batched, single, strict=True))
    print(f"batched / single (median of pairs) {ratio:.2f}; same words {same}/{len(pairs)} pairs")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clips", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--policies", nargs="*", type=parse_policy, default=[SHORT_WINDOWS])
    ap.add_argument("--skip-wer", action="store_true")
    ap.add_argument("--skip-timing", action="store_true")
    ap.add_argument("--no-baseline", action="store_true", help="skip the 30 s WER baseline")
    args = ap.parse_args()
    model = load_whisper(ModelStore().resolve("base"), cpu_threads=2)
    WhisperTranscriber(model, DecodeOptions("nl")).decode(np.zeros(SAMPLE_RATE, np.float32))
    if not args.skip_timing:
        pass_times(model, args.runs, args.seed)
        batching(model, args.policies[0], args.runs, args.seed)
    if not args.skip_wer:
        baseline: list[BucketPolicy | None] = [] if args.no_baseline else [None]
        accuracy(model, [*baseline, *args.policies], args.clips, args.seed)


if __name__ == "__main__":
    main()
