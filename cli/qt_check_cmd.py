"""``belcoach qt-check``: can the desktop UI start on this display?

Opens a small Qt window, renders it and closes it. ``belcoach doctor`` runs it
in a child process, because Qt aborts the whole process when its platform
plugin cannot load (a missing X11 library, no display), and that must become
one line in the report, not the end of doctor.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

PROBE_TIMEOUT_S = 60.0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``qt-check`` command."""
    p = sub.add_parser(
        "qt-check",
        help="check that the desktop UI (Qt) can open a window on this display",
        description="Open and render a small Qt window, then close it. Exit 0 when it works.",
    )
    p.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    """Run ``belcoach qt-check``."""
    try:
        from PySide6.QtCore import QTimer, qVersion
        from PySide6.QtWidgets import QApplication, QLabel
    except ImportError as exc:
        print(f"PySide6 cannot be imported: {exc}")
        return 1
    app = QApplication.instance() or QApplication(["belcoach"])
    label = QLabel("belcoach: Qt check")
    label.show()
    QTimer.singleShot(0, app.quit)
    app.exec()
    rendered = not label.grab().isNull()
    label.close()
    name = QApplication.platformName()
    print(f"Qt {qVersion()}, platform {name}, window {'rendered' if rendered else 'NOT rendered'}")
    return 0 if rendered else 1


def display_available() -> bool:
    """Whether this session has a screen Qt could use (always on Windows and macOS)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )


def probe() -> tuple[bool, str]:
    """Run ``qt-check`` in a child process; return (worked, its last line or the failure)."""
    if getattr(sys, "frozen", False):
        cmd = [sys.executable, "qt-check"]
    else:
        cmd = [sys.executable, "-m", "belcoach.cli", "qt-check"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return False, f"no answer from a Qt window in {PROBE_TIMEOUT_S:.0f} s"
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    if proc.returncode == 0:
        return True, lines[-1] if lines else "ok"
    return False, f"exit {proc.returncode}: {_reason(lines)}".strip()


def _reason(lines: list[str]) -> str:
    """The line of Qt's output that says what went wrong, most specific first."""
    for marker in ("could not connect to display", "could not load the qt platform plugin"):
        for line in lines:
            if marker in line.lower():
                return line.strip()
    return next((line for line in lines if "plugin" in line.lower()), lines[-1] if lines else "")
