"""The live overlay: a small always-on-top window an agent glances at mid-call.

From top to bottom: header (state, timer, talk ratio, buttons; drag it to
move the window), the alert strip (over-talk, dead air), pace and pauses,
the customer's estimated feeling, phrase cards, the transcript, and a
status line. Frameless, resizable from the corner grip, optionally
translucent. It never takes keyboard focus (``WindowDoesNotAcceptFocus``,
``WA_ShowWithoutActivating``), so typing in the softphone or CRM is never
interrupted by an update.

Parts only mark themselves dirty; one ~30 Hz timer re-renders them, and it
runs only while a call runs or something fades. The window's position and
size are remembered per screen (QSettings, UI state only, STYLE S4).
Ctrl + mouse wheel over the overlay zooms its text.
"""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import QByteArray, QRectF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QPainter, QPaintEvent, QScreen, QWheelEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizeGrip, QVBoxLayout, QWidget

from belcoach.audio.events import CallEnded, CallStarted, Event
from belcoach.desktop.bridge import EngineBridge, SessionState
from belcoach.desktop.clock import CallClock
from belcoach.desktop.i18n import Translator
from belcoach.desktop.theme import Theme, pick_theme, system_wants_reduced_motion
from belcoach.desktop.widgets.alerts import AlertStripWidget
from belcoach.desktop.widgets.base import AlertSwitches, OverlayPart, PartContext
from belcoach.desktop.widgets.emotion import EmotionWidget
from belcoach.desktop.widgets.header import HeaderWidget
from belcoach.desktop.widgets.pace import PaceTipWidget, PauseWidget, RateGaugeWidget
from belcoach.desktop.widgets.phrases import PhraseAlertsWidget
from belcoach.desktop.widgets.status import StatusLineWidget
from belcoach.desktop.widgets.transcript import TranscriptView

FRAME_MS = 33
"""~30 Hz repaint (STYLE T8)."""
DEFAULT_SIZE = (430, 720)
MIN_SIZE = (320, 420)
ZOOM_RANGE = (0.7, 2.0)


