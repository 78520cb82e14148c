"""The composition root (STYLE L5): settings → model store → engine → bridge → windows.

Everything the desktop app uses is built here, once, and handed down; there
are no singletons and no module-level state. The audio source is a factory
injected here too: live devices for a real call, the embedded demo call for
``belcoach demo``.

With ``recording.enabled`` every call (live, or the demo) is recorded into
the call library, opened once at start-up (which recovers calls a crash cut
off) with its retention timer running; `belcoach.wiring` is where the call's
plan, the library and the recorders are made from the settings. The tray's "Replay a
call…" opens the replay window on that library.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QSettings,
    QTimer,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from belcoach.audio.bus import Subscriber
from belcoach.audio.engine.blocks import AudioSource
from belcoach.audio.engine.paced import PacedSource
from belcoach.audio.jobs.run import SourceFactory
from belcoach.audio.jobs.session import CallSession, Finished, TranscriberCache
from belcoach.audio.status import EngineStatus, StatusCode, StatusLevel
from belcoach.core import paths
from belcoach.core.settings import ResolvedSettings, load_settings, save_user_settings
from belcoach.desktop.bridge import EngineBridge
from belcoach.desktop.call_library import CallLibraryService
from belcoach.desktop.errors import ExceptionHook, log_to_file, qt_message_handler
from belcoach.desktop.hotkeys import HIDE_KEYS, TOGGLE_CALL_KEYS, GlobalHotkeys
from belcoach.desktop.i18n import Translator
from belcoach.desktop.overlay import CallOverlay
from belcoach.desktop.tray import CallTray, make_icon
from belcoach.desktop.widgets.base import AlertSwitches
from belcoach.seeds.emotion_data import EmotionBasis
from belcoach.wiring.call import plan_call
from belcoach.wiring.flags import CallFlags

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AppOptions:
    """How this run of the desktop app behaves.

    Attributes:
        demo: play the embedded demo call instead of live devices.
        speed: audio seconds per wall second for the demo (1 = real time).
        autostart: start the call as soon as the window shows.
        screenshot: save a picture of the overlay here, then quit (or go on to
            the end of the call with ``quit_at_end``).
        after: seconds after the call starts to take the screenshot.
        quit_at_end: quit when the call is over.
        language: the call's language (None: from the settings; the demo is nl).
        replay_output: the replay window's sound: ``auto`` or ``none``.
        settings: settings the command already read (None: read them here), so
            a command that checked them first and the app use the same values.
    """

    demo: bool = False
    speed: float = 1.0
    autostart: bool = False
    screenshot: Path | None = None
    after: float = 20.0
    quit_at_end: bool = False
    language: str | None = None
    replay_output: str = "auto"
    settings: ResolvedSettings | None = None


def has_display() -> bool:
    """True when a GUI can open (an X11/Wayland display, or any non-Linux desktop)."""
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal", "vnc"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def demo_source_factory(*, speed: float = 1.0) -> SourceFactory:
    """Open the embedded demo call, paced at ``speed`` times real time."""

    def open_demo(_publish: Subscriber) -> AudioSource:
        from belcoach.audio.engine.sources import open_call
        from belcoach.demo import demo_call_path

        return PacedSource(open_call(demo_call_path()), speed=speed)

    return open_demo


def live_source_factory() -> SourceFactory:
    """Open the agent's microphone and the call audio chosen in the settings.

    The device names are read when each call starts, so a change in the
    settings dialog applies to the next call. A missing device never raises:
    the source reports ``device_missing`` and the overlay says what to pick.
    """

    def open_devices(publish: Subscriber) -> AudioSource:
        from belcoach.audio.live import open_live
        from belcoach.core.settings import load_settings

        audio = load_settings().values.audio
        return open_live(
            agent_device=audio.agent_device or None,
            customer_device=audio.customer_device or None,
            publish=publish,
        )

    return open_devices


def alert_switches(settings: ResolvedSettings) -> AlertSwitches:
    """The ``alerts.*`` settings as the overlay's switches (the same dataclass)."""
    return settings.values.alerts


class HotkeyRelay(QObject):
    """Carries global shortcuts from their listener thread to the GUI thread."""

    toggle_call = Signal()
    toggle_overlay = Signal()


