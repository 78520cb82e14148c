"""Where the shared real-speech corpora live (../shared/corpora), for tests and benchmarks.

The corpora are not ours to commit (see their READMEs); tests read them in
place and skip with a clear message when the folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def corpora_dir() -> Path:
    """Return the corpora folder: ``BELCOACH_CORPORA`` or ``<repo>/../shared/corpora``."""
    override = os.environ.get("BELCOACH_CORPORA")
    return Path(override) if override else ROOT.parent / "shared" / "corpora"


def require_corpus(name: str) -> Path:
    """Return ``corpora_dir() / name`` or skip the test, saying what is missing."""
    path = corpora_dir() / name
    if not path.is_dir():
        pytest.skip(f"corpus {name!r} not found at {path} (set BELCOACH_CORPORA)")
    return path
