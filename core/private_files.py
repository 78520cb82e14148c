"""Folders and files only their owner can read: 0700 and 0600, whatever the umask.

Calls hold what an agent and a customer said. On a shared PC the default
umask (022) would leave a new folder at 0755 and a new file at 0644, readable
by every other account, so everything the call library, an import, a batch
run or an export writes is created through these helpers:

- `private_dir` creates missing folders at 0700 (``chmod`` after ``mkdir``,
  because ``mkdir``'s mode is filtered by the umask);
- `open_private` / `create_private` create a file with ``os.open(..., 0o600)``
  and ``fchmod`` it to 0600 *before* any byte is written, for writers that
  must open the file themselves (a journal, libsndfile, SQLite);
- `readable_by_others` and `tighten` are what ``belcoach doctor`` uses to
  report and fix a library written before this rule existed.

On Windows the modes mean little; `restrict_to_owner` replaces a folder's
ACL with one entry (the current user, full control, inherited by what is
created inside it) through ``icacls``. That path cannot be tested on the
Linux CI: it is kept small and guarded by ``sys.platform``.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
_OTHERS = 0o077
"""Group and other permission bits: none may be set on a library folder or file."""


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) so that every folder created here is 0700.

    An existing folder is left as it is (doctor reports it if others can
    read it): the library's root may be one IT set up on purpose.

    Raises:
        OSError: the folder cannot be created.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            continue  # created by another process meanwhile; its creator set its mode
        _chmod(folder, DIR_MODE)
        restrict_to_owner(folder)
    return path


def open_private(path: Path, flags: int) -> int:
    """``os.open`` that creates a missing file at 0600, whatever the umask; returns the fd.

    Args:
        flags: the ``os.O_*`` flags; ``O_CREAT`` is added.
    """
    fd = os.open(path, flags | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        if hasattr(os, "fchmod"):
            st = os.fstat(fd)
            if stat.S_IMODE(st.st_mode) & _OTHERS:
                os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def create_private(path: Path) -> Path:
    """Create ``path`` empty at 0600 (or make an existing one 0600) before a library writes it.

    For writers that open files by name (libsndfile, SQLite): opening an
    existing file for writing keeps its mode, so the data goes into a file
    that was never readable by others.
    """
    os.close(open_private(path, os.O_WRONLY))
    return path


def tighten(path: Path) -> None:
    """Make one existing folder 0700 or file 0600 (doctor's fix)."""
    _chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)


def readable_by_others(path: Path) -> bool:
    """True when a group or other permission bit is set on ``path`` (POSIX modes)."""
    if sys.platform == "win32":
        return False  # the ACL decides there; see restrict_to_owner
    try:
        return bool(stat.S_IMODE(path.lstat().st_mode) & _OTHERS)
    except OSError:
        return False


def too_open(root: Path) -> Iterator[Path]:
    """``root`` and every folder and file under it that others can read (symlinks skipped)."""
    if readable_by_others(root):
        yield root
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            path = Path(dirpath) / name
            if not path.is_symlink() and readable_by_others(path):
                yield path


def restrict_to_owner(folder: Path, *, inside: bool = False) -> bool:
    """On Windows, give ``folder`` an ACL with only the current user (inherited inside).

    Args:
        inside: also reset what is already in the folder to inherit that ACL
            only (doctor's fix of an existing library).

    Returns True when the ACL was set; a no-op (False) elsewhere. Not covered
    by the Linux tests: it runs ``icacls``, which ships with every Windows.
    """
    if sys.platform != "win32":
        return False
    user = os.environ.get("USERNAME", "")
    domain = os.environ.get("USERDOMAIN", "")
    if not user:
        log.warning("%s: no USERNAME; the folder keeps its inherited permissions", folder)
        return False
    who = f"{domain}\\{user}" if domain else user
    commands = [["icacls", str(folder), "/inheritance:r", "/grant:r", f"{who}:(OI)(CI)F"]]
    if inside:
        commands.append(["icacls", str(folder / "*"), "/reset", "/T", "/C", "/Q"])
    try:
        for command in commands:
            subprocess.run(command, check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("%s: could not restrict the folder to %s: %s", folder, who, exc)
        return False
    return True


def _chmod(path: Path, mode: int) -> None:
    if sys.platform != "win32":
        os.chmod(path, mode)


def foreign_owner(path: Path) -> str | None:
    """The name (or uid) of the account that owns ``path`` when it is not this process's.

    None when this account owns it, when it does not exist, or on Windows
    (the ACL decides there; see `restrict_to_owner`). Used to refuse
    opening another account's call library: the OS may let an administrator
    or a group member read it, belcoach still does not open it.
    """
    me = _my_uid()
    if me is None:
        return None
    try:
        uid = path.stat().st_uid
    except OSError:
        return None
    if uid == me:
        return None
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _my_uid() -> int | None:
    """This process's effective uid; None where there is none (Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return int(geteuid()) if geteuid is not None else None
