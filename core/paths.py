"""Where belcoach keeps its files, resolved once per process from platformdirs.

The directories are computed on call, never at import, so tests can point
them elsewhere with environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "belcoach"


def cache_dir() -> Path:
    """Return the per-user cache directory (assembled models live here).

    ``BELCOACH_CACHE_DIR`` overrides it, which tests and packaged builds use.
    """
    override = os.environ.get("BELCOACH_CACHE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Return the per-user log directory."""
    override = os.environ.get("BELCOACH_LOG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
