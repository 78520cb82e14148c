"""How far live decoding is from the model's best offline decoding of the same calls (issue 17).

Prints figures; asserts nothing. Usage:

    nice -n 5 .venv/bin/python benchmarks/best_decoding.py [--clips 300] [--modes live,utt-b5,...]
        [--shard K/N --threads 1 --json part.json] | --combine part*.json

One two-channel call is built from ``--clips`` real Dutch clips
(``fillets_clips``, alternating sides, as ``benchmarks/transcribe.py`` does)
and decoded with base int8 (2 threads) in these ways:

- ``live``: the engine as it runs live, batch and import today (VAD cuts,
  interim passes, beam 1, temperature 0, no context); RTF is the whole
  engine run's;
- ``utt-b1``: the engine's final utterances (captured from the ``live``
  run) decoded again at the live settings: the same words as ``live``, and
  a decode-only cost to compare the other utterance modes with (``live``'s
  RTF also holds the VAD, interim passes and the analysers);
- ``utt-b5``: the same final utterances the engine cut (captured from the
  ``live`` run), decoded again with beam 5;
- ``utt-b5-prompt``: beam 5 with the previous utterance's kept text of the
  same channel as ``initial_prompt`` (the speaker's own context);
- ``utt-b5-prompt-fallback``: as above, plus Whisper's temperature fallback
  (0.0, 0.2, ... 1.0; a window is decoded again while its compression ratio
  or log-probability fails the thresholds);
- ``windows=POLICY``: the same final utterances through the product's own
  transcriber (beam 1, its hallucination filter) with the encoder windows
  padded per POLICY: ``full`` (30 s, faster-whisper's) or buckets and margin
  as ``10+20+30@1`` (``SHORT_WINDOWS``), to judge a window choice on the
  engine's cuts rather than on whole clips (issue 17 item 2);
- ``channel-best``: no VAD cuts: each channel's whole audio in Whisper's own
  30 s windows, beam 5, ``condition_on_previous_text``, temperature fallback.

On a loaded machine the work can be split: ``--shard K/N`` decodes the K-th of
N equal parts of the same sample (the utterances cut by the VAD and segmenter
alone when ``live`` is not asked for, which gives the same cuts), ``--json``
keeps each part's texts, and ``--combine a.json b.json ...`` pools them into
one WER per mode over the parts that have it (the clip count is printed per
mode: give parts that hold the same clips to compare modes).
``--threads 1`` per part keeps the parts from fighting over the cores.

Every mode goes through the same hallucination filter (compression ratio,
no-speech, phrase lists) the product uses, so the repetition loops a prompt
can start are dropped the way they would be in the product. For each mode
it prints the WER (pooled over both channels), the real-time factor (wall
seconds / call seconds; lower is faster), how many segments needed a
temperature above 0, what the filter dropped, and the CPU seconds spent per
call second (less sensitive to other processes than the wall clock). Speed
figures depend on the machine's load (printed); WER does not.

Measured 4 Dec 2026 (load 10-28 on 2 cores, so only WER and CPU per call
second mean much; parts of the 300-clip seed-1 sample, 1 thread each):

- 126 clips: live settings (utt-b1) WER 58.8 %, 0.40 CPU s per call s;
  beam 5 53.0 %, 0.45 CPU s (+13 %). Seed 2, 60 clips, whole engine: live
  62.4 %, beam 5 54.4 %.
- 15 of those clips: beam 1 59.3 %, beam 5 55.6 %; beam 5 + previous text
  as prompt 56.8 % at 1.01 CPU s (three repetition loops decoded to full
  length, then dropped by the filter); with temperature fallback as well
  56.8 % at 1.38 CPU s; channel-best (30 s windows over whole channels) 46.3 %
  at 0.31 CPU s: fewer encoder passes than one per utterance.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from encoder import parse_policy  # noqa: E402

from belcoach.audio.bus import EventBus  # noqa: E402
from belcoach.audio.engine.asr_worker import AsrWorker  # noqa: E402
from belcoach.audio.engine.blocks import SAMPLE_RATE  # noqa: E402
from belcoach.audio.engine.channel_words import ChannelTranscriber  # noqa: E402
from belcoach.audio.engine.hallucinations import HallucinationFilter  # noqa: E402
from belcoach.audio.engine.segmenter import Utterance  # noqa: E402
from belcoach.audio.engine.sources import open_call  # noqa: E402
from belcoach.audio.engine.transcriber import WhisperTranscriber, heard_segment  # noqa: E402
from belcoach.audio.events import Word  # noqa: E402
from belcoach.audio.jobs.run import ModelChoice, build_call, load_transcriber  # noqa: E402
from support.calls import clips_call, run_file  # noqa: E402
from support.fillets import fillets_clips  # noqa: E402
from support.wer import word_error_rate  # noqa: E402

CHANNELS = ("agent", "customer")
FALLBACK = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
MODES = (
    "live",
    "utt-b1",
    "utt-b5",
    "utt-b5-prompt",
    "utt-b5-prompt-fallback",
    "channel-b1",
    "channel-b5",
    "channel-best",
    "whole",
)


@dataclass
class Result:
    """One mode's text per channel and what decoding it cost."""

    text: dict[str, str]
    wall: float
    temperatures: Counter[float] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    cpu: float = 0.0


