"""Importing a coach's recorded call from the replay window: progress, cancel, add."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from belcoach.audio.calls.library import CallLibrary
from belcoach.demo import demo_call_path
from belcoach.desktop.replay.import_dialog import ImportDialog


def test_a_bad_file_is_explained_before_any_work(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = CallLibrary.open(tmp_path / "library")
    dialog = ImportDialog(library)
    qtbot.addWidget(dialog)
    dialog.call_edit.setText(str(tmp_path / "missing.wav"))
    dialog.start_button.click()
    assert "no such file" in dialog.status.text()
    assert dialog.start_button.isEnabled()


@pytest.mark.slow
@pytest.mark.whisper
def test_import_shows_progress_can_be_cancelled_and_adds_the_call(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, base_model: object
) -> None:
    library = CallLibrary.open(tmp_path / "library")
    dialog = ImportDialog(library)
    qtbot.addWidget(dialog)
    dialog.call_edit.setText(str(demo_call_path()))
    with qtbot.waitSignal(dialog.relay.progress, timeout=120_000):
        dialog.start_button.click()
    with qtbot.waitSignal(dialog.relay.cancelled, timeout=120_000):
        dialog.cancel()
    assert library.calls() == []
    assert not [p for p in library.root.iterdir() if p.is_dir()]

    short = tmp_path / "short.flac"
    audio, rate = sf.read(demo_call_path(), dtype="int16")
    sf.write(short, audio[: rate * 12], rate)
    dialog = ImportDialog(library)
    qtbot.addWidget(dialog)
    dialog.call_edit.setText(str(short))
    dialog.agent_name.setText("Sanne")
    with qtbot.waitSignal(dialog.imported, timeout=120_000) as blocker:
        dialog.start_button.click()
    (entry,) = library.calls()
    assert blocker.args == [entry.folder]
    assert (entry.status, entry.agent, entry.origin) == ("complete", "Sanne", "import")
    assert dialog.bar.value() == 1000
