"""The live transcript: both sides in time order, partial words greyed.

The agent's lines sit at the left edge with a sky-blue bar, the customer's
are indented with an orange bar, and the speaker's name appears when the
speaker changes, so the two sides differ in place, colour and words. Words
that are still a guess are grey and italic until the transcriber commits
them; words a phrase rule flagged get a wavy underline.

The view follows the newest line until the user scrolls back; then it stays
where the user is and offers a "latest" button to jump back (scrolling to
the bottom by hand resumes following too). Lines are laid out with
QTextLayout once per change and width, and only the visible ones are painted.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QAbstractScrollArea, QPushButton, QWidget

from belcoach.audio.events import Channel, PhraseHit, Transcript
from belcoach.audio.status import EngineStatus, TranscriptGap
from belcoach.core.clock import format_clock
from belcoach.desktop.transcript_model import Line, TranscriptModel
from belcoach.desktop.widgets.base import PartContext

INDENT = 16.0
"""How far the customer's lines are indented."""
BAR = 3.0
GAP = 8.0


class TranscriptView(QAbstractScrollArea):
    """Paints the transcript model; follows the newest line unless scrolled back.

    Built like every overlay part (see `OverlayPart`).
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = TranscriptModel()
        self.follow = True
        self._dirty = True
        self._programmatic = False
        self._layouts: dict[int, tuple[tuple[int, float, int], QTextLayout, float]] = {}
        self._tops: list[float] = []
        self._content_height = 0.0
        self._layout_revision = -1
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewport().setAutoFillBackground(False)
        self.setStyleSheet("QAbstractScrollArea { background: transparent; border: none; }")
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.latest = QPushButton(self.viewport())
        self.latest.setObjectName("latestButton")
        self.latest.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.latest.setCursor(Qt.CursorShape.PointingHandCursor)
        self.latest.clicked.connect(self.scroll_to_latest)
        self.latest.setVisible(False)
        ctx.bridge.transcript.connect(self._on_transcript)
        ctx.bridge.phrase.connect(self._on_phrase)
        ctx.bridge.status.connect(self._on_status)
        self.apply_theme()

    # ------------------------------------------------------------------ events

    def _on_transcript(self, event: Transcript) -> None:
        if self.model.apply(event):
            self._dirty = True

    def _on_phrase(self, event: PhraseHit) -> None:
        if event.polarity == "avoid" and self.ctx.switches.phrases and self.model.flag(event):
            self._dirty = True

    def _on_status(self, event: EngineStatus) -> None:
        if isinstance(event, TranscriptGap) and event.channel is not None:
            self.model.gap(Channel(event.channel), event.start, event.end)
            self._dirty = True

    def reset(self) -> None:
        """Clear for a new call and follow again."""
        self.model.clear()
        self.follow = True
        self._dirty = True

    def retranslate(self) -> None:
        """Speaker names and the button follow the UI language."""
        self.latest.setText(self.ctx.tr.text("transcript.latest"))
        self.latest.adjustSize()
        self._layouts.clear()
        self._dirty = True

    def apply_theme(self) -> None:
        """Fonts and colours changed: lay everything out again."""
        theme = self.ctx.theme
        self.latest.setFont(theme.font(0.9, bold=True))
        self.latest.setStyleSheet(
            f"QPushButton#latestButton {{ background: {theme.agent}; color: {theme.background};"
            f" border: none; border-radius: 10px; padding: 3px 10px; }}"
        )
        self.retranslate()

    # ------------------------------------------------------------------ scroll

    def _on_scrolled(self, value: int) -> None:
        if self._programmatic:
            return
        bar = self.verticalScrollBar()
        self.follow = value >= bar.maximum() - 4
        self._place_latest()

    def scroll_to_latest(self) -> None:
        """Jump to the newest line and follow again."""
        self.follow = True
        self._scroll_to_end()
        self._place_latest()

    def _scroll_to_end(self) -> None:
        self._programmatic = True
        try:
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum())
        finally:
            self._programmatic = False

    def _place_latest(self) -> None:
        show = not self.follow and bool(self.model.lines)
        self.latest.setVisible(show)
        if show:
            vp = self.viewport()
            self.latest.move(
                vp.width() - self.latest.width() - 8, vp.height() - self.latest.height() - 8
            )

    # ------------------------------------------------------------------ layout

    def refresh(self, wall: float) -> None:
        """Lay out and repaint if the transcript changed since the last frame."""
        if not self._dirty:
            return
        self._dirty = False
        self._relayout()
        if self.follow:
            self._scroll_to_end()
        self._place_latest()
        self.viewport().update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-wrap lines for the new width."""
        super().resizeEvent(event)
        self._dirty = True
        self.refresh(0.0)

    def _text_width(self, line: Line) -> float:
        indent = INDENT if line.channel == Channel.CUSTOMER else 0.0
        return max(40.0, self.viewport().width() - indent - BAR - GAP - 6)

    def _header_height(self) -> float:
        return QFontMetricsF(self.ctx.theme.font(0.85, bold=True)).height()

    def _shows_header(self, i: int) -> bool:
        lines = self.model.lines
        return i == 0 or lines[i - 1].channel != lines[i].channel

    def _layout_for(self, line: Line) -> tuple[QTextLayout, float]:
        width = self._text_width(line)
        key = (line.revision, width, id(self.ctx.theme))
        cached = self._layouts.get(id(line))
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        theme = self.ctx.theme
        if line.gap_end is not None:
            return self._gap_layout(line, width, key)
        layout = QTextLayout(line.text, theme.font(1.0, italic=not line.final))
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        ink = QColor(theme.text if line.final else theme.partial)
        base = QTextCharFormat()
        base.setForeground(ink)
        whole = QTextLayout.FormatRange()
        whole.start, whole.length, whole.format = 0, len(line.text), base
        formats = [whole]
        offset = 0
        for i, word in enumerate(line.words):
            if i in line.flagged:
                fmt = QTextCharFormat()
                fmt.setForeground(ink)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor(theme.alert))
                r = QTextLayout.FormatRange()
                r.start, r.length, r.format = offset, len(word.text), fmt
                formats.append(r)
            offset += len(word.text) + 1
        layout.setFormats(formats)
        height = _lay_out(layout, width)
        self._layouts[id(line)] = (key, layout, height)
        return layout, height

    def _gap_layout(
        self, line: Line, width: float, key: tuple[int, float, int]
    ) -> tuple[QTextLayout, float]:
        """A faint italic line that says which stretch the transcript skipped."""
        theme = self.ctx.theme
        text = self.ctx.tr.text(
            "transcript.gap",
            start=format_clock(line.t, pad=True),
            end=format_clock(line.gap_end or line.t, pad=True),
        )
        layout = QTextLayout(text, theme.font(0.85, italic=True))
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        fmt = QTextCharFormat()
        fmt.setForeground(theme.color("faint"))
        whole = QTextLayout.FormatRange()
        whole.start, whole.length, whole.format = 0, len(text), fmt
        layout.setFormats([whole])
        height = _lay_out(layout, width)
        self._layouts[id(line)] = (key, layout, height)
        return layout, height

    def _relayout(self) -> None:
        live = {id(line) for line in self.model.lines}
        for stale in [k for k in self._layouts if k not in live]:
            del self._layouts[stale]
        header = self._header_height()
        tops: list[float] = []
        y = 6.0
        for i, line in enumerate(self.model.lines):
            if self._shows_header(i):
                y += 8.0 if i else 0.0
                tops.append(y)
                y += header + 1
            else:
                tops.append(y)
            _layout, height = self._layout_for(line)
            y += height + 4
        self._tops = tops
        self._content_height = y + 6
        bar = self.verticalScrollBar()
        self._programmatic = True
        try:
            bar.setRange(0, max(0, int(self._content_height - self.viewport().height())))
            bar.setPageStep(self.viewport().height())
            bar.setSingleStep(int(header))
        finally:
            self._programmatic = False

    # ------------------------------------------------------------------ paint

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Paint the visible lines."""
        theme, tr = self.ctx.theme, self.ctx.tr
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        lines = self.model.lines
        if not lines:
            painter.setFont(theme.font(0.95, italic=True))
            painter.setPen(theme.color("faint"))
            painter.drawText(
                QRectF(self.viewport().rect()).adjusted(8, 8, -8, -8),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                tr.text("transcript.empty"),
            )
            painter.end()
            return
        scroll = float(self.verticalScrollBar().value())
        view_h = float(self.viewport().height())
        header_font = theme.font(0.85, bold=True)
        header_h = self._header_height()
        stamp_font = theme.font(0.8)
        for i, line in enumerate(lines):
            if i >= len(self._tops):
                break
            top = self._tops[i] - scroll
            layout, height = self._layout_for(line)
            has_header = self._shows_header(i)
            block_h = height + (header_h + 1 if has_header else 0)
            if top + block_h < 0:
                continue
            if top > view_h:
                break
            customer = line.channel == Channel.CUSTOMER
            x = INDENT if customer else 0.0
            colour = theme.color("customer" if customer else "agent")
            painter.fillRect(QRectF(x, top, BAR, block_h), colour)
            text_x = x + BAR + GAP
            y = top
            if has_header:
                name = tr.text("talk.customer" if customer else "talk.you")
                painter.setFont(header_font)
                painter.setPen(colour)
                painter.drawText(QPointF(text_x, y + QFontMetricsF(header_font).ascent()), name)
                name_w = QFontMetricsF(header_font).horizontalAdvance(name)
                painter.setFont(stamp_font)
                painter.setPen(theme.color("faint"))
                painter.drawText(
                    QPointF(text_x + name_w + 8, y + QFontMetricsF(header_font).ascent()),
                    format_clock(line.t, pad=True),
                )
                y += header_h + 1
            painter.setPen(theme.color("text" if line.final else "partial"))
            layout.draw(painter, QPointF(text_x, y))
        painter.end()


def _lay_out(layout: QTextLayout, width: float) -> float:
    """Break ``layout`` into lines of ``width`` stacked from the top; return their height."""
    layout.beginLayout()
    height = 0.0
    while True:
        text_line = layout.createLine()
        if not text_line.isValid():
            break
        text_line.setLineWidth(width)
        text_line.setPosition(QPointF(0, height))
        height += text_line.height()
    layout.endLayout()
    return height
