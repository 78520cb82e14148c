"""``belcoach doctor`` reports a library others can read (and fixes it), checks the access log."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator

import pytest

from belcoach.audio.calls.access import log_path, record_access
from belcoach.audio.calls.library import CallLibrary, library_root
from belcoach.cli import doctor_library
from belcoach.cli.doctor_checks import Report
from belcoach.core.settings import load_settings
from support.private_calls import (
    no_os_keyring,  # noqa: F401 (autouse fixture)
    record_demo,
)


@pytest.fixture
def library() -> Iterator[CallLibrary]:
    """A library where the settings put it (the test's data folder), with one call."""
    lib = CallLibrary.open(library_root(""))
    record_demo(lib, seconds=3.0)
    yield lib
    lib.close()


def doctor(*, fix: bool = False) -> Report:
    report = Report()
    doctor_library.library(report, load_settings(), fix_permissions=fix)
    return report


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_a_library_others_can_read_is_a_problem_that_fix_permissions_solves(
    library: CallLibrary,
) -> None:
    (call,) = library.folders()
    os.chmod(library.root, 0o755)  # as an older belcoach left it
    os.chmod(call.path, 0o755)
    os.chmod(call.audio, 0o644)
    report = doctor()
    (problem,) = report.problems
    assert "other users of this PC can read the call library" in problem
    assert f"{call.audio} (644)" in problem and "--fix-permissions" in problem
    fixed = doctor(fix=True)
    assert fixed.problems == []
    assert dict(fixed.sections["call library"])["permissions"].startswith("fixed 3")
    assert stat.S_IMODE(call.audio.stat().st_mode) == 0o600
    assert stat.S_IMODE(library.root.stat().st_mode) == 0o700
    assert doctor().problems == []


def test_an_intact_chain_is_reported_as_such(library: CallLibrary) -> None:
    record_access(library.root, "replay", "a")
    report = doctor()
    assert report.problems == [] and report.warnings == []
    assert dict(report.sections["call library"])["access log"] == "1 line(s), hash chain intact"


def test_a_broken_chain_is_a_problem(library: CallLibrary) -> None:
    record_access(library.root, "replay", "a", user="sanne")
    path = log_path(library.root)
    path.write_text(path.read_text(encoding="utf-8").replace("sanne", "piet"), "utf-8")
    (problem,) = doctor().problems
    assert "access log cannot be trusted" in problem and "line 1 was changed" in problem
    assert "access-log --restart" in problem


def test_a_deleted_log_is_said_before_and_after_the_new_chain_starts(
    library: CallLibrary,
) -> None:
    record_access(library.root, "replay", "a")
    log_path(library.root).unlink()
    before = doctor()
    assert before.problems == [] and any("was deleted" in w for w in before.warnings)
    record_access(library.root, "replay", "a")
    after = doctor()
    assert after.problems == []
    assert any("a new chain was started" in w for w in after.warnings)


def test_a_torn_last_line_is_noted_not_a_problem(library: CallLibrary) -> None:
    record_access(library.root, "replay", "a")
    with log_path(library.root).open("a", encoding="utf-8") as handle:
        handle.write('{"action":"rep')
    report = doctor()
    assert report.problems == []
    assert "cut off by a crash" in dict(report.sections["call library"])["last line"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX owners")
def test_a_library_another_account_owns_is_a_problem(
    library: CallLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    from belcoach.core import private_files

    me = os.geteuid()
    monkeypatch.setattr(private_files, "_my_uid", lambda: me + 1)  # as if run by someone else
    report = doctor()
    (problem,) = report.problems
    assert "belongs to" in problem and str(library.root) in problem
    assert dict(report.sections["call library"])["owner"] == "another account"
