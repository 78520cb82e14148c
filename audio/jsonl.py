"""Writes events as JSON Lines, one object per line, flushed as they come.

Flushing each line means a crash loses at most the event being written.
`EncryptedJsonlWriter` does the same into an encrypted file, and
`read_event_lines` reads either kind back (for replay and the library).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from belcoach.audio.events import Event
from belcoach.core.errors import AudioFileError
from belcoach.core.private_files import open_private, private_dir
from belcoach.core.recording_key import RecordingKey
from belcoach.core.vault import VaultReader, VaultWriter, is_encrypted


def event_line(event: Event) -> str:
    """Return one event as a compact JSON line (no trailing newline)."""
    return json.dumps(event.to_json(), ensure_ascii=False, separators=(",", ":"))


class JsonlWriter:
    """An event subscriber that appends each event to a file or stream."""

    def __init__(self, target: Path | TextIO) -> None:
        if isinstance(target, Path):
            private_dir(target.parent)
            fd = open_private(target, os.O_WRONLY | os.O_TRUNC)  # 0600 before the first event
            self._stream: TextIO = os.fdopen(fd, "w", encoding="utf-8")
            self._owned = True
        else:
            self._stream = target
            self._owned = False

    def __call__(self, event: Event) -> None:
        """Write one event and flush."""
        self._stream.write(event_line(event) + "\n")
        self._stream.flush()

    def close(self) -> None:
        """Close the file if this writer opened it."""
        if self._owned:
            self._stream.close()


class EncryptedJsonlWriter:
    """Like `JsonlWriter`, into an encrypted file (``recording.encrypt``); one sealed chunk a line.

    A crash loses at most the line being written: every earlier line is in its
    own authenticated chunk (see ``belcoach.core.vault``).

    Args:
        path: the new file, e.g. ``events.jsonl.enc`` (never overwritten).
        key: the recording key (``belcoach.core.recording_key.recording_key()``).
    """

    def __init__(self, path: Path, key: RecordingKey) -> None:
        private_dir(path.parent)
        self._writer = VaultWriter(path, key)

    def __call__(self, event: Event) -> None:
        """Write one event as one sealed chunk."""
        self._writer.append_record((event_line(event) + "\n").encode("utf-8"))

    def close(self) -> None:
        """Mark the file complete."""
        self._writer.close()


def read_event_lines(path: Path, key: RecordingKey | None = None) -> Iterator[dict[str, Any]]:
    """The events of a journal as dicts, plain or encrypted (``key`` given).

    A last line cut off by a crash is skipped; a bad line before it is an error.

    Raises:
        AudioFileError: a line before the last is not JSON.
        VaultError: the encrypted file is damaged or needs another key.
    """
    if key is not None and is_encrypted(path):
        data = VaultReader(path, key).read_all().decode("utf-8", errors="replace")
    else:
        data = path.read_text(encoding="utf-8", errors="replace")
    lines = data.split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):  # the line being written when the app stopped
                return
            raise AudioFileError(f"{path}:{number}: not an event (bad JSON)") from None
        if isinstance(value, dict):
            yield value
