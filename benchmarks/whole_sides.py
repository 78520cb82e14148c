"""Recorded calls decoded whole: both sides at once (two 1-thread decodes) vs one after the other.

Prints figures; asserts nothing. Usage:

    .venv/bin/python benchmarks/whole_sides.py [--runs 4] [--clips 60]

The product loads the ``whole`` profile's model with two decodes of one thread
each (``belcoach.audio.jobs.run.side_workers``) and `ChannelTranscriber` decodes
the side the engine did not ask for on a second thread. This compares that with
one decode of two threads taking the sides in turn, in one process, the runs
interleaved (ABAB, BABA, ...) so a busy moment of the machine hits both: on the
espeak demo call (84 s, synthetic) and on a two-sided call of real voice-acted
Dutch (fillets-ng-data-nl, ``--clips`` clips). Median real-time factor per mode.

Measured 2026-12-05 (AVX-512 AMD host, 2 cores, other work now and then, 4 runs
each): real speech 60 clips RTF 0.049 (20.6x) at once vs 0.068 (14.7x) in turn;
demo 0.085 (11.7x) vs 0.107 (9.4x), noisy; an earlier run of the same code gave
19.2x vs 14.6x and 8.4x vs 7.8x. Peak RSS of decoding the
demo's two sides with one model: 769 MB with two decodes, 757 MB with one
(CTranslate2 shares the weights between its workers). Word error rate on 120
real clips (benchmarks/transcribe.py): 44.2 % in both modes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from belcoach.audio.engine.channel_words import ChannelTranscriber  # noqa: E402
from belcoach.audio.engine.sources import open_call  # noqa: E402
from belcoach.audio.engine.transcriber import DecodeProfile, WhisperTranscriber  # noqa: E402
from belcoach.audio.jobs.run import ModelChoice, load_transcriber  # noqa: E402
from belcoach.demo import demo_call_path  # noqa: E402
from support.calls import clips_call, run_file  # noqa: E402
from support.fillets import fillets_clips  # noqa: E402


def _rtf(whisper: WhisperTranscriber, path: Path) -> float:
    sides = ChannelTranscriber(whisper, lambda stop: open_call(path).blocks(stop))
    try:
        run = run_file(sides, path)
    finally:
        sides.close()
    return run.stats["wall_seconds"] / run.stats["audio_seconds"]


def main() -> None:
    """Run both modes on both calls and print the medians."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--clips", type=int, default=60, help="real Dutch clips in the second call")
    args = ap.parse_args()
    modes = {
        "one decode of 2 threads, sides in turn": load_transcriber(ModelChoice("base"), "nl"),
        "two decodes of 1 thread, sides at once": load_transcriber(
            ModelChoice("base", profile=DecodeProfile.WHOLE), "nl"
        ),
    }
    calls = [("espeak demo call (synthetic)", demo_call_path())]
    with tempfile.TemporaryDirectory() as tmp:
        clips = fillets_clips(limit=args.clips, seed=2)
        if clips:
            path = Path(tmp) / "fillets.flac"
            clips_call(clips, path)
            calls.append((f"{len(clips)} real Dutch clips (fillets-ng-data-nl)", path))
        else:
            print("fillets: not installed (apt-get install fillets-ng-data-nl fillets-ng-data)")
        for title, path in calls:
            rtfs: dict[str, list[float]] = {mode: [] for mode in modes}
            for i in range(args.runs):
                order = list(modes) if i % 2 == 0 else list(reversed(modes))
                for mode in order:
                    rtfs[mode].append(_rtf(modes[mode], path))
            for mode, values in rtfs.items():
                rtf = statistics.median(values)
                print(
                    f"{title}, {mode}: RTF median {rtf:.3f} ({1 / rtf:.1f}x real time) over "
                    f"{args.runs} runs [{', '.join(f'{v:.3f}' for v in values)}]"
                )


if __name__ == "__main__":
    main()
