"""The alert strip: the one place that says "act now" (over-talk, then dead air).

It keeps its height whether an alert shows or not, so the overlay never
jumps under the agent's eyes. Over-talk by the agent (``OverTalk.channel ==
agent``) is shown the moment the bridge delivers it, at full strength while
the overlap lasts, then fades out once it ends. The customer talking over the
agent is not the agent's fault and raises no alert (it still counts in the
figures). Dead air shows a running counter until someone speaks.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from belcoach.audio.events import CallEnded, Channel, DeadAir, OverTalk
from belcoach.desktop.widgets.base import OverlayPart, PartContext

FADE_S = 1.2
"""Seconds an ended over-talk alert takes to fade out."""
HOLD_S = 0.8
"""An alert stays at full strength at least this long, so a short overlap can be read."""
STALE_S = 10.0
"""An ongoing over-talk with no news for this long (lost end event) fades anyway."""


class AlertStripWidget(OverlayPart):
    """Shows the most urgent live alert, or nothing.

    Built like every overlay part (see `OverlayPart`).
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._overtalk_since: float | None = None  # wall time the alert appeared
        self._overtalk_end: float | None = None  # wall time the overlap ended
        self._overtalk_seen: float = 0.0
        self._dead_air_from: float | None = None  # audio time the silence began
        self._shown_second = -1
        ctx.bridge.overtalk.connect(self._on_overtalk)
        ctx.bridge.dead_air.connect(self._on_dead_air)
        ctx.bridge.call_ended.connect(self._on_call_ended)
        self.apply_theme()

    # ------------------------------------------------------------------ events

    def _on_overtalk(self, event: OverTalk) -> None:
        if event.channel != Channel.AGENT or not self.ctx.switches.overtalk:
            return
        now = time.monotonic()
        self._overtalk_seen = now
        if event.ongoing:
            if self._overtalk_since is None or self._overtalk_end is not None:
                self._overtalk_since = now
            self._overtalk_end = None
        elif self._overtalk_since is not None:
            self._overtalk_end = max(now, self._overtalk_since + HOLD_S)
        # Alerts render at once, not on the next frame: the agent needs them now.
        self.redraw(now)

    def _on_dead_air(self, event: DeadAir) -> None:
        if not self.ctx.switches.dead_air:
            return
        self._dead_air_from = event.t if event.ongoing else None
        self.redraw(time.monotonic())

    def _on_call_ended(self, _event: CallEnded) -> None:
        now = time.monotonic()
        if self._overtalk_since is not None and self._overtalk_end is None:
            self._overtalk_end = now
        self._dead_air_from = None
        self.mark()

    # ------------------------------------------------------------------ state

    def alert_kind(self, wall: float | None = None) -> str | None:
        """``overtalk``, ``dead_air`` or None: what the strip shows at ``wall``."""
        wall = time.monotonic() if wall is None else wall
        if self._overtalk_opacity(wall) > 0.0:
            return "overtalk"
        if self._dead_air_from is not None:
            return "dead_air"
        return None

    def _overtalk_opacity(self, wall: float) -> float:
        if self._overtalk_since is None:
            return 0.0
        end = self._overtalk_end
        if end is None and wall - self._overtalk_seen > STALE_S:
            end = self._overtalk_end = self._overtalk_seen + STALE_S
        if end is None or wall <= end:
            return 1.0
        fade = 0.0 if self.ctx.reduced_motion else FADE_S
        if fade and wall - end < fade:
            return 1.0 - (wall - end) / fade
        self._overtalk_since = self._overtalk_end = None
        return 0.0

    def animating(self) -> bool:
        """True while an alert fades, or when the silence counter's second changed."""
        if self._overtalk_end is not None:
            return True
        if self._dead_air_from is None:
            return False
        return int(self.ctx.clock.now() - self._dead_air_from) != self._shown_second

    def reset(self) -> None:
        """Clear alerts for a new call."""
        self._overtalk_since = self._overtalk_end = None
        self._dead_air_from = None
        super().reset()

    def apply_theme(self) -> None:
        """Size the strip for two lines of text at the current font."""
        theme = self.ctx.theme
        title = QFontMetricsF(theme.font(1.15, bold=True)).height()
        tip = QFontMetricsF(theme.font(0.95)).height()
        self.setFixedHeight(int(title + tip + 18))
        super().apply_theme()

    def redraw(self, wall: float) -> None:
        """Repaint with the alert in force now (and update what screen readers hear)."""
        self._render_wall = wall
        kind = self.alert_kind(wall)
        title, tip = self._texts(kind)
        self.setAccessibleName(f"{title}. {tip}" if kind else "")
        self.update()

    def _texts(self, kind: str | None) -> tuple[str, str]:
        tr = self.ctx.tr
        if kind == "overtalk":
            return tr.text("overtalk.title"), tr.text("overtalk.tip")
        if kind == "dead_air" and self._dead_air_from is not None:
            seconds = max(0, int(self.ctx.clock.now() - self._dead_air_from))
            self._shown_second = seconds
            return tr.text("deadair.title", seconds=seconds), tr.text("deadair.tip")
        return "", ""

    # ------------------------------------------------------------------ paint

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw the alert box: colour, symbol and words (never colour alone)."""
        wall = getattr(self, "_render_wall", time.monotonic())
        kind = self.alert_kind(wall)
        theme = self.ctx.theme
        if kind is None:
            self._paint_calm()
            return
        if kind == "overtalk":
            alpha = self._overtalk_opacity(wall)
            fill, ink, symbol = theme.color("alert", alpha), theme.color("on_alert", alpha), "⚠"
        else:
            alpha = 1.0
            fill, ink, symbol = theme.color("warn"), theme.color("on_warn"), "⏸"
        title, tip = self._texts(kind)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(1, 2, -1, -2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, 8, 8)
        painter.setPen(ink)
        big = theme.font(1.15, bold=True)
        small = theme.font(0.95)
        symbol_font = theme.font(1.6, bold=True)
        painter.setFont(symbol_font)
        sym_w = QFontMetricsF(symbol_font).horizontalAdvance(symbol) + 18
        painter.drawText(
            QRectF(box.left() + 6, box.top(), sym_w, box.height()),
            Qt.AlignmentFlag.AlignCenter,
            symbol,
        )
        text_box = box.adjusted(sym_w + 4, 6, -10, -6)
        painter.setFont(big)
        elide_big = QFontMetricsF(big).elidedText(
            title, Qt.TextElideMode.ElideRight, text_box.width()
        )
        painter.drawText(
            text_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, elide_big
        )
        painter.setFont(small)
        elide_small = QFontMetricsF(small).elidedText(
            tip, Qt.TextElideMode.ElideRight, text_box.width()
        )
        painter.drawText(
            text_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, elide_small
        )
        painter.end()

    def _paint_calm(self) -> None:
        """A faint outline that keeps the strip's place and says all is quiet."""
        theme = self.ctx.theme
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = painter.pen()
        pen.setColor(theme.color("border"))
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1.5, 2.5, -1.5, -2.5), 8, 8)
        painter.setPen(theme.color("faint"))
        painter.setFont(theme.font(0.9))
        painter.drawText(
            QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.ctx.tr.text("alerts.none")
        )
        painter.end()
