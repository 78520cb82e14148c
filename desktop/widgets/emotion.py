"""The customer's estimated feeling, how sure the estimate is, and the next step.

Seed 000 (feeling management): first sense where the customer is
(aanvoelen), then acknowledge it (erkennen), then lead towards a better
feeling (leiden). The part shows the three steps with the current one lit,
and the hint the emotion analyser chose. It always says "estimate": the
label comes from words and voice, or from words alone when the setting
``emotion.voice`` is off (the tooltip says which), and can be wrong.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from belcoach.audio.events import EmotionEstimate
from belcoach.desktop.widgets.base import OverlayPart, PartContext
from belcoach.seeds.emotion_data import (
    STEPS,
    VALENCE_CLASS,
    EmotionBasis,
    EmotionStep,
    ValenceClass,
)

LOW_CONFIDENCE = 0.35
"""Below this the label is shown dimmed with a question mark."""


class StepsWidget(QWidget):
    """Three chips, Aanvoelen → Erkennen → Leiden, the current one filled.

    Built like every overlay part (see `OverlayPart`).
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.step: EmotionStep | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.apply_theme()

    def apply_theme(self) -> None:
        """Height of one chip at the current font."""
        self.setFixedHeight(int(QFontMetricsF(self.ctx.theme.font(0.9, bold=True)).height() + 8))

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw the chips."""
        theme = self.ctx.theme
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        gap = 6.0
        width = (self.width() - gap * (len(STEPS) - 1)) / len(STEPS)
        font = theme.font(0.9, bold=True)
        painter.setFont(font)
        for i, step in enumerate(STEPS):
            box = QRectF(i * (width + gap), 0.5, width, self.height() - 1)
            current = step == self.step
            if current:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(theme.color("text"))
            else:
                painter.setPen(theme.color("border"))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
            painter.setPen(theme.color("background" if current else "faint"))
            label = f"{i + 1} {self.ctx.tr.text(f'step.{step}')}"
            painter.drawText(
                box,
                Qt.AlignmentFlag.AlignCenter,
                QFontMetricsF(font).elidedText(label, Qt.TextElideMode.ElideRight, box.width() - 8),
            )
        painter.end()


class EmotionWidget(OverlayPart):
    """How the customer seems to feel (an estimate), and what to do about it.

    Built like every overlay part (see `OverlayPart`).
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.estimate: EmotionEstimate | None = None
        self.basis = EmotionBasis.VOICE_AND_WORDS
        """What the feeling rests on: the setting's until an estimate says (``set_basis``)."""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.title = QLabel(self)
        self.confidence = QLabel(self)
        self.confidence.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.title, 1)
        top.addWidget(self.confidence)
        layout.addLayout(top)
        self.label = QLabel(self)
        layout.addWidget(self.label)
        self.steps = StepsWidget(ctx, self)
        layout.addWidget(self.steps)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        for label in (self.title, self.confidence, self.label, self.hint):
            label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.hint)
        ctx.bridge.emotion.connect(self._on_emotion)
        self.apply_theme()

    def _on_emotion(self, event: EmotionEstimate) -> None:
        self.estimate = event
        self.basis = event.basis
        self.mark()

    def set_basis(self, basis: EmotionBasis) -> None:
        """What the feeling rests on before the first estimate (setting ``emotion.voice``)."""
        self.basis = basis
        self.mark()

    def tooltip_text(self) -> str:
        """The tooltip: an estimate, from words and voice or from words alone."""
        key = "emotion.tooltip.words" if self.basis == EmotionBasis.WORDS else "emotion.tooltip"
        return self.ctx.tr.text(key)

    def reset(self) -> None:
        """Forget the last call's estimate."""
        self.estimate = None
        super().reset()

    def label_text(self) -> str:
        """The feeling in the UI language (the raw label if it is unknown)."""
        if self.estimate is None:
            return self.ctx.tr.text("emotion.waiting")
        key = f"emotion.{self.estimate.label}"
        return self.ctx.tr.text(key) if self.ctx.tr.has(key) else self.estimate.label

    def apply_theme(self) -> None:
        """Fonts for each label."""
        theme = self.ctx.theme
        title_font = theme.font(0.8, bold=True)
        title_font.setCapitalization(title_font.Capitalization.AllUppercase)
        title_font.setLetterSpacing(title_font.SpacingType.PercentageSpacing, 108)
        self.title.setFont(title_font)
        self.confidence.setFont(theme.font(0.9))
        self.label.setFont(theme.font(1.35, bold=True))
        self.hint.setFont(theme.font(1.0))
        self.steps.apply_theme()
        super().apply_theme()

    def redraw(self, wall: float) -> None:
        """Push the estimate into the labels."""
        theme, tr = self.ctx.theme, self.ctx.tr
        self.title.setText(tr.text("emotion.title"))
        self.setToolTip(self.tooltip_text())
        self.title.setStyleSheet(f"color: {theme.dim};")
        est = self.estimate
        if est is None:
            self.label.setText(self.label_text())
            self.label.setStyleSheet(f"color: {theme.faint};")
            self.confidence.setText("")
            self.hint.setText("")
            self.hint.setVisible(False)
            self.steps.step = None
            self.steps.update()
            return
        unsure = est.confidence < LOW_CONFIDENCE
        kind = VALENCE_CLASS.get(est.label)  # seed 000's classes (zakelijk is neutral)
        if unsure:
            colour = theme.dim
        elif kind == ValenceClass.NEGATIVE or (not kind and est.valence <= -0.3):
            colour = theme.customer
        elif kind == ValenceClass.POSITIVE or (not kind and est.valence >= 0.3):
            colour = theme.good
        else:
            colour = theme.text
        self.label.setText(self.label_text() + (" ?" if unsure else ""))
        self.label.setStyleSheet(f"color: {colour};")
        self.confidence.setText(tr.text("emotion.confidence", pct=round(est.confidence * 100)))
        self.confidence.setStyleSheet(f"color: {theme.dim};")
        self.hint.setText(est.hint)
        self.hint.setStyleSheet(f"color: {theme.text};")
        self.hint.setVisible(bool(est.hint))
        self.steps.step = est.step if est.step in STEPS else None
        self.steps.update()
        self.setAccessibleName(f"{tr.text('emotion.title')}: {self.label_text()}. {est.hint}")