class DesktopApp:
    """Owns every long-lived object of one run of the desktop app.

    Args:
        qt_app: the QApplication.
        options: how this run behaves.
        source_factory: opens a call's audio (live devices or a recording).
        subscribers: also receive every event of every call (e.g. a terminal printer).
    """

    def __init__(
        self,
        qt_app: QApplication,
        options: AppOptions,
        source_factory: SourceFactory,
        *,
        subscribers: Sequence[Subscriber] = (),
    ) -> None:
        self.qt_app = qt_app
        self._subscribers = tuple(subscribers)
        self.options = options
        self.settings = options.settings or load_settings()
        self.ui_state = QSettings(
            str(paths.config_dir() / "ui-state.ini"), QSettings.Format.IniFormat
        )
        self.transcribers = TranscriberCache()
        self._source_factory = source_factory
        self.bridge = EngineBridge(self._new_session)
        self.translator = Translator(str(self.settings.get("ui.language")))
        self.overlay = CallOverlay(
            self.bridge, self.translator, self.ui_state, clock_rate=options.speed
        )
        self.tray = CallTray(self.bridge, self.translator)
        self.settings_dialog: QWidget | None = None
        self.calls = CallLibraryService(self.translator, replay_output=options.replay_output)
        self.calls.start(self.settings)
        self.overlay.settings_requested.connect(self.open_settings)
        self.overlay.visibility_changed.connect(self.tray.set_overlay_visible)
        self.tray.toggle_overlay.connect(self.toggle_overlay)
        self.tray.settings_requested.connect(self.open_settings)
        self.tray.replay_requested.connect(self.open_replay)
        self.tray.quit_requested.connect(self.quit)
        self.bridge.stopped.connect(self.qt_app.quit)
        self._shortcuts = [
            self._shortcut(TOGGLE_CALL_KEYS, self.bridge.toggle_call),
            self._shortcut(HIDE_KEYS, self.toggle_overlay),
        ]
        # System-wide shortcuts: their callbacks run on the listener thread, so
        # they only emit signals, which Qt queues to the GUI thread.
        self.hotkey_relay = HotkeyRelay()
        self.hotkey_relay.toggle_call.connect(self.bridge.toggle_call)
        self.hotkey_relay.toggle_overlay.connect(self.toggle_overlay)
        self.hotkeys = GlobalHotkeys(
            {
                TOGGLE_CALL_KEYS: self.hotkey_relay.toggle_call.emit,
                HIDE_KEYS: self.hotkey_relay.toggle_overlay.emit,
            }
        )
        self._apply_settings()
        self.exit_code = 0

    def _shortcut(self, keys: str, slot: Callable[[], None]) -> QShortcut:
        # Application-wide: they work whenever a belcoach window (the settings
        # dialog, or the overlay where the platform lets it take focus) is active.
        from PySide6.QtCore import Qt

        shortcut = QShortcut(QKeySequence(keys), self.overlay)
        shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def _new_session(self, subscriber: Subscriber, finished: Finished) -> CallSession:
        language = self.options.language or ("nl" if self.options.demo else None)
        # The settings in force when this call starts (the dialog may have changed them).
        plan = plan_call(self.settings, CallFlags(language=language))
        return CallSession(
            self._source_factory,
            plan.session_config(
                recording=self.calls.recording(
                    self.settings, origin="demo" if self.options.demo else "live"
                ),
            ),
            transcribers=self.transcribers,
            subscribers=[subscriber, *self._subscribers],
            on_finished=finished,
        )

    def _apply_settings(self) -> None:
        s = self.settings
        self.translator.set_language(str(s.get("ui.language")))
        self.overlay.apply_switches(alert_switches(s))
        self.overlay.emotion.set_basis(
            EmotionBasis.VOICE_AND_WORDS if s.values.emotion.voice else EmotionBasis.WORDS
        )
        self.overlay.set_translucency(float(s.get("ui.opacity")))
        self.overlay.status.set_settings_problem(bool(s.problems))

    def save_settings(self, changes: dict[str, object]) -> ResolvedSettings:
        """Write the user's changes, reload, and apply what can change live."""
        self.settings = save_user_settings(self.settings, changes)
        self._apply_settings()
        if "ui.always_on_top" in changes:
            self.overlay.set_always_on_top(bool(self.settings.get("ui.always_on_top")))
        return self.settings

    # ------------------------------------------------------------------ intents

    def start(self) -> None:
        """Show the windows (and start the call when asked to)."""
        self.overlay.prepare(
            opacity=float(self.settings.get("ui.opacity")),
            on_top=bool(self.settings.get("ui.always_on_top")),
        )
        self.overlay.show()
        self.tray.show()
        if not self.hotkeys.start():
            log.info("%s; use the tray menu or the overlay's buttons", self.hotkeys.reason)
        if self.options.quit_at_end:
            self.bridge.session_finished.connect(self._on_finished_quit)
        if self.options.screenshot is not None:
            self.bridge.call_started.connect(self._arm_screenshot)
        recovered = self.calls.library.recovered if self.calls.library is not None else []
        if recovered:  # tell the agent their cut-off call was not lost
            self.bridge.publish(
                EngineStatus(
                    t=0.0,
                    channel=None,
                    level=StatusLevel.INFO,
                    code=StatusCode.CALLS_RECOVERED,
                    message=str(len(recovered)),
                )
            )
        access = self.calls.access_log_code()
        if access is not None:  # stored calls will not open (or a new log starts): say so
            self.bridge.publish(
                EngineStatus(t=0.0, channel=None, level=StatusLevel.WARNING, code=access)
            )
        if self.options.autostart:
            QTimer.singleShot(0, self.bridge.start_call)

    def close(self) -> None:
        """Destroy the windows while Qt still runs (not later, in Python's garbage collector)."""
        if self.settings_dialog is not None:
            self.settings_dialog.close()
            self.settings_dialog.deleteLater()
            self.settings_dialog = None
        self.calls.close()
        self.hotkeys.stop()
        self.tray.close()
        self.overlay.deleteLater()
        self.ui_state.sync()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def toggle_overlay(self) -> None:
        """Show the overlay if hidden, hide it if shown."""
        self.overlay.setVisible(not self.overlay.isVisible())

    def open_settings(self) -> None:
        """Open (or raise) the settings dialog."""
        from belcoach.desktop.settings_dialog import SettingsDialog

        if self.settings_dialog is None:
            self.settings_dialog = SettingsDialog(
                self.settings, self.translator, self.save_settings
            )
            self.settings_dialog.finished.connect(self._settings_closed)
        self.settings_dialog.show()
        self.settings_dialog.raise_()
        self.settings_dialog.activateWindow()

    def open_replay(self) -> None:
        """Open (or raise) the replay window on the call library, newest call selected."""
        self.calls.open_replay(self.settings)

    def _settings_closed(self, _result: int) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
            self.settings_dialog = None

    def quit(self) -> None:
        """Stop the call (without waiting) and quit once it is over (STYLE T6)."""
        self.overlay.save_geometry()
        if self.bridge.shutdown():
            self.qt_app.quit()

    def _on_finished_quit(self, error: object) -> None:
        if error is not None:
            self.exit_code = 1
        # Let the final figures render once before quitting.
        QTimer.singleShot(300, self.quit)

    def _arm_screenshot(self, _event: object) -> None:
        self.bridge.call_started.disconnect(self._arm_screenshot)
        wall = max(0.0, self.options.after / max(self.options.speed, 0.01))
        QTimer.singleShot(int(wall * 1000), self.save_screenshot)

    def save_screenshot(self) -> None:
        """Save the overlay as a PNG (``--screenshot``), then quit unless ``quit_at_end``."""
        path = self.options.screenshot
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        self.overlay._refresh_now()
        if not self.overlay.grab().save(str(path)):
            log.error("could not save the screenshot to %s", path)
            self.exit_code = 1
        else:
            print(f"belcoach: screenshot saved to {path}", flush=True)
        if not self.options.quit_at_end:  # with --quit-at-end the call plays on to its end
            self.quit()


