"""What the call library writes is readable by its owner only (0700/0600), even with umask 022.

Issue 18 item 0: an import into a fresh library left the folders at 0755 and
``audio.flac``/``events.jsonl`` at 0644, so any account on a shared PC could
read the calls. Each test here sets the umask to 022 (the common default),
writes what a recorded call, an import, an export or a batch run writes, and
checks the mode of every folder and file that appeared.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.calls.export import export_call
from belcoach.audio.calls.folder import Note, repair_audio
from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.privacy import RecordingPrivacy
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.transcriber import DecodeOptions
from belcoach.audio.events import Word
from belcoach.audio.jobs import batch
from belcoach.audio.jobs.batch import analyse_one
from belcoach.audio.jobs.batch_table import write_table
from belcoach.audio.jobs.batch_types import BatchConfig, BatchTask
from belcoach.audio.jobs.importer import RecordOptions, record_call
from belcoach.core.private_files import create_private, private_dir, too_open
from belcoach.demo import demo_call_path
from support.private_calls import (
    no_os_keyring,  # noqa: F401 (autouse fixture)
    record_demo,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    """The usual default umask, which leaves new files readable by everyone."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def modes(root: Path) -> dict[str, str]:
    """Every path under ``root`` (and ``root``) → its permission bits in octal."""
    found = {".": oct(stat.S_IMODE(root.stat().st_mode))}
    for path in sorted(root.rglob("*")):
        found[str(path.relative_to(root))] = oct(stat.S_IMODE(path.stat().st_mode))
    return found


def assert_private(root: Path) -> dict[str, str]:
    found = modes(root)
    wrong = {
        name: mode
        for name, mode in found.items()
        if mode != ("0o700" if (root / name).is_dir() else "0o600")
    }
    assert not wrong, f"readable by others: {wrong}"
    assert list(too_open(root)) == []
    return found


class OneWordTranscriber:
    """Hears one word per utterance (the test is about files, not recognition)."""

    options = DecodeOptions(language="nl")

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        return [Word("hallo", 0.1, 0.4, 0.9)]


@pytest.fixture(scope="module")
def short_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo call's first 8 s."""
    audio, rate = sf.read(demo_call_path(), dtype="int16", frames=8 * 16000)
    path = tmp_path_factory.mktemp("calls") / "short.wav"
    sf.write(path, audio, rate)
    return path


def test_a_recorded_call_with_notes_is_private_while_the_index_is_open(tmp_path: Path) -> None:
    root = tmp_path / "fresh" / "library"  # parents missing too
    library = CallLibrary.open(root)
    recorder = record_demo(library, seconds=6.0)
    recorder.folder.write_notes([Note(1.0, "good opening", "coach")])
    library.calls()  # the index has been written: -wal and -shm exist now
    found = assert_private(root)
    call = recorder.folder.id
    for name in ("call.json", "audio.flac", "events.jsonl", "summary.json", "notes.json"):
        assert f"{call}/{name}" in found
    assert {"index.sqlite3", "index.sqlite3-wal", "index.sqlite3-shm"} <= set(found)
    assert oct(stat.S_IMODE((tmp_path / "fresh").stat().st_mode)) == "0o700"
    library.close()


def test_a_call_being_recorded_is_private_lock_file_included(tmp_path: Path) -> None:
    library = CallLibrary.open(tmp_path / "lib")
    recorder = record_demo(library, seconds=3.0, finish=False)
    found = assert_private(library.root)
    assert f"{recorder.folder.id}/.recording.lock" in found
    recorder.finish()
    library.close()


def test_an_encrypted_call_is_private_too(tmp_path: Path) -> None:
    library = CallLibrary.open(tmp_path / "lib", privacy=RecordingPrivacy(encrypt=True))
    recorder = record_demo(library, seconds=3.0)
    recorder.folder.write_notes([Note(1.0, "sealed", "coach")])
    found = assert_private(library.root)
    for name in ("audio.pcm.enc", "events.jsonl.enc", "notes.json.enc"):
        assert f"{recorder.folder.id}/{name}" in found
    library.close()


def test_an_import_into_a_fresh_library_is_private(tmp_path: Path, short_call: Path) -> None:
    library = CallLibrary.open(tmp_path / "lib")
    summary = record_call(
        library,
        open_call(short_call),
        OneWordTranscriber(),  # type: ignore[arg-type]
        RecordOptions(origin="import"),
    )
    found = assert_private(library.root)
    assert f"{summary.meta.id}/audio.flac" in found
    assert f"{summary.meta.id}/events.jsonl" in found
    library.close()


def test_an_export_is_private(tmp_path: Path) -> None:
    library = CallLibrary.open(tmp_path / "lib")
    recorder = record_demo(library, seconds=3.0)
    recorder.folder.write_notes([Note(1.0, "hand over", "coach")])
    export_call(recorder.folder.path, tmp_path / "out" / "copy")
    found = assert_private(tmp_path / "out")
    assert {"copy/audio.flac", "copy/events.jsonl", "copy/notes.json"} <= set(found)
    library.close()


def test_batch_outputs_are_private(tmp_path: Path, short_call: Path) -> None:
    out = tmp_path / "batch" / "out"
    config = BatchConfig(out_dir=out)
    private_dir(out)
    batch._WORKER["transcriber"] = OneWordTranscriber()
    try:
        result = analyse_one(BatchTask(0, short_call, "short"), config)
    finally:
        batch._WORKER.clear()
    write_table([result], out)
    found = assert_private(tmp_path / "batch")
    assert {"out/short.events.jsonl", "out/short.summary.json", "out/calls.csv"} <= set(found)


def test_a_repaired_recording_stays_private(tmp_path: Path) -> None:
    noise = (np.random.default_rng(0).standard_normal((32000, 2)) * 3000).astype(np.int16)
    whole = tmp_path / "whole.flac"
    with sf.SoundFile(whole, "w", 16000, 2, format="FLAC", subtype="PCM_16") as handle:
        handle.write(noise)
        handle.flush()
        cut = whole.read_bytes()  # as a kill leaves it: no length in the header yet
    path = create_private(tmp_path / "audio.flac")
    path.write_bytes(cut)
    inode = path.stat().st_ino
    assert repair_audio(path) > 1.0
    assert path.stat().st_ino != inode  # rewritten, not left alone
    assert oct(stat.S_IMODE(path.stat().st_mode)) == "0o600"
