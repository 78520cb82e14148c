"""The tray menu: start/stop follows the call, replay asks for the replay window."""

from __future__ import annotations

from belcoach.audio.events import CallStarted
from belcoach.desktop.bridge import EngineBridge
from belcoach.desktop.tray import CallTray


class IdleSession:
    def __init__(self, publish, finished) -> None:
        self.publish, self.finished = publish, finished

    def start(self) -> None:
        self.publish(CallStarted(0.0, None))

    def stop(self) -> None:
        self.finished(None)


def test_menu_follows_the_call_and_the_language(qtbot, translator) -> None:
    bridge = EngineBridge(IdleSession)
    tray = CallTray(bridge, translator)
    assert tray.call_action.text() == "Start call"
    assert tray.replay_action.isEnabled()
    assert (
        tray.replay_action.toolTip() == "Replay recorded calls with their timeline and transcript."
    )
    with qtbot.waitSignal(tray.replay_requested, timeout=1000):
        tray.replay_action.trigger()
    tray.call_action.trigger()
    assert tray.call_action.text() == "Stop call"
    with qtbot.waitSignal(bridge.session_finished, timeout=2000):
        tray.call_action.trigger()
    assert tray.call_action.text() == "Start call"
    translator.set_language("sv")
    assert tray.call_action.text() == "Starta samtal"
    assert tray.quit_action.text() == "Avsluta"
    tray.set_overlay_visible(False)
    assert tray.overlay_action.text() == "Visa overlay"
    with qtbot.waitSignal(tray.settings_requested, timeout=1000):
        tray.settings_action.trigger()
    tray.menu.deleteLater()
