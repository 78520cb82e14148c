"""Runner: RealtimeSTT's `AudioToTextRecorder` fed from the file instead of a microphone.

Runs in .peers-venv. Settings are the library's defaults except what the
comparison fixes: the shared model directory, language, CPU int8, no
microphone (``use_microphone=False`` + `feed_audio`, its documented way to
feed external audio), no spinner. Its voice activity detection is Silero: the
ONNX copy that the ``silero-vad`` PyPI package bundles, which RealtimeSTT's
"auto" backend finds without torch.hub (no download). Finals are what its
documented loop ``while True: recorder.text()`` returns, one per utterance
its VAD closed.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
import time

import numpy as np
import protocol


def main() -> None:
    """Load, play the file in real time, report every transcribed utterance."""
    ap = argparse.ArgumentParser()
    ap.add_argument("audio")
    ap.add_argument("--model", required=True)
    ap.add_argument("--language", default="nl")
    args = ap.parse_args()
    from RealtimeSTT import AudioToTextRecorder

    audio = protocol.load_mono(args.audio)
    recorder = AudioToTextRecorder(
        model=args.model,
        language=args.language,
        device="cpu",
        compute_type="int8",
        use_microphone=False,
        spinner=False,
        level=logging.WARNING,
        no_log_file=True,
    )
    last = [0.0]

    def listen() -> None:
        while True:
            text = recorder.text()
            protocol.final(text)
            last[0] = time.monotonic()

    threading.Thread(target=listen, daemon=True).start()
    t0 = time.monotonic()
    protocol.emit("start", t0=t0)
    for chunk in protocol.paced_chunks(audio, t0):
        recorder.feed_audio((chunk * 32767).astype(np.int16).tobytes(), protocol.RATE)
    protocol.wait_quiet(last)
    protocol.emit("done")
    try:
        recorder.shutdown()
    finally:
        os._exit(0)


if __name__ == "__main__":
    main()
