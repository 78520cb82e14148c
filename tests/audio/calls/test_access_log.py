"""The library's access log: a chained line per opening, tamper-evident, crash-safe (issue 18/2)."""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from belcoach.audio.calls import access
from belcoach.audio.calls.access import (
    GENESIS,
    RESTARTED,
    AccessLogError,
    ChainState,
    chain_hash,
    library_of,
    log_path,
    record_access,
    restart_chain,
    verify,
)
from belcoach.audio.calls.library import CallLibrary
from support.private_calls import (
    no_os_keyring,  # noqa: F401 (autouse fixture)
    record_demo,
)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[CallLibrary]:
    lib = CallLibrary.open(tmp_path / "lib")
    yield lib
    lib.close()


def lines(root: Path) -> list[dict[str, str]]:
    return [json.loads(x) for x in log_path(root).read_text(encoding="utf-8").splitlines()]


def test_each_opening_is_one_chained_line_with_time_user_action_and_call(
    library: CallLibrary,
) -> None:
    for action, call in (("replay", "a"), ("report", "b"), ("export", "a"), ("qa", "c")):
        record_access(library.root, action, call, user="sanne")
    rows = lines(library.root)
    assert [(r["action"], r["call"], r["user"]) for r in rows] == [
        ("replay", "a", "sanne"),
        ("report", "b", "sanne"),
        ("export", "a", "sanne"),
        ("qa", "c", "sanne"),
    ]
    assert rows[0]["prev"] == GENESIS
    for before, row in zip([None, *rows], rows, strict=False):
        assert row["prev"] == (before["hash"] if before else GENESIS)
        body = {k: row[k] for k in ("action", "call", "time", "user")}
        compact = json.dumps(body, sort_keys=True, separators=(",", ":"))
        assert row["hash"] == chain_hash(row["prev"], compact)
    verdict = verify(library.root)
    assert verdict.state is ChainState.OK and len(verdict.entries) == 4
    assert verdict.index_lines == 4  # the head is kept in the index too
    if sys.platform != "win32":
        assert stat.S_IMODE(log_path(library.root).stat().st_mode) == 0o600


def test_a_line_edited_by_hand_is_detected_and_stored_calls_are_refused(
    library: CallLibrary,
) -> None:
    record_access(library.root, "replay", "a", user="sanne")
    record_access(library.root, "report", "a", user="sanne")
    path = log_path(library.root)
    path.write_text(path.read_text(encoding="utf-8").replace("sanne", "piet", 1), "utf-8")
    verdict = verify(library.root)
    assert verdict.state is ChainState.BROKEN
    assert "line 1 was changed" in verdict.message
    with pytest.raises(AccessLogError, match=r"not opened.*line 1 was changed"):
        record_access(library.root, "replay", "a")
    assert len(lines(library.root)) == 2  # nothing appended to a broken log


def test_a_line_removed_from_the_middle_breaks_the_chain(library: CallLibrary) -> None:
    for call in "abc":
        record_access(library.root, "replay", call)
    path = log_path(library.root)
    kept = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(kept[0] + kept[2], encoding="utf-8")
    assert verify(library.root).message.endswith("line 2 does not follow line 1")


def test_lines_cut_from_the_end_are_caught_by_the_index(library: CallLibrary) -> None:
    for call in "abc":
        record_access(library.root, "replay", call)
    path = log_path(library.root)
    kept = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(kept[:1]), encoding="utf-8")
    verdict = verify(library.root)
    assert verdict.state is ChainState.CUT
    assert "3 line(s), 1 now" in verdict.message
    with pytest.raises(AccessLogError, match="lines were removed"):
        record_access(library.root, "export", "a")


