"""A call being recorded survives ``kill -9`` of the app.

A subprocess records a live-like call (the demo call from a file source paced
in real time stands in for the devices; the test is about the recorder) with
the real engine and Whisper, reports its progress on stdout, and is killed
with SIGKILL mid-call. Then: the folder's audio plays up to within about a
second of the kill, ``events.jsonl`` parses up to its last complete line, and
the library lists the call as interrupted on its next start.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.calls.eventlog import read_events
from belcoach.audio.calls.library import CallLibrary
from belcoach.demo import demo_call_path
from support.kill import kill_when_heard

KILL_AT = 12.0
"""Audio seconds into the call when the recorder is killed."""

DRIVER = """
import sys, threading
from pathlib import Path
from belcoach.audio.jobs.importer import RecordOptions, record_call
from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.jobs.run import ModelChoice, load_transcriber
from belcoach.audio.engine.sources import open_call

library = CallLibrary.open(Path(sys.argv[1]))
transcriber = load_transcriber(ModelChoice(name="base"), "nl")
source = open_call(Path(sys.argv[2]), realtime=True)
options = RecordOptions(origin="live", agent_name="Sanne", paced=True, keep_when_stopped=True)

def progress(t):
    print(f"{t:.2f}", flush=True)

record_call(library, source, transcriber, options, on_progress=progress)
print("finished", flush=True)
"""


@pytest.mark.slow
@pytest.mark.whisper
def test_recording_survives_kill_9(tmp_path: Path, base_model: object) -> None:
    root = tmp_path / "library"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(root), str(demo_call_path())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    heard = kill_when_heard(proc, KILL_AT)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""

    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    assert not (folder / "summary.json").exists()
    # the journal: every complete line parses
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").split("\n")
    for line in lines[:-1]:
        json.loads(line)
    journal = read_events(folder / "events.jsonl")
    assert journal.skipped == 0
    assert journal.events[0].type == "call_started"
    speech = [e for e in journal.events if e.type == "speech"]
    assert speech and speech[-1].t > 5.0  # regions up to the kill were kept

    # next start: the library lists it as interrupted and repairs the audio
    library = CallLibrary.open(root)
    (entry,) = library.calls()
    assert entry.status == "interrupted"
    assert entry.agent == "Sanne"
    recorded, rate = sf.read(folder / "audio.flac", dtype="int16")
    assert rate == 16000
    assert abs(len(recorded) / 16000 - heard) <= 1.0
    original, _ = sf.read(demo_call_path(), dtype="int16")
    n = len(recorded)
    print(f"killed at {heard:.2f} s of audio; {n / 16000:.2f} s kept")
    assert np.abs(recorded.astype(int) - original[:n].astype(int)).max() <= 1
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "interrupted"
    assert summary["duration"] == pytest.approx(n / 16000, abs=0.01)
