"""The system tray icon: start/stop a call, show/hide the overlay, replay, settings, quit.

The icon is drawn at run time (no image files to package) and shows a dot
while a call runs; its tooltip says when the call is being recorded.
"Replay a call…" asks the app to open the replay window on the call library.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from belcoach.audio.events import EngineStatus, RecordingChanged
from belcoach.desktop.bridge import EngineBridge, SessionState
from belcoach.desktop.i18n import Translator


def make_icon(*, live: bool = False) -> QIcon:
    """belcoach's icon: a sky-blue rounded square with a "b"; a green dot when live."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#56b4e9"))
        radius = size * 0.22
        painter.drawRoundedRect(QRectF(0, 0, size, size), radius, radius)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.72))
        painter.setFont(font)
        painter.setPen(QColor("#15181c"))
        painter.drawText(QRectF(0, -size * 0.04, size, size), Qt.AlignmentFlag.AlignCenter, "b")
        if live:
            dot = size * 0.36
            painter.setBrush(QColor("#2bb58f"))
            painter.setPen(QColor("#15181c"))
            painter.drawEllipse(QRectF(size - dot - 0.5, size - dot - 0.5, dot, dot))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class CallTray(QObject):
    """The tray icon and its menu; forwards intents to the bridge and the app.

    Args:
        bridge: start/stop intents go here; its state drives the menu.
        translator: menu texts.
        parent: Qt parent.
    """

    toggle_overlay = Signal()
    replay_requested = Signal()
    settings_requested = Signal()
    quit_requested = Signal()

    def __init__(
        self, bridge: EngineBridge, translator: Translator, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._tr = translator
        self._overlay_visible = True
        self.recording = False
        self.icon = QSystemTrayIcon(make_icon(), self)
        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)
        self.call_action = QAction(self.menu)
        self.overlay_action = QAction(self.menu)
        self.replay_action = QAction(self.menu)
        self.settings_action = QAction(self.menu)
        self.quit_action = QAction(self.menu)
        self.menu.addAction(self.call_action)
        self.menu.addAction(self.overlay_action)
        self.menu.addSeparator()
        self.menu.addAction(self.replay_action)
        self.menu.addAction(self.settings_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.call_action.triggered.connect(bridge.toggle_call)
        self.overlay_action.triggered.connect(self.toggle_overlay)
        self.replay_action.triggered.connect(self.replay_requested)
        self.settings_action.triggered.connect(self.settings_requested)
        self.quit_action.triggered.connect(self.quit_requested)
        self.icon.activated.connect(self._on_activated)
        bridge.session_state.connect(self._on_session_state)
        bridge.status.connect(self._on_status)
        translator.changed.connect(self._on_language)
        self.retranslate()

    def close(self) -> None:
        """Hide the icon and delete the menu, first cutting it off from the bridge.

        The bridge outlives the windows: a call's last state change can arrive after the
        app closed them, and a slot that then touched the deleted menu's actions raised
        "Internal C++ object already deleted" (seen in the live overlay test).
        """
        self._bridge.session_state.disconnect(self._on_session_state)
        self._bridge.status.disconnect(self._on_status)
        self._tr.changed.disconnect(self._on_language)
        self.icon.hide()
        self.menu.deleteLater()

    def _on_language(self, _language: str) -> None:
        self.retranslate()

    def show(self) -> bool:
        """Show the icon if the desktop has a tray; False when it has none."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return False
        self.icon.show()
        return True

    def set_overlay_visible(self, visible: bool) -> None:
        """Keep the show/hide action's wording in step with the overlay."""
        self._overlay_visible = visible
        self.retranslate()

    def retranslate(self) -> None:
        """Re-set texts (language, call state)."""
        tr, state = self._tr, self._bridge.state
        running = state is not SessionState.IDLE
        self.call_action.setText(tr.text("button.stop" if running else "button.start"))
        self.call_action.setEnabled(self._bridge.can_start or state is SessionState.RUNNING)
        self.overlay_action.setText(tr.text("tray.hide" if self._overlay_visible else "tray.show"))
        self.replay_action.setText(tr.text("tray.replay"))
        self.replay_action.setToolTip(tr.text("tray.replay.tip"))
        self.settings_action.setText(tr.text("tray.settings"))
        self.quit_action.setText(tr.text("tray.quit"))
        self.icon.setToolTip(tr.text("tray.recording" if self.recording else "tray.tooltip"))
        self.icon.setIcon(make_icon(live=running))

    def _on_session_state(self, state: str) -> None:
        if state in (SessionState.RUNNING, SessionState.IDLE):
            self.recording = False
        self.retranslate()

    def _on_status(self, event: EngineStatus) -> None:
        if isinstance(event, RecordingChanged):
            self.recording = event.started
            self.retranslate()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_overlay.emit()
