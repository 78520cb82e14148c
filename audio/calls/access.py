"""Who opened which call: the library's append-only, hash-chained access log.

Every opening of a stored call (replay, report, export, QA) is written to
``<library>/access.log`` *before* the call's audio or text is shown, as one
JSON line::

    {"action":"replay","call":"20261123-094012-3fa2c1","hash":"…","prev":"…",
     "time":"2026-11-23T09:41:00+00:00","user":"sanne"}

``hash`` is ``sha256(prev + body)`` where ``body`` is the line's canonical
JSON without ``prev`` and ``hash``, and ``prev`` is the previous line's hash
(`GENESIS` for the first): changing, inserting or removing a line in the
middle breaks the chain. The last hash and the number of lines are also kept
in the library index (``index.sqlite3``, table ``access_chain``), so lines cut
from the end, or a deleted log, are noticed too. This is tamper-*evident*
against an edit by hand; someone with the owner's rights who recomputes the
whole chain and the index is not stopped (nothing local can stop that).

Crash safety: a line is written with one ``write`` and ``fsync``-ed before
the call is shown, so a ``kill -9`` loses at most the line being written. A
torn last line (no newline) is reported and ignored by `verify`, and cut off
by the next `record_access` before it appends.

When the log cannot be trusted or written (edited by hand, lines removed, a
read-only disk), `record_access` raises `AccessLogError` and the caller must
not open the call; live calls never touch the log. A deleted log starts a new
chain whose first line (action ``chain-restarted``) says what the index knew
of the old one; ``belcoach doctor`` reports it. `restart_chain` sets a broken
log aside (kept, renamed) and starts a new chain the same way, for IT once
the broken one has been looked at.

`record_access` is the one function every opener calls (the desktop replay
window, ``belcoach report``, ``belcoach calls export``, ``belcoach qa``).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from filelock import FileLock, Timeout

from belcoach.audio.calls.access_index import index_head, store_index_head
from belcoach.audio.calls.owner import refuse_foreign_library
from belcoach.audio.status import StatusCode
from belcoach.core.errors import AppError
from belcoach.core.private_files import FILE_MODE, open_private

log = logging.getLogger(__name__)

ACCESS_LOG = "access.log"
LOCK_FILE = ".access.lock"
INDEX_FILE = "index.sqlite3"
"""The library index (`belcoach.audio.calls.library.INDEX_FILE`), where the chain head is kept."""
GENESIS = "0" * 64
"""The ``prev`` of a chain's first line."""
ACTIONS = ("replay", "report", "export", "qa")
"""What an opener records; ``chain-restarted`` is written by this module only."""
RESTARTED = "chain-restarted"


class AccessLogError(AppError):
    """The access log cannot be trusted or written: stored calls are not opened (says why)."""


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One line of the access log.

    Attributes:
        time: ISO 8601 UTC time of the opening.
        user: the OS user who opened the call.
        action: ``replay``, ``report``, ``export``, ``qa`` or ``chain-restarted``.
        call: the call id (empty for ``chain-restarted``).
        note: why a chain was restarted (empty otherwise).
        prev: the previous line's hash.
        hash: ``sha256(prev + body)``.
    """

    time: str
    user: str
    action: str
    call: str
    note: str = ""
    prev: str = GENESIS
    hash: str = ""

    def body(self) -> str:
        """The canonical JSON the hash covers (everything but ``prev`` and ``hash``)."""
        data = {"time": self.time, "user": self.user, "action": self.action, "call": self.call}
        if self.note:
            data["note"] = self.note
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def line(self) -> str:
        """The line as written, newline included."""
        data = json.loads(self.body())
        data.update(prev=self.prev, hash=self.hash)
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def chain_hash(prev: str, body: str) -> str:
    """The hash of a line whose predecessor's hash is ``prev``."""
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def _sealed(entry: AccessEntry, prev: str) -> AccessEntry:
    unsealed = AccessEntry(entry.time, entry.user, entry.action, entry.call, entry.note, prev)
    return AccessEntry(
        entry.time,
        entry.user,
        entry.action,
        entry.call,
        entry.note,
        prev,
        chain_hash(prev, unsealed.body()),
    )


