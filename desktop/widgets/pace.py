"""Speaking rate against the norm band, with the seed's tip, and the share of pauses.

Seed 001 ("Beheer uw spraakkwaliteit"): people talk too fast when nervous;
slow down and put pauses between sentences. The gauge shows the agent's
articulation rate on a scale with the language's normal band; when the
verdict is ``fast`` the tip appears under it. The verdict is also spelled
out with a symbol (▲ fast, ● ok, ▼ slow), so the colour is never the only cue.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from belcoach.audio.events import Channel, ConversationStats, RateVerdict, SpeechRate
from belcoach.desktop.widgets.base import OverlayPart, PartContext

_SYMBOL = {RateVerdict.FAST: "▲", RateVerdict.OK: "●", RateVerdict.SLOW: "▼"}
_TONE = {RateVerdict.FAST: "alert", RateVerdict.SLOW: "agent", RateVerdict.OK: "good"}


def _header(painter: QPainter, part: OverlayPart, left: str, right: str, color: QColor) -> float:
    """Draw a small caps label on the left and a bold value on the right; return its height."""
    theme = part.ctx.theme
    label_font = theme.font(0.8, bold=True)
    label_font.setCapitalization(label_font.Capitalization.AllUppercase)
    label_font.setLetterSpacing(label_font.SpacingType.PercentageSpacing, 108)
    value_font = theme.font(1.0, bold=True)
    height = max(QFontMetricsF(label_font).height(), QFontMetricsF(value_font).height())
    row = QRectF(0, 0, part.width(), height)
    painter.setFont(label_font)
    painter.setPen(theme.color("dim"))
    painter.drawText(row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, left)
    painter.setFont(value_font)
    painter.setPen(color)
    painter.drawText(row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)
    return height


def _bar_height(part: OverlayPart) -> float:
    return max(8.0, QFontMetricsF(part.ctx.theme.font(1.0)).height() * 0.5)


def _gauge_height(part: OverlayPart) -> int:
    """A gauge's height in the current theme: a bold header line, the bar, a small figures line."""
    theme = part.ctx.theme
    line = QFontMetricsF(theme.font(1.0, bold=True)).height()
    small = QFontMetricsF(theme.font(0.9)).height()
    return int(line + _bar_height(part) + small + 14)


