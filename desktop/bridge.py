"""The one Qt adapter (STYLE L4): engine events in, Qt signals on the GUI thread out.

The engine publishes from its own threads (the engine thread, the ASR worker,
the session thread). ``EngineBridge.publish`` is their bus subscriber: it only
appends to a bounded buffer and, when the buffer was empty, posts one queued
wake-up to the GUI thread, so the engine never waits for the UI and a busy UI
receives one wake-up per batch rather than one per event. On the GUI thread
the bridge drains the buffer and re-emits each event on the signal of its
kind. Widgets connect to those signals and never see a thread or a queue.

Drop policy (STYLE T2): level meters are "latest wins" per channel; other
events go through a deque of ``MAX_PENDING`` that drops the oldest when the
GUI has been stalled that long (counted and logged, never silent).

The bridge is also where widgets send their intents (start / stop a call):
it owns the running ``CallSession``, built by a factory the composition root
injects, and reports the session's state on ``session_state``. ``shutdown``
asks a running call to stop and emits ``stopped`` once it has, so a window
can close without blocking (STYLE T6).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance, Slot

from belcoach.audio.bus import Subscriber
from belcoach.audio.events import (
    CallEnded,
    CallStarted,
    Channel,
    ConversationStats,
    DeadAir,
    EmotionEstimate,
    EngineStatus,
    Event,
    LevelUpdate,
    OverTalk,
    Pause,
    PhraseHit,
    SpeechRate,
    StatusCode,
    StatusLevel,
    Transcript,
)
from belcoach.audio.jobs.session import CallSession, Finished

log = logging.getLogger(__name__)

MAX_PENDING = 5000
"""Events held for a stalled GUI before the oldest are dropped (~minutes of a call)."""

SessionFactory = Callable[[Subscriber, Finished], CallSession]
"""Builds an unstarted call session from the bridge's subscriber and finished callback."""


class SessionState(StrEnum):
    """What the bridge's call is doing."""

    IDLE = "idle"
    RUNNING = "running"
    STOPPING = "stopping"


