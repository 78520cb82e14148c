"""The bridge: worker-thread events arrive as signals on the GUI thread, bounded, in order."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from belcoach.audio.events import (
    CallEnded,
    CallStarted,
    Channel,
    ConversationStats,
    DeadAir,
    EmotionEstimate,
    LevelUpdate,
    OverTalk,
    Pause,
    PhraseHit,
    SpeechRate,
    Transcript,
    Word,
)
from belcoach.audio.status import EngineStatus
from belcoach.desktop import bridge as bridge_module
from belcoach.desktop.bridge import EngineBridge, SessionState

ONE_OF_EACH = [
    CallStarted(0.0, None, language="nl"),
    Transcript(0.5, Channel.AGENT, words=(Word("Goedemiddag", 0.5, 1.0, 0.9),)),
    SpeechRate(2.0, Channel.AGENT, articulation_rate=5.0, verdict="ok"),
    Pause(3.0, Channel.AGENT, duration=0.4, after_sentence=True),
    DeadAir(4.0, None, duration=3.0, ongoing=True),
    OverTalk(5.0, Channel.AGENT, start=5.0, ongoing=True),
    ConversationStats(6.0, None, talk_ratio=0.5),
    PhraseHit(7.0, Channel.AGENT, rule_id="nl.x", said="ik weet het niet"),
    EmotionEstimate(8.0, Channel.CUSTOMER, label="boos", confidence=0.7),
    EngineStatus(9.0, None, code="asr_behind", level="warning"),
    CallEnded(10.0, None),
]
SIGNALS = [
    "call_started",
    "transcript",
    "speech_rate",
    "pause",
    "dead_air",
    "overtalk",
    "stats",
    "phrase",
    "emotion",
    "status",
    "call_ended",
]


def test_each_kind_reaches_its_signal_on_the_gui_thread_in_order(qtbot, bridge) -> None:
    got: list[tuple[str, object, bool]] = []
    gui = QThread.currentThread()
    for name in SIGNALS:
        getattr(bridge, name).connect(
            lambda e, n=name: got.append((n, e, QThread.currentThread() is gui))
        )
    everything: list[object] = []
    bridge.any_event.connect(everything.append)

    worker = threading.Thread(target=lambda: [bridge.publish(e) for e in ONE_OF_EACH])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(everything) == len(ONE_OF_EACH), timeout=2000)
    assert [n for n, _e, _t in got] == SIGNALS
    assert [e for _n, e, _t in got] == ONE_OF_EACH == everything
    assert all(on_gui for _n, _e, on_gui in got)


def test_levels_are_latest_wins_per_channel(qtbot, bridge) -> None:
    levels: list[LevelUpdate] = []
    bridge.level.connect(levels.append)
    for i in range(50):
        bridge.publish(LevelUpdate(i * 0.1, Channel.AGENT, rms_db=-60.0 + i))
        bridge.publish(LevelUpdate(i * 0.1, Channel.CUSTOMER, rms_db=-30.0))
    qtbot.waitUntil(lambda: len(levels) >= 2, timeout=2000)
    qtbot.wait(50)
    assert len(levels) == 2
    assert {lv.channel: lv.rms_db for lv in levels} == {"agent": -11.0, "customer": -30.0}


def test_a_stalled_gui_drops_the_oldest_events_not_the_engine(qtbot, monkeypatch, caplog) -> None:
    monkeypatch.setattr(bridge_module, "MAX_PENDING", 10)
    small = EngineBridge()
    seen: list[float] = []
    small.any_event.connect(lambda e: seen.append(e.t))
    for i in range(25):  # no event loop runs meanwhile: the GUI is "stalled"
        small.publish(Pause(float(i), Channel.AGENT))
    qtbot.waitUntil(lambda: len(seen) == 10, timeout=2000)
    assert seen == [float(i) for i in range(15, 25)]
    assert "dropped the 15 oldest" in caplog.text


class FakeSession:
    """Stands in for CallSession: the test decides when the call is over."""

    def __init__(self, publish, finished) -> None:
        self.publish, self.finished = publish, finished
        self.started = self.stopped = False

    def start(self) -> None:
        self.started = True
        self.publish(CallStarted(0.0, None))

    def stop(self) -> None:
        self.stopped = True  # returns at once; the call ends later


def test_start_stop_and_shutdown_never_wait_for_the_call(qtbot) -> None:
    sessions: list[FakeSession] = []

    def factory(publish, finished) -> FakeSession:
        sessions.append(FakeSession(publish, finished))
        return sessions[-1]

    bridge = EngineBridge(factory)
    states: list[str] = []
    bridge.session_state.connect(states.append)
    assert bridge.can_start
    bridge.start_call()
    assert sessions[0].started and bridge.state is SessionState.RUNNING
    bridge.start_call()  # ignored while a call runs
    assert len(sessions) == 1
    assert bridge.shutdown() is False  # a call runs: asked to stop, not waited for
    assert sessions[0].stopped and bridge.state is SessionState.STOPPING
    with qtbot.waitSignal(bridge.stopped, timeout=2000):
        threading.Thread(target=lambda: sessions[0].finished(None)).start()
    assert bridge.state is SessionState.IDLE
    assert states == ["running", "stopping", "idle"]
    bridge.start_call()  # shutting down: no new calls
    assert len(sessions) == 1


def test_a_failing_session_factory_becomes_a_status_event(qtbot) -> None:
    def factory(_publish, _finished):
        raise RuntimeError("bad settings")

    bridge = EngineBridge(factory)
    with qtbot.waitSignal(bridge.status, timeout=2000) as blocker:
        bridge.start_call()
    assert blocker.args[0].level == "error" and "bad settings" in blocker.args[0].message
    assert bridge.state is SessionState.IDLE