def _decode(
    model: Any,
    audio: np.ndarray,
    filt: HallucinationFilter,
    temps: Counter[float],
    *,
    beam: int,
    prompt: str | None,
    fallback: bool,
    condition: bool = False,
    vad: bool = False,
) -> str:
    """One stretch of audio through Whisper and the product's hallucination filter."""
    segments, _ = model.transcribe(
        audio,
        language="nl",
        beam_size=beam,
        temperature=FALLBACK if fallback else 0.0,
        condition_on_previous_text=condition,
        initial_prompt=prompt,
        word_timestamps=True,
        vad_filter=vad,
        no_speech_threshold=0.6,
        log_prob_threshold=-1.0,
        compression_ratio_threshold=2.4,
        suppress_blank=True,
    )
    segs = list(segments)
    temps.update(float(s.temperature) for s in segs)
    cleaned = filt.clean([heard_segment(s) for s in segs], len(audio) / SAMPLE_RATE)
    return " ".join(w.text for w in cleaned.words)


def _live(transcriber: WhisperTranscriber, call: Path) -> tuple[Result, list[Utterance]]:
    """The engine's own run; also captures the final utterances it cut."""
    finals: list[Utterance] = []
    process = AsrWorker._process

    def spy(self: AsrWorker, job: Utterance) -> None:
        if job.final:
            finals.append(job)
        process(self, job)

    AsrWorker._process = spy  # type: ignore[method-assign]
    try:
        before = Counter(transcriber.hallucinations.reasons)
        run = run_file(transcriber, call, max_transcript_lag=None)
    finally:
        AsrWorker._process = process  # type: ignore[method-assign]
    dropped = Counter(transcriber.hallucinations.reasons)
    dropped.subtract(before)
    text = {ch: run.text(ch) for ch in CHANNELS}
    stats = run.stats
    print(
        f"live engine: {stats['asr_passes']:.0f} Whisper passes for {len(finals)} final "
        f"utterances (the rest are interim passes), ASR busy {stats['asr_busy_seconds']:.0f} s "
        f"of {stats['wall_seconds']:.0f} s wall",
        flush=True,
    )
    return Result(text, run.stats["wall_seconds"], dropped=+dropped), finals


def _utterances(
    model: Any, finals: list[Utterance], *, beam: int, prompt: bool, fallback: bool
) -> Result:
    """The engine's final utterances decoded again, in time order per channel."""
    filt = HallucinationFilter.for_language("nl")
    temps: Counter[float] = Counter()
    text: dict[str, str] = {}
    started = time.perf_counter()
    for ch in CHANNELS:
        said: list[str] = []
        for job in sorted((j for j in finals if str(j.channel) == ch), key=lambda j: j.t0):
            previous = next((s for s in reversed(said) if s), None)
            said.append(
                _decode(
                    model,
                    job.audio,
                    filt,
                    temps,
                    beam=beam,
                    prompt=previous if prompt else None,
                    fallback=fallback,
                )
            )
        text[ch] = " ".join(s for s in said if s)
    return Result(text, time.perf_counter() - started, temps, +filt.reasons)


