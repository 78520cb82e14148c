"""Encryption at rest for recorded calls: a streaming format that survives a kill -9.

When the policy sets ``recording.encrypt``, the recorder writes each call's
audio and ``events.jsonl`` through a `VaultWriter` instead of a plain file.
A recording is written while the call goes on and the app can be killed at
any moment, so the format is a stream of independently sealed chunks:

    header   b"BCVAULT1" | version (1 byte) | key id (8) | salt (16)
    chunk    length (4 bytes, big-endian; top bit set on the last chunk)
             | AES-256-GCM ciphertext + 16-byte tag

Each file gets its own key, derived from the recording key with HKDF-SHA256
and the file's random salt, so chunk counters can serve as nonces: chunk
``n``'s nonce is ``n`` (8 bytes) plus the last-chunk flag, and every chunk
authenticates the header. Chunks cannot be reordered, dropped from the middle
or moved to another file without the reader noticing; a file that ends
without its last-chunk marker was not closed (a crash, a kill, a power cut)
and reads up to its last complete chunk, with `VaultReader.complete` False.
The writer seals a chunk whenever ``chunk_size`` bytes are buffered and on
every `VaultWriter.flush`: the recorder flushes each events line and about
once a second of audio, so a kill loses at most that.

The recording key itself (made once per machine and user, kept in the OS
keyring or a 0600 file) is `core.recording_key`'s job.
"""

from __future__ import annotations

import logging
import os
import secrets
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from belcoach.core.errors import VaultError, WrongKeyError
from belcoach.core.private_files import open_private
from belcoach.core.recording_key import RecordingKey

log = logging.getLogger(__name__)

MAGIC = b"BCVAULT1"
VERSION = 1
HEADER_SIZE = len(MAGIC) + 1 + 8 + 16
TAG_SIZE = 16
MAX_CHUNK = 1 << 20
"""Largest plaintext per chunk; a length above it is damage, not data."""
_LAST = 0x8000_0000


# --------------------------------------------------------------------------- format


def _file_cipher(key: RecordingKey, salt: bytes) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"belcoach vault v1 file key"
    ).derive(key.key)
    return AESGCM(derived)


def _nonce(counter: int, last: bool) -> bytes:
    return struct.pack(">QB3x", counter, 1 if last else 0)


