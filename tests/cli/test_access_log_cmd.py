"""``belcoach report`` and ``calls export`` are logged first; ``calls access-log`` prints it."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from belcoach.audio.calls import access
from belcoach.audio.calls.access import current_user, log_path, record_access, verify
from belcoach.audio.calls.library import CallLibrary
from belcoach.cli.main import main
from support.private_calls import (
    no_os_keyring,  # noqa: F401 (autouse fixture)
    record_demo,
)


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[tuple[CallLibrary, str]]:
    """A library with one recorded call, and that call's id."""
    library = CallLibrary.open(tmp_path / "lib")
    call = record_demo(library, seconds=5.0).folder.id
    yield library, call
    library.close()


def test_report_and_export_each_write_one_line_before_anything_is_shown(
    stored: tuple[CallLibrary, str], tmp_path: Path
) -> None:
    library, call = stored
    lib = ["--library", str(library.root)]
    assert main(["report", call[:15], "--html", str(tmp_path / "r.html"), *lib]) == 0
    assert main(["calls", "export", call, str(tmp_path / "copy"), *lib]) == 0
    entries = verify(library.root).entries
    assert [(e.action, e.call, e.user) for e in entries] == [
        ("report", call, current_user()),
        ("export", call, current_user()),
    ]
    # a report of the exported copy is outside any library: not logged there
    assert main(["report", str(tmp_path / "copy"), "--html", str(tmp_path / "c.html")]) == 0
    assert len(verify(library.root).entries) == 2


def test_a_report_is_refused_when_the_log_cannot_be_written(
    stored: tuple[CallLibrary, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    library, call = stored

    def read_only(path: Path, flags: int) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(access, "open_private", read_only)
    out = tmp_path / "r.html"
    assert main(["report", call, "--html", str(out), "--library", str(library.root)]) != 0
    err = capsys.readouterr().err
    assert "access log" in err and "cannot be written" in err and "Read-only" in err
    assert not out.exists()
    assert main(["calls", "export", call, str(tmp_path / "c"), "--library", str(library.root)]) != 0
    assert not (tmp_path / "c").exists()


def test_access_log_shows_your_own_lines_and_counts_the_others(
    stored: tuple[CallLibrary, str], capsys: pytest.CaptureFixture[str]
) -> None:
    library, call = stored
    me = current_user()
    record_access(library.root, "replay", call, user=me)
    record_access(library.root, "qa", call, user="someone-else")
    record_access(library.root, "report", "20990101-000000-ffffff", user=me)
    lib = ["--library", str(library.root)]
    assert main(["calls", "access-log", *lib]) == 0
    out, err = capsys.readouterr()
    assert f"{me}" in out and "replay" in out and "report" in out
    assert "someone-else" not in out and "1 line(s) by other users not shown" in err
    assert main(["calls", "access-log", "--all", *lib]) == 0
    assert "someone-else" in capsys.readouterr().out
    assert main(["calls", "access-log", call[:15], "--all", *lib]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(call in line for line in lines)


def test_access_log_exits_1_on_a_broken_chain_and_restart_opens_calls_again(
    stored: tuple[CallLibrary, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library, call = stored
    lib = ["--library", str(library.root)]
    record_access(library.root, "replay", call, user="sanne")
    path = log_path(library.root)
    path.write_text(path.read_text(encoding="utf-8").replace("sanne", "piet"), "utf-8")
    assert main(["calls", "access-log", *lib]) == 1
    assert "line 1 was changed" in capsys.readouterr().err
    assert main(["report", call, "--html", str(tmp_path / "r.html"), *lib]) != 0
    assert main(["calls", "access-log", "--restart", *lib]) == 0
    assert "set aside" in capsys.readouterr().out
    assert main(["report", call, "--html", str(tmp_path / "r.html"), *lib]) == 0


def test_qa_on_a_stored_call_is_logged_before_it_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from belcoach.audio.calls.library import CallLibrary
    from belcoach.cli.main import main
    from support.private_calls import record_demo

    root = tmp_path / "calls"
    library = CallLibrary.open(root)
    call_id = record_demo(library).folder.path.name
    library.close()
    assert main(["qa", call_id, "--library", str(root)]) == 0
    entries = [e for e in verify(root).entries if e.action == "qa"]
    assert [e.call for e in entries] == [call_id]
