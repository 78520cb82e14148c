"""Runner: belcoach's engine on one mono file, paced like a live call (see protocol.py).

Runs in belcoach's .venv. The engine's own real-time source paces the blocks
(0.1 s); its audio clock is the start time reported. The model is belcoach's
usual one (`load_transcriber`: base int8, 2 threads, beam 1), loaded from the
same directory the peers get; ``--model`` is only checked against it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import protocol

from belcoach.audio.engine.sources import open_call
from belcoach.audio.events import Event, Transcript
from belcoach.audio.jobs.run import ModelChoice, load_transcriber, run_call
from belcoach.models.store import ModelStore


def main() -> None:
    """Load, play the file in real time, report every committed transcript."""
    ap = argparse.ArgumentParser()
    ap.add_argument("audio")
    ap.add_argument("--model", required=True)
    ap.add_argument("--language", default="nl")
    args = ap.parse_args()
    ours = ModelStore().resolve("base")
    if Path(args.model).resolve() != Path(ours).resolve():
        protocol.emit("skip", why=f"belcoach loads {ours}, not {args.model}")
        return
    transcriber = load_transcriber(ModelChoice("base"), args.language)

    def on_event(event: Event) -> None:
        if isinstance(event, Transcript) and event.final:
            protocol.final(event.text)

    source = open_call(Path(args.audio), realtime=True)
    run_call(source, transcriber, model_name="base", paced=True, subscribers=[on_event])
    clock = source.audio_clock()
    if clock is None:
        protocol.emit("skip", why="the source never started its clock")
        return
    protocol.emit("start", t0=clock.origin)
    protocol.emit("done")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    main()
    os._exit(0)  # engine threads are done; skip slow interpreter teardown
