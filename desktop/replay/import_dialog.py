"""Importing a recorded call from outside the app, with a progress bar and Cancel.

The coach picks one stereo file (WAV/FLAC/MP3/OGG, left = agent) or the
agent's and the customer's mono files. A worker thread loads the model and
runs the same engine as a live call, as fast as the machine allows; Cancel
stops it and adds nothing. The dialog only collects choices and shows
progress; the work is ``belcoach.audio.jobs.importer.import_call``.

The call is planned like ``belcoach calls import``: `wiring.call.plan_call`
with the settings and IT's policy (language, model and its offline decoding
profile, the ``[analysis]`` table with the coach's rule files and disabled
rules). A language IT locked cannot be changed here.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.jobs.importer import CallFiles, ImportCancelled, import_call
from belcoach.core.errors import AppError
from belcoach.core.settings import ResolvedSettings
from belcoach.wiring.call import CallPlan, plan_call
from belcoach.wiring.flags import CallFlags

AUDIO_FILTER = "Audio (*.wav *.flac *.mp3 *.ogg);;All files (*)"


class _Relay(QObject):
    """Carries the worker thread's news to the GUI thread (queued signals)."""

    progress = Signal(float, float)
    finished = Signal(str)
    failed = Signal(str)
    cancelled = Signal()


class ImportDialog(QDialog):
    """Pick a call file (or two), analyse it, add it to the library.

    Signals:
        imported(Path): the new call's folder, once it is in the library.
    """

    imported = Signal(Path)

    def __init__(
        self,
        library: CallLibrary,
        settings: ResolvedSettings,
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a recorded call")
        self.library = library
        self.settings = settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.relay = _Relay()
        self.relay.progress.connect(self._progress)
        self.relay.finished.connect(self._finished)
        self.relay.failed.connect(self._failed)
        self.relay.cancelled.connect(self._cancelled)

        self.stereo = QRadioButton("One stereo file (left = agent, right = customer)")
        self.two = QRadioButton("Two mono files")
        self.stereo.setChecked(True)
        self.call_edit, call_row = self._file_row()
        self.agent_edit, agent_row = self._file_row()
        self.customer_edit, customer_row = self._file_row()
        self.channel = QComboBox()
        self.channel.addItems(["left", "right"])
        self.language = QComboBox()
        self.language.addItems(["nl", "sv", "en"])
        self.language.setCurrentText(str(settings.get("call.language")))
        if settings.locked("call.language"):
            self.language.setEnabled(False)
            self.language.setToolTip(settings.lock_reason("call.language"))
        self.agent_name = QLineEdit()
        form = QFormLayout()
        form.addRow(self.stereo)
        form.addRow("Call file", call_row)
        form.addRow("Agent channel", self.channel)
        form.addRow(self.two)
        form.addRow("Agent file", agent_row)
        form.addRow("Customer file", customer_row)
        form.addRow("Language", self.language)
        form.addRow("Agent name", self.agent_name)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(560, 0)

    def _file_row(self) -> tuple[QLineEdit, QWidget]:
        edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse(edit))
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit, 1)
        box.addWidget(browse)
        return edit, row

    def _browse(self, edit: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose an audio file", "", AUDIO_FILTER)
        if path:
            edit.setText(path)

    def files(self) -> CallFiles:
        """The chosen file(s)."""
        if self.stereo.isChecked():
            return CallFiles(
                path=Path(self.call_edit.text()), agent_channel=self.channel.currentIndex()
            )
        return CallFiles(
            agent=Path(self.agent_edit.text()), customer=Path(self.customer_edit.text())
        )

    def start(self) -> None:
        """Check the files, then analyse them on a worker thread."""
        files = self.files()
        try:
            source = files.open()  # a bad file is reported before the model loads
        except AppError as exc:
            self.status.setText(f"<span style='color:#c53030'>{exc}</span>")
            return
        try:
            plan = self.plan()
        except AppError as exc:
            self.status.setText(f"<span style='color:#c53030'>{exc}</span>")
            return
        self.start_button.setEnabled(False)
        self.status.setText(f"Loading the model, then analysing {source.description}…")
        total = source.duration or 0.0
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._work, args=(files, plan, total), name="call-import", daemon=True
        )
        self._thread.start()

    def plan(self) -> CallPlan:
        """The import's plan: the settings and policy, with the language chosen here.

        Raises:
            ConfigError: the settings make no valid plan (the message says which).
        """
        flags = CallFlags(language=self.language.currentText())
        return plan_call(self.settings, flags, library_root=self.library.root, offline=True)

    def _work(self, files: CallFiles, plan: CallPlan, total: float) -> None:
        from belcoach.audio.jobs.run import load_transcriber

        try:
            transcriber = load_transcriber(plan.model, plan.language)
            summary = import_call(
                self.library,
                files,
                transcriber,
                agent_name=self.agent_name.text(),
                model_name=plan.model.name,
                profile=plan.model.profile,
                analysis_settings=plan.analysis,
                stop=self._stop,
                on_progress=lambda t: self.relay.progress.emit(t, total),
            )
        except ImportCancelled:
            self.relay.cancelled.emit()
            return
        except AppError as exc:
            self.relay.failed.emit(str(exc))
            return
        except Exception as exc:  # the thread boundary (STYLE E2): report, never vanish
            self.relay.failed.emit(f"import failed: {exc}")
            return
        self.relay.finished.emit(str(self.library.root / summary.meta.id))

    def _progress(self, t: float, total: float) -> None:
        if total > 0:
            self.bar.setValue(int(1000 * min(1.0, t / total)))
            self.status.setText(f"Analysing… {t:.0f} of {total:.0f} s")

    def _finished(self, folder: str) -> None:
        self.bar.setValue(1000)
        self.imported.emit(Path(folder))
        self.accept()

    def _failed(self, message: str) -> None:
        self.start_button.setEnabled(True)
        self.status.setText(f"<span style='color:#c53030'>{message}</span>")

    def _cancelled(self) -> None:
        self.reject()

    def cancel(self) -> None:
        """Cancel a running import (nothing is added), or close the dialog."""
        if self._thread is not None and self._thread.is_alive():
            self._stop.set()
            self.status.setText("Cancelling…")
            return
        self.reject()