class ChainState(Enum):
    """What `verify` found."""

    OK = "ok"
    FRESH = "fresh"  # no log and the index never saw one
    DELETED = "deleted"  # no log, but the index says lines were written
    BROKEN = "broken"  # a line does not match the chain (edited, inserted, removed)
    CUT = "cut"  # the index's last line is not in the log (lines removed at the end, replaced)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The access log as read and checked.

    Attributes:
        state: see `ChainState`.
        entries: the lines that verify, in order (up to a break).
        message: what is wrong, for a person (empty when OK or fresh).
        torn_tail: the last line was cut off by a crash (ignored).
        good_bytes: where the verified lines end in the file.
        head: the last verified hash (`GENESIS` when there is none).
        index_lines: the line count the index holds (None: no record there).
    """

    state: ChainState
    entries: tuple[AccessEntry, ...] = ()
    message: str = ""
    torn_tail: bool = False
    good_bytes: int = 0
    head: str = GENESIS
    index_lines: int | None = None
    restarts: tuple[AccessEntry, ...] = field(default=())

    @property
    def trusted(self) -> bool:
        """True when a call may be opened (a deleted log restarts; a broken one refuses)."""
        return self.state in (ChainState.OK, ChainState.FRESH, ChainState.DELETED)


def log_path(root: Path) -> Path:
    """The access log of the library at ``root``."""
    return Path(root) / ACCESS_LOG


def current_user() -> str:
    """The OS login name (``?`` when the system has none to give)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


# --------------------------------------------------------------------------- reading


def read_entries(path: Path) -> tuple[list[AccessEntry], str, bool, int]:
    """Parse and check the chain: (verified entries, what broke it or "", torn tail, good bytes)."""
    data = path.read_bytes()
    entries: list[AccessEntry] = []
    head, offset = GENESIS, 0
    while offset < len(data):
        end = data.find(b"\n", offset)
        if end < 0:
            return entries, "", True, offset  # torn last line: the write a kill cut short
        number = len(entries) + 1
        entry = _parse(data[offset:end])
        if entry is None:
            return entries, f"{path}: line {number} is not an access-log line", False, offset
        problem = ""
        if entry.prev != head:
            problem = f"{path}: line {number} does not follow line {number - 1}"
        elif chain_hash(entry.prev, entry.body()) != entry.hash:
            problem = f"{path}: line {number} was changed after it was written"
        if problem:
            return entries, problem, False, offset
        entries.append(entry)
        head = entry.hash
        offset = end + 1
    return entries, "", False, offset


def _parse(raw: bytes) -> AccessEntry | None:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(obj, dict):
        return None
    try:
        values = {k: obj[k] for k in ("time", "user", "action", "call", "prev", "hash")}
    except KeyError:
        return None
    note = obj.get("note", "")
    if not all(isinstance(v, str) for v in (*values.values(), note)):
        return None
    return AccessEntry(note=note, **values)


def verify(root: Path) -> Verdict:
    """Read the library's access log and check its chain against the index."""
    path = log_path(root)
    kept = index_head(root)
    index_lines = kept[1] if kept else None
    if not path.exists():
        if kept and kept[1] > 0:
            return Verdict(
                ChainState.DELETED,
                message=f"{path} was deleted: the library index says {kept[1]} line(s) "
                "had been written; the next opening starts a new chain",
                index_lines=index_lines,
            )
        return Verdict(ChainState.FRESH, index_lines=index_lines)
    try:
        entries, broken, torn, good = read_entries(path)
    except OSError as exc:
        return Verdict(
            ChainState.BROKEN,
            message=f"{path}: cannot be read ({exc.strerror or exc})",
            index_lines=index_lines,
        )
    head = entries[-1].hash if entries else GENESIS
    verdict = Verdict(
        ChainState.OK,
        tuple(entries),
        torn_tail=torn,
        good_bytes=good,
        head=head,
        index_lines=index_lines,
        restarts=tuple(e for e in entries if e.action == RESTARTED),
    )
    if broken:
        return replace(verdict, state=ChainState.BROKEN, message=broken)
    if kept and kept[0] not in {head, *(e.hash for e in entries)}:
        message = (
            f"{path} ends before the last line the library index recorded "
            f"({kept[1]} line(s), {len(entries)} now): lines were removed or the log replaced"
        )
        return replace(verdict, state=ChainState.CUT, message=message)
    return verdict


# --------------------------------------------------------------------------- writing


