"""The overlay's top bar: call state and timer, talk/listen ratio, and three buttons.

It is also the handle the agent drags the frameless overlay by. The ratio
bar shows who did the talking (sky blue = you, orange = customer) with a
tick at 43 %, the share top performers talk (MEASURED.md, Gong's figures).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from belcoach.audio.events import CallEnded, CallStarted, ConversationStats
from belcoach.audio.status import EngineStatus, RecordingChanged, StatusCode
from belcoach.core.clock import format_clock
from belcoach.desktop.bridge import SessionState
from belcoach.desktop.hotkeys import HIDE_KEYS, TOGGLE_CALL_KEYS
from belcoach.desktop.widgets.base import OverlayPart, PartContext

TARGET_TALK = 0.43
_LOADING_ENDS = frozenset({StatusCode.READY, StatusCode.ASR_FAILED, StatusCode.DEVICE_MISSING})
"""Statuses after which the speech model is no longer loading."""


class RatioBar(QWidget):
    """A thin two-colour bar: the agent's share of talk time on the left.

    Built like every overlay part (see `OverlayPart`).
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ratio: float | None = None
        self.setFixedHeight(6)

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw both shares and the 43 % tick."""
        theme = self.ctx.theme
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        box = QRectF(self.rect())
        if self.ratio is None:
            painter.setBrush(theme.color("border"))
            painter.drawRoundedRect(box, 3, 3)
        else:
            split = box.width() * self.ratio
            painter.setBrush(theme.color("customer"))
            painter.drawRoundedRect(box, 3, 3)
            painter.setBrush(theme.color("agent"))
            painter.drawRoundedRect(QRectF(0, 0, max(split, 3.0), box.height()), 3, 3)
        painter.setBrush(theme.color("text"))
        tick = box.width() * TARGET_TALK
        painter.drawRect(QRectF(tick - 1, 0, 2, box.height()))
        painter.end()


class HeaderWidget(OverlayPart):
    """State, timer, talk ratio and the start/stop, settings and hide buttons.

    Built like every overlay part (see `OverlayPart`).
    """

    settings_requested = Signal()
    hide_requested = Signal()

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.SizeAllCursor)
        self.loading = False
        self.ended_at: float | None = None
        self.agent_share: float | None = None
        self._shown_second = -1
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.dot = QLabel("●", self)
        self.state = QLabel(self)
        # "● REC" while the call is recorded (an agent wants to know), "○ REC" once
        # the recording stopped on a disk problem; hidden when nothing is recorded.
        self.rec = QLabel(self)
        self.rec.setVisible(False)
        self.recording: str = ""
        self.recording_detail = ""
        self.timer = QLabel(self)
        self.timer.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.call_button = self._button("▶")
        self.settings_button = self._button("⚙")
        self.hide_button = self._button("–")
        row.addWidget(self.dot)
        row.addWidget(self.state, 1)
        row.addWidget(self.rec)
        row.addWidget(self.timer)
        row.addSpacing(4)
        for button in (self.call_button, self.settings_button, self.hide_button):
            row.addWidget(button)
        outer.addLayout(row)
        shares = QHBoxLayout()
        self.you = QLabel(self)
        self.them = QLabel(self)
        self.them.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        shares.addWidget(self.you)
        shares.addStretch(1)
        shares.addWidget(self.them)
        outer.addLayout(shares)
        self.ratio = RatioBar(ctx, self)
        outer.addWidget(self.ratio)
        for label in (self.dot, self.state, self.rec, self.timer, self.you, self.them):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.call_button.clicked.connect(ctx.bridge.toggle_call)
        self.settings_button.clicked.connect(self.settings_requested)
        self.hide_button.clicked.connect(self.hide_requested)
        ctx.bridge.session_state.connect(self._on_session_state)
        ctx.bridge.status.connect(self._on_status)
        ctx.bridge.stats.connect(self._on_stats)
        ctx.bridge.call_started.connect(self._on_call_started)
        ctx.bridge.call_ended.connect(self._on_call_ended)
        self.apply_theme()

    def _button(self, glyph: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(glyph)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setAutoRaise(True)
        return button

    # ------------------------------------------------------------------ events

    def _on_session_state(self, state: str) -> None:
        if state in (SessionState.RUNNING, SessionState.IDLE):
            self.recording = ""  # a new call, or none: nothing is being recorded yet
        self.mark()

    def _on_status(self, event: EngineStatus) -> None:
        if isinstance(event, RecordingChanged):
            self.recording = "on" if event.started else "stopped"
            self.recording_detail = event.folder if event.started else event.reason
        if event.code == StatusCode.MODEL_LOADING:
            self.loading = True
        elif event.code in _LOADING_ENDS:
            self.loading = False
        self.mark()

    def _on_stats(self, event: ConversationStats) -> None:
        self.agent_share = event.talk_ratio
        self.mark()

    def _on_call_started(self, _event: CallStarted) -> None:
        self.ended_at = None
        self.agent_share = None
        self.mark()

    def _on_call_ended(self, event: CallEnded) -> None:
        self.ended_at = event.t
        self.mark()

    # ------------------------------------------------------------------ render

    def animating(self) -> bool:
        """True when the call timer's shown second is out of date."""
        return self.ctx.clock.running and int(self.ctx.clock.now()) != self._shown_second

    def state_text(self) -> str:
        """The call's state in words."""
        tr, state = self.ctx.tr, self.ctx.bridge.state
        if state is SessionState.STOPPING:
            return tr.text("state.stopping")
        if state is SessionState.RUNNING and self.loading:
            return tr.text("state.loading")
        if self.ctx.clock.running:
            return tr.text("state.live")
        if state is SessionState.RUNNING:
            return tr.text("state.starting")
        if self.ended_at is not None:
            return tr.text("state.ended")
        return tr.text("state.idle")

    def apply_theme(self) -> None:
        """Fonts and colours."""
        theme = self.ctx.theme
        self.state.setFont(theme.font(1.0, bold=True))
        self.timer.setFont(theme.font(1.25, bold=True))
        self.dot.setFont(theme.font(0.9))
        self.rec.setFont(theme.font(0.8, bold=True))
        for label in (self.you, self.them):
            label.setFont(theme.font(0.85, bold=True))
        self.you.setStyleSheet(f"color: {theme.agent};")
        self.them.setStyleSheet(f"color: {theme.customer};")
        self.timer.setStyleSheet(f"color: {theme.text};")
        size = int(QFontMetricsF(theme.font(1.2)).height() + 6)
        for button in (self.call_button, self.settings_button, self.hide_button):
            button.setFont(theme.font(1.05, bold=True))
            button.setFixedSize(size, size)
            button.setStyleSheet(
                f"QToolButton {{ color: {theme.text}; background: transparent; border: none;"
                f" border-radius: {size // 2}px; }}"
                f" QToolButton:hover {{ background: {theme.border}; }}"
                f" QToolButton:disabled {{ color: {theme.faint}; }}"
            )
        super().apply_theme()

    def redraw(self, wall: float) -> None:
        """Texts, dot colour, timer and ratio."""
        theme, tr, bridge = self.ctx.theme, self.ctx.tr, self.ctx.bridge
        running = bridge.state is SessionState.RUNNING
        self.state.setText(self.state_text())
        live = self.ctx.clock.running and not self.loading
        dot = theme.good if live else theme.customer if running else theme.faint
        self.dot.setStyleSheet(f"color: {dot};")
        self.state.setStyleSheet(f"color: {theme.text if live else theme.dim};")
        if self.ctx.clock.running or self.ended_at is not None:
            now = self.ctx.clock.now()
            self._shown_second = int(now)
            # a stopwatch: whole seconds gone by (and `animating` repaints on that tick)
            self.timer.setText(format_clock(self._shown_second, pad=True))
        else:
            self.timer.setText("")
        self.call_button.setText("■" if bridge.state is not SessionState.IDLE else "▶")
        action = tr.text("button.stop" if bridge.state is not SessionState.IDLE else "button.start")
        self.call_button.setToolTip(
            tr.text("button.shortcut", action=action, keys=TOGGLE_CALL_KEYS)
        )
        self.call_button.setAccessibleName(action)
        self.call_button.setEnabled(bridge.can_start or bridge.state is SessionState.RUNNING)
        self.settings_button.setToolTip(tr.text("button.settings"))
        self.settings_button.setAccessibleName(tr.text("button.settings"))
        self.hide_button.setToolTip(
            tr.text("button.shortcut", action=tr.text("button.hide"), keys=HIDE_KEYS)
        )
        self.hide_button.setAccessibleName(tr.text("button.hide"))
        share = self.agent_share
        you = "–" if share is None else f"{round(share * 100)} %"
        them = "–" if share is None else f"{round((1 - share) * 100)} %"
        self.you.setText(f"{tr.text('talk.you')} {you}")
        self.them.setText(f"{tr.text('talk.customer')} {them}")
        if share is not None:
            self.setToolTip(
                tr.text("talk.tooltip", agent=round(share * 100), customer=round((1 - share) * 100))
            )
        self.ratio.ratio = share
        self.ratio.update()
        self._render_rec()

    def _render_rec(self) -> None:
        tr, theme = self.ctx.tr, self.ctx.theme
        self.rec.setVisible(bool(self.recording))
        if self.recording == "on":
            self.rec.setText(tr.text("rec.label"))
            self.rec.setToolTip(tr.text("rec.tooltip", folder=self.recording_detail))
            self.rec.setStyleSheet(f"color: {theme.alert};")
        elif self.recording == "stopped":
            self.rec.setText(tr.text("rec.stopped"))
            self.rec.setToolTip(tr.text("rec.stopped.tooltip", reason=self.recording_detail))
            self.rec.setStyleSheet(f"color: {theme.faint};")
        self.rec.setAccessibleName(self.rec.toolTip())

    # ------------------------------------------------------------------ drag

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Drag the whole overlay by its header (the window manager moves it)."""
        handle = self.window().windowHandle()
        if event.button() == Qt.MouseButton.LeftButton and handle is not None:
            handle.startSystemMove()
            event.accept()
            return
        super().mousePressEvent(event)
