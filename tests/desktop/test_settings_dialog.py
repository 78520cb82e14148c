"""The settings dialog: IT-locked values cannot be changed, problems are shown, saving works.

Real settings files in the test's folder (the autouse fixture points
BELCOACH_POLICY and BELCOACH_CONFIG_DIR there) and the real settings layer.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from belcoach.core.errors import ConfigError
from belcoach.core.settings import load_settings, save_user_settings
from belcoach.desktop.devices import InputDevice
from belcoach.desktop.settings_dialog import SettingsDialog

POLICY = """
schema_version = 1
contact = "IT service desk, ext. 4444"

[locked.recording]
enabled = false

[locked.call]
language = "nl"
"""

DEVICES = [InputDevice("Headset Microphone", 3, 1, True), InputDevice("Softphone monitor", 5, 2)]


def _policy(text: str) -> Path:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _dialog(qtbot, translator, *, devices=DEVICES):
    saved: list[dict] = []
    state = {"settings": load_settings()}

    def save(changes: dict) -> object:
        saved.append(changes)
        state["settings"] = save_user_settings(state["settings"], changes)
        return state["settings"]

    dialog = SettingsDialog(
        state["settings"], translator, save, devices=lambda: devices, probe=None
    )
    qtbot.addWidget(dialog)
    return dialog, saved, state


def test_locked_settings_are_shown_greyed_with_the_reason_and_never_saved(
    qtbot, translator
) -> None:
    _policy(POLICY)
    dialog, saved, state = _dialog(qtbot, translator)
    for key in ("recording.enabled", "call.language"):
        binding = dialog.bindings[key]
        assert not binding.widget.isEnabled()
        assert not binding.lock_label.isHidden()
        assert "IT policy" in binding.lock_label.text()
        assert "IT service desk, ext. 4444" in binding.lock_label.text()
    assert dialog.bindings["recording.enabled"].get() is False
    assert dialog.bindings["call.language"].get() == "nl"
    assert dialog.bindings["ui.opacity"].widget.isEnabled()

    # Even if a widget is forced (say, by a script), a locked key is never sent.
    dialog.bindings["recording.enabled"].set(True)
    dialog.bindings["call.language"].set("sv")
    dialog.bindings["ui.opacity"].set(0.75)
    assert dialog.changes() == {"ui.opacity": 0.75}
    dialog.save()
    assert saved == [{"ui.opacity": 0.75}]
    assert state["settings"].get("ui.opacity") == 0.75
    assert state["settings"].get("recording.enabled") is False
    with pytest.raises(ConfigError, match="locked by IT policy"):
        save_user_settings(state["settings"], {"recording.enabled": True})


def test_a_bad_policy_file_is_explained_in_plain_words(qtbot, translator) -> None:
    _policy("schema_version = 1\n[locked.recording\nenabled = false\n")
    dialog, _saved, _state = _dialog(qtbot, translator)
    assert not dialog.problems.isHidden()
    text = dialog.problems.text()
    assert text.startswith("Some settings could not be read:")
    assert "policy.toml" in text and "recording is locked off" in text
    assert not dialog.bindings["recording.enabled"].widget.isEnabled()


def test_a_refused_save_keeps_the_dialog_open_and_says_why(qtbot, translator) -> None:
    dialog, _saved, _state = _dialog(qtbot, translator)

    def refuse(_changes: dict) -> object:
        raise ConfigError("setting 'ui.opacity' must be between 0.3 and 1")

    dialog._save = refuse
    dialog.bindings["ui.opacity"].set(0.5)
    dialog.show()
    dialog.save()
    assert dialog.isVisible() and not dialog.error.isHidden()
    assert "must be between" in dialog.error.text()


def test_devices_are_listed_and_no_devices_is_said_plainly(qtbot, translator) -> None:
    dialog, _saved, _state = _dialog(qtbot, translator)
    combo = dialog.agent_device
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "System default",
        "Headset Microphone",
        "Softphone monitor",
    ]
    assert dialog.no_devices.isHidden()
    empty, _s, _st = _dialog(qtbot, translator, devices=[])
    assert not empty.no_devices.isHidden()
    assert "No input devices found" in empty.no_devices.text()
    assert not empty.bindings["audio.agent_device"].widget.isEnabled()
    assert empty.changes() == {}


def test_switching_the_language_changes_the_texts_live(qtbot, translator, overlay, feed) -> None:
    from belcoach.audio.events import CallStarted, Channel, EmotionEstimate

    dialog, _saved, _state = _dialog(qtbot, translator)
    feed([CallStarted(0.0, None)])
    feed([EmotionEstimate(3.0, Channel.CUSTOMER, label="boos", confidence=0.8, step="erkennen")])
    assert dialog.save_button.text() == "Save" and overlay.header.state_text() == "Call"
    assert overlay.emotion.label.text() == "Angry"
    translator.set_language("nl")
    overlay._refresh_now()
    assert dialog.save_button.text() == "Opslaan"
    assert dialog.tabs.tabText(0) == "Algemeen"
    assert overlay.header.state_text() == "Gesprek"
    assert overlay.emotion.label.text() == "Boos"
    assert overlay.emotion.title.text() == "Klant · schatting"
    translator.set_language("sv")
    overlay._refresh_now()
    assert dialog.save_button.text() == "Spara"
    assert overlay.emotion.label.text() == "Arg"
    assert overlay.header.you.text().startswith("Du")
