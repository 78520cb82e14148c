"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Settings, the call library's summaries and assembled models are all written
this way, so a crash or a kill during a write never leaves a corrupt file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from belcoach.core.private_files import private_dir


def write_atomic(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` through a synced temporary file and a rename.

    Args:
        path: the destination; its folder is created (0700) if missing. The
            file is 0600: ``mkstemp`` creates it so, whatever the umask.
        data: bytes, or text encoded with ``encoding``.

    Raises:
        OSError: the folder is not writable (the old file, if any, is intact).
    """
    private_dir(path.parent)
    raw = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_dir(path.parent)


def _sync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders can't be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
