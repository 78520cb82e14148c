"""Importing a coach's recorded call from the replay window: progress, cancel, add."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import soundfile as sf

from belcoach.audio.calls.library import CallLibrary
from belcoach.core.settings import load_settings
from belcoach.demo import demo_call_path
from belcoach.desktop.replay.import_dialog import ImportDialog


def test_a_bad_file_is_explained_before_any_work(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = CallLibrary.open(tmp_path / "library")
    dialog = ImportDialog(library, load_settings())
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
    dialog = ImportDialog(library, load_settings())
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
    dialog = ImportDialog(library, load_settings())
    qtbot.addWidget(dialog)
    dialog.call_edit.setText(str(short))
    dialog.agent_name.setText("Sanne")
    with qtbot.waitSignal(dialog.imported, timeout=120_000) as blocker:
        dialog.start_button.click()
    (entry,) = library.calls()
    assert blocker.args == [entry.folder]
    assert (entry.status, entry.agent, entry.origin) == ("complete", "Sanne", "import")
    assert dialog.bar.value() == 1000


def test_the_import_is_planned_with_the_settings_and_the_policy(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path
) -> None:
    """IT's language lock holds in the dialog; the coach's model and disabled rules reach it."""
    policy = Path(os.environ["BELCOACH_POLICY"])
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(
        'contact = "servicedesk 4444"\n[locked.call]\nlanguage = "sv"\n', encoding="utf-8"
    )
    user = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(
        '[model]\nname = "tiny"\n[analysis.rules]\ndisabled = ["nl.niet-gestoord"]\n',
        encoding="utf-8",
    )
    dialog = ImportDialog(CallLibrary.open(tmp_path / "library"), load_settings())
    qtbot.addWidget(dialog)
    assert dialog.language.currentText() == "sv"
    assert not dialog.language.isEnabled()
    assert "servicedesk 4444" in dialog.language.toolTip()
    plan = dialog.plan()
    assert (plan.language, plan.model.name) == ("sv", "tiny")
    assert plan.analysis["rules"]["disabled"] == ["nl.niet-gestoord"]
