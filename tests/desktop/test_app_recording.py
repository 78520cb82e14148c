"""The desktop app records its calls, shows that it does, and replays them from the tray.

Real Qt widgets offscreen, the real app (`DesktopApp`), the real call library
and recorder on disk, the demo call as the source. The transcriber says one
word per utterance: these tests are about recording and the windows, not Whisper.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.engine.blocks import AudioBlock
from belcoach.audio.engine.paced import PacedSource
from belcoach.audio.engine.sources import open_call
from belcoach.audio.events import (
    EngineStatus,
    RecordingChanged,
    StatusCode,
    StatusLevel,
    Word,
)
from belcoach.audio.jobs.session import TranscriberCache
from belcoach.demo import demo_call_path
from support.private_calls import no_os_keyring  # noqa: F401 (autouse fixture)


class OneWordTranscriber:
    def transcribe(self, audio: np.ndarray) -> list[Word]:
        return [Word("hallo", 0.0, min(0.5, len(audio) / 16000), 0.9)]


class FirstSeconds:
    """The first ``seconds`` of the demo call."""

    def __init__(self, seconds: float) -> None:
        self._source = open_call(demo_call_path())
        self._seconds = seconds
        self.description = "demo slice"
        self.duration: float | None = seconds

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        for block in self._source.blocks(stop):
            if block.t >= self._seconds:
                return
            yield block


def _app(qapp, changes: dict[str, object], seconds: float = 6.0):
    from belcoach.core.settings import load_settings, save_user_settings
    from belcoach.desktop.app import AppOptions, DesktopApp

    save_user_settings(load_settings(), changes)
    app = DesktopApp(
        qapp,
        AppOptions(language="nl", replay_output="none"),
        lambda _publish: PacedSource(FirstSeconds(seconds), speed=3.0),
    )
    app.transcribers = TranscriberCache(lambda _c, _l: OneWordTranscriber())
    app.start()
    return app


def _run_call(qtbot, app) -> None:
    with qtbot.waitSignal(app.bridge.session_finished, timeout=60_000) as finished:
        app.bridge.start_call()
    assert finished.args == [None]


def test_a_recorded_call_shows_rec_and_the_tray_replays_it(qtbot, qapp, tmp_path: Path) -> None:
    from belcoach.desktop.replay.window import ReplayWindow

    root = tmp_path / "calls"
    app = _app(qapp, {"recording.enabled": True, "recording.storage_dir": str(root)})
    header = app.overlay.header
    seen: list[tuple[bool, str, str]] = []

    def on_status(event: EngineStatus) -> None:
        if isinstance(event, RecordingChanged) and event.started:  # the header saw it first
            app.overlay._refresh_now()
            seen.append((header.rec.isVisible(), header.rec.text(), app.tray.icon.toolTip()))

    app.bridge.status.connect(on_status)
    try:
        assert app.calls.library is not None and app.calls.retention is not None
        assert not header.rec.isVisible()
        _run_call(qtbot, app)
        assert len(seen) == 1
        visible, text, tooltip = seen[0]
        assert visible and text == "● REC" and "recorded" in tooltip
        app.overlay._refresh_now()
        assert not header.rec.isVisible()  # the call is over
        assert app.overlay.status.current() is None  # no notice for a working recording
        (entry,) = CallLibrary.open(root).calls()
        assert entry.status == "complete" and entry.origin == "live"

        app.tray.replay_action.trigger()
        window = app.calls.replay_window
        assert isinstance(window, ReplayWindow) and window.isVisible()
        assert window.call is not None and window.call.folder.path == entry.folder
        assert window.library_panel.table.currentRow() == 0
        assert window.timeline.isEnabled()
    finally:
        app.close()
    assert app.calls.replay_window is None


def test_recording_that_cannot_start_says_so_and_the_coaching_goes_on(
    qtbot, qapp, tmp_path: Path
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    app = _app(
        qapp,
        {"recording.enabled": True, "recording.storage_dir": str(in_the_way / "calls")},
        seconds=5.0,
    )
    try:
        assert app.calls.library is None and "a-file" in app.calls.problem
        _run_call(qtbot, app)
        app.overlay._refresh_now()
        notice = app.overlay.status.current()
        assert notice is not None and notice.code == "recording_stopped"
        assert notice.text.startswith("Recording stopped (") and "coaching goes on" in notice.text
        assert app.overlay.status.isVisible()
        assert any(line.final for line in app.overlay.transcript.model.lines)
        assert not app.overlay.header.rec.isVisible()
    finally:
        app.close()


def test_the_rec_mark_turns_hollow_when_the_recording_stops(feed, overlay) -> None:
    header = overlay.header
    feed([RecordingChanged(0.0, None, details={"folder": "/calls/20261123-1"})])
    assert header.rec.isVisible() and header.rec.text() == "● REC"
    assert "/calls/20261123-1" in header.rec.toolTip()
    assert overlay.status.current() is None
    feed(
        [
            RecordingChanged(
                3.0,
                None,
                level=StatusLevel.WARNING,
                code=StatusCode.RECORDING_STOPPED,
                message="/calls: disk full",
                details={"reason": "disk full"},
            )
        ]
    )
    assert header.rec.isVisible() and header.rec.text() == "○ REC"
    assert "disk full" in header.rec.toolTip()
    assert (
        overlay.status.current().text == "Recording stopped (/calls: disk full); coaching goes on."
    )


def test_the_replay_window_opens_on_an_empty_library(qtbot, qapp) -> None:
    app = _app(qapp, {})
    try:
        assert app.calls.library is None  # recording off and no calls kept: nothing opened
        app.open_replay()
        window = app.calls.replay_window
        assert window is not None and window.isVisible() and window.call is None
        assert window.library_panel.entries == []
    finally:
        app.close()


@pytest.mark.parametrize("language", ["nl", "sv"])
def test_the_replay_and_recording_texts_are_translated(translator, language) -> None:
    translator.set_language(language)
    for key in ("tray.replay.tip", "tray.recording", "status.recording_stopped", "rec.tooltip"):
        text = translator.text(key, message="m", folder="f", reason="r")
        assert text and text != key


def test_the_app_records_redacted_and_encrypted_when_the_settings_say_so(
    qtbot, qapp, tmp_path: Path
) -> None:
    from belcoach.audio.calls.folder import CallFolder
    from belcoach.audio.events import Transcript

    root = tmp_path / "calls"
    app = _app(
        qapp,
        {
            "recording.enabled": True,
            "recording.storage_dir": str(root),
            "recording.encrypt": True,
            "privacy.redact": True,
        },
    )
    app.transcribers = TranscriberCache(lambda _c, _l: IbanTranscriber())
    try:
        _run_call(qtbot, app)
    finally:
        app.close()
    (entry,) = CallLibrary.open(root).calls()
    folder = CallFolder(entry.folder)
    names = {p.name for p in entry.folder.iterdir()}
    assert {"audio.pcm.enc", "events.jsonl.enc"} <= names
    assert not names & {"audio.flac", "events.jsonl"}
    # sealed files are vaults from their first byte (4 given bytes can turn up in
    # ciphertext by chance, so they are looked for only in the readable files)
    for name in ("audio.pcm.enc", "events.jsonl.enc"):
        assert (entry.folder / name).read_bytes().startswith(b"BCVAULT1"), name
    readable = b"".join((entry.folder / n).read_bytes() for n in ("call.json", "summary.json"))
    assert b"0417" not in readable and b"fLaC" not in readable and b"IBAN" not in readable
    said = [e for e in folder.read_events().events if isinstance(e, Transcript) and e.final]
    assert said and all("[IBAN]" in e.text for e in said)
    assert all("0417" not in e.text for e in said)


class IbanTranscriber:
    def transcribe(self, audio: np.ndarray) -> list[Word]:
        text = ["mijn", "IBAN", "is", "NL91", "ABNA", "0417", "1643", "00"]
        return [Word(w, 0.05 * i, 0.05 * i + 0.04, 0.9) for i, w in enumerate(text)]


def test_a_call_cut_off_by_a_crash_is_announced_at_the_next_start(
    qtbot, qapp, tmp_path: Path
) -> None:
    from belcoach.audio.calls.folder import CallFolder, CallMeta

    root = tmp_path / "calls"
    folder = CallFolder(root / "20261120-090000-abcdef")
    folder.path.mkdir(parents=True)
    folder.write_meta(CallMeta(folder.id, "2026-11-20T09:00:00+00:00", agent="Piet"))
    folder.events.write_text('{"type": "call_started", "t": 0, "channel": null}\n')
    app = _app(qapp, {"recording.enabled": True, "recording.storage_dir": str(root)})
    try:
        assert app.calls.library is not None and app.calls.library.recovered == [folder.id]
        qtbot.waitUntil(lambda: app.overlay.status.current() is not None, timeout=5000)
        notice = app.overlay.status.current()
        assert notice is not None and notice.code == "calls_recovered"
        assert notice.text.startswith("1 recorded call(s) cut off by a crash")
        (entry,) = CallLibrary.open(root).calls()
        assert entry.status == "interrupted"
    finally:
        app.close()


def test_a_tampered_access_log_is_in_the_overlay_and_live_calls_still_record(
    qtbot, qapp, tmp_path: Path
) -> None:
    from belcoach.audio.calls.access import log_path, record_access

    root = tmp_path / "calls"
    CallLibrary.open(root).close()
    record_access(root, "replay", "20261120-090000-abcdef", user="sanne")
    path = log_path(root)
    path.write_text(path.read_text(encoding="utf-8").replace("sanne", "piet"), "utf-8")
    app = _app(qapp, {"recording.enabled": True, "recording.storage_dir": str(root)})
    try:
        qtbot.waitUntil(lambda: app.overlay.status.current() is not None, timeout=5000)
        notice = app.overlay.status.current()
        assert notice is not None and notice.code == "access_log_broken"
        assert "stored calls will not open" in notice.text
        _run_call(qtbot, app)  # a live call is recorded all the same
        assert [e.status for e in CallLibrary.open(root).calls()] == ["complete"]
        current = app.overlay.status.current()
        assert current is not None and current.code == "access_log_broken"  # still said
    finally:
        app.close()
