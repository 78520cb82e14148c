"""One root for every error belcoach reports to a person.

Each error carries a message that names the file, device or setting at fault
and what to do about it; the CLI prints it on one line without a traceback.
"""

from __future__ import annotations


class AppError(Exception):
    """Base of every error that belcoach explains to the user."""


class ConfigError(AppError):
    """A setting, option or configuration file is invalid."""


class AudioFileError(AppError):
    """A recorded call cannot be read: missing, corrupt, empty or the wrong shape."""


class AudioDeviceError(AppError):
    """An audio device is missing, busy or failed."""


class ModelUnavailableError(AppError):
    """A model is not installed, incomplete or damaged."""


class RuleError(AppError):
    """A coaching rule pack is malformed."""


class VaultError(AppError):
    """An encrypted recording or the recording key cannot be used."""


class WrongKeyError(VaultError):
    """The recording was encrypted with another key than this PC's."""


class MissingKeyError(VaultError):
    """This machine holds no recording key, or another one than the one asked for."""
