"""What a runner prints and how it feeds audio: the one contract every tool's runner follows.

Every runner loads its tool with the shared Whisper base int8 model directory,
then plays one mono 16 kHz file into it at wall-clock pace and prints, on
stdout, lines that start with `PREFIX` followed by JSON:

- ``{"kind": "start", "t0": T}``: ``time.monotonic()`` at audio time zero (the
  moment the first sample would have been captured live);
- ``{"kind": "final", "t": T, "text": "..."}``: the tool published text it
  will not change again, at ``time.monotonic()`` T;
- ``{"kind": "done"}``: no more finals; ``{"kind": "skip", "why": "..."}``:
  the tool cannot run here (peers.py prints why and goes on).

``time.monotonic()`` is CLOCK_MONOTONIC on Linux, one clock for all processes,
so peers.py can set a final's arrival against the audio clock. Libraries print
to stdout too; lines without the prefix are not ours. Stdlib + numpy +
soundfile only: this module runs in belcoach's venv and in the peers' venv.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator

import numpy as np
import soundfile as sf

PREFIX = "@@peers "
RATE = 16000
CHUNK_SECONDS = 0.1
"""Audio per fed chunk, the same for every tool (belcoach's source blocks are 0.1 s)."""


def emit(kind: str, **fields: object) -> None:
    """Print one protocol line and flush (the parent reads it as it comes)."""
    sys.stdout.write(PREFIX + json.dumps({"kind": kind, **fields}) + "\n")
    sys.stdout.flush()


def final(text: str, at: float | None = None) -> None:
    """Report text the tool will not change, stamped ``at`` (default: now)."""
    if text.strip():
        emit("final", t=time.monotonic() if at is None else at, text=text.strip())


def load_mono(path: str) -> np.ndarray:
    """The runner's audio: mono float32 at 16 kHz (peers.py writes it so)."""
    audio, rate = sf.read(path, dtype="float32")
    if rate != RATE or audio.ndim != 1:
        raise SystemExit(f"{path}: expected mono {RATE} Hz, got {audio.shape} at {rate} Hz")
    return audio


def paced_chunks(audio: np.ndarray, t0: float) -> Iterator[np.ndarray]:
    """Yield `CHUNK_SECONDS` chunks, each once the wall clock reaches its end (like a live source).

    A consumer that is slow gets its next chunk late but never early, so its
    lateness shows in the latency, as it would on a live call.
    """
    step = int(CHUNK_SECONDS * RATE)
    for start in range(0, len(audio), step):
        chunk = audio[start : start + step]
        due = t0 + (start + len(chunk)) / RATE
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield chunk


def wait_quiet(last_final: list[float], *, idle: float = 15.0, cap: float = 120.0) -> None:
    """After the audio ends, wait for stragglers: ``idle`` s without a final, ``cap`` s at most.

    ``last_final`` holds one monotonic time, updated by whoever reports finals.
    """
    end = time.monotonic()
    last_final[0] = max(last_final[0], end)
    while time.monotonic() - end < cap and time.monotonic() - last_final[0] < idle:
        time.sleep(0.2)
