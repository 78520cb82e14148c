"""No module is first imported while a call runs: a first import mid-call stalls the engine.

The engine thread and the ASR worker deliver events under the bus's lock, so a
module imported lazily on the first customer utterance (as ``scipy.signal`` was,
0.6 s quiet and 2.2 s under load) stalled every alert and the call recording with
it. This runs a whole call (the real engine, VAD and analysers, the recorded demo
call; only Whisper is replaced by a transcriber that says a fixed Dutch sentence)
in a fresh interpreter and records every import from the first block on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[3] / "demo" / "demo_call_nl.flac"

SCRIPT = r"""
import json, sys, threading
import numpy as np
from pathlib import Path
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.transcriber import DecodeOptions
from belcoach.audio.events import Word
from belcoach.audio.jobs.run import run_call

class Sentence:
    options = DecodeOptions(language="nl")
    def transcribe(self, audio: np.ndarray) -> list[Word]:
        text = "Dat weet ik niet, ik ben echt boos en teleurgesteld, wacht even".split()
        step = len(audio) / 16000 / len(text)
        return [Word(w, i * step, (i + 1) * step, 0.9) for i, w in enumerate(text)]

seen = []
armed = threading.Event()

class Watch:
    def find_spec(self, name, path=None, target=None):
        if armed.is_set():
            seen.append([name, threading.current_thread().name])
        return None

sys.meta_path.insert(0, Watch())
engine = run_call(
    open_call(Path(sys.argv[1])), Sentence(), model_name="scripted", paced=False,
    on_progress=lambda t: armed.set(),
)
armed.clear()
print(json.dumps({"imports": seen, "finals": engine.stats["asr_finals"]}))
"""


def test_a_call_imports_nothing_after_its_first_block() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(DEMO)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["finals"] >= 10  # both sides spoke, words reached the analysers
    imports = result["imports"]
    assert imports == [], f"imported mid-call (import them with their module): {imports}"
