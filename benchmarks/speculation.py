"""What the speculative pass does to commit latency, on a virtual clock (load-independent).

    .venv/bin/python benchmarks/speculation.py [--encode 0.45] [--per-second 0.06]
        [--after 0.2 0.3] [--call F]

Wall-clock latency on a shared, loaded machine says more about the neighbours
than about the engine. This runs the real VAD, segmenter and ASR worker over a
call (the demo call by default) but the transcriber is a stand-in whose pass
costs ``encode + per_second * audio seconds`` on a virtual clock, so the
queueing, the speculative jobs, their reuse and their waste are the engine's
own and the timing is a model. Latency = virtual time the final's words are
published minus the speech end (the engine thread's own lateness is not in
it). Defaults: base int8 on 2 quiet cores, ~0.45 s encoder and a little per
second of speech (../shared/MEASURED.md: 30 s window 408 ms on the Intel
machine); ``--encode 2`` models the AMD machine. Printed with and without
speculation, plus Whisper passes per committed utterance.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections import deque
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from spread import Spread

from belcoach.audio.engine.asr_worker import AsrWorker
from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.engine.segmenter import (
    SegmenterConfig,
    SpeechSegmenter,
    Utterance,
)
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.vad import SileroSession, StreamingVad
from belcoach.audio.events import Channel, Event, Transcript, Word
from belcoach.demo import demo_call_path


def emitted_jobs(path: Path, config: SegmenterConfig) -> list[tuple[float, Utterance]]:
    """Every job the segmenter gives over the call, with the audio time it went out."""
    session = SileroSession()
    vads = {ch: StreamingVad(session) for ch in Channel}
    segs = {ch: SpeechSegmenter(ch, config) for ch in Channel}
    out: list[tuple[float, Utterance]] = []
    now = 0.0
    for block in open_call(path).blocks(threading.Event()):
        now = block.t + block.duration
        for ch, audio in ((Channel.AGENT, block.agent), (Channel.CUSTOMER, block.customer)):
            out += [(now, job) for job in segs[ch].feed(vads[ch].feed(block.t, audio))[1]]
    for ch in Channel:
        out += [(now, job) for job in segs[ch].finish()[1]]
    return out


def simulate(
    emitted: list[tuple[float, Utterance]], encode: float, per_second: float
) -> tuple[list[float], AsrWorker]:
    """Drive the real worker by hand against a virtual clock; returns final latencies."""
    clock = [0.0]
    pending = deque(emitted)
    events: list[Event] = []

    class VirtualCost:
        def transcribe(self, audio: np.ndarray) -> list[Word]:
            clock[0] += encode + per_second * len(audio) / SAMPLE_RATE
            return [Word("w", 0.0, 0.1, 0.9)]

    worker = AsrWorker(VirtualCost(), events.append, latency_of=lambda end: clock[0] - end)
    worker._closing = True  # driven by hand: an empty queue ends a round, no waiting

    def feed() -> None:
        while pending and pending[0][0] <= clock[0]:
            worker.submit(pending.popleft()[1], block=False)

    while pending or worker.queued_jobs():
        if not worker.queued_jobs():  # idle until the next job goes out
            clock[0] = max(clock[0], pending[0][0])
            feed()
        job = worker._next_job()
        if job is None:
            continue
        worker._process(job)
        if job.final:
            worker._pending_finals -= 1
        feed()
    finals = [e for e in events if isinstance(e, Transcript) and e.final]
    return [e.latency for e in finals if e.latency is not None], worker


def main() -> None:
    """Print latency and passes with and without speculation."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--encode", type=float, default=0.45, help="fixed cost of a pass (s)")
    ap.add_argument("--per-second", type=float, default=0.06, help="cost per audio second (s)")
    ap.add_argument(
        "--after", type=float, nargs="+", default=[0.2], help="speculate_after values to try"
    )
    ap.add_argument("--call", type=Path, default=None, help="a stereo call file (default: demo)")
    args = ap.parse_args()
    path = args.call or demo_call_path()
    print(f"call: {path.name}; pass cost {args.encode:g} s + {args.per_second:g} s per audio s")
    for name, config in [("without speculation", SegmenterConfig(speculate_after=None))] + [
        (f"speculate after {after:g} s", SegmenterConfig(speculate_after=after))
        for after in args.after
    ]:
        lat, worker = simulate(emitted_jobs(path, config), args.encode, args.per_second)
        spec = worker.speculation
        print(
            f"{name}: {len(lat)} utterances, speech end -> committed words "
            f"{Spread.of(lat).text()}; {worker.passes / max(1, worker.finals):.2f} passes per "
            f"utterance (speculative {spec.ran} run, {spec.reused} reused, {spec.wasted} wasted, "
            f"{spec.replaced} replaced unrun; {worker.skipped_interims} interims skipped)"
        )


if __name__ == "__main__":
    main()
