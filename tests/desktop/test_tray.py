"""The tray menu: start/stop follows the call, replay asks for the replay window."""

from __future__ import annotations

from belcoach.audio.events import CallStarted, RecordingChanged, StatusCode
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
    tray.close()


def test_a_closed_tray_ignores_the_call_that_outlives_it(qtbot, translator) -> None:
    """The app's windows close before a call's last state change may arrive."""
    from PySide6.QtCore import QCoreApplication, QEvent

    bridge = EngineBridge(IdleSession)
    tray = CallTray(bridge, translator)
    tray.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the menu is gone
    bridge.session_state.emit("idle")  # raised "Internal C++ object already deleted"
    bridge.status.emit(RecordingChanged(0.0, None, code=StatusCode.RECORDING_STOPPED))
    translator.set_language("sv")


def test_the_tray_follows_the_recording_events_through_the_bridge(qtbot, translator) -> None:
    """Status subclasses reach ``bridge.status``; the tray acts on `RecordingChanged` only."""
    from belcoach.audio.calls.eventlog import parse_lines

    started, ready, stopped = parse_lines(
        [  # as journals hold them, from before RecordingChanged existed
            '{"type":"status","t":0.0,"channel":null,"level":"info","code":"recording_started",'
            '"message":"Recording","details":{"folder":"/calls/c1","call_id":"c1"}}\n',
            '{"type":"status","t":0.0,"channel":null,"level":"info","code":"ready"}\n',
            '{"type":"status","t":9.0,"channel":null,"level":"warning",'
            '"code":"recording_stopped","message":"disk full","details":{"reason":"disk full"}}\n',
        ]
    ).events
    assert isinstance(started, RecordingChanged) and isinstance(stopped, RecordingChanged)
    bridge = EngineBridge(IdleSession)
    tray = CallTray(bridge, translator)
    try:
        for event, recording in ((started, True), (ready, True), (stopped, False)):
            with qtbot.waitSignal(bridge.status, timeout=1000) as blocker:
                bridge.publish(event)
            assert blocker.args == [event]
            assert tray.recording is recording
    finally:
        tray.close()