class VaultWriter:
    """Writes one encrypted file, chunk by chunk; use it as a context manager.

    Args:
        path: the new file (an existing file is never overwritten).
        key: the recording key.
        chunk_size: plaintext bytes buffered before a chunk is sealed.
        sync: fsync after every chunk (survives a power cut, not only a kill).

    Raises:
        VaultError: the file exists or cannot be created.
    """

    def __init__(
        self, path: Path, key: RecordingKey, *, chunk_size: int = 64 * 1024, sync: bool = False
    ) -> None:
        if not 1 <= chunk_size <= MAX_CHUNK:
            raise VaultError(f"chunk_size must be 1..{MAX_CHUNK}, not {chunk_size}")
        self.path = path
        self._chunk_size = chunk_size
        self._sync = sync
        salt = secrets.token_bytes(16)
        self._header = MAGIC + bytes([VERSION]) + key.key_id + salt
        self._cipher = _file_cipher(key, salt)
        self._counter = 0
        self._buffer = bytearray()
        self._closed = False
        try:
            fd = open_private(path, os.O_WRONLY | os.O_EXCL)  # 0600 before the first byte
            self._file: BinaryIO = os.fdopen(fd, "wb", buffering=0)
        except OSError as exc:
            raise VaultError(f"{path}: cannot create ({exc.strerror or exc})") from exc
        self._emit(self._header)

    def write(self, data: bytes) -> int:
        """Add bytes; full chunks are sealed and written at once. Returns ``len(data)``."""
        if self._closed:
            raise VaultError(f"{self.path}: already closed")
        self._buffer += data
        while len(self._buffer) >= self._chunk_size:
            piece = bytes(self._buffer[: self._chunk_size])
            del self._buffer[: self._chunk_size]
            self._seal(piece, last=False)
        return len(data)

    def flush(self) -> None:
        """Seal what is buffered now, so a crash after this loses none of it."""
        if self._buffer and not self._closed:
            piece = bytes(self._buffer)
            self._buffer.clear()
            self._seal(piece, last=False)

    def append_record(self, data: bytes) -> None:
        """Write one record (an events line) and seal it at once."""
        self.write(data)
        self.flush()

    def fileno(self) -> int:
        """The file's descriptor (for an fsync by the caller)."""
        return self._file.fileno()

    def close(self) -> None:
        """Seal the rest with the last-chunk marker: the file is complete."""
        if self._closed:
            return
        piece = bytes(self._buffer)
        self._buffer.clear()
        self._seal(piece, last=True)
        self._closed = True
        self._file.close()

    def __enter__(self) -> VaultWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        sealed = self._cipher.encrypt(_nonce(self._counter, last), plaintext, self._header)
        length = len(sealed) | (_LAST if last else 0)
        self._counter += 1
        self._emit(struct.pack(">I", length) + sealed)

    def _emit(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = self._file.write(view)
            view = view[written or 0 :]
        if self._sync:
            os.fsync(self._file.fileno())


class VaultReader:
    """Reads an encrypted file chunk by chunk; only authenticated bytes come out.

    Iterate over it for the plaintext chunks. Afterwards ``complete`` says
    whether the file was closed properly; when it was not (the recorder was
    killed), everything up to the last complete chunk has been returned and
    ``lost_bytes`` counts the torn tail.

    Args:
        path: the encrypted file.
        key: the recording key.

    Raises:
        VaultError: not a belcoach encrypted file, or damaged before its end.
        WrongKeyError: encrypted with another key.
    """

    def __init__(self, path: Path, key: RecordingKey) -> None:
        self.path = path
        self._key = key
        self.complete = False
        self.lost_bytes = 0

    def __iter__(self) -> Iterator[bytes]:
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise VaultError(f"{self.path}: cannot read ({exc.strerror or exc})") from exc
        with handle:
            size = os.fstat(handle.fileno()).st_size
            header = handle.read(HEADER_SIZE)
            cipher = self._check_header(header)
            offset, counter = HEADER_SIZE, 0
            while offset < size:
                prefix = handle.read(4)
                length = struct.unpack(">I", prefix)[0] & ~_LAST if len(prefix) == 4 else -1
                last = len(prefix) == 4 and bool(struct.unpack(">I", prefix)[0] & _LAST)
                end = offset + 4 + length
                bad = length < TAG_SIZE or length > MAX_CHUNK + TAG_SIZE
                if bad and size - offset > MAX_CHUNK + TAG_SIZE + 4:
                    raise VaultError(f"{self.path}: damaged at chunk {counter} (byte {offset})")
                if bad or end > size:  # a write cut short: the tail of a killed recording
                    self._torn(offset, size, counter, "an incomplete chunk")
                    return
                sealed = handle.read(length)
                try:
                    plain = cipher.decrypt(_nonce(counter, last), sealed, header)
                except InvalidTag:
                    if end >= size:  # the very last bytes: a write cut short
                        self._torn(offset, size, counter, "a damaged last chunk")
                        return
                    raise VaultError(
                        f"{self.path}: damaged or altered at chunk {counter} (byte {offset})"
                    ) from None
                offset, counter = end, counter + 1
                yield plain
                if last:
                    if offset != size:
                        raise VaultError(f"{self.path}: {size - offset} bytes after its end")
                    self.complete = True
                    return
            log.warning("%s: not closed properly; read up to chunk %d", self.path, counter)

    def read_all(self) -> bytes:
        """All the plaintext that can be read (check ``complete`` afterwards)."""
        return b"".join(self)

    def _check_header(self, header: bytes) -> AESGCM:
        if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
            raise VaultError(f"{self.path}: not a belcoach encrypted recording")
        if header[len(MAGIC)] != VERSION:
            raise VaultError(
                f"{self.path}: encrypted with format version {header[len(MAGIC)]}, "
                f"this belcoach reads version {VERSION}"
            )
        key_id = header[len(MAGIC) + 1 : len(MAGIC) + 9]
        if key_id != self._key.key_id:
            raise WrongKeyError(
                f"{self.path}: encrypted with another recording key (key id {key_id.hex()}); "
                f"this PC's key is {self._key.key_id.hex()}"
            )
        return _file_cipher(self._key, header[len(MAGIC) + 9 :])

    def _torn(self, offset: int, size: int, counter: int, what: str) -> None:
        self.lost_bytes = size - offset
        log.warning(
            "%s: ends in %s (%d bytes) after chunk %d: not closed properly (a crash?)",
            self.path,
            what,
            self.lost_bytes,
            counter,
        )


def is_encrypted(path: Path) -> bool:
    """True when ``path`` starts like a belcoach encrypted file."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def encrypt_file(source: Path, target: Path, key: RecordingKey) -> None:
    """Encrypt a finished file into a new one (streaming, bounded memory)."""
    with open(source, "rb") as src, VaultWriter(target, key) as out:
        while block := src.read(MAX_CHUNK):
            out.write(block)


def decrypt_file(source: Path, target: Path, key: RecordingKey) -> bool:
    """Decrypt into a new file (streaming); returns whether the source was complete."""
    reader = VaultReader(source, key)
    with open(target, "xb") as out:
        for chunk in reader:
            out.write(chunk)
    return reader.complete
