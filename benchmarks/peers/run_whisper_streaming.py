"""Runner: ufal/whisper_streaming's `OnlineASRProcessor` with its faster-whisper backend.

Runs in .peers-venv with a checkout of the repository (``--whisper-streaming
DIR``, imported from there: it is not on PyPI). Its defaults are kept:
``--min-chunk-size 1`` s, buffer trimming ("segment", 15), beam 5, no VAD/VAC.
One change is forced: its `FasterWhisperASR` loads on CUDA (float16)
unconditionally, so `CpuFasterWhisperASR` loads the model the way the
repository's own comment says to on a CPU (``device="cpu", compute_type="int8"``).

The loop is the one of its ``whisper_online.py`` real-time simulation: wait
until at least ``min_chunk`` s of new audio has arrived by the wall clock,
insert it all, run `process_iter`; what it returns is committed text.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import protocol


def main() -> None:
    """Load, play the file in real time, report every committed piece of text."""
    ap = argparse.ArgumentParser()
    ap.add_argument("audio")
    ap.add_argument("--model", required=True)
    ap.add_argument("--language", default="nl")
    ap.add_argument("--whisper-streaming", required=True, help="checkout of ufal/whisper_streaming")
    ap.add_argument("--min-chunk-size", type=float, default=1.0)
    args = ap.parse_args()
    sys.path.insert(0, args.whisper_streaming)
    try:
        import whisper_online as wo
    except ImportError as exc:
        protocol.emit(
            "skip", why=f"cannot import whisper_online from {args.whisper_streaming}: {exc}"
        )
        return

    class CpuFasterWhisperASR(wo.FasterWhisperASR):
        """The repository's backend, loaded on the CPU as its own comment describes."""

        def load_model(self, modelsize=None, cache_dir=None, model_dir=None):
            from faster_whisper import WhisperModel

            return WhisperModel(model_dir, device="cpu", compute_type="int8")

    audio = protocol.load_mono(args.audio)
    asr = CpuFasterWhisperASR(args.language, model_dir=args.model)
    asr.transcribe(audio[: protocol.RATE])  # warm-up, as its server does
    online = wo.OnlineASRProcessor(asr, None, buffer_trimming=("segment", 15))

    t0 = time.monotonic()
    protocol.emit("start", t0=t0)
    fed = 0
    need = int(args.min_chunk_size * protocol.RATE)
    while fed < len(audio):
        arrived = min(len(audio), int((time.monotonic() - t0) * protocol.RATE))
        if arrived - fed < need and arrived < len(audio):
            time.sleep((need - (arrived - fed)) / protocol.RATE)
            continue
        online.insert_audio_chunk(audio[fed:arrived])
        fed = arrived
        protocol.final(online.process_iter()[2])
    protocol.final(online.finish()[2])
    protocol.emit("done")


if __name__ == "__main__":
    main()
    os._exit(0)