class RateGaugeWidget(OverlayPart):
    """The agent's speaking rate with the norm band and the slow-down tip.

    Built like every overlay part (see `OverlayPart`).
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.rate: SpeechRate | None = None
        ctx.bridge.speech_rate.connect(self._on_rate)
        self.apply_theme()

    def _on_rate(self, event: SpeechRate) -> None:
        if event.channel not in (Channel.AGENT, None):
            return  # the customer's tempo is not the agent's to fix
        self.rate = event
        self.mark()

    def reset(self) -> None:
        """Forget the last call's rate."""
        self.rate = None
        super().reset()

    def tip(self) -> str:
        """The seed's tip when the agent is too fast, else empty."""
        if self.rate is not None and self.rate.verdict == RateVerdict.FAST:
            return self.ctx.tr.text("rate.tip.fast")
        return ""

    def verdict_text(self) -> str:
        """The verdict in words with its symbol (empty before the first sample)."""
        if self.rate is None:
            return ""
        key = f"rate.{self.rate.verdict}"
        word = self.ctx.tr.text(key) if self.ctx.tr.has(key) else self.rate.verdict
        return f"{_SYMBOL.get(self.rate.verdict, '')} {word}".strip()

    def apply_theme(self) -> None:
        """Fixed height: header, bar, figures."""
        self.setFixedHeight(_gauge_height(self))
        super().apply_theme()

    def redraw(self, wall: float) -> None:
        """Repaint and tell screen readers the figures."""
        self.setAccessibleName(f"{self.ctx.tr.text('rate.title')}: {self.verdict_text()}")
        self.setToolTip(self.ctx.tr.text("rate.tooltip"))
        self.update()

    def _colour(self) -> QColor:
        theme = self.ctx.theme
        return theme.color(_TONE.get(self.rate.verdict, "dim") if self.rate else "dim")

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw header, scale with the band and the marker, figures and tip."""
        theme, tr = self.ctx.theme, self.ctx.tr
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = self._colour()
        top = _header(painter, self, tr.text("rate.title"), self.verdict_text(), colour) + 5
        bar_h = _bar_height(self)
        track = QRectF(0, top, self.width(), bar_h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.color("border"))
        painter.drawRoundedRect(track, bar_h / 2, bar_h / 2)
        small = theme.font(0.9)
        line_h = QFontMetricsF(small).height()
        figures = QRectF(0, track.bottom() + 4, self.width(), line_h)
        painter.setFont(small)
        rate = self.rate
        if rate is None:
            painter.setPen(theme.color("faint"))
            painter.drawText(figures, Qt.AlignmentFlag.AlignLeft, tr.text("rate.waiting"))
            painter.end()
            return
        low, high = rate.norm_low, rate.norm_high
        value = rate.articulation_rate or rate.syllables_per_s
        lo_scale = (low * 0.5) if low > 0 else 0.0
        hi_scale = (high * 1.5) if high > 0 else max(8.0, value * 1.3)

        def x_of(v: float) -> float:
            frac = (v - lo_scale) / (hi_scale - lo_scale) if hi_scale > lo_scale else 0.5
            return max(0.0, min(1.0, frac)) * track.width()

        if high > low > 0:
            painter.setBrush(theme.color("band"))
            band = QRectF(x_of(low), track.top(), x_of(high) - x_of(low), bar_h)
            painter.drawRect(band)
            painter.setPen(theme.color("dim"))
            painter.drawLine(band.topLeft(), band.bottomLeft())
            painter.drawLine(band.topRight(), band.bottomRight())
            painter.setPen(Qt.PenStyle.NoPen)
        x = x_of(value)
        marker = QRectF(x - 4, track.top() - 3, 8, bar_h + 6)
        painter.setBrush(colour)
        painter.setPen(theme.color("background"))
        painter.drawRoundedRect(marker.adjusted(0, 0, 0, 0), 3, 3)
        text = f"{value:.1f} {tr.text('rate.unit')}"
        if rate.words_per_min:
            text += " · " + tr.text("rate.wpm", wpm=round(rate.words_per_min))
        painter.setPen(theme.color("dim"))
        painter.drawText(figures, Qt.AlignmentFlag.AlignLeft, text)
        painter.end()


class PauseWidget(OverlayPart):
    """Share of the agent's sentences that are followed by a pause.

    Built like every overlay part (see `OverlayPart`).
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.sentences = 0
        self.with_pause = 0
        ctx.bridge.stats.connect(self._on_stats)
        self.apply_theme()

    def _on_stats(self, event: ConversationStats) -> None:
        self.sentences, self.with_pause = event.sentences, event.sentences_with_pause
        self.mark()

    def reset(self) -> None:
        """Forget the last call's counts."""
        self.sentences = self.with_pause = 0
        super().reset()

    def share(self) -> float | None:
        """Paused sentences / sentences, or None before the first sentence."""
        return self.with_pause / self.sentences if self.sentences else None

    def apply_theme(self) -> None:
        """Same height as the rate gauge so the two sit side by side."""
        self.setFixedHeight(_gauge_height(self))
        super().apply_theme()

    def redraw(self, wall: float) -> None:
        """Repaint and tell screen readers the share."""
        tr = self.ctx.tr
        self.setToolTip(tr.text("pause.tooltip"))
        self.setAccessibleName(f"{tr.text('pause.title')}: {self._words()}")
        self.update()

    def _words(self) -> str:
        if not self.sentences:
            return self.ctx.tr.text("pause.waiting")
        return self.ctx.tr.text("pause.share", n=self.with_pause, total=self.sentences)

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw header with the percentage, a bar and the count in words."""
        theme, tr = self.ctx.theme, self.ctx.tr
        share = self.share()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        value = "" if share is None else f"{round(share * 100)} %"
        colour = theme.color("text")
        top = _header(painter, self, tr.text("pause.title"), value, colour) + 5
        bar_h = _bar_height(self)
        track = QRectF(0, top, self.width(), bar_h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.color("border"))
        painter.drawRoundedRect(track, bar_h / 2, bar_h / 2)
        if share:
            painter.setBrush(theme.color("agent"))
            filled = QRectF(track.left(), track.top(), max(bar_h, track.width() * share), bar_h)
            painter.drawRoundedRect(filled, bar_h / 2, bar_h / 2)
        small = theme.font(0.9)
        painter.setFont(small)
        painter.setPen(theme.color("dim" if share is not None else "faint"))
        line_h = QFontMetricsF(small).height()
        painter.drawText(
            QRectF(0, track.bottom() + 4, self.width(), line_h),
            Qt.AlignmentFlag.AlignLeft,
            self._words(),
        )
        painter.end()


class PaceTipWidget(OverlayPart):
    """The seed's tip, full width under the gauges, while the agent talks too fast.

    Its line is reserved even when empty, so the overlay never jumps.

    Args:
        ctx: the shared context.
        gauge: the rate gauge whose verdict it follows.
        parent: Qt parent.
    """

    def __init__(
        self, ctx: PartContext, gauge: RateGaugeWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.gauge = gauge
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        ctx.bridge.speech_rate.connect(lambda _e: self.mark())
        self.apply_theme()

    def text(self) -> str:
        """The tip shown now (empty when the pace is fine or the alert is off)."""
        return self.gauge.tip() if self.ctx.switches.speech_rate else ""

    def apply_theme(self) -> None:
        """One line of bold text plus padding."""
        self.setFixedHeight(int(QFontMetricsF(self.ctx.theme.font(1.0, bold=True)).height() + 10))
        super().apply_theme()

    def redraw(self, wall: float) -> None:
        """Repaint and tell screen readers."""
        self.setAccessibleName(self.text())
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        """A quiet band with a vermilion edge and the tip in bold."""
        tip = self.text()
        if not tip:
            return
        theme = self.ctx.theme
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.color("panel"))
        painter.drawRoundedRect(box, 6, 6)
        painter.setBrush(theme.color("alert"))
        painter.drawRoundedRect(QRectF(0, 0, 4, box.height()), 2, 2)
        font = theme.font(1.0, bold=True)
        painter.setFont(font)
        painter.setPen(theme.color("text"))
        text_box = box.adjusted(12, 0, -8, 0)
        painter.drawText(
            text_box,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetricsF(font).elidedText(
                "➜ " + tip, Qt.TextElideMode.ElideRight, text_box.width()
            ),
        )
        painter.end()