def _show_error(tr: Translator) -> Callable[[Path], None]:
    def show(path: Path) -> None:
        QMessageBox.critical(None, tr.text("error.title"), tr.text("error.unexpected", path=path))

    return show


def run_app(
    options: AppOptions,
    *,
    source_factory: SourceFactory | None = None,
    subscribers: Sequence[Subscriber] = (),
) -> int:
    """Run the desktop app until the user quits; return the exit code.

    Args:
        options: how this run behaves.
        source_factory: the call's audio; defaults to live devices, or the demo
            call when ``options.demo`` is set.
        subscribers: also receive every event (``belcoach demo`` without a
            display prints them).
    """
    qInstallMessageHandler(qt_message_handler)
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("belcoach")
    qt_app.setOrganizationName("belcoach")
    qt_app.setQuitOnLastWindowClosed(False)
    qt_app.setWindowIcon(make_icon())
    QGuiApplication.setDesktopFileName("belcoach")
    log_path = log_to_file(paths.log_dir())
    if source_factory is not None:
        factory = source_factory
    elif options.demo:
        factory = demo_source_factory(speed=options.speed)
    else:
        factory = live_source_factory()
    app = DesktopApp(qt_app, options, factory, subscribers=subscribers)
    hook = ExceptionHook(log_path, _show_error(app.translator))
    hook.install()
    try:
        app.start()
        code = qt_app.exec()
        app.close()
    finally:
        hook.uninstall()
    exit_code = app.exit_code or code
    del app
    gc.collect()
    return exit_code
