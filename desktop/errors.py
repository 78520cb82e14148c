"""Unexpected errors in the desktop app: logged to a file, shown as a pointer to it (STYLE E3).

An agent cannot do anything with a traceback, but IT can with a log file.
The hook logs every uncaught exception (GUI thread and worker threads) to
``core.paths.log_dir()/belcoach.log`` and, on the GUI thread, shows one
dialog naming that file. The app keeps running where it can.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

ShowError = Callable[[Path], None]


def log_to_file(log_dir: Path) -> Path:
    """Add a rotating log file in ``log_dir`` to the root logger; return its path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "belcoach.log"
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
        )
        handler.setLevel(logging.INFO)
        previous = root.level or logging.WARNING
        if previous > logging.INFO:
            # The file gets INFO; the console keeps what it showed before.
            for other in root.handlers:
                console = getattr(other, "stream", None) in (sys.stderr, sys.stdout)
                if console and other.level == logging.NOTSET:
                    other.setLevel(previous)
            root.setLevel(logging.INFO)
        root.addHandler(handler)
    return path


class ExceptionHook:
    """Installs itself as ``sys.excepthook`` and ``threading.excepthook``.

    Args:
        log_path: the log file the dialog points at.
        show: shows the dialog (called on the GUI thread only).
    """

    def __init__(self, log_path: Path, show: ShowError) -> None:
        self.log_path = log_path
        self._show = show
        self._previous = (sys.excepthook, threading.excepthook)
        self._showing = False
        self.count = 0

    def install(self) -> None:
        """Become the process's exception hook."""
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception

    def uninstall(self) -> None:
        """Put the previous hooks back."""
        sys.excepthook, threading.excepthook = self._previous

    def _on_exception(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous[0](kind, value, tb)
            return
        self.count += 1
        log.critical("uncaught exception", exc_info=(kind, value, tb))
        if threading.current_thread() is threading.main_thread() and not self._showing:
            self._showing = True  # one dialog at a time, even if showing it fails again
            try:
                self._show(self.log_path)
            finally:
                self._showing = False

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        self.count += 1
        if args.exc_value is not None:
            log.critical(
                "uncaught exception in thread %s",
                args.thread.name if args.thread else "?",
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )


_QUIET_QT = ("This plugin does not support raise()",)
"""Qt messages that are expected and harmless (the offscreen platform cannot raise windows)."""


def qt_message_handler(kind: object, _context: object, message: str) -> None:
    """Route Qt's own messages into logging (file and console) instead of raw stderr."""
    from PySide6.QtCore import QtMsgType

    qt_log = logging.getLogger("qt")
    if any(message.startswith(quiet) for quiet in _QUIET_QT):
        qt_log.debug("%s", message)
    elif kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        qt_log.error("%s", message)
    elif kind == QtMsgType.QtWarningMsg:
        qt_log.warning("%s", message)
    else:
        qt_log.debug("%s", message)
