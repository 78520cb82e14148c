"""The recording key: made once per machine and user, kept in the OS keyring or a 0600 file.

`core.vault` encrypts recordings and batch outputs with it. The OS keyring
(Windows Credential Manager, macOS Keychain, Secret Service on Linux desktops)
holds it through the ``keyring`` library; a headless Linux has no keyring, so
the key lives in a file readable only by the user (mode 0600) in the user's
config folder, and belcoach says so in the log and in `RecordingKey.storage`
(for ``belcoach doctor``). If neither works, `recording_key` raises: a
recording that should be encrypted is never written in plain text instead.
A cluster node never makes a key of its own (`existing_recording_key`): the
centre copies the batch machine's key to every node (docs/cluster.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from belcoach.core import paths
from belcoach.core.errors import MissingKeyError, VaultError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "belcoach"
KEYRING_USER = "recording-key"
KEY_FILE_NAME = "recording.key"


@dataclass(frozen=True, slots=True)
class RecordingKey:
    """The 256-bit key recordings are encrypted with, and where it is kept.

    Attributes:
        key: 32 random bytes.
        storage: where it lives, in words (``OS keyring (...)`` or ``key file ...``).
    """

    key: bytes = field(repr=False)
    storage: str = "in memory"

    def __post_init__(self) -> None:
        if len(self.key) != 32:
            raise VaultError(f"a recording key has 32 bytes, not {len(self.key)}")

    @property
    def key_id(self) -> bytes:
        """8 bytes naming the key (an HMAC of it), stored in every file's header."""
        return hmac.new(self.key, b"belcoach vault key id", hashlib.sha256).digest()[:8]


def recording_key(*, key_file: Path | None = None, use_keyring: bool = True) -> RecordingKey:
    """This user's recording key: from the OS keyring, else from a 0600 key file.

    Created on first use. A new key is only ever stored in one place.

    Args:
        key_file: the fallback key file; default ``<config dir>/recording.key``.
        use_keyring: False skips the OS keyring (tests, or IT's choice).

    Raises:
        VaultError: neither the keyring nor the key file can hold the key.
    """
    key_file = key_file or paths.config_dir() / KEY_FILE_NAME
    reason = "switched off"
    if use_keyring:
        found, reason = _from_keyring()
        if found is not None:
            return found
    key = _from_file(key_file)
    log.warning(
        "no OS keyring (%s): the recording key is kept in %s, readable only by this user "
        "(mode 0600); anyone with this user's files can read the recordings",
        reason,
        key_file,
    )
    return RecordingKey(key, f"key file {key_file} (no OS keyring: {reason})")


def existing_recording_key(
    key_id: str, *, key_file: Path | None = None, use_keyring: bool = True
) -> RecordingKey:
    """This user's recording key on this machine, if it is the key named ``key_id``; never made.

    A batch worker on a cluster node encrypts a call's outputs with the key of
    the machine that runs the batch. Keys are kept per machine and user
    (`recording_key`), so the centre puts that key on every node (the same
    ``recording.key`` file, or the same keyring entry, see docs/cluster.md).
    A node that has no key, or another one, must not make one of its own: the
    outputs would not open where the batch was started.

    Args:
        key_id: the hex `RecordingKey.key_id` of the key the outputs must be sealed with.
        key_file: the key file; default ``<config dir>/recording.key``.
        use_keyring: False skips the OS keyring.

    Raises:
        MissingKeyError: no key here, or another one (the message names the machine).
    """
    import socket

    key_file = key_file or paths.config_dir() / KEY_FILE_NAME
    found: list[RecordingKey] = []
    if use_keyring:
        try:
            import keyring
            from keyring.backends import fail

            if not isinstance(keyring.get_keyring(), fail.Keyring):
                stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
                if stored is not None:
                    found.append(RecordingKey(_decode(stored, "the OS keyring"), "OS keyring"))
        except VaultError:
            raise
        except Exception as exc:  # a broken backend: try the key file
            log.info("OS keyring not usable for the recording key: %s", exc)
    if key_file.is_file():
        found.append(RecordingKey(_read_key_file(key_file), f"key file {key_file}"))
    for key in found:
        if key.key_id.hex() == key_id:
            return key
    host = socket.gethostname()
    if found:
        raise MissingKeyError(
            f"{host}: its recording key ({found[0].key_id.hex()}) is not the batch's "
            f"({key_id}); put the batch machine's key on this node as {key_file} (mode 0600) "
            "and start again (see docs/cluster.md)"
        )
    raise MissingKeyError(
        f"{host}: no recording key, and the batch's outputs must be encrypted (key {key_id}); "
        f"put the batch machine's key on this node as {key_file} (mode 0600) "
        "and start again (see docs/cluster.md)"
    )


def describe_key_storage(*, key_file: Path | None = None) -> tuple[str, str]:
    """Where the recording key is (or would be) kept, without creating it (for doctor).

    Returns:
        (where, warning): ``where`` in words; ``warning`` is empty when the OS
        keyring holds it, else says the key file stands in for it.
    """
    key_file = key_file or paths.config_dir() / KEY_FILE_NAME
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if not isinstance(backend, fail.Keyring):
            name = type(backend).__module__.removeprefix("keyring.backends.")
            return f"OS keyring ({name})", ""
        reason = "no keyring backend on this system"
    except Exception as exc:  # a broken backend is a reason, not a crash
        reason = f"{type(exc).__name__}: {exc}"
    state = "exists" if key_file.exists() else "made at the first encrypted recording"
    return (
        f"key file {key_file} ({state}, mode 0600)",
        f"no OS keyring ({reason}): the recording key is kept in {key_file}, "
        "readable only by this user",
    )


def _from_keyring() -> tuple[RecordingKey | None, str]:
    """The key from the OS keyring (created there if missing), or why not."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return None, "no keyring backend on this system"
        name = type(backend).__module__.removeprefix("keyring.backends.")
        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        if stored is None:
            keyring.set_password(KEYRING_SERVICE, KEYRING_USER, _encode(secrets.token_bytes(32)))
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
            if stored is None:
                return None, f"the keyring ({name}) did not keep the key"
            log.info("created the recording key in the OS keyring (%s)", name)
        return RecordingKey(_decode(stored, "the OS keyring"), f"OS keyring ({name})"), ""
    except VaultError:
        raise
    except Exception as exc:  # backends raise their own errors (D-Bus, locked keychain...)
        return None, f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}"


def _from_file(path: Path) -> bytes:
    """Read the key file, or create it (0600) if missing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _read_key_file(path)
        key = secrets.token_bytes(32)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(_encode(key) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        log.info("created the recording key file %s", path)
        return key
    except OSError as exc:
        raise VaultError(
            f"{path}: cannot keep the recording key ({exc.strerror or exc}); "
            "recordings that must be encrypted are not made"
        ) from exc


def _read_key_file(path: Path) -> bytes:
    mode = path.stat().st_mode & 0o777
    if os.name == "posix" and mode & 0o077:
        os.chmod(path, 0o600)
        log.warning("%s was readable by others (mode %o); set to 0600", path, mode)
    return _decode(path.read_text(encoding="ascii", errors="replace").strip(), str(path))


def _encode(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise VaultError(f"{where}: the recording key is damaged (not 32 bytes of base64)")
    return key