class CallOverlay(QWidget):
    """The overlay window.

    Args:
        bridge: the engine bridge (events in, intents out).
        translator: UI texts.
        ui_state: where window geometry and zoom are kept (UI state only).
        clock_rate: audio seconds per wall second (the demo's ``--speed``).
        parent: Qt parent (None: a top-level window).
    """

    settings_requested = Signal()
    visibility_changed = Signal(bool)

    def __init__(
        self,
        bridge: EngineBridge,
        translator: Translator,
        ui_state: QSettings,
        *,
        clock_rate: float = 1.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ui_state = ui_state
        scale = float(ui_state.value("overlay/scale", 1.0) or 1.0)  # type: ignore[arg-type]
        self.ctx = PartContext(
            bridge=bridge,
            tr=translator,
            theme=pick_theme(scale=scale),
            clock=CallClock(rate=clock_rate),
            reduced_motion=system_wants_reduced_motion(),
        )
        self._opacity = 0.92
        self.setObjectName("callOverlay")
        self.setWindowTitle("belcoach")
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(*MIN_SIZE)
        self.resize(*DEFAULT_SIZE)

        self.header = HeaderWidget(self.ctx, self)
        self.alerts = AlertStripWidget(self.ctx, self)
        self.rate = RateGaugeWidget(self.ctx, self)
        self.pauses = PauseWidget(self.ctx, self)
        self.tip = PaceTipWidget(self.ctx, self.rate, self)
        self.emotion = EmotionWidget(self.ctx, self)
        self.phrases = PhraseAlertsWidget(self.ctx, self)
        self.transcript = TranscriptView(self.ctx, self)
        self.status = StatusLineWidget(self.ctx, self)
        self.parts: list[OverlayPart] = [
            self.header,
            self.alerts,
            self.rate,
            self.pauses,
            self.tip,
            self.emotion,
            self.phrases,
            self.status,
        ]
        self._build_layout()

        self._frame = QTimer(self)
        self._frame.setInterval(FRAME_MS)
        self._frame.timeout.connect(self._on_frame)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(500)
        self._save_timer.timeout.connect(self.save_geometry)

        self.header.settings_requested.connect(self.settings_requested)
        self.header.hide_requested.connect(self.hide)
        bridge.any_event.connect(self._on_event)
        bridge.call_started.connect(self._on_call_started)
        bridge.call_ended.connect(self._on_call_ended)
        bridge.session_state.connect(self._on_session_state)
        translator.changed.connect(self.retranslate)
        self.apply_switches(AlertSwitches())
        self.retranslate()

    # ------------------------------------------------------------------ build

    def _build_layout(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(14, 12, 14, 8)
        root.setSpacing(10)
        root.addWidget(self.header)
        root.addWidget(self.alerts)
        pace = QHBoxLayout()
        pace.setSpacing(18)
        pace.addWidget(self.rate, 3)
        pace.addWidget(self.pauses, 2)
        root.addLayout(pace)
        root.addWidget(self.tip)
        root.addWidget(self._rule())
        root.addWidget(self.emotion)
        root.addWidget(self.phrases)
        root.addWidget(self._rule())
        root.addWidget(self.transcript, 1)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.status, 1)
        grip = QSizeGrip(self)
        grip.setFixedSize(14, 14)
        bottom.addWidget(grip, 0, Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignRight)
        root.addLayout(bottom)

    def _rule(self) -> QFrame:
        rule = QFrame(self)
        rule.setObjectName("rule")
        rule.setFixedHeight(1)
        self._rules = [*getattr(self, "_rules", []), rule]
        return rule

    # ------------------------------------------------------------------ settings

    def apply_switches(self, switches: AlertSwitches) -> None:
        """Show only the alert kinds that are switched on."""
        self.ctx.switches = switches
        self.rate.setVisible(switches.speech_rate)
        self.tip.setVisible(switches.speech_rate)
        self.pauses.setVisible(switches.pauses)
        self.emotion.setVisible(switches.emotion)
        if not switches.phrases:
            self.phrases.reset()
        self._mark_all()

    def set_translucency(self, opacity: float) -> None:
        """Window opacity 0.3..1 (ignored in high contrast, which must stay crisp)."""
        self._opacity = max(0.3, min(1.0, opacity))
        self.setWindowOpacity(1.0 if self.ctx.theme.high_contrast else self._opacity)

    def set_always_on_top(self, on_top: bool) -> None:
        """Keep the overlay above other windows (or not)."""
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on_top)
        if self.isVisible():
            self.show()

    def zoom(self, factor: float) -> None:
        """Scale all text by ``factor`` (kept between uses)."""
        scale = max(ZOOM_RANGE[0], min(ZOOM_RANGE[1], self.ctx.theme.scale * factor))
        self.set_theme(dataclasses.replace(self.ctx.theme, scale=round(scale, 2)))
        self._ui_state.setValue("overlay/scale", self.ctx.theme.scale)

    def set_theme(self, theme: Theme) -> None:
        """Switch colours/fonts and re-style every part."""
        self.ctx.theme = theme
        self._restyle()
        for part in self.parts:
            part.apply_theme()
        self.transcript.apply_theme()
        self.set_translucency(self._opacity)
        self._mark_all()

    def _restyle(self) -> None:
        theme = self.ctx.theme
        self.setStyleSheet(
            f"QWidget#callOverlay QLabel {{ color: {theme.text}; }}"
            f" QFrame#rule {{ background: {theme.border}; border: none; }}"
            f" QToolTip {{ color: {theme.text}; background: {theme.panel};"
            f" border: 1px solid {theme.border}; }}"
            f" QScrollBar:vertical {{ background: transparent; width: 8px; margin: 0; }}"
            f" QScrollBar::handle:vertical {{ background: {theme.border}; border-radius: 4px;"
            f" min-height: 24px; }}"
            f" QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}"
            f" QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}"
        )

    def retranslate(self) -> None:
        """Re-set every text in the current language."""
        for part in self.parts:
            part.retranslate()
        self.transcript.retranslate()
        self.setWindowTitle("belcoach")
        self._refresh_now()

    # ------------------------------------------------------------------ events

    def _on_event(self, event: Event) -> None:
        if self.ctx.clock.running:
            self.ctx.clock.observe(event.t)
        self._ensure_ticking()

    def _on_call_started(self, event: CallStarted) -> None:
        self.ctx.clock.start(event.t)
        for part in self.parts:
            if part is not self.header:
                part.reset()
        self.transcript.reset()
        self._ensure_ticking()

    def _on_call_ended(self, event: CallEnded) -> None:
        self.ctx.clock.stop(event.t)
        self._mark_all()

    def _on_session_state(self, _state: str) -> None:
        self._mark_all()
        self._ensure_ticking()

    def _mark_all(self) -> None:
        for part in self.parts:
            part.mark()
        self._ensure_ticking()

    def _ensure_ticking(self) -> None:
        if not self._frame.isActive():
            self._frame.start()

    def _on_frame(self) -> None:
        self._refresh_now()
        idle = self.ctx.bridge.state is SessionState.IDLE and not self.ctx.clock.running
        if idle and not any(part.animating() for part in self.parts):
            self._frame.stop()

    def _refresh_now(self) -> None:
        wall = time.monotonic()
        for part in self.parts:
            part.refresh(wall)
        self.transcript.refresh(wall)

    # ------------------------------------------------------------------ window

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Rounded dark card with a hairline border (the window itself is transparent)."""
        theme = self.ctx.theme
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(theme.color("border"))
        painter.setBrush(theme.color("background"))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 12, 12)
        painter.end()

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl + wheel zooms the text (works without keyboard focus)."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.1 if event.angleDelta().y() > 0 else 1 / 1.1)
            event.accept()
            return
        super().wheelEvent(event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Restore the theme on first show and tell the tray."""
        super().showEvent(event)
        self.visibility_changed.emit(True)

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Remember where the overlay was and tell the tray."""
        self.save_geometry()
        super().hideEvent(event)
        self.visibility_changed.emit(False)

    def moveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Save the position shortly after a move ends."""
        super().moveEvent(event)
        self._save_timer.start()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Save the size shortly after a resize ends."""
        super().resizeEvent(event)
        self._save_timer.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the overlay only hides it; quitting is the tray's job."""
        event.ignore()
        self.hide()

    # ------------------------------------------------------------------ geometry

    @staticmethod
    def _screen_key(screen: QScreen) -> str:
        size = screen.size()
        name = screen.name().replace("/", "_") or "screen"
        return f"overlay/geometry/{name}-{size.width()}x{size.height()}"

    def save_geometry(self) -> None:
        """Remember position and size for the screen the overlay is on."""
        screen = self.screen()
        if screen is None or not self.isVisible():
            return
        key = self._screen_key(screen)
        self._ui_state.setValue(key, self.saveGeometry())
        self._ui_state.setValue("overlay/last_screen", key)

    def restore_geometry(self) -> None:
        """Put the overlay where it was on this screen, else at the top right."""
        key = self._ui_state.value("overlay/last_screen", "")
        keys = {self._screen_key(s): s for s in QGuiApplication.screens()}
        if key in keys:
            data = self._ui_state.value(key)
            if isinstance(data, QByteArray) and self.restoreGeometry(data):
                return
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        width = min(DEFAULT_SIZE[0], area.width())
        height = min(DEFAULT_SIZE[1], area.height() - 40)
        self.setGeometry(area.right() - width - 24, area.top() + 24, width, height)

    def prepare(self, *, opacity: float, on_top: bool) -> None:
        """Apply look settings and geometry before the first show."""
        self.set_theme(self.ctx.theme)
        self._opacity = opacity
        self.set_translucency(opacity)
        if not on_top:
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, False)
        self.restore_geometry()
