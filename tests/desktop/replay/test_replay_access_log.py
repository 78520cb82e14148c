"""The replay window writes who opened which call before showing it, and refuses when it cannot."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from belcoach.audio.calls import access
from belcoach.audio.calls.access import AccessLogError, log_path, verify
from belcoach.audio.calls.library import CallLibrary
from belcoach.desktop.replay.window import ReplayWindow
from support.private_calls import (
    no_os_keyring,  # noqa: F401 (autouse fixture)
    record_demo,
)


def test_opening_a_stored_call_writes_one_replay_line(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = CallLibrary.open(tmp_path / "lib")
    folder = record_demo(library, seconds=10.0).folder
    window = ReplayWindow(folder.path, library=library, player_output="none")
    qtbot.addWidget(window)
    assert window.call is not None
    entries = verify(library.root).entries
    assert [(e.action, e.call) for e in entries] == [("replay", folder.id)]
    assert entries[0].user == access.current_user()
    window.write_report(tmp_path / "r.html", wait=True)
    assert [e.action for e in verify(library.root).entries] == ["replay", "report"]
    library.close()


def test_a_call_is_not_shown_when_the_log_cannot_be_written(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    library = CallLibrary.open(tmp_path / "lib")
    folder = record_demo(library, seconds=10.0).folder
    window = ReplayWindow(None, library=library, player_output="none")
    qtbot.addWidget(window)

    def read_only(path: Path, flags: int) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(access, "open_private", read_only)
    with pytest.raises(AccessLogError, match="cannot be written"):
        window._open(folder.path)  # open_call shows this message in a dialog
    assert window.call is None and window.player is None
    assert not log_path(library.root).exists()
    library.close()


def test_a_tampered_log_refuses_the_call_and_says_why(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = CallLibrary.open(tmp_path / "lib")
    folder = record_demo(library, seconds=10.0).folder
    access.record_access(library.root, "replay", folder.id, user="sanne")
    path = log_path(library.root)
    path.write_text(path.read_text(encoding="utf-8").replace("sanne", "piet"), "utf-8")
    window = ReplayWindow(None, library=library, player_output="none")
    qtbot.addWidget(window)
    with pytest.raises(AccessLogError, match="changed after it was written"):
        window._open(folder.path)
    assert window.call is None
    library.close()
