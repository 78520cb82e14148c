"""Writes events as JSON Lines, one object per line, flushed as they come.

Flushing each line means a crash loses at most the event being written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from belcoach.audio.events import Event


def event_line(event: Event) -> str:
    """Return one event as a compact JSON line (no trailing newline)."""
    return json.dumps(event.to_json(), ensure_ascii=False, separators=(",", ":"))


class JsonlWriter:
    """An event subscriber that appends each event to a file or stream."""

    def __init__(self, target: Path | TextIO) -> None:
        if isinstance(target, Path):
            target.parent.mkdir(parents=True, exist_ok=True)
            self._stream: TextIO = target.open("w", encoding="utf-8")
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
