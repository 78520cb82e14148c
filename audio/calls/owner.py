"""Whose call library: belcoach does not open a library another OS account owns.

A library lives in its owner's data folder at 0700, so the OS already keeps
other accounts out. Where it does not (an administrator, a folder that a
group can read, an old library written at 0755), belcoach still declines to
be the tool that opens it. The exceptions are the shared library IT names in
the policy (``recording.storage_dir``), which the caller passes as
``shared``, and a loose copy made with ``calls export`` (in no library: the
owner handed it over on purpose).
"""

from __future__ import annotations

from pathlib import Path

from belcoach.core.errors import AppError
from belcoach.core.private_files import foreign_owner


class ForeignLibraryError(AppError):
    """A library (or a call in one) that belongs to another OS account, not IT's shared one."""


def refuse_foreign_library(root: Path, shared: Path | None = None) -> None:
    """Refuse ``root`` when another OS account owns it and it is not ``shared``.

    Args:
        root: the library folder.
        shared: the library IT set up to be shared (or one the caller already
            checked); None when there is none.

    Raises:
        ForeignLibraryError: says whose it is and how a coach reads another's calls.
    """
    owner = foreign_owner(root)
    if owner is None or _same(root, shared):
        return
    raise ForeignLibraryError(
        f"{root}: this call library belongs to {owner}, not to you; belcoach opens only "
        "your own library, a copy made with `belcoach calls export`, or the shared "
        "library IT set up (recording.storage_dir in the IT policy)"
    )


def _same(a: Path, b: Path | None) -> bool:
    if b is None:
        return False
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
