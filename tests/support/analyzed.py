"""Run ``belcoach analyze`` in-process and keep what it wrote: the events file and the summary.

Shared by the end-to-end tests that check what reaches ``analyze``'s output, and by
the session fixture ``demo_through_whisper`` (tests/conftest.py) that runs the demo
call through real Whisper once for every test that only reads its events.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from belcoach.audio.calls.eventlog import read_events
from belcoach.audio.events import Event, PhraseHit, Transcript
from belcoach.cli.main import main


@dataclass(frozen=True)
class Analyzed:
    """One ``analyze`` run.

    Attributes:
        path: the ``--events`` file.
        events: its events, typed, in file (publication) order.
        printed: what ``analyze`` printed on stdout (the summary; ``--quiet`` drops the rest).
    """

    path: Path
    events: list[Event]
    printed: str

    @property
    def finals(self) -> list[Transcript]:
        """Committed transcripts, in publication order."""
        return [e for e in self.events if isinstance(e, Transcript) and e.final]

    @property
    def hits(self) -> list[PhraseHit]:
        """Phrase hits, in publication order."""
        return [e for e in self.events if isinstance(e, PhraseHit)]


def run_analyze(events_path: Path, *argv: str) -> Analyzed:
    """``belcoach analyze ARGV --events EVENTS_PATH --quiet``; fails unless it exits 0."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["analyze", *argv, "--events", str(events_path), "--quiet"])
    assert code == 0, f"analyze exited {code}: {printed.getvalue()[-2000:]}"
    log = read_events(events_path)
    assert log.skipped == 0 and not log.torn_tail
    return Analyzed(events_path, list(log.events), printed.getvalue())
