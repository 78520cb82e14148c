"""An encrypted, redacted recording survives ``kill -9`` like a plain one.

The pattern of ``test_crash_recording.py``: a subprocess records the demo
call (paced in real time from its file, the real engine and Whisper base)
into a library whose calls are encrypted, and is killed with SIGKILL mid-call.
On the next start the library recovers the call as interrupted: its audio
decrypts up to about a second before the kill and its journal up to the last
event line, and nothing of it was ever on disk in plain text.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.calls.folder import CallFolder
from belcoach.audio.calls.library import CallLibrary
from belcoach.demo import demo_call_path
from support.kill import kill_when_heard
from support.private_calls import (
    folder_bytes,
    no_os_keyring,  # noqa: F401 (autouse fixture)
)

KILL_AT = 12.0

DRIVER = """
import sys
from pathlib import Path
from belcoach.audio.jobs.importer import RecordOptions, record_call
from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.privacy import RecordingPrivacy
from belcoach.audio.jobs.run import ModelChoice, load_transcriber
from belcoach.audio.engine.sources import open_call

privacy = RecordingPrivacy(redact=True, encrypt=True)
library = CallLibrary.open(Path(sys.argv[1]), privacy=privacy)
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
def test_an_encrypted_recording_survives_kill_9(tmp_path: Path, base_model: object) -> None:
    root = tmp_path / "library"
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(root), str(demo_call_path())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    heard = kill_when_heard(proc, KILL_AT)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""

    (path,) = [p for p in root.iterdir() if p.is_dir()]
    raw = folder_bytes(path)
    assert b"call_started" not in raw  # 12 bytes: never in ciphertext by chance
    # 4-byte magics can turn up in ciphertext by chance: the sealed files must be vaults
    for sealed in sorted(path.glob("*.enc")):
        assert sealed.read_bytes().startswith(b"BCVAULT1"), sealed.name
    assert (path / "audio.pcm.enc").exists() and not (path / "audio.flac").exists()

    library = CallLibrary.open(root)  # the same user's key file
    (entry,) = library.calls()
    assert entry.status == "interrupted" and entry.agent == "Sanne"
    folder = CallFolder(path)
    recorded = folder.read_audio()
    kept = len(recorded) / 16000
    print(f"killed at {heard:.2f} s of audio; {kept:.2f} s kept (encrypted)")
    assert heard - 1.1 <= kept <= heard + 1.0
    original, _ = sf.read(demo_call_path(), dtype="int16")
    assert np.abs(recorded.astype(int) - original[: len(recorded)].astype(int)).max() <= 1
    journal = folder.read_events()
    assert journal.skipped == 0 and journal.events[0].type == "call_started"
    speech = [e for e in journal.events if e.type == "speech"]
    assert speech and speech[-1].t > 5.0
    assert not any(p.name.endswith((".reseal", ".tmp")) for p in path.iterdir())