class EngineBridge(QObject):
    """Turns engine events from worker threads into Qt signals on the GUI thread.

    Args:
        session_factory: builds a call session for ``start_call``; None when the
            bridge only relays events (tests, replays fed by hand).
        parent: Qt parent.
    """

    any_event = Signal(object)
    """Every event, in publication order (after the kind-specific signal).

    Not named ``event``: that is QObject's own event handler.
    """
    transcript = Signal(object)
    speech_rate = Signal(object)
    pause = Signal(object)
    dead_air = Signal(object)
    overtalk = Signal(object)
    stats = Signal(object)
    phrase = Signal(object)
    emotion = Signal(object)
    level = Signal(object)
    status = Signal(object)
    call_started = Signal(object)
    call_ended = Signal(object)
    session_state = Signal(str)
    """The call's state changed (a ``SessionState`` value)."""
    session_finished = Signal(object)
    """The call is over: None, or the error that ended it."""
    stopped = Signal()
    """After ``shutdown``: no call is running any more, the app may quit."""

    _wake = Signal()

    def __init__(
        self, session_factory: SessionFactory | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._factory = session_factory
        self._lock = threading.Lock()
        self._pending: deque[Event | _Finished] = deque(maxlen=MAX_PENDING)
        self._levels: dict[Channel | None, LevelUpdate] = {}
        self._dropped = 0
        self._wake_posted = False
        self._session: CallSession | None = None
        self._state = SessionState.IDLE
        self._shutting_down = False
        self.received = 0
        self._signals: dict[type[Event], SignalInstance] = {
            Transcript: self.transcript,
            SpeechRate: self.speech_rate,
            Pause: self.pause,
            DeadAir: self.dead_air,
            OverTalk: self.overtalk,
            ConversationStats: self.stats,
            PhraseHit: self.phrase,
            EmotionEstimate: self.emotion,
            LevelUpdate: self.level,
            EngineStatus: self.status,
            CallStarted: self.call_started,
            CallEnded: self.call_ended,
        }
        # Always queued: a publish on the GUI thread (tests, replays) behaves
        # exactly like one from a worker, and never re-enters a widget's slot.
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------- any thread

    def publish(self, event: Event) -> None:
        """Bus subscriber: hand an event to the GUI thread; never blocks on the UI."""
        with self._lock:
            if isinstance(event, LevelUpdate):
                self._levels[event.channel] = event
            else:
                if len(self._pending) == self._pending.maxlen:
                    self._dropped += 1
                self._pending.append(event)
            if self._wake_posted:
                return
            self._wake_posted = True
        self._wake.emit()

    def _on_session_finished(self, error: BaseException | None) -> None:
        with self._lock:
            self._pending.append(_Finished(error))
            if self._wake_posted:
                return
            self._wake_posted = True
        self._wake.emit()

    # -------------------------------------------------------------- GUI thread

    @property
    def state(self) -> SessionState:
        """The call's state."""
        return self._state

    @property
    def can_start(self) -> bool:
        """True when a call could be started now."""
        return self._factory is not None and self._state is SessionState.IDLE

    def start_call(self) -> None:
        """Intent: start a call (ignored while one runs or without a session factory)."""
        if not self.can_start or self._shutting_down:
            return
        assert self._factory is not None
        try:
            session = self._factory(self.publish, self._on_session_finished)
        except Exception as exc:  # a bad setting must not take the overlay down
            log.exception("could not build a call session")
            self.publish(
                EngineStatus(
                    0.0,
                    None,
                    level=StatusLevel.ERROR,
                    code=StatusCode.ASR_FAILED,
                    message=str(exc),
                )
            )
            return
        self._session = session
        self._set_state(SessionState.RUNNING)
        session.start()

    def stop_call(self) -> None:
        """Intent: stop the running call; returns at once (``session_finished`` follows)."""
        if self._session is not None and self._state is SessionState.RUNNING:
            self._set_state(SessionState.STOPPING)
            self._session.stop()

    def toggle_call(self) -> None:
        """Intent: start a call when idle, stop it when running."""
        if self._state is SessionState.IDLE:
            self.start_call()
        else:
            self.stop_call()

    def shutdown(self) -> bool:
        """Stop whatever runs so the app can quit; True when nothing runs any more.

        When False, ``stopped`` is emitted once the call is over.
        """
        self._shutting_down = True
        if self._state is SessionState.IDLE:
            return True
        self.stop_call()
        return False

    @Slot()
    def _drain(self) -> None:
        with self._lock:
            batch = list(self._pending)
            self._pending.clear()
            levels = list(self._levels.values())
            self._levels.clear()
            dropped, self._dropped = self._dropped, 0
            self._wake_posted = False
        if dropped:
            log.warning("GUI stalled: dropped the %d oldest engine events", dropped)
        for item in batch:
            if isinstance(item, _Finished):
                self._finish(item.error)
            else:
                self._dispatch(item)
        for level in levels:
            self._dispatch(level)

    def _dispatch(self, event: Event) -> None:
        self.received += 1
        # The nearest registered class: a `DeviceLost` goes out on ``status``
        # like every `EngineStatus`, and its slots branch on the type.
        signal = next(
            (s for cls in type(event).__mro__ if (s := self._signals.get(cls)) is not None), None
        )
        if signal is not None:
            signal.emit(event)
        self.any_event.emit(event)

    def _finish(self, error: BaseException | None) -> None:
        self._session = None
        self._set_state(SessionState.IDLE)
        self.session_finished.emit(error)
        if self._shutting_down:
            self.stopped.emit()

    def _set_state(self, state: SessionState) -> None:
        if state is not self._state:
            self._state = state
            self.session_state.emit(str(state))


class _Finished:
    """Marker in the event buffer: the session ended (keeps it after its last events)."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException | None) -> None:
        self.error = error
