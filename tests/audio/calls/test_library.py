"""The call library: recording into folders, the SQLite index, recovery and retention."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.calls.folder import CallFolder, CallMeta, Note, read_audio
from belcoach.audio.calls.library import CallLibrary, recover, resolve_call
from belcoach.audio.engine.blocks import AudioBlock
from belcoach.audio.events import CallEnded, CallStarted, Channel, SpeechRegion
from belcoach.core.errors import AppError
from support.demo_events import make_demo_call_folder


class _Blocks:
    """A tiny source: 0.1 s blocks of a known signal."""

    description = "test"

    def __init__(self, seconds: float, rng: np.random.Generator) -> None:
        n = int(seconds * 16000)
        self.agent = (0.3 * rng.standard_normal(n)).clip(-1, 1).astype(np.float32)
        self.customer = (0.2 * rng.standard_normal(n)).clip(-1, 1).astype(np.float32)
        self.duration = seconds

    def blocks(self, stop: threading.Event):  # type: ignore[no-untyped-def]
        for i in range(0, len(self.agent), 1600):
            yield AudioBlock(i / 16000, self.agent[i : i + 1600], self.customer[i : i + 1600])


def _record(library: CallLibrary, rng: np.random.Generator, *, finish: bool = True):  # type: ignore[no-untyped-def]
    source = _Blocks(3.0, rng)
    recorder = library.start_call(agent="Sanne", language="nl", source="test", model="base")
    recorder(CallStarted(0.0, None, language="nl"))
    for i, _block in enumerate(recorder.wrap(source).blocks(threading.Event())):
        if i == 5:
            recorder(SpeechRegion(0.1, Channel.AGENT, end=0.5))
    recorder(CallEnded(3.0, None))
    summary = recorder.finish() if finish else None
    return recorder, source, summary


def test_a_recorded_call_has_audio_events_summary_and_an_index_row(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    library = CallLibrary.open(tmp_path / "lib")
    recorder, source, summary = _record(library, rng)
    folder = recorder.folder
    audio = read_audio(folder.audio)
    assert audio.shape == (48000, 2)
    np.testing.assert_allclose(audio[:, 0] / 32768, source.agent, atol=1 / 32000)
    np.testing.assert_allclose(audio[:, 1] / 32768, source.customer, atol=1 / 32000)
    lines = folder.events.read_text().splitlines()
    assert [json.loads(x)["type"] for x in lines] == ["call_started", "speech", "call_ended"]
    assert folder.read_summary()["status"] == "complete"
    assert not folder.lock_path.exists()
    (entry,) = library.calls()
    assert (entry.id, entry.status, entry.agent, entry.duration) == (
        folder.id,
        "complete",
        "Sanne",
        3.0,
    )
    assert summary is not None and summary.duration == pytest.approx(3.0)


def test_a_call_being_recorded_is_listed_as_recording_and_cannot_be_deleted(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    library = CallLibrary.open(tmp_path / "lib")
    recorder = library.start_call(language="nl")
    other = CallLibrary.open(tmp_path / "lib")  # e.g. the coach's window, meanwhile
    (entry,) = other.calls()
    assert entry.status == "recording"
    assert other.enforce_retention(0) == []
    with pytest.raises(AppError, match="being recorded"):
        other.delete(entry.id)
    recorder.finish()
    other.sync()
    assert other.calls()[0].status == "complete"


def test_a_folder_left_without_summary_is_recovered_as_interrupted(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    root = tmp_path / "lib"
    folder = CallFolder(root / "20261120-090000-abcdef")
    folder.path.mkdir(parents=True)
    folder.write_meta(CallMeta(folder.id, "2026-11-20T09:00:00+00:00", agent="Piet"))
    # a FLAC whose writer died before closing it (no length in its header) ...
    subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import os, numpy as np, soundfile as sf\n"
                f"f = sf.SoundFile({str(folder.audio)!r}, 'w', samplerate=16000, channels=2,"
                " format='FLAC')\n"
                "y = np.random.default_rng(1).uniform(-0.5, 0.5, (40000, 2))\n"
                "f.write(y.astype('float32'))\n"
                "os._exit(0)\n"
            ),
        ],
        check=True,
    )
    data = folder.audio.read_bytes()
    folder.audio.write_bytes(data[:-300])  # ... and a torn last frame
    folder.events.write_text(
        json.dumps({"type": "call_started", "t": 0, "channel": None})
        + "\n"
        + '{"type":"speech","t":0.1,"chan'
    )
    library = CallLibrary.open(root)
    (entry,) = library.calls()
    assert entry.status == "interrupted"
    summary = folder.read_summary()
    assert summary["status"] == "interrupted"
    info = sf.info(str(folder.audio))
    assert 2.0 < info.frames / 16000 <= 2.5  # repaired: a proper file again, up to the tear
    assert "stopped during the call" in summary["problems"][0]


def test_a_damaged_index_is_rebuilt_from_the_folders(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_demo_call_folder(root)
    CallLibrary.open(root).close()
    (root / "index.sqlite3").write_bytes(b"this is not a database" * 100)
    for extra in ("index.sqlite3-wal", "index.sqlite3-shm"):
        (root / extra).unlink(missing_ok=True)
    library = CallLibrary.open(root)
    (entry,) = library.calls()
    assert entry.status == "complete" and entry.headline["overtalk_by_agent"] == 1
    assert list(root.glob("index.sqlite3.damaged-*"))
    mode = sqlite3.connect(root / "index.sqlite3").execute("PRAGMA journal_mode").fetchone()
    assert mode[0] == "wal"


def test_retention_deletes_old_calls_only(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    for days, name in ((40, "old"), (5, "new")):
        folder = CallFolder(root / name)
        folder.path.mkdir(parents=True)
        started = (now - timedelta(days=days)).isoformat()
        folder.write_meta(CallMeta(name, started))
        folder.events.write_text("")
        folder.write_summary({"meta": {"id": name, "started_at": started}, "status": "complete"})
    library = CallLibrary.open(root)
    assert library.enforce_retention(30, now=now) == ["old"]
    assert [e.id for e in library.calls()] == ["new"]
    assert not (root / "old").exists()
    assert library.enforce_retention(0, now=now) == ["new"]
    with pytest.raises(AppError):
        library.enforce_retention(-1)


def test_notes_are_written_atomically_and_read_in_time_order(tmp_path: Path) -> None:
    folder = CallFolder(make_demo_call_folder(tmp_path, notes=False))
    folder.write_notes([Note(50.0, "b"), Note(10.0, "a")])
    assert [n.text for n in folder.read_notes()] == ["a", "b"]
    assert not list(folder.path.glob(".notes.json.*"))  # no temporary left behind


def test_call_ids_resolve_by_prefix(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    path = make_demo_call_folder(root)
    assert resolve_call("20261123-1015", root=root) == path
    assert resolve_call(str(path / "events.jsonl"), root=root) == path / "events.jsonl"
    with pytest.raises(AppError, match="no such call"):
        resolve_call("nothing", root=root)


def test_recover_is_idempotent(tmp_path: Path) -> None:
    folder = CallFolder(make_demo_call_folder(tmp_path))
    folder.summary_path.unlink()
    first = recover(folder)
    assert first.status == "interrupted"
    assert first.overtalk_by_agent == 1  # the journal's events are all still there
    assert CallLibrary.open(tmp_path).calls()[0].status == "interrupted"


def test_calls_command_lists_prunes_and_deletes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from belcoach.cli.main import main

    root = tmp_path / "lib"
    path = make_demo_call_folder(root)
    assert main(["calls", "list", "--library", str(root)]) == 0
    out = capsys.readouterr().out
    assert path.name in out and "complete" in out and "65%" in out
    assert main(["calls", "list", "--library", str(root), "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["overtalk_by_agent"] == 1 and row["status"] == "complete"
    assert main(["calls", "delete", "nope", "--library", str(root)]) == 2
    assert "no call 'nope'" in capsys.readouterr().err
    assert main(["calls", "prune", "--days", "0", "--library", str(root)]) == 0
    assert "deleted 1 call" in capsys.readouterr().out
    assert not path.exists()
    assert main(["replay", "nothing-like-this", "--library", str(root)]) == 2
    assert "no such call folder" in capsys.readouterr().err
