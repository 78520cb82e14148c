"""``belcoach live`` under a policy that forces redaction writes no personal number.

A live call on this module's PulseAudio null sinks: the agent's side says a
phone number and an IBAN (espeak-ng), captured from ``agent.monitor`` by the
real live source. Two runs:

- with a transcriber scripted to hear the numbers (this test is about what
  reaches ``--events`` and the terminal, not about Whisper), which proves the
  numbers would be written without the policy and are not with it;
- with real Whisper base, which must not leak any piece of them either.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from belcoach.audio.engine.transcriber import DecodeOptions
from belcoach.audio.events import Word
from belcoach.cli.main import main
from support.pulse import PulseServer
from support.synth import espeak_binary

SAID = "mijn nummer is 06-12345678 en mijn IBAN is NL91ABNA0417164300"
LEAKS = ("12345678", "0417", "1643", "NL91")


class HearsTheNumbers:
    """Every utterance 'contains' the phone number and the IBAN."""

    options = DecodeOptions(language="nl")

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        parts = SAID.split()
        step = len(audio) / 16000 / (len(parts) + 1)
        return [Word(w, i * step, (i + 1) * step, 0.9) for i, w in enumerate(parts)]


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    espeak = espeak_binary()
    out = tmp_path_factory.mktemp("said") / "numbers.wav"
    text = "Mijn nummer is nul zes, twaalf, vierendertig, zesenvijftig, achtenzeventig. " * 2
    subprocess.run([espeak, "-v", "nl", "-w", str(out), text], check=True)
    return out


def _force_redaction(on: bool) -> None:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"[locked.privacy]\nredact = {str(on).lower()}\n", encoding="utf-8")


def _live_call(pulse: PulseServer, speech: Path, events: Path) -> str:
    """Run ``belcoach live`` for a few seconds while the agent's side speaks."""
    timer = threading.Timer(1.0, lambda: pulse.play("agent", speech))
    timer.start()
    try:
        code = main(
            [
                "live", "--agent-device", "agent.monitor", "--customer-device", "customer.monitor",
                "--duration", "14", "--events", str(events),
            ]
        )  # fmt: skip
    finally:
        timer.cancel()
    assert code == 0
    return events.read_text(encoding="utf-8")


def _transcripts(written: str) -> str:
    lines = [json.loads(line) for line in written.splitlines()]
    return " ".join(
        w["text"] for e in lines if e["type"] == "transcript" for w in e.get("words", [])
    )


@pytest.mark.slow
def test_forced_redaction_holds_in_live_events_and_terminal(
    pulse: PulseServer,
    speech: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(
        "belcoach.audio.jobs.run.load_transcriber", lambda *_a, **_k: HearsTheNumbers()
    )
    _force_redaction(False)
    plain = _live_call(pulse, speech, tmp_path / "plain.jsonl")
    assert "12345678" in _transcripts(plain)  # the call said it, and it would be written
    capsys.readouterr()

    _force_redaction(True)
    written = _live_call(pulse, speech, tmp_path / "redacted.jsonl")
    out = capsys.readouterr().out
    assert _transcripts(written), "the redacted call still has its transcripts"
    for leak in LEAKS:
        assert leak not in written, leak
        assert leak not in out, leak


@pytest.mark.slow
@pytest.mark.whisper
def test_forced_redaction_with_whisper_leaks_no_piece_of_the_numbers(
    pulse: PulseServer, speech: Path, tmp_path: Path, base_model, capsys
) -> None:
    _force_redaction(True)
    written = _live_call(pulse, speech, tmp_path / "events.jsonl")
    assert '"type": "call_ended"' in written or '"type":"call_ended"' in written
    for leak in ("12345678", "12 34 56 78", "34 56 78"):
        assert leak not in written, leak
