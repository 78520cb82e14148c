"""The call list beside the replay window: every call in the library, newest first.

Interrupted calls (the app died during them) are listed too, marked in
orange, and open like any other call. "Only my calls" keeps the calls
recorded under this OS login (the ``agent`` the recorder stores), for an
agent looking at their own calls in a library IT shares between accounts.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from belcoach.audio.calls.access import current_user
from belcoach.audio.calls.library import CallEntry, CallLibrary
from belcoach.core.clock import format_clock

COLUMNS = ("Started", "Length", "Agent", "Status", "Talk", "Over-talk", "Phrases")


class LibraryPanel(QWidget):
    """The coach's call list.

    Signals:
        open_requested(Path): a call was double-clicked (its folder).
    """

    open_requested = Signal(Path)

    def __init__(self, library: CallLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(self._open)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        self.only_mine = QCheckBox("Only my calls")
        self.only_mine.setToolTip(f"Calls recorded under your login ({current_user()})")
        self.only_mine.toggled.connect(lambda _on: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(QLabel(f"<b>Calls</b> <span style='color:#718096'>{library.root}</span>"))
        layout.addWidget(self.only_mine)
        layout.addWidget(self.table, 1)
        layout.addWidget(refresh)
        self.entries: list[CallEntry] = []
        self.refresh()

    def refresh(self) -> None:
        """Re-read the library (recovering calls cut off since) and list the calls."""
        self.library.sync()
        self.entries = self.library.calls()
        if self.only_mine.isChecked():
            me = current_user()
            self.entries = [e for e in self.entries if e.agent == me]
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            h = e.headline
            try:
                started = (
                    datetime.fromisoformat(e.started_at).astimezone().strftime("%Y-%m-%d %H:%M")
                )
            except ValueError:
                started = e.started_at
            talk = h.get("talk_ratio")
            values = (
                started,
                format_clock(e.duration) if e.duration is not None else "",
                e.agent,
                e.status,
                f"{talk:.0%}" if isinstance(talk, float) else "",
                str(h.get("overtalk_by_agent", "")),
                str(h.get("phrases_to_avoid", "")),
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{e.id} · {e.source}")
                if e.status in ("interrupted", "partial"):
                    item.setForeground(QColor("#c05621"))
                self.table.setItem(row, col, item)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, str(e.folder))

    def _open(self, row: int, _col: int) -> None:
        if 0 <= row < len(self.entries) and self.entries[row].status != "recording":
            self.open_requested.emit(self.entries[row].folder)
