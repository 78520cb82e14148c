"""A session records its call into the library, and a recording problem never ends the call.

The demo call (a slice of it) is the real source and the library, recorder and
files are real; the transcriber says one word per utterance because these
tests are about the recording, not Whisper. Disk trouble is real too: the
library's folder behind a file (cannot be created, even as root) and, mid-call,
the recording's open audio file swapped for ``/dev/full`` (every write fails
with "no space left on device").
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf

from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.recorder import CallRecorder
from belcoach.audio.engine.blocks import AudioBlock, AudioSource
from belcoach.audio.engine.sources import open_call
from belcoach.audio.events import CallEnded, Event, Transcript, Word
from belcoach.audio.jobs.recording import RecordingRequest
from belcoach.audio.jobs.session import CallSession, SessionConfig, TranscriberCache
from belcoach.audio.status import EngineStatus
from belcoach.core.errors import AppError, AudioFileError
from belcoach.demo import demo_call_path


class OneWordTranscriber:
    """Says "hallo" for every utterance."""

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        return [Word("hallo", 0.0, min(0.5, len(audio) / 16000), 0.9)]


class FirstSeconds:
    """The first ``seconds`` of the demo call; optionally fails or meddles at ``at`` seconds."""

    def __init__(self, seconds: float, *, fail_at: float | None = None) -> None:
        self._source = open_call(demo_call_path())
        self._seconds = seconds
        self._fail_at = fail_at
        self.description = self._source.description
        self.duration: float | None = seconds
        self.on_block: list[object] = []

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        for block in self._source.blocks(stop):
            if block.t >= self._seconds:
                return
            if self._fail_at is not None and block.t >= self._fail_at:
                raise AudioFileError("call.wav: damaged after 3 s")
            for hook in self.on_block:
                hook(block)  # type: ignore[operator]
            yield block


def _run(source: AudioSource, recording) -> tuple[CallSession, list[Event]]:
    events: list[Event] = []
    session = CallSession(
        lambda _publish: source,
        SessionConfig(language="nl", paced=False, recording=recording),
        transcribers=TranscriberCache(lambda _c, _l: OneWordTranscriber()),
        subscribers=[events.append],
    )
    session.start()
    assert session.join(120)
    return session, events


def _statuses(events: list[Event], code: str) -> list[EngineStatus]:
    return [e for e in events if isinstance(e, EngineStatus) and e.code == code]


def _factory(library: CallLibrary, made: list[CallRecorder] | None = None):
    def start(request: RecordingRequest) -> CallRecorder:
        recorder = library.start_call(
            origin="live", agent="sanne", language=request.language, source=request.source
        )
        if made is not None:
            made.append(recorder)
        return recorder

    return start


def test_a_recorded_call_lands_in_the_library_complete(tmp_path: Path) -> None:
    library = CallLibrary.open(tmp_path / "calls")
    session, events = _run(FirstSeconds(6.0), _factory(library))
    assert session.error is None
    (started,) = _statuses(events, "recording_started")
    (entry,) = library.calls()
    assert started.details["folder"] == str(entry.folder)
    assert entry.status == "complete" and entry.agent == "sanne" and entry.language == "nl"
    audio, rate = sf.read(entry.folder / "audio.flac", dtype="float32")
    assert rate == 16000 and audio.shape == (6 * 16000, 2)
    original, _ = sf.read(demo_call_path(), dtype="float32", frames=6 * 16000)
    np.testing.assert_allclose(audio, original, atol=1 / 16000)
    kinds = [json.loads(line)["type"] for line in (entry.folder / "events.jsonl").open()]
    assert kinds[0] == "call_started" and kinds[-1] == "call_ended" and "transcript" in kinds
    assert json.loads((entry.folder / "summary.json").read_text())["status"] == "complete"
    assert not _statuses(events, "recording_stopped")


def test_a_library_that_cannot_be_written_leaves_the_call_running(tmp_path: Path) -> None:
    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("a file where the library should be")

    def start(request: RecordingRequest) -> CallRecorder:
        return CallLibrary.open(in_the_way / "calls").start_call(language=request.language)

    session, events = _run(FirstSeconds(4.0), start)
    assert session.error is None
    (stopped,) = _statuses(events, "recording_stopped")
    assert stopped.level == "warning" and "not-a-folder" in stopped.message
    assert not _statuses(events, "recording_started")
    assert any(isinstance(e, Transcript) and e.final for e in events)
    assert isinstance(events[-1], CallEnded) and events[-1].reason == "end_of_audio"


def test_a_recorder_that_refuses_to_start_is_reported_not_raised(tmp_path: Path) -> None:
    def refuse(_request: RecordingRequest) -> CallRecorder:
        raise AppError(f"{tmp_path}: cannot record here (Read-only file system)")

    session, events = _run(FirstSeconds(2.0), refuse)
    assert session.error is None
    assert "Read-only file system" in _statuses(events, "recording_stopped")[0].message
    assert isinstance(events[-1], CallEnded)


def _redirect_to_dev_full(path: Path) -> None:
    """Point this process's open descriptor of ``path`` at /dev/full (writes: ENOSPC)."""
    full = os.open("/dev/full", os.O_WRONLY)
    try:
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target == str(path):
                os.dup2(full, int(fd))
                return
        raise AssertionError(f"{path} is not open")
    finally:
        os.close(full)


def test_a_full_disk_mid_call_stops_the_recording_and_the_call_goes_on(tmp_path: Path) -> None:
    library = CallLibrary.open(tmp_path / "calls")
    made: list[CallRecorder] = []
    source = FirstSeconds(8.0)

    def disk_fills_up(block: AudioBlock) -> None:
        if made and abs(block.t - 3.0) < 1e-6:
            _redirect_to_dev_full(made[0].folder.audio)

    source.on_block.append(disk_fills_up)
    session, events = _run(source, _factory(library, made))
    assert session.error is None
    (stopped,) = _statuses(events, "recording_stopped")
    assert stopped.level == "warning" and "audio could not be written" in stopped.message
    # the coaching went on to the end of the call
    assert isinstance(events[-1], CallEnded) and events[-1].t >= 7.9
    late = [e for e in events if isinstance(e, Transcript) and e.final and e.t > 4.0]
    assert late
    # what was recorded before the disk filled up is kept, marked partial
    (entry,) = library.calls()
    summary = json.loads((entry.folder / "summary.json").read_text())
    assert summary["status"] == "partial"
    assert any("recording stopped" in p for p in summary["problems"])


def test_a_failing_call_is_kept_as_partial_with_its_error(tmp_path: Path) -> None:
    library = CallLibrary.open(tmp_path / "calls")
    session, _events = _run(FirstSeconds(8.0, fail_at=3.0), _factory(library))
    assert isinstance(session.error, AudioFileError)
    (entry,) = library.calls()
    assert entry.status == "partial"
    summary = json.loads((entry.folder / "summary.json").read_text())
    assert any("damaged after 3 s" in p for p in summary["problems"])
    assert sf.info(str(entry.folder / "audio.flac")).duration == 3.0


def test_a_call_without_audio_is_not_kept(tmp_path: Path) -> None:
    library = CallLibrary.open(tmp_path / "calls")
    session, _events = _run(FirstSeconds(0.0), _factory(library))
    assert session.error is None
    assert library.calls() == []
    assert [p.name for p in library.root.iterdir() if p.is_dir()] == []