def _windows(transcriber: WhisperTranscriber, finals: list[Utterance], policy: str) -> Result:
    """The engine's final utterances through the product's own transcriber (beam 1, its
    hallucination filter), encoder windows padded per ``policy`` (``full`` = 30 s,
    else ``"10+20+30@1"``: buckets and margin, as ``benchmarks/encoder.py`` takes them
    with commas)."""
    chosen = None if policy == "full" else parse_policy(policy.replace("+", ","))
    product = transcriber.with_policy(chosen)
    before = Counter(product.hallucinations.reasons)
    text: dict[str, str] = {}
    started = time.perf_counter()
    for ch in CHANNELS:
        jobs = sorted((j for j in finals if str(j.channel) == ch), key=lambda j: j.t0)
        said = [" ".join(w.text for w in product.transcribe(job.audio)) for job in jobs]
        text[ch] = " ".join(s for s in said if s)
    dropped = Counter(product.hallucinations.reasons)
    dropped.subtract(before)
    return Result(text, time.perf_counter() - started, dropped=+dropped)


def _whole(transcriber: WhisperTranscriber, call: Path) -> Result:
    """The product's ``whole`` profile: the engine run, words from whole decoded sides."""
    channel = ChannelTranscriber(transcriber, lambda stop: open_call(call).blocks(stop))
    before = Counter(transcriber.hallucinations.reasons)
    try:
        run = run_file(channel, call, max_transcript_lag=None)
    finally:
        channel.close()
    dropped = Counter(transcriber.hallucinations.reasons)
    dropped.subtract(before)
    print(f"whole: {channel.words_left_out} decoded words taken by no utterance", flush=True)
    text = {ch: run.text(ch) for ch in CHANNELS}
    return Result(text, run.stats["wall_seconds"], dropped=+dropped)


def _channels(model: Any, call: Path, *, beam: int = 5, best: bool = True) -> Result:
    """Each channel's whole audio in Whisper's own windows.

    ``best``: the previous window's text as context and temperature fallback
    (everything the model offers); otherwise temperature 0, no context, and
    faster-whisper's VAD filter skipping the other side's turns.
    """
    stereo, sr = sf.read(call, dtype="float32", always_2d=True)
    assert sr == SAMPLE_RATE
    filt = HallucinationFilter.for_language("nl")
    temps: Counter[float] = Counter()
    started = time.perf_counter()
    text = {
        ch: _decode(
            model,
            np.ascontiguousarray(stereo[:, i]),
            filt,
            temps,
            beam=beam,
            prompt=None,
            fallback=best,
            condition=best,
            vad=not best,
        )
        for i, ch in enumerate(CHANNELS)
    }
    return Result(text, time.perf_counter() - started, temps, +filt.reasons)


class _Silent:
    """A transcriber that hears nothing: cuts the utterances without paying for Whisper."""

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """No words."""
        return []


def _cut(call: Path) -> list[Utterance]:
    """The final utterances the engine cuts (VAD and segmenter only; no decoding)."""
    finals: list[Utterance] = []
    process = AsrWorker._process

    def spy(self: AsrWorker, job: Utterance) -> None:
        if job.final:
            finals.append(job)
        process(self, job)

    AsrWorker._process = spy  # type: ignore[method-assign]
    try:
        build_call(
            open_call(call), _Silent(), EventBus(), language="nl", model_name="none", paced=False
        ).run()
    finally:
        AsrWorker._process = process  # type: ignore[method-assign]
    return finals


def _print(mode: str, row: dict[str, Any]) -> None:
    wer = word_error_rate(row["refs"], row["hyps"])
    rtf = row["wall"] / row["seconds"]
    print(
        f"{mode:24s} WER {wer:6.1%}  RTF {rtf:.3f} ({1 / rtf:4.1f}x real time)  "
        f"CPU s per audio s {row['cpu'] / row['seconds']:.3f}  "
        f"segments at temperature>0: {row['hot']}/{row['segments']}  "
        f"dropped: {row['dropped'] or '-'}",
        flush=True,
    )


