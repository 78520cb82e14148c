"""The replay window opens an encrypted call: waveform, player and transcript, decrypted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import soundfile as sf

from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.privacy import CallKeyError, RecordingPrivacy
from belcoach.core.recording_key import RecordingKey
from belcoach.demo import demo_call_path
from belcoach.desktop.replay.window import ReplayWindow
from support.private_calls import (
    no_os_keyring,  # noqa: F401 (autouse fixture)
    record_demo,
)


def test_the_replay_window_plays_an_encrypted_call(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = CallLibrary.open(tmp_path / "lib", privacy=RecordingPrivacy(encrypt=True))
    folder = record_demo(library).folder
    window = ReplayWindow(folder.path, library=library, player_output="none")
    qtbot.addWidget(window)
    assert window.call is not None and window.player is not None
    frames = sf.info(str(demo_call_path())).frames
    assert window.player.duration == pytest.approx(frames / 16000)
    assert any("jaarafrekening" in line.text for line in window.call.timeline.lines)
    assert "No audio" not in window.statusBar().currentMessage()


def test_an_encrypted_call_with_another_key_is_refused_with_its_folder_named(
    tmp_path: Path,
) -> None:
    key = RecordingKey(bytes(range(32)))
    library = CallLibrary.open(tmp_path / "lib", privacy=RecordingPrivacy(encrypt=True, key=key))
    folder = record_demo(library, seconds=10.0).folder
    window = ReplayWindow(None, library=library, player_output="none")
    with pytest.raises(CallKeyError, match=re.escape(str(folder.path))):
        window._open(folder.path)  # open_call shows this message in a dialog
    assert window.call is None
    window.close()
