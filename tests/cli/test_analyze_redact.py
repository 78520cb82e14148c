"""``belcoach analyze`` redacts what it writes when the policy (or ``--redact``) says so.

The transcriber is scripted to "hear" personal numbers: this test is about
what reaches the events file and the terminal, not about Whisper.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from belcoach.audio.engine.transcriber import DecodeOptions
from belcoach.audio.events import Word
from belcoach.cli.main import main

SAID = "mijn nummer is 06-12345678 en mijn bsn 111222333 , mail jan@example.nl"


class SaysPersonalNumbers:
    """Every utterance 'contains' a phone number, a BSN and an e-mail address."""

    options = DecodeOptions(language="nl")

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        span = len(audio) / 16000
        parts = SAID.split()
        step = span / (len(parts) + 1)
        return [Word(w, i * step, (i + 1) * step, 0.9) for i, w in enumerate(parts)]


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "belcoach.audio.jobs.run.load_transcriber", lambda *_a, **_k: SaysPersonalNumbers()
    )


def _policy(redact: bool) -> None:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"schema_version = 1\n[locked.privacy]\nredact = {str(redact).lower()}\n")


def _transcript_text(events: Path) -> str:
    lines = [json.loads(x) for x in events.read_text(encoding="utf-8").splitlines()]
    return " ".join(w["text"] for e in lines if e["type"] == "transcript" for w in e["words"])


def test_the_policy_makes_analyze_redact_events_and_the_printed_transcript(
    scripted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _policy(True)
    events = tmp_path / "events.jsonl"
    assert main(["analyze", "--demo", "--quiet", "--events", str(events)]) == 0
    written = _transcript_text(events)
    printed = capsys.readouterr().out
    for text in (written, printed):
        assert "[PHONE]" in text and "[BSN]" in text and "[EMAIL]" in text
        assert not re.search(r"\d{4}", re.sub(r"\[\d\d:\d\d\.\d\]", "", text))
        assert "jan@example.nl" not in text


def test_without_the_setting_the_flag_redacts_and_otherwise_words_stay(
    scripted, tmp_path: Path
) -> None:
    _policy(False)
    plain, redacted = tmp_path / "plain.jsonl", tmp_path / "redacted.jsonl"
    assert main(["analyze", "--demo", "--quiet", "--events", str(plain)]) == 0
    assert main(["analyze", "--demo", "--quiet", "--redact", "--events", str(redacted)]) == 0
    assert "06-12345678" in _transcript_text(plain)
    assert "06-12345678" not in _transcript_text(redacted)
