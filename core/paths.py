"""Where belcoach keeps its files, resolved once per process from platformdirs.

The directories are computed on call, never at import, so tests can point
them elsewhere with environment variables.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "belcoach"

log = logging.getLogger(__name__)


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


def config_dir() -> Path:
    """Return the per-user settings directory (``BELCOACH_CONFIG_DIR`` overrides it)."""
    override = os.environ.get("BELCOACH_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """Return the per-user data directory: the call library lives here by default.

    ``BELCOACH_DATA_DIR`` overrides it.
    """
    override = os.environ.get("BELCOACH_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_settings_path() -> Path:
    """Return the user's settings file."""
    return config_dir() / "settings.toml"


def machine_policy_path() -> Path:
    """Return the fixed place of the machine-wide IT policy on this OS.

    Linux ``/etc/belcoach/policy.toml``, Windows
    ``%ProgramData%\\belcoach\\policy.toml``, macOS
    ``/Library/Application Support/belcoach/policy.toml``.
    """
    if sys.platform == "win32":
        base = os.environ.get("PROGRAMDATA", r"C:\ProgramData")
        return Path(base) / APP_NAME / "policy.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME / "policy.toml"
    return Path("/etc") / APP_NAME / "policy.toml"


def policy_path() -> Path:
    """Return the IT policy file in force: the machine's, or ``BELCOACH_POLICY``.

    ``BELCOACH_POLICY`` lets IT try a policy before rolling it out and lets
    tests use their own. It is honoured only where it cannot be used to walk
    away from IT's locks: when the machine has no policy file, or when the
    process runs as an administrator (root). An agent on a managed PC setting
    it gets the machine policy all the same, and a warning in the log.
    """
    machine = machine_policy_path()
    override = os.environ.get("BELCOACH_POLICY")
    if not override or Path(override) == machine:
        return machine
    if machine.exists() and not is_administrator():
        log.warning(
            "BELCOACH_POLICY=%s ignored: the machine policy %s applies (only an "
            "administrator may test another policy on a managed PC)",
            override,
            machine,
        )
        return machine
    return Path(override)


def is_administrator() -> bool:
    """True for root (POSIX) or an elevated administrator (Windows)."""
    if sys.platform == "win32":
        import ctypes

        try:
            return bool(ctypes.windll.shell32.IsUserAnAdmin())
        except (AttributeError, OSError):
            return False
    return os.geteuid() == 0


def bundle_dir() -> Path | None:
    """Return the resource folder of a packaged build, or None when run from source.

    A PyInstaller build unpacks (one-file) or ships (one-dir) its data next to
    the executable and says where in ``sys._MEIPASS``; resources such as the
    bundled Whisper model are found there, never by guessing from ``__file__``
    (STYLE P3).
    """
    if not getattr(sys, "frozen", False):
        return None
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if base else Path(sys.executable).resolve().parent


def bundled_models_dir() -> Path | None:
    """Return the folder holding the models a packaged build carries, if there is one.

    ``BELCOACH_BUNDLED_MODELS`` overrides it (tests, and IT checking an
    unpacked bundle from source).
    """
    override = os.environ.get("BELCOACH_BUNDLED_MODELS")
    if override:
        return Path(override)
    bundle = bundle_dir()
    if bundle is None:
        return None
    models = bundle / "models"
    return models if models.is_dir() else None