def test_a_deleted_log_starts_a_new_chain_that_says_so(library: CallLibrary) -> None:
    record_access(library.root, "replay", "a")
    log_path(library.root).unlink()
    verdict = verify(library.root)
    assert verdict.state is ChainState.DELETED and "was deleted" in verdict.message
    record_access(library.root, "replay", "b", user="sanne")
    rows = lines(library.root)
    assert [r["action"] for r in rows] == [RESTARTED, "replay"]
    assert "1 line(s)" in rows[0]["note"]
    after = verify(library.root)
    assert after.state is ChainState.OK
    assert [e.action for e in after.restarts] == [RESTARTED]


def test_a_fresh_library_has_no_log_and_nothing_to_report(library: CallLibrary) -> None:
    assert verify(library.root).state is ChainState.FRESH
    record_access(library.root, "replay", "a")
    assert [r["action"] for r in lines(library.root)] == ["replay"]


def test_a_torn_last_line_is_ignored_then_cut_before_the_next_line(library: CallLibrary) -> None:
    """What a kill -9 in the middle of a write leaves: the lines before it still verify."""
    record_access(library.root, "replay", "a")
    record_access(library.root, "report", "a")
    path = log_path(library.root)
    whole = path.read_bytes()
    with path.open("ab") as handle:  # half of a third line, no newline
        handle.write(b'{"action":"export","call":"a","hash":"12')
    verdict = verify(library.root)
    assert verdict.state is ChainState.OK and verdict.torn_tail
    assert len(verdict.entries) == 2 and verdict.good_bytes == len(whole)
    record_access(library.root, "export", "b")
    after = verify(library.root)
    assert after.state is ChainState.OK and not after.torn_tail
    assert [e.call for e in after.entries] == ["a", "a", "b"]
    assert path.read_bytes().startswith(whole)


def test_a_log_that_cannot_be_written_refuses_the_opening_and_says_why(
    library: CallLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(path: Path, flags: int) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(access, "open_private", read_only)
    with pytest.raises(AccessLogError, match=r"cannot be written.*Read-only file system"):
        record_access(library.root, "replay", "a")


def test_restart_sets_a_broken_log_aside_and_records_why(library: CallLibrary) -> None:
    record_access(library.root, "replay", "a")
    path = log_path(library.root)
    path.write_text(path.read_text(encoding="utf-8").replace('"a"', '"z"'), "utf-8")
    assert restart_chain(library.root, user="it") is not None
    aside = list(library.root.glob("access.log.broken-*"))
    assert len(aside) == 1 and '"z"' in aside[0].read_text(encoding="utf-8")
    verdict = verify(library.root)
    assert verdict.state is ChainState.OK
    assert verdict.entries[0].action == RESTARTED and "changed" in verdict.entries[0].note
    record_access(library.root, "replay", "a")  # opens again
    assert restart_chain(library.root) is None  # nothing to restart now


def test_unknown_actions_are_a_programming_error(library: CallLibrary) -> None:
    with pytest.raises(ValueError, match="qa"):
        record_access(library.root, "peek", "a")


def test_library_of_finds_the_library_of_a_stored_call_only(
    library: CallLibrary, tmp_path: Path
) -> None:
    recorder = record_demo(library, seconds=2.0)
    assert library_of(recorder.folder.path) == library.root
    assert library_of(recorder.folder.events) == library.root
    loose = tmp_path / "copy"
    loose.mkdir()
    assert library_of(loose) is None


WRITER = """
import sys
from pathlib import Path
from belcoach.audio.calls.access import record_access
root = Path(sys.argv[1])
for i in range(100_000):
    record_access(root, "qa", f"call-{i}", user="qa")
    print(i, flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_writer_killed_with_sigkill_leaves_a_log_that_verifies(library: CallLibrary) -> None:
    import signal
    import subprocess

    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(library.root)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:  # killed while it keeps appending, at no chosen moment
            if int(line) >= 30:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=60)
    verdict = verify(library.root)
    assert verdict.state is ChainState.OK, verdict.message
    assert len(verdict.entries) >= 31
    assert [e.call for e in verdict.entries] == [f"call-{i}" for i in range(len(verdict.entries))]
    record_access(library.root, "replay", "after")  # the chain goes on
    assert verify(library.root).entries[-1].call == "after"
