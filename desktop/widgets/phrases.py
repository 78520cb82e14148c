"""Phrase alerts: what the agent just said, and what to say instead.

Seeds 001 and 002 list phrases that hurt a call ("Ik weet het niet", "Wat
vervelend voor u", "Fijne dag verder") with better alternatives. A hit
becomes a card at the top of a short queue (newest first, at most
``MAX_CARDS``); cards stay until newer ones push them out, so there is
always time to read them. A repeat of the same rule moves its card back to
the top instead of adding a copy. Cards older than ``DIM_AFTER_S`` of call
time are dimmed. Hits with ``polarity == "good"`` are for the coach's
replay, not for the agent mid-call, and are not shown here.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from belcoach.audio.events import Channel, PhraseHit
from belcoach.desktop.widgets.base import OverlayPart, PartContext

MAX_CARDS = 3
DIM_AFTER_S = 90.0


class PhraseAlertsWidget(OverlayPart):
    """A short queue of phrase cards, newest first.

    Built like every overlay part (see `OverlayPart`).
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.hits: list[PhraseHit] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._cards: list[tuple[QFrame, QLabel]] = []
        for _ in range(MAX_CARDS):
            card = QFrame(self)
            card.setObjectName("phraseCard")
            inner = QVBoxLayout(card)
            inner.setContentsMargins(10, 6, 8, 6)
            label = QLabel(card)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            inner.addWidget(label)
            card.setVisible(False)
            self._layout.addWidget(card)
            self._cards.append((card, label))
        self.setVisible(False)
        ctx.bridge.phrase.connect(self._on_phrase)

    def _on_phrase(self, event: PhraseHit) -> None:
        if event.polarity != "avoid" or not self.ctx.switches.phrases:
            return
        if event.channel not in (Channel.AGENT, None):
            return
        self.hits = [h for h in self.hits if h.rule_id != event.rule_id or not h.rule_id]
        self.hits.insert(0, event)
        del self.hits[MAX_CARDS:]
        self.mark()

    def reset(self) -> None:
        """Clear the queue for a new call."""
        self.hits = []
        super().reset()

    def card_texts(self) -> list[str]:
        """The cards' text as plain strings, newest first (for tests and screen readers)."""
        return [self._plain(hit) for hit in self.hits]

    def _plain(self, hit: PhraseHit) -> str:
        tr = self.ctx.tr
        said = tr.text("quote", text=hit.said)
        text = f"{tr.text('phrase.said')} {said}"
        if hit.suggestions:
            text += f" → {tr.text('phrase.instead')} {tr.text('quote', text=hit.suggestions[0])}"
        return text

    def redraw(self, wall: float) -> None:
        """Fill the cards from the queue."""
        theme, tr = self.ctx.theme, self.ctx.tr
        now = self.ctx.clock.now()
        for i, (card, label) in enumerate(self._cards):
            if i >= len(self.hits):
                card.setVisible(False)
                continue
            hit = self.hits[i]
            old = now - hit.t > DIM_AFTER_S or i > 0
            edge = {"alert": theme.alert, "warning": theme.warn}.get(hit.severity, theme.dim)
            text_colour = theme.dim if old else theme.text
            said = html.escape(tr.text("quote", text=hit.said))
            body = (
                f'<span style="color:{theme.dim}">{html.escape(tr.text("phrase.said"))}</span> '
                f'<b style="color:{text_colour}">{said}</b>'
            )
            if hit.suggestions:
                instead = html.escape(tr.text("quote", text=hit.suggestions[0]))
                body += (
                    f'<br><span style="color:{theme.good}">➜ '
                    f"{html.escape(tr.text('phrase.instead'))}</span> "
                    f'<span style="color:{text_colour}">{instead}</span>'
                )
            label.setText(body)
            label.setFont(theme.font(1.0 if i == 0 else 0.92))
            card.setStyleSheet(
                f"QFrame#phraseCard {{ background: {theme.panel}; border: none;"
                f" border-left: 4px solid {edge}; border-radius: 6px; }}"
            )
            tips = [*hit.suggestions[1:], hit.why]
            card.setToolTip("\n".join(t for t in tips if t))
            card.setAccessibleName(self._plain(hit))
            card.setVisible(True)
        self.setVisible(bool(self.hits))
