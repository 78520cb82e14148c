"""A recorded live call survives ``kill -9`` at any moment (issue 10, crash safety).

Real PulseAudio (a private server, two null sinks whose monitors are the
agent's and the customer's devices), real Dutch speech played into them with
paplay, the real engine with Whisper base, the real library and recorder.

- 20 times, a subprocess (``tests/support/record_live_call.py``, the app's
  recording path without Qt, so each run costs one model load and no GUI)
  records a live call and is killed with SIGKILL 3-15 s into the recording.
  Each time: the audio on disk reaches to within a second of the kill, every
  complete line of ``events.jsonl`` parses, the next `CallLibrary.open` lists
  the call as interrupted, the replay loader opens it, and the SQLite index
  passes ``PRAGMA integrity_check``. All runs share one library, as an
  agent's PC would, so the index lives through all 20 kills.
- Once, the real desktop app (``belcoach app --start``, offscreen, the live
  devices from the settings) is killed mid-call, and the library recovers it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.calls.eventlog import read_events
from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.loaded import LoadedCall, load_call
from support.fillets import fillets_available, fillets_clips
from support.pulse import PulseServer, private_pulse

DRIVER = Path(__file__).resolve().parents[2] / "support" / "record_live_call.py"
BELCOACH = str(Path(sys.executable).with_name("belcoach"))
RUNS = int(os.environ.get("BELCOACH_CRASH_RUNS", "20"))
"""Kills of the subprocess (fewer with the variable, for a quick local try)."""
KILL_WINDOW = (3.0, 15.0)
"""Seconds after the recording's first block when the process is killed."""
TOLERANCE = 1.5
"""Audio on disk may end at most this long before the kill (issue 8: "within ~1 s").

Measured over 20 kills on the shared 2-core machine: median 0.22 s, max 0.98 s.
The gap is the FLAC encoder's last frame (0.26 s) plus audio the devices had
captured but the engine had not read yet (capture arrives in bursts while the
first transcriptions compete for the CPU); the half second of slack keeps that
burst from failing the test on a busy machine. What the recorder was handed is
checked tightly: everything read up to the last ``AT`` line, minus one frame."""


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    with private_pulse(Path(tmp_path_factory.mktemp("pa"))) as server:
        yield server


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """About a minute of real Dutch speech, the two fish taking turns (agent / customer)."""
    if not fillets_available():
        pytest.skip("real Dutch speech: install Debian fillets-ng-data-nl and fillets-ng-data")
    folder = tmp_path_factory.mktemp("speech")
    clips = fillets_clips(18, seed=8, min_seconds=2.0)
    rate = 22050
    pieces: dict[int, list[np.ndarray]] = {0: [], 1: []}
    for i, clip in enumerate(clips):
        audio, clip_rate = sf.read(clip.path, dtype="float32", always_2d=True)
        assert clip_rate == rate
        mono = np.clip(audio.mean(axis=1) * 0.8, -1, 1)
        gap = np.zeros(int(0.4 * rate), np.float32)
        pieces[i % 2].extend([mono, gap])
        pieces[1 - i % 2].extend([np.zeros(len(mono), np.float32), gap])
    paths = (folder / "agent.wav", folder / "customer.wav")
    for side, path in enumerate(paths):
        sf.write(path, np.concatenate(pieces[side]), rate)
    return paths


def _settings(config: Path, library: Path) -> None:
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(
        "schema_version = 1\n"
        '[call]\nlanguage = "nl"\n'
        '[model]\nname = "base"\n'
        '[audio]\nagent_device = "agent.monitor"\ncustomer_device = "customer.monitor"\n'
        f'[recording]\nenabled = true\nstorage_dir = "{library}"\nretention_days = 30\n',
        encoding="utf-8",
    )


@dataclass
class Output:
    """A subprocess's stdout lines, read on a thread as they come."""

    proc: subprocess.Popen[str]

    def __post_init__(self) -> None:
        self.lines: list[str] = []
        self.first_block = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("AT "):
                self.first_block.set()
        self.first_block.set()  # ended: let the waiter look

    def join(self) -> None:
        self._thread.join(timeout=30)

    def progress(self) -> list[tuple[float, float]]:
        """(audio seconds, monotonic time) of every ``AT`` line."""
        return [
            (float(a), float(b))
            for a, b in (ln.split()[1:3] for ln in self.lines if ln[:3] == "AT ")
        ]

    def folder(self) -> Path:
        (line,) = [ln for ln in self.lines if ln.startswith("REC ")]
        return Path(line[4:])


def _env(pulse: PulseServer, tmp: Path, library: Path) -> dict[str, str]:
    _settings(tmp / "config", library)
    return dict(
        pulse.env,
        BELCOACH_CONFIG_DIR=str(tmp / "config"),
        BELCOACH_DATA_DIR=str(tmp / "data"),
        BELCOACH_LOG_DIR=str(tmp / "logs"),
        BELCOACH_POLICY=str(tmp / "no-policy.toml"),
        PYTHONUNBUFFERED="1",
    )


