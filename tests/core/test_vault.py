"""Encrypted recordings: round trip, a killed writer, truncation, wrong key, key storage."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keyring.backend import KeyringBackend
from keyring.backends import fail

from belcoach.core.errors import VaultError, WrongKeyError
from belcoach.core.recording_key import RecordingKey, recording_key
from belcoach.core.vault import (
    HEADER_SIZE,
    VaultReader,
    VaultWriter,
    decrypt_file,
    encrypt_file,
    is_encrypted,
)

KEY = RecordingKey(bytes(range(32)))
OTHER = RecordingKey(bytes(range(1, 33)))


def _records(n: int) -> list[bytes]:
    return [
        json.dumps({"type": "transcript", "t": i * 0.5, "text": f"woord {i}"}).encode() + b"\n"
        for i in range(n)
    ]


def test_round_trip_line_by_line_and_in_big_blocks(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl.enc"
    lines = _records(200)
    with VaultWriter(path, KEY) as writer:
        for line in lines:
            writer.append_record(line)
        writer.write(os.urandom(300_000))  # audio-sized writes seal 64 KiB chunks
    reader = VaultReader(path, KEY)
    data = reader.read_all()
    assert data.startswith(b"".join(lines)) and len(data) == len(b"".join(lines)) + 300_000
    assert reader.complete and reader.lost_bytes == 0
    assert is_encrypted(path) and b"woord" not in path.read_bytes()


@settings(max_examples=60, deadline=None)
@given(
    pieces=st.lists(st.binary(max_size=3000), max_size=30),
    flushes=st.lists(st.booleans(), max_size=30),
    chunk=st.integers(1, 5000),
    cut=st.floats(0.0, 1.0),
)
def test_any_writes_round_trip_and_any_cut_reads_a_prefix(
    tmp_path_factory: pytest.TempPathFactory,
    pieces: list[bytes],
    flushes: list[bool],
    chunk: int,
    cut: float,
) -> None:
    folder = tmp_path_factory.mktemp("vault")
    path = folder / "f.enc"
    with VaultWriter(path, KEY, chunk_size=chunk) as writer:
        for piece, flush in zip(pieces, flushes + [False] * len(pieces), strict=False):
            writer.write(piece)
            if flush:
                writer.flush()
    whole = b"".join(pieces)
    full = VaultReader(path, KEY)
    assert full.read_all() == whole and full.complete
    raw = path.read_bytes()
    keep = HEADER_SIZE + int(cut * (len(raw) - HEADER_SIZE))
    cut_path = folder / "cut.enc"
    cut_path.write_bytes(raw[:keep])
    reader = VaultReader(cut_path, KEY)
    got = reader.read_all()
    assert whole.startswith(got)
    assert reader.complete == (keep == len(raw))


def test_every_truncation_point_gives_whole_records_and_never_an_error(tmp_path: Path) -> None:
    path = tmp_path / "e.enc"
    lines = _records(12)
    with VaultWriter(path, KEY) as writer:
        for line in lines:
            writer.append_record(line)
    raw = path.read_bytes()
    cut_path = tmp_path / "cut.enc"
    for keep in range(HEADER_SIZE, len(raw)):
        cut_path.write_bytes(raw[:keep])
        reader = VaultReader(cut_path, KEY)
        got = reader.read_all().splitlines(keepends=True)
        assert got == lines[: len(got)] and not reader.complete


_KILLED_WRITER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from belcoach.core.recording_key import RecordingKey
    from belcoach.core.vault import VaultWriter
    writer = VaultWriter(Path(sys.argv[1]), RecordingKey(bytes(range(32))))
    i = 0
    while True:
        line = json.dumps({"type": "transcript", "t": i, "text": "x" * (i % 97)}) + "\\n"
        writer.append_record(line.encode())
        if i == 50:
            print("ready", flush=True)
        i += 1
    """
)


