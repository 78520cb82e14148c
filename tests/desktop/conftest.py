"""Qt tests run offscreen (STYLE X4): real widgets, no window on anyone's screen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from belcoach.audio.events import Event


@pytest.fixture
def bridge(qtbot):
    """A bridge with no session factory: the tests feed it events by hand."""
    from belcoach.desktop.bridge import EngineBridge

    return EngineBridge()


@pytest.fixture
def translator(qtbot):
    """English UI texts (tests that switch language do it explicitly)."""
    from belcoach.desktop.i18n import Translator

    return Translator("en")


@pytest.fixture
def overlay(qtbot, bridge, translator, tmp_path: Path):
    """The real overlay, shown offscreen, UI state in the test's folder."""
    from PySide6.QtCore import QSettings

    from belcoach.desktop.overlay import CallOverlay

    state = QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)
    window = CallOverlay(bridge, translator, state)
    qtbot.addWidget(window)
    window.prepare(opacity=1.0, on_top=True)
    window.resize(430, 760)
    window.show()
    return window


@pytest.fixture
def feed(qtbot, bridge, overlay) -> Callable[[Iterable[Event]], None]:
    """Publish events into the bridge and wait until the overlay has rendered them."""

    def publish(events: Iterable[Event]) -> None:
        events = list(events)
        before = bridge.received
        for event in events:
            bridge.publish(event)
        qtbot.waitUntil(lambda: bridge.received >= before + len(events), timeout=2000)
        overlay._refresh_now()

    return publish


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A private Xvfb server; its display number is chosen by Xvfb itself (-displayfd)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb; scripts/setup.sh --test adds it)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.skip("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)
