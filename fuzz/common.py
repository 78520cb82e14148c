"""Shared by the fuzz targets: run one input, accept only belcoach's own clear errors.

Each target turns the fuzzer's bytes into a file, hands it to a parser and
treats an ``AppError`` with a one-line message naming the file as a pass.
Anything else (another exception, a multi-line or anonymous message) is a
finding: atheris stops and saves the input as ``crash-<hash>`` in the current
folder. A native crash (libsndfile, soxr) stops it the same way.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from belcoach.core.errors import AppError

WORKDIR = Path(tempfile.mkdtemp(prefix="belcoach-fuzz-"))


def scratch(name: str, data: bytes) -> Path:
    """Write ``data`` to a scratch file called ``name`` (reused between runs)."""
    path = WORKDIR / name
    path.write_bytes(data)
    return path


def check_error(exc: AppError, path: Path) -> None:
    """Raise AssertionError unless ``exc`` is one line naming ``path``."""
    message = str(exc)
    if "\n" in message or str(path) not in message:
        raise AssertionError(f"unclear error for {path}: {message!r}") from exc