@pytest.mark.parametrize("attempt", range(5))
def test_a_writer_killed_with_sigkill_leaves_every_sealed_line_readable(
    tmp_path: Path, attempt: int
) -> None:
    path = tmp_path / f"killed{attempt}.enc"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    reader = VaultReader(path, KEY)
    lines = reader.read_all().decode().splitlines()
    assert len(lines) > 50 and not reader.complete
    assert [json.loads(x)["t"] for x in lines] == list(range(len(lines)))


def test_wrong_key_damage_and_foreign_files_are_clear_one_line_errors(tmp_path: Path) -> None:
    path = tmp_path / "call.flac.enc"
    with VaultWriter(path, KEY) as writer:
        for line in _records(40):
            writer.append_record(line)
    with pytest.raises(WrongKeyError, match=r"call\.flac\.enc: encrypted with another"):
        VaultReader(path, OTHER).read_all()
    raw = bytearray(path.read_bytes())
    raw[HEADER_SIZE + 60] ^= 0x01  # a flipped bit inside the first chunks
    damaged = tmp_path / "damaged.enc"
    damaged.write_bytes(bytes(raw))
    with pytest.raises(VaultError, match=r"damaged\.enc: damaged or altered at chunk 0"):
        VaultReader(damaged, KEY).read_all()
    plain = tmp_path / "plain.flac"
    plain.write_bytes(b"fLaC" + bytes(100))
    with pytest.raises(VaultError, match=r"plain\.flac: not a belcoach encrypted recording"):
        VaultReader(plain, KEY).read_all()
    for error in (WrongKeyError, VaultError):
        try:
            VaultReader(path if error is WrongKeyError else plain, OTHER).read_all()
        except VaultError as exc:
            assert "\n" not in str(exc)
    with pytest.raises(VaultError, match="cannot create"):
        VaultWriter(path, KEY)  # never overwrites


def test_encrypt_and_decrypt_whole_files(tmp_path: Path) -> None:
    source = tmp_path / "call.flac"
    source.write_bytes(os.urandom(2_500_000))
    encrypt_file(source, tmp_path / "call.flac.enc", KEY)
    assert decrypt_file(tmp_path / "call.flac.enc", tmp_path / "back.flac", KEY)
    assert (tmp_path / "back.flac").read_bytes() == source.read_bytes()


# --------------------------------------------------------------------------- keys


class MemoryKeyring(KeyringBackend):
    """An OS keyring stand-in that keeps secrets in a dict."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_the_key_lives_in_the_os_keyring_when_there_is_one(restore_keyring, tmp_path) -> None:
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    first = recording_key(key_file=tmp_path / "recording.key")
    again = recording_key(key_file=tmp_path / "recording.key")
    assert first.key == again.key and first.storage.startswith("OS keyring")
    assert ("belcoach", "recording-key") in memory.secrets
    assert not (tmp_path / "recording.key").exists()


def test_without_a_keyring_the_key_goes_to_a_0600_file_and_says_so(
    restore_keyring, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    keyring.set_keyring(fail.Keyring())
    key_file = tmp_path / "config" / "recording.key"
    with caplog.at_level(logging.WARNING, logger="belcoach.core.recording_key"):
        first = recording_key(key_file=key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert "no OS keyring" in caplog.text and str(key_file) in caplog.text
    assert first.storage.startswith(f"key file {key_file} (no OS keyring")
    key_file.chmod(0o644)  # someone loosened it: put right, with a warning
    with caplog.at_level(logging.WARNING, logger="belcoach.core.recording_key"):
        assert recording_key(key_file=key_file).key == first.key
    assert key_file.stat().st_mode & 0o777 == 0o600 and "readable by others" in caplog.text
    key_file.write_text("not a key\n")
    with pytest.raises(VaultError, match="recording key is damaged"):
        recording_key(key_file=key_file)


def test_no_place_for_the_key_is_an_error_never_a_plain_recording(
    restore_keyring, tmp_path: Path
) -> None:
    keyring.set_keyring(fail.Keyring())
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(VaultError, match="cannot keep the recording key"):
        recording_key(key_file=blocker / "recording.key")