def _combine(paths: list[Path]) -> None:
    """Pool the parts' rows mode by mode: one WER over all their words, summed times."""
    shards = [json.loads(path.read_text()) for path in paths]
    pooled: dict[str, dict[str, Any]] = {}
    for shard in shards:
        for mode, row in shard["modes"].items():
            into = pooled.setdefault(
                mode,
                {
                    "refs": [],
                    "hyps": [],
                    "wall": 0.0,
                    "cpu": 0.0,
                    "seconds": 0.0,
                    "hot": 0,
                    "segments": 0,
                    "dropped": Counter(),
                    "clips": 0,
                },
            )
            for key in ("refs", "hyps"):
                into[key] += row[key]
            for key in ("wall", "cpu", "seconds", "hot", "segments", "clips"):
                into[key] += row[key]
            into["dropped"].update(row["dropped"])
    for mode, row in pooled.items():
        row["dropped"] = dict(row["dropped"])
        print(f"[{row['clips']} clips] ", end="")
        _print(mode, row)


def main() -> None:
    """Build the call, decode it every way asked, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clips", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--modes", default=",".join(MODES), help="comma-separated, from " + ", ".join(MODES)
    )
    ap.add_argument(
        "--shard", default="1/1", help="K/N: only the K-th of N equal parts of the clips"
    )
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the texts and times here")
    ap.add_argument("--combine", type=Path, nargs="+", help="pool --json files and print")
    args = ap.parse_args()
    if args.combine:
        _combine(args.combine)
        return
    modes = [m for m in args.modes.split(",") if m]
    unknown = {m for m in modes if not m.startswith("windows=")} - set(MODES)
    if unknown:
        ap.error(f"unknown modes: {', '.join(sorted(unknown))}")

    clips = fillets_clips(limit=args.clips, seed=args.seed)
    if not clips:
        sys.exit("fillets not installed (apt-get install fillets-ng-data-nl fillets-ng-data)")
    k, n = (int(x) for x in args.shard.split("/"))
    clips = clips[(k - 1) * len(clips) // n : k * len(clips) // n]
    print(f"load at start: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores", flush=True)
    transcriber = load_transcriber(ModelChoice("base", cpu_threads=args.threads), "nl")
    model = transcriber._model
    out: dict[str, Any] = {"clips": len(clips), "modes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        call = Path(tmp) / "fillets_call.flac"
        refs = clips_call(clips, call)
        seconds = sf.info(call).duration
        print(
            f"call: {len(clips)} real Dutch clips, {seconds:.0f} s, base int8, "
            f"{args.threads} threads",
            flush=True,
        )
        if "live" in modes:
            cpu0 = time.process_time()
            live, finals = _live(transcriber, call)
            live.cpu = time.process_time() - cpu0
        else:
            finals = _cut(call)
        runs: dict[str, Callable[[], Result]] = {
            "live": lambda: live,
            "utt-b1": lambda: _utterances(model, finals, beam=1, prompt=False, fallback=False),
            "utt-b5": lambda: _utterances(model, finals, beam=5, prompt=False, fallback=False),
            "utt-b5-prompt": lambda: _utterances(
                model, finals, beam=5, prompt=True, fallback=False
            ),
            "utt-b5-prompt-fallback": lambda: _utterances(
                model, finals, beam=5, prompt=True, fallback=True
            ),
            "channel-b1": lambda: _channels(model, call, beam=1, best=False),
            "channel-b5": lambda: _channels(model, call, beam=5, best=False),
            "channel-best": lambda: _channels(model, call),
            "whole": lambda: _whole(transcriber, call),
        }
        for mode in modes:
            if mode.startswith("windows="):
                runs[mode] = partial(_windows, transcriber, finals, mode.partition("=")[2])
        print(f"{len(finals)} final utterances cut by the engine", flush=True)
        for mode in modes:
            cpu0 = time.process_time()
            result = runs[mode]()
            cpu = result.cpu if mode == "live" else time.process_time() - cpu0
            row = {
                "refs": [refs[ch] for ch in CHANNELS],
                "hyps": [result.text[ch] for ch in CHANNELS],
                "wall": result.wall,
                "cpu": cpu,
                "seconds": seconds,
                "clips": len(clips),
                "hot": sum(n for t, n in result.temperatures.items() if t > 0),
                "segments": sum(result.temperatures.values()),
                "dropped": dict(result.dropped),
            }
            out["modes"][mode] = row
            _print(mode, row)
            print(f"  load {os.getloadavg()[0]:.2f}", flush=True)
            if args.json:
                args.json.write_text(json.dumps(out))


if __name__ == "__main__":
    main()
