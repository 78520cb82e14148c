"""The agent's own view: ``calls list --mine``, and no opening of another account's library.

Another OS account's library is simulated by making `foreign_owner` see a
different uid for this process (`_my_uid`); the folders themselves are this
test's, so only belcoach's own refusal is under test, not the OS's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from belcoach.audio.calls import access
from belcoach.audio.calls.access import current_user, record_opening, verify
from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.owner import ForeignLibraryError
from belcoach.cli.main import main
from belcoach.core import private_files
from support.private_calls import (
    no_os_keyring,  # noqa: F401 (autouse fixture)
    record_demo,
)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[CallLibrary]:
    """A library with a call recorded under this login and one under another name."""
    lib = CallLibrary.open(tmp_path / "lib")
    lib.start_call(agent=current_user(), source="mine").finish()
    lib.start_call(agent="colleague", source="theirs").finish()
    yield lib
    lib.close()


def become_someone_else(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on this process runs as another account: every existing folder is foreign."""
    me = os.geteuid() if hasattr(os, "geteuid") else None
    if me is None:
        pytest.skip("no POSIX owners on this platform (the ACL decides there)")
    monkeypatch.setattr(private_files, "_my_uid", lambda: me + 1)


@pytest.fixture
def someone_else(monkeypatch: pytest.MonkeyPatch) -> None:
    """`become_someone_else` before the test starts."""
    become_someone_else(monkeypatch)


def test_calls_list_mine_shows_only_the_calls_recorded_under_this_login(
    library: CallLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = ["--library", str(library.root)]
    assert main(["calls", "list", "--json", *lib]) == 0
    every = json.loads(capsys.readouterr().out)
    assert sorted(row["agent"] for row in every) == sorted([current_user(), "colleague"])
    assert main(["calls", "list", "--mine", "--json", *lib]) == 0
    (mine,) = json.loads(capsys.readouterr().out)
    assert mine["agent"] == current_user()
    assert main(["calls", "list", "--mine", *lib]) == 0
    table = capsys.readouterr().out
    assert "mine" in table and "theirs" not in table and "colleague" not in table


def test_calls_list_mine_says_so_when_none_is_yours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = CallLibrary.open(tmp_path / "lib")
    lib.start_call(agent="colleague").finish()
    lib.close()
    assert main(["calls", "list", "--mine", "--library", str(tmp_path / "lib")]) == 0
    assert f"no calls recorded as {current_user()!r}" in capsys.readouterr().out


def test_another_accounts_library_is_refused_by_every_command(
    library: CallLibrary,
    tmp_path: Path,
    someone_else: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    call = library.calls()[0].id
    lib = ["--library", str(library.root)]
    out = tmp_path / "r.html"
    for argv in (
        ["calls", "list", *lib],
        ["calls", "access-log", *lib],
        ["report", call, "--html", str(out), *lib],
        ["qa", call, *lib],
        ["calls", "export", call, str(tmp_path / "copy"), *lib],
        ["forget", call, "--yes", *lib],
        # a call folder given by path, from outside its library's own settings
        ["report", str(library.root / call), "--html", str(out)],
        ["qa", str(library.root / call)],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "belongs to" in err and "calls export" in err and "storage_dir" in err, argv
    assert not out.exists() and not (tmp_path / "copy").exists()
    assert (library.root / call).is_dir()  # not forgotten
    assert len(verify(library.root).entries) == 0  # nothing was opened, so nothing logged


def test_an_exported_copy_opens_for_anyone_the_os_lets_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    library = CallLibrary.open(tmp_path / "lib")
    call = record_demo(library, seconds=5.0).folder.id
    lib = ["--library", str(library.root)]
    assert main(["calls", "export", call, str(tmp_path / "copy"), *lib]) == 0
    library.close()
    become_someone_else(monkeypatch)  # the copy is now someone else's too
    capsys.readouterr()
    out = tmp_path / "c.html"
    assert main(["report", str(tmp_path / "copy"), "--html", str(out)]) == 0
    assert out.is_file()


def test_the_shared_library_it_names_in_the_policy_opens_for_other_accounts(
    library: CallLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = Path(os.environ["BELCOACH_POLICY"])
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(
        f"schema_version = 1\n[locked.recording]\nstorage_dir = {json.dumps(str(library.root))}\n",
        encoding="utf-8",
    )
    call = record_demo(library, seconds=5.0).folder.id
    become_someone_else(monkeypatch)  # now the library is someone else's
    assert main(["calls", "list"]) == 0
    assert main(["qa", call]) == 0
    assert main(["report", call, "--html", str(tmp_path / "r.html")]) == 0
    assert [e.action for e in verify(library.root).entries] == ["qa", "report"]


def test_a_user_setting_cannot_make_another_accounts_library_shared(
    library: CallLibrary, someone_else: None, capsys: pytest.CaptureFixture[str]
) -> None:
    config = Path(os.environ["BELCOACH_CONFIG_DIR"])
    assert main(["settings", "set", "recording.storage_dir", str(library.root)]) == 0, config
    capsys.readouterr()
    assert main(["calls", "list"]) == 2
    assert "belongs to" in capsys.readouterr().err


def test_record_opening_refuses_a_foreign_library_unless_it_is_the_shared_one(
    library: CallLibrary, someone_else: None
) -> None:
    call = library.root / library.calls()[0].id
    with pytest.raises(ForeignLibraryError, match="belongs to"):
        record_opening(call, "replay")
    assert len(verify(library.root).entries) == 0
    entry = record_opening(call, "replay", shared=library.root)
    assert entry is not None and entry.user == access.current_user()


def test_a_recorded_calls_audio_in_another_accounts_library_is_not_analysed_or_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from support.demo_events import make_demo_call_folder

    folder = make_demo_call_folder(tmp_path / "lib")
    CallLibrary.open(folder.parent).close()  # a library: it has an index
    become_someone_else(monkeypatch)
    audio = str(folder / "audio.flac")
    for argv in (
        ["analyze", audio],
        ["analyze", str(folder.parent), "--out", str(tmp_path / "batch")],  # batch, a folder
        ["calls", "import", audio, "--library", str(tmp_path / "mine"), "--quiet"],
    ):
        assert main(argv) == 2, argv
        assert "belongs to" in capsys.readouterr().err, argv
    assert not (tmp_path / "batch").exists() and not (tmp_path / "mine").exists()
