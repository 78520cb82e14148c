"""The coach's notes on a call: a list beside the transcript, saved with the call.

Notes are kept in the call folder's ``notes.json`` (written atomically by
``CallFolder.write_notes``) so they survive a crash and travel with the call.
A bare events file has no folder: notes are then disabled, and say why.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from belcoach.audio.calls.folder import CallFolder, Note
from belcoach.core.clock import format_clock


class NotesPanel(QWidget):
    """Lists, adds and deletes the notes of the open call.

    Signals:
        seek_requested(float): a note was double-clicked.
        notes_changed(list): the notes after an add or delete (already saved).
    """

    seek_requested = Signal(float)
    notes_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._folder: CallFolder | None = None
        self._notes: list[Note] = []
        self.position: Callable[[], float] = lambda: 0.0
        title = QLabel("<b>Coach's notes</b>")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemDoubleClicked.connect(self._open)
        self.add_button = QPushButton("Add note at playhead…")
        self.add_button.setToolTip("Attach a note to the current moment (N)")
        self.add_button.clicked.connect(self._ask)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self._delete_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button, 1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    @property
    def notes(self) -> list[Note]:
        """The notes shown, by time."""
        return list(self._notes)

    def set_call(self, folder: CallFolder | None, notes: list[Note]) -> None:
        """Show the notes of a call (``folder`` None: a bare events file, notes disabled)."""
        self._folder = folder
        self._notes = sorted(notes, key=lambda n: n.t)
        enabled = folder is not None
        self.add_button.setEnabled(enabled)
        self.delete_button.setEnabled(enabled)
        self.add_button.setToolTip(
            "Attach a note to the current moment (N)"
            if enabled
            else "Notes are kept with calls in the library; this is a bare events file"
        )
        self._refresh()

    def add_note(self, t: float, text: str) -> Note | None:
        """Attach a note at ``t`` and save it with the call at once."""
        if self._folder is None or not text.strip():
            return None
        note = Note(round(t, 2), text.strip(), author=_user())
        self._notes = sorted([*self._notes, note], key=lambda n: n.t)
        self._save()
        return note

    def delete_note(self, note: Note) -> None:
        """Remove one note and save."""
        self._notes = [n for n in self._notes if n != note]
        self._save()

    def _save(self) -> None:
        assert self._folder is not None
        self._folder.write_notes(self._notes)
        self._refresh()
        self.notes_changed.emit(list(self._notes))

    def _refresh(self) -> None:
        self.list.clear()
        for note in self._notes:
            item = QListWidgetItem(f"{format_clock(note.t)}  {note.text}")
            item.setData(Qt.ItemDataRole.UserRole, note)
            item.setToolTip(f"{note.author} · {note.created_at}")
            self.list.addItem(item)

    def _ask(self) -> None:
        t = self.position()
        text, ok = QInputDialog.getMultiLineText(self, "Add a note", f"Note at {format_clock(t)}:")
        if ok:
            self.add_note(t, text)

    def _open(self, item: QListWidgetItem) -> None:
        self.seek_requested.emit(float(item.data(Qt.ItemDataRole.UserRole).t))

    def _delete_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.delete_note(item.data(Qt.ItemDataRole.UserRole))


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some service accounts): leave it blank
        return ""
