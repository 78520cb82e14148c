"""The desktop app's call library: opened once, kept tidy, recorded into, replayed from.

`CallLibraryService` belongs to the composition root. At start-up it opens
the library when recording is on (or calls were kept before), which recovers
calls a crash cut off, and runs the retention timer. For each call it gives
the session a recorder factory when ``recording.enabled`` is on, and the
tray's "Replay a call…" opens the replay window on it.

The library is never what stops a call: when its folder cannot be used the
factory it hands out fails at once, and the session tells the agent that
this call is not recorded while the coaching goes on.
"""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.jobs.recording import Recording, RecordingFactory, RecordingRequest
from belcoach.audio.status import StatusCode
from belcoach.core.errors import AppError
from belcoach.core.settings import ResolvedSettings
from belcoach.desktop.i18n import Translator
from belcoach.desktop.replay.retention import RetentionTimer
from belcoach.wiring.library import RecordingPlan, open_library, plan_library, recorder_factory
from belcoach.wiring.qa import plan_qa_card

log = logging.getLogger(__name__)


class CallLibraryService:
    """Owns the open call library, its retention timer and the replay window.

    Args:
        translator: texts for the "cannot open" message.
        replay_output: the replay window's sound (``auto`` or ``none``).
    """

    def __init__(self, translator: Translator, *, replay_output: str = "auto") -> None:
        self._tr = translator
        self._replay_output = replay_output
        self.library: CallLibrary | None = None
        self.problem = ""
        self.retention: RetentionTimer | None = None
        self.replay_window: object | None = None

    def start(self, settings: ResolvedSettings) -> None:
        """Open the library at start-up when it is (or was) in use."""
        plan = plan_library(settings)
        if plan.enabled or plan.root.is_dir():
            self.ensure(plan)

    def ensure(self, plan: RecordingPlan) -> CallLibrary | None:
        """The library at ``plan.root``, opened once; None (and ``problem``) when it cannot be.

        A change of ``recording.storage_dir`` opens the new folder; a change of
        ``recording.retention_days`` applies from the next daily run.
        """
        if self.library is not None and self.library.root == plan.root:
            if self.retention is not None:
                self.retention.days = plan.retention_days
            return self.library
        try:
            library = open_library(plan)
        except (AppError, OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.problem = f"{plan.root}: {reason}" if str(plan.root) not in reason else reason
            log.error("call library not available: %s", self.problem)
            return None
        self.problem = ""
        self._stop_retention()
        if self.library is not None:
            self.library.close()
        self.library = library
        self.retention = RetentionTimer(library, plan.retention_days)
        return library

    def recording(self, settings: ResolvedSettings, *, origin: str) -> RecordingFactory | None:
        """The recorder factory for a call starting now, or None when recording is off."""
        plan = plan_library(settings)
        if not plan.enabled:
            return None
        library = self.ensure(plan)
        if library is None:
            problem = self.problem

            def cannot_record(_request: RecordingRequest) -> Recording:
                raise AppError(problem)

            return cannot_record
        return recorder_factory(library, plan, origin=origin)

    def open_replay(self, settings: ResolvedSettings) -> None:
        """Open (or raise) the replay window on the library with the newest call open."""
        from belcoach.desktop.replay.window import ReplayWindow

        library = self.ensure(plan_library(settings))
        if library is None:
            QMessageBox.warning(
                None,
                self._tr.text("tray.replay"),
                self._tr.text("replay.no_library", message=self.problem),
            )
            return
        window = self.replay_window
        if not isinstance(window, ReplayWindow) or window.library is not library:
            if isinstance(window, ReplayWindow):
                window.close()
            window = ReplayWindow(
                library=library,
                player_output=self._replay_output,
                qa_card=plan_qa_card(settings),
                settings=settings,
            )
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.destroyed.connect(self._replay_closed)
            self.replay_window = window
        panel = window.library_panel
        panel.refresh()
        newest = next((row for row, e in enumerate(panel.entries) if e.status != "recording"), None)
        if newest is not None:
            panel.table.selectRow(newest)
            window.open_call(panel.entries[newest].folder)
        window.show()
        window.raise_()
        window.activateWindow()

    def access_log_code(self) -> StatusCode | None:
        """The overlay status code for the library's access log (None: fine or no library)."""
        from belcoach.audio.calls.access import status_code

        return status_code(self.library.root) if self.library is not None else None

    def _replay_closed(self, _obj: object = None) -> None:
        self.replay_window = None

    def _stop_retention(self) -> None:
        if self.retention is not None:
            self.retention.timer.stop()
            self.retention.deleteLater()
            self.retention = None

    def close(self) -> None:
        """Close the replay window and stop the timer (the app is quitting)."""
        from belcoach.desktop.replay.window import ReplayWindow

        window, self.replay_window = self.replay_window, None
        if isinstance(window, ReplayWindow):
            window.close()
        self._stop_retention()
