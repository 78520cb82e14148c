"""``belcoach analyze`` end to end with real Whisper: speech events and the readable summary.

Whisper's words only feed the words-based rate here, and how many words base hears in
espeak's English changes a little with the CPU's kernels (MEASURED.md), so that rate
is checked for being a sensible figure next to the acoustic one, not for agreeing
with it closely; the acoustic figures need no words.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from belcoach.cli.main import main
from support.analytics import make_call
from support.synth import Turn


@pytest.mark.slow
@pytest.mark.whisper
def test_analyze_prints_the_speech_summary_and_writes_the_events(
    tmp_path: Path, base_model: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = make_call(
        tmp_path,
        [
            Turn("agent", "Good afternoon, you are speaking with Sarah.", start=0.3),
            Turn("agent", "How can I help you today?", gap=0.5),
            Turn(
                "customer", "My bill is much too high this month and I want to know why.", gap=0.4
            ),
            Turn("agent", "I am sorry to hear that. I will look into it right now.", gap=-1.2),
            Turn("customer", "Thank you.", gap=0.6),
        ],
        language="en",
    )
    out = tmp_path / "events.jsonl"
    code = main(["analyze", str(path), "--language", "en", "--quiet", "--events", str(out)])
    printed = capsys.readouterr().out

    assert code == 0
    assert "Speech (agent)" in printed
    assert "tempo:" in printed and "over-talk: agent over customer 1x" in printed
    assert "talk ratio: agent" in printed
    events = [json.loads(line) for line in out.read_text().splitlines()]
    types = {e["type"] for e in events}
    assert {"speech_rate", "pause", "overtalk", "conversation_stats"} <= types
    rates = [e for e in events if e["type"] == "speech_rate"]
    with_words = [e for e in rates if e["words_rate"] is not None]
    assert with_words, "committed words never reached the rate"
    for e in with_words:
        # Any sensible transcript gives a rate of the same order as the syllable nuclei
        # (a dropped or merged word moves it a little, a broken pipeline by far more).
        assert 0.5 <= e["words_rate"] / e["acoustic_rate"] <= 2.0, e
        assert e["words_per_min"] > 0