def _kill_after(proc: subprocess.Popen[str], seconds: float) -> float:
    """SIGKILL ``proc`` ``seconds`` from now (unless it ends first); the kill's monotonic time."""
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        killed = time.monotonic()
        proc.wait(timeout=30)
        return killed
    raise AssertionError(f"the call ended by itself (exit {proc.returncode})")


def _end(proc: subprocess.Popen[str], players: list[subprocess.Popen[bytes]]) -> None:
    """Make sure the recording process and the speech players are gone."""
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=30)
    for player in players:
        player.terminate()
        player.wait(timeout=10)


def _check_recovered(root: Path, folder: Path) -> tuple[float, LoadedCall]:
    """The checks after a kill; returns the seconds of audio kept and the loaded call."""
    assert not (folder / "summary.json").exists()
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").split("\n")
    for line in lines[:-1]:  # every complete line parses; the last may be torn
        json.loads(line)
    journal = read_events(folder / "events.jsonl")
    assert journal.events and journal.events[0].type == "call_started"
    library = CallLibrary.open(root)
    try:
        entry = library.get(folder.name)
        assert entry.status == "interrupted"
    finally:
        library.close()
    with sqlite3.connect(root / "index.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    info = sf.info(str(folder / "audio.flac"))
    assert info.samplerate == 16000 and info.channels == 2
    audio, _ = sf.read(folder / "audio.flac", dtype="float32")
    assert len(audio) == info.frames
    call = load_call(folder, audio_seconds=info.frames / 16000)
    assert call.timeline.duration > 0
    return info.frames / 16000, call


@pytest.mark.slow
@pytest.mark.whisper
def test_kill_9_at_random_moments_of_a_recorded_live_call(
    tmp_path: Path, pulse: PulseServer, speech: tuple[Path, Path], base_model: object
) -> None:
    root = tmp_path / "library"
    env = _env(pulse, tmp_path, root)
    rng = random.Random(20261123)
    gaps: list[float] = []
    started = time.monotonic()
    for run in range(RUNS):
        proc = subprocess.Popen(
            [sys.executable, str(DRIVER)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        out = Output(proc)
        players: list[subprocess.Popen[bytes]] = []
        try:
            assert out.first_block.wait(120), "no audio recorded"
            players = [pulse.play("agent", speech[0]), pulse.play("customer", speech[1])]
            killed = _kill_after(proc, rng.uniform(*KILL_WINDOW))
        finally:
            _end(proc, players)
            out.join()
        assert proc.returncode == -signal.SIGKILL, out.lines[-5:]
        progress = out.progress()
        (_t0, wall0), (t_last, _w) = progress[0], progress[-1]
        # audio the devices had delivered when it died: the devices deliver in real time,
        # the engine reads in bursts when the CPU is busy, so the least delayed report
        # (not the first, which may come late) ties the audio clock to the wall clock
        at_kill = killed + max(t - wall for t, wall in progress)
        kept, call = _check_recovered(root, out.folder())
        assert kept <= at_kill + 0.1
        assert kept >= t_last - 0.5  # everything the engine had read, minus FLAC's last frame
        assert at_kill - kept <= TOLERANCE
        gaps.append(at_kill - kept)
        print(
            f"run {run + 1:2d}: killed {killed - wall0:5.2f} s in; audio at kill {at_kill:5.2f} s,"
            f" kept {kept:5.2f} s (gap {at_kill - kept:.2f} s); {len(call.events)} events"
        )
    print(
        f"{RUNS} kills in {time.monotonic() - started:.0f} s; gap between the kill and the end of"
        f" the audio kept: p50 {statistics.median(gaps):.2f} s,"
        f" p95 {float(np.percentile(gaps, 95)):.2f} s, max {max(gaps):.2f} s"
    )
    library = CallLibrary.open(root)
    assert [e.status for e in library.calls()] == ["interrupted"] * RUNS


@pytest.mark.slow
@pytest.mark.whisper
def test_kill_9_of_the_desktop_app_mid_call(
    tmp_path: Path, pulse: PulseServer, speech: tuple[Path, Path], base_model: object
) -> None:
    root = tmp_path / "library"
    env = dict(_env(pulse, tmp_path, root), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [BELCOACH, "-v", "app", "--start"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    players: list[subprocess.Popen[bytes]] = []
    log: list[str] = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # blocks until the app says it records
            log.append(line)
            if "recording the call into" in line:
                break
        else:
            raise AssertionError("".join(log[-20:]))
        recording_since = time.monotonic()
        folder = Path(log[-1].rsplit("recording the call into ", 1)[1].strip())
        threading.Thread(target=lambda: log.extend(proc.stderr or ()), daemon=True).start()
        players = [pulse.play("agent", speech[0]), pulse.play("customer", speech[1])]
        killed = _kill_after(proc, 8.0)
    finally:
        _end(proc, players)
    assert proc.returncode == -signal.SIGKILL
    kept, call = _check_recovered(root, folder)
    print(
        f"app killed {killed - recording_since:.2f} s after it started recording; {kept:.2f} s kept"
    )
    # the recording starts a moment after the log line (the devices' first block)
    assert killed - recording_since - 2.0 <= kept <= killed - recording_since + 0.1
    assert call.events[0].type == "call_started"
