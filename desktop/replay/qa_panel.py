"""The QA scorecard of the open call: each item's verdict, and the evidence it rests on.

Scored by ``belcoach.audio.review.qa`` when the call opens (no Qt there); this
panel only shows the result. Each item is a row (verdict, title); its evidence
rows below carry the time and the words, and double-clicking one seeks the
call there, so a coach can listen to what a Niet goed rests on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from belcoach.audio.review.qa import Scorecard, Verdict
from belcoach.core.clock import format_clock

COLOURS = {Verdict.GOED: "#2f855a", Verdict.NIET_GOED: "#c05621", Verdict.NVT: "#718096"}
"""Verdict colours, as in the report."""

TIME_ROLE = Qt.ItemDataRole.UserRole


class QaPanel(QWidget):
    """Shows a `Scorecard`.

    Signals:
        seek_requested(float): an evidence row with a time was double-clicked.
    """

    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>QA</b>")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.itemDoubleClicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        self.card: Scorecard | None = None

    def set_card(self, card: Scorecard | None) -> None:
        """Show ``card`` (None: no call open)."""
        self.card = card
        self.tree.clear()
        if card is None:
            self.title.setText("<b>QA</b>")
            return
        percent = f" ({card.score * 100:.0f} %)" if card.score is not None else ""
        self.title.setText(f"<b>{card.title}: {card.score_text()}</b>{percent}")
        if card.problems:
            self.title.setToolTip("\n".join(card.problems))
        for item in card.items:
            row = QTreeWidgetItem([item.label, item.title])
            row.setForeground(0, QBrush(QColor(COLOURS[item.verdict])))
            row.setToolTip(1, item.title)
            row.setData(0, TIME_ROLE, item.first_time)
            for e in item.evidence:
                when = format_clock(e.t) if e.t is not None else "—"
                quote = f" “{e.quote}”" if e.quote else ""
                child = QTreeWidgetItem([when, f"{e.note}{quote}"])
                child.setData(0, TIME_ROLE, e.t)
                child.setToolTip(1, f"{e.note}{quote}")
                row.addChild(child)
            self.tree.addTopLevelItem(row)
            row.setExpanded(item.verdict == Verdict.NIET_GOED)
        self.tree.resizeColumnToContents(0)

    def rows(self) -> list[tuple[str, str]]:
        """(verdict label, title) per item, as shown (tests, accessibility)."""
        rows = []
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            if row is not None:
                rows.append((row.text(0), row.text(1)))
        return rows

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        t = item.data(0, TIME_ROLE)
        if t is not None:
            self.seek_requested.emit(float(t))