def record_access(
    library_root: Path,
    action: str,
    call_id: str,
    *,
    user: str | None = None,
    now: datetime | None = None,
) -> AccessEntry:
    """Append who opened which call to the library's access log, durably, before it is shown.

    Args:
        library_root: the call library folder (where ``access.log`` lives).
        action: ``replay``, ``report``, ``export`` or ``qa``.
        call_id: the call's id (its folder name).
        user: the OS user (default: the one running belcoach).
        now: the time (default: now, UTC).

    Returns:
        The line written.

    Raises:
        AccessLogError: the log was edited or cut, or cannot be written (a
            read-only disk, no permission): the caller must not open the call.
            The message says why.
    """
    if action not in ACTIONS:
        raise ValueError(f"access-log action must be one of {', '.join(ACTIONS)}, not {action!r}")
    root = Path(library_root)
    entry = AccessEntry(
        (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        user if user is not None else current_user(),
        action,
        call_id,
    )
    with _locked(root):
        verdict = verify(root)
        if not verdict.trusted:
            raise AccessLogError(
                f"stored calls are not opened: the access log cannot be trusted: {verdict.message}."
                " Run `belcoach doctor`; IT can set the log aside with "
                "`belcoach calls access-log --restart`"
            )
        todo = [entry]
        if verdict.state is ChainState.DELETED:
            todo.insert(0, _restart_entry(entry, f"the access log was missing; {verdict.message}"))
        return _append(root, verdict, todo)[-1]


def restart_chain(library_root: Path, *, user: str | None = None) -> Path | None:
    """Set a broken access log aside (renamed, kept) and start a new chain; return where it went.

    The new chain's first line (``chain-restarted``) records why, so the
    restart itself is in the log. Returns None when the log was not broken.
    """
    root = Path(library_root)
    with _locked(root):
        verdict = verify(root)
        if verdict.trusted:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        aside = root / f"{ACCESS_LOG}.broken-{stamp}"
        os.replace(log_path(root), aside)
        who = user if user is not None else current_user()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        note = f"the previous log was set aside as {aside.name}: {verdict.message}"
        _append(root, Verdict(ChainState.FRESH), [AccessEntry(now, who, RESTARTED, "", note)])
        return aside


def _restart_entry(entry: AccessEntry, note: str) -> AccessEntry:
    return AccessEntry(entry.time, entry.user, RESTARTED, "", note)


def _append(root: Path, verdict: Verdict, todo: list[AccessEntry]) -> list[AccessEntry]:
    """Write ``todo`` after the verified lines (cutting a torn tail), fsync, update the index."""
    path = log_path(root)
    prev = verdict.head if verdict.state is ChainState.OK else GENESIS
    sealed = []
    for item in todo:
        item = _sealed(item, prev)
        sealed.append(item)
        prev = item.hash
    payload = "".join(item.line() for item in sealed).encode("utf-8")
    try:
        fd = open_private(path, os.O_RDWR | os.O_APPEND)
        try:
            if verdict.torn_tail:
                os.ftruncate(fd, verdict.good_bytes)
            written = os.write(fd, payload)
            if written != len(payload):
                raise OSError(f"short write ({written} of {len(payload)} bytes)")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise AccessLogError(
            f"stored calls are not opened: the access log {path} cannot be written "
            f"({exc.strerror or exc}); live calls are not affected"
        ) from exc
    store_index_head(root, prev, len(verdict.entries) + len(sealed))
    return sealed


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer at a time across processes (the app, a CLI command, a QA tool)."""
    lock = FileLock(str(root / LOCK_FILE), mode=FILE_MODE, timeout=10)
    try:
        lock.acquire()
    except Timeout as exc:
        raise AccessLogError(
            f"stored calls are not opened: the access log in {root} is locked by another "
            "process for more than 10 s"
        ) from exc
    except OSError as exc:
        raise AccessLogError(
            f"stored calls are not opened: the access log in {root} cannot be locked "
            f"({exc.strerror or exc}); live calls are not affected"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def library_of(call: Path) -> Path | None:
    """The library holding a call folder (or its events file), or None for a loose copy.

    A call folder is in a library when the folder above it holds the index.
    """
    folder = call if call.is_dir() else call.parent
    root = folder.parent
    return root if (root / INDEX_FILE).is_file() else None


def record_opening(call: Path, action: str, *, shared: Path | None = None) -> AccessEntry | None:
    """`record_access` for a call folder or events file, in the library that holds it.

    A loose copy (an export, a batch output, a file handed over) belongs to
    no library and is not logged: None. A call in a library another OS
    account owns is refused first (`owner.refuse_foreign_library`), unless
    that library is ``shared`` (IT's shared library, or the one the caller
    opened through the settings).

    Raises:
        AccessLogError: the library's log cannot be trusted or written;
        ForeignLibraryError: the library belongs to another account.
    """
    root = library_of(call)
    if root is None:
        return None
    refuse_foreign_library(root, shared)
    folder = call if call.is_dir() else call.parent
    return record_access(root, action, folder.name)


def status_code(root: Path) -> StatusCode | None:
    """The overlay's status code for this library's access log, or None when all is well.

    ``access_log_broken`` (edited or cut: stored calls will not open),
    ``access_log_readonly`` (cannot be written: the same) or
    ``access_log_deleted`` (a new chain starts at the next opening).
    """
    verdict = verify(root)
    if not verdict.trusted:
        return StatusCode.ACCESS_LOG_BROKEN
    path = log_path(root)
    if not os.access(path if path.exists() else root, os.W_OK):
        return StatusCode.ACCESS_LOG_READONLY
    if verdict.state is ChainState.DELETED:
        return StatusCode.ACCESS_LOG_DELETED
    return None
