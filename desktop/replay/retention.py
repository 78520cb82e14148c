"""Enforcing the recording retention period while the app runs: at start-up and once a day.

The app's composition root creates one ``RetentionTimer(library, days)`` and
keeps it; the deleting itself is ``CallLibrary.enforce_retention`` (Qt-free).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from belcoach.audio.calls.library import CallLibrary
from belcoach.core.errors import AppError

log = logging.getLogger(__name__)

DAY_MS = 24 * 60 * 60 * 1000


class RetentionTimer(QObject):
    """Deletes calls older than ``days`` now and every 24 hours.

    Signals:
        pruned(list): the ids deleted by a run (only when there were any).
    """

    pruned = Signal(list)

    def __init__(
        self,
        library: CallLibrary,
        days: int,
        *,
        parent: QObject | None = None,
        interval_ms: int = DAY_MS,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.days = days
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run)
        self.timer.start()
        self.run()

    def run(self) -> list[str]:
        """Apply the retention period once; problems are logged, never raised into Qt."""
        try:
            deleted = self.library.enforce_retention(self.days)
        except (AppError, OSError) as exc:
            log.warning("retention: %s", exc)
            return []
        if deleted:
            self.pruned.emit(deleted)
        return deleted
