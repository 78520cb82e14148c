"""`ReplayWindow`: a coach replays a call with its analysis on a timeline.

Layout: a toolbar (play/pause, speed, jump to the previous/next event of a
kind, add a note, report, open, import), a strip of headline figures, the
timeline (both waveforms, the lanes and the curves) and, beside it, the
transcript over the call's QA scorecard and the coach's notes. With a
library, the call list docks on the left.

Playback is `belcoach.audio.review.player.CallPlayer`; a 30 Hz timer reads its
position and moves the playhead and the transcript (STYLE T8). Everything
else a click does is a seek.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from belcoach.audio.calls.access import record_opening
from belcoach.audio.calls.folder import CallFolder
from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.loaded import LoadedCall, load_call
from belcoach.audio.calls.marks import Mark
from belcoach.audio.review.player import SPEEDS, CallPlayer
from belcoach.audio.review.qa import score_call
from belcoach.audio.review.waveform import envelopes
from belcoach.core.clock import format_clock
from belcoach.core.errors import AppError
from belcoach.core.settings import ResolvedSettings
from belcoach.desktop.replay.headline import headline_html
from belcoach.desktop.replay.library_panel import LibraryPanel
from belcoach.desktop.replay.notes import NotesPanel
from belcoach.desktop.replay.qa_panel import QaPanel
from belcoach.desktop.replay.timeline import TimelineWidget
from belcoach.desktop.replay.transcript import TranscriptView

log = logging.getLogger(__name__)

JUMP_KINDS = (
    ("overtalk", "Over-talk"),
    ("phrase", "Phrase"),
    ("pause", "Pause"),
    ("dead_air", "Dead air"),
    ("emotion", "Feeling"),
    ("speech", "Speech"),
    ("note", "Note"),
)


class _ReportRelay(QObject):
    done = Signal(str)
    failed = Signal(str)


class ReplayWindow(QMainWindow):
    """Replays one call at a time.

    Args:
        call: a call folder or events file to open at once.
        library: the call library, for the call list and imports.
        player_output: ``auto`` (sound if there is a device) or ``none``.
        qa_card: the QA card file in force (setting ``qa.card``); empty = the
            packaged card for the call's language.
        settings: the settings and policy imports are planned with (None: read
            them when the coach imports a call).
    """

    def __init__(
        self,
        call: Path | None = None,
        *,
        library: CallLibrary | None = None,
        player_output: str = "auto",
        qa_card: str = "",
        settings: ResolvedSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("belcoach · replay")
        self._settings = settings
        self._fit_to_screen(1440, 860)
        self.library = library
        self.call: LoadedCall | None = None
        self.player: CallPlayer | None = None
        self._player_output = player_output
        self._qa_card = qa_card
        self._report_relay = _ReportRelay()
        self._report_relay.done.connect(self._report_done)
        self._report_relay.failed.connect(lambda m: QMessageBox.warning(self, "Report", m))

        self.timeline = TimelineWidget()
        self.transcript = TranscriptView()
        self.notes = NotesPanel()
        self.notes.position = self.position
        self.qa = QaPanel()
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setStyleSheet(
            "QLabel { padding: 6px 10px; background: #f7fafc; border-bottom: 1px solid #e2e8f0; }"
        )
        self.headline.setWordWrap(True)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.transcript)
        right.addWidget(self.qa)
        right.addWidget(self.notes)
        right.setSizes([420, 260, 160])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.timeline)
        split.addWidget(right)
        split.setSizes([980, 460])
        central = QWidget()
        box = QVBoxLayout(central)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.headline)
        box.addWidget(split, 1)
        self.setCentralWidget(central)
        self._build_toolbar()
        self.time_label = QLabel("0:00 / 0:00")
        self.statusBar().addPermanentWidget(self.time_label)
        if library is not None:
            self.library_panel = LibraryPanel(library)
            self.library_panel.open_requested.connect(self.open_call)
            dock = QDockWidget("Call library", self)
            dock.setWidget(self.library_panel)
            self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
            if call is not None:
                dock.hide()

        self.timeline.seek_requested.connect(self.seek)
        self.transcript.seek_requested.connect(self.seek)
        self.notes.seek_requested.connect(self.seek)
        self.qa.seek_requested.connect(self.seek)
        self.notes.notes_changed.connect(self.timeline.set_notes)
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._set_enabled(False)
        if call is not None:
            self.open_call(call)

    # -- toolbar -------------------------------------------------------------------------------

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Open at ``width`` x ``height``, or smaller on a small screen (a 1366x768 laptop)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width = min(width, int(room.width() * 0.96))
            height = min(height, int(room.height() * 0.94))
        self.resize(width, height)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Replay")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)
        self.play_action = QAction("▶ Play", self)
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.triggered.connect(self.toggle_play)
        bar.addAction(self.play_action)
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(lambda i: self.set_speed(SPEEDS[i]))
        self.speed.setToolTip("Playback speed (the pitch is kept)")
        bar.addWidget(self.speed)
        bar.addSeparator()
        self.jump_kind = QComboBox()
        for kind, label in JUMP_KINDS:
            self.jump_kind.addItem(label, kind)
        self.jump_kind.setToolTip("Which kind of event the arrows jump between")
        prev_b = QToolButton()
        prev_b.setText("◀ Previous")
        prev_b.setShortcut(QKeySequence("Ctrl+Left"))
        prev_b.clicked.connect(lambda: self.jump(-1))
        next_b = QToolButton()
        next_b.setText("Next ▶")
        next_b.setShortcut(QKeySequence("Ctrl+Right"))
        next_b.clicked.connect(lambda: self.jump(+1))
        bar.addWidget(QLabel(" Jump: "))
        bar.addWidget(self.jump_kind)
        bar.addWidget(prev_b)
        bar.addWidget(next_b)
        bar.addSeparator()
        self.note_action = QAction("✎ Note", self)
        self.note_action.setShortcut(QKeySequence("N"))
        self.note_action.triggered.connect(self.notes._ask)
        bar.addAction(self.note_action)
        self.report_action = QAction("Report…", self)
        self.report_action.triggered.connect(self._ask_report)
        bar.addAction(self.report_action)
        bar.addSeparator()
        open_action = QAction("Open…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._ask_open)
        bar.addAction(open_action)
        self.import_action = QAction("Import…", self)
        self.import_action.triggered.connect(self._ask_import)
        self.import_action.setEnabled(self.library is not None)
        bar.addAction(self.import_action)
        self._call_actions = [self.play_action, self.note_action, self.report_action]
        self._call_widgets = [self.speed, self.jump_kind, prev_b, next_b]

    def _set_enabled(self, on: bool) -> None:
        for action in self._call_actions:
            action.setEnabled(on)
        for widget in self._call_widgets:
            widget.setEnabled(on)

    # -- opening a call ------------------------------------------------------------------------

    def open_call(self, path: Path) -> None:
        """Open a call folder or events file; errors are shown, not raised."""
        try:
            self._open(Path(path))
        except AppError as exc:
            self.statusBar().showMessage(str(exc))
            QMessageBox.warning(self, "Open call", str(exc))

    def _open(self, path: Path) -> None:
        # who opened which call goes to the library's access log before anything is
        # read or shown; AccessLogError (the log cannot be trusted or written) refuses
        # (a call in another account's library is refused too, unless it is the
        # library this window was opened on: the settings' own or IT's shared one)
        record_opening(path, "replay", shared=self._library_root())
        folder = CallFolder(path if path.is_dir() else path.parent)
        audio = folder.read_audio() if folder.audio_file is not None else None  # decrypts
        seconds = len(audio) / 16_000 if audio is not None and len(audio) else None
        call = load_call(path, audio_seconds=seconds)
        if call.audio is None:
            audio = None  # a bare events file next to someone else's audio
        if self.player is not None:
            self.player.close()
        self.call = call
        self.player = CallPlayer(
            audio if audio is not None else _silence(call.timeline.duration),
            output=self._player_output if audio is not None else "none",
        )
        self.player.set_speed(float(self.speed.currentData()))
        self.timeline.set_call(call.timeline, envelopes(audio) if audio is not None else None)
        self.timeline.set_notes(list(call.notes))
        self.transcript.set_call(call.timeline)
        self.notes.set_call(call.folder, list(call.notes))
        self.qa.set_card(score_call(call, card_path=self._qa_card or None))
        self.headline.setText(headline_html(call))
        self.setWindowTitle(f"belcoach · replay · {call.title}")
        self._set_enabled(True)
        if audio is None:
            self.statusBar().showMessage("No audio with this call: the timeline plays silently.")
        elif self.player.warning:
            self.statusBar().showMessage(self.player.warning)
        self._tick()

    # -- playback ------------------------------------------------------------------------------

    def position(self) -> float:
        """The playhead, in seconds."""
        return self.player.position if self.player is not None else 0.0

    def toggle_play(self) -> None:
        """Play or pause."""
        if self.player is not None:
            self.player.toggle()
            self._tick()

    def seek(self, t: float) -> None:
        """Move playback (and the playhead and transcript) to ``t`` seconds."""
        if self.player is not None:
            self.player.seek(t)
            self._tick()

    def set_speed(self, speed: float) -> None:
        """Play at ``speed`` x (0.5-2)."""
        if self.player is not None:
            self.player.set_speed(speed)
        index = SPEEDS.index(speed) if speed in SPEEDS else -1
        if index >= 0 and self.speed.currentIndex() != index:
            self.speed.setCurrentIndex(index)

    def jump(self, direction: int, kind: str | None = None) -> Mark | float | None:
        """Seek to the next (+1) or previous (-1) event of ``kind`` (the chosen one by default)."""
        if self.call is None:
            return None
        kind = kind or str(self.jump_kind.currentData())
        t = self.position()
        if kind == "note":
            times = [n.t for n in self.notes.notes]
            after = (
                [x for x in times if x > t + 0.05]
                if direction > 0
                else [x for x in times if x < t - 0.05]
            )
            if not after:
                return None
            target = after[0] if direction > 0 else after[-1]
            self.seek(target)
            return target
        tl = self.call.timeline
        mark = tl.next_mark(kind, t) if direction > 0 else tl.previous_mark(kind, t)
        if mark is not None:
            self.seek(mark.start)
            self.statusBar().showMessage(
                f"{format_clock(mark.start)}  {mark.label}  {mark.detail}", 6000
            )
        return mark

    def _tick(self) -> None:
        if self.player is None:
            return
        t = self.player.position
        self.timeline.set_position(t)
        self.transcript.set_position(t)
        self.time_label.setText(f"{format_clock(t)} / {format_clock(self.player.duration)}  ")
        if self.player.playing and self.player.finished:
            self.player.pause()
        self.play_action.setText("⏸ Pause" if self.player.playing else "▶ Play")

    # -- report, open, import ------------------------------------------------------------------

    def _ask_report(self) -> None:
        if self.call is None:
            return
        default = f"{self.call.summary.meta.id}-report.html"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the report", default, "HTML (*.html);;PDF (*.pdf)"
        )
        if path:
            self.write_report(Path(path))

    def write_report(self, path: Path, *, wait: bool = False) -> threading.Thread:
        """Write the report (HTML, plus a PDF beside it) on a worker thread, then open it."""
        assert self.call is not None
        call = self.call
        qa_card = self._qa_card or None
        if call.folder is not None:
            try:
                record_opening(call.folder.path, "report", shared=self._library_root())
            except AppError as exc:
                self._report_relay.failed.emit(str(exc))
                refused = threading.Thread(target=lambda: None, name="report")
                refused.start()  # no report is written; a caller may still join it
                return refused
        html = path.with_suffix(".html")
        pdf = path.with_suffix(".pdf")

        def work() -> None:
            from belcoach.audio.review.report.build import write_report

            try:
                write_report(call, html=html, pdf=pdf, qa_card=qa_card)
            except AppError as exc:
                try:
                    write_report(call, html=html, qa_card=qa_card)
                except AppError as exc2:
                    self._report_relay.failed.emit(str(exc2))
                    return
                self._report_relay.failed.emit(f"HTML written; no PDF: {exc}")
                return
            self._report_relay.done.emit(str(pdf if path.suffix == ".pdf" else html))

        self.statusBar().showMessage("Writing the report…")
        thread = threading.Thread(target=work, name="report", daemon=True)
        thread.start()
        if wait:
            thread.join()
        return thread

    def _library_root(self) -> Path | None:
        return self.library.root if self.library is not None else None

    def _report_done(self, path: str) -> None:
        self.statusBar().showMessage(f"Report written: {path}", 8000)
        self.last_report = Path(path)
        if self._player_output != "none":
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def _ask_open(self) -> None:
        start = str(self.library.root) if self.library is not None else ""
        path = QFileDialog.getExistingDirectory(self, "Open a call folder", start)
        if path:
            self.open_call(Path(path))

    def _ask_import(self) -> None:
        if self.library is None:
            return
        from belcoach.core.settings import load_settings
        from belcoach.desktop.replay.import_dialog import ImportDialog

        dialog = ImportDialog(self.library, self._settings or load_settings(), parent=self)
        dialog.imported.connect(self._imported)
        dialog.open()

    def _imported(self, folder: Path) -> None:
        if self.library is not None and hasattr(self, "library_panel"):
            self.library_panel.refresh()
        self.open_call(folder)

    def closeEvent(self, event: object) -> None:
        """Stop playback when the window closes."""
        self._timer.stop()
        if self.player is not None:
            self.player.close()
        super().closeEvent(event)  # type: ignore[arg-type]


def _silence(seconds: float) -> np.ndarray:
    """Stand-in audio for a call without a recording, so the timeline still plays."""
    return np.zeros((max(1, int(seconds * 16_000)), 2), np.int16)
