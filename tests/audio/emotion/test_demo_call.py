"""End to end on the demo call: negative → positive, aanvoelen → erkennen → leiden.

The demo's customer is espeak-ng Dutch, which Whisper base misreads badly (MEASURED.md:
58-81 % WER). What it actually transcribed (``data/demo_whisper_base.jsonl``, recorded
from ``belcoach analyze --demo --events``) is what the fast test replays; the slow test
runs the real engine with real Whisper. The estimate must still get there: unsure-word
weighting, near-miss cues ("uitratten" for "uitpraten") and smoothing carry it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from belcoach.audio.default_analysers import default_analysers
from belcoach.audio.emotion import build_emotion_analyser
from belcoach.audio.events import EmotionEstimate, Event
from belcoach.cli.summary import format_summary
from belcoach.demo import demo_call_path
from belcoach.seeds.emotion_data import NEGATIVE_LABELS
from support.emotion_replay import load_events, replay

RECORDED = Path(__file__).parent / "data" / "demo_whisper_base.jsonl"


def check_demo_path(events: list[Event]) -> None:
    estimates = [e for e in events if isinstance(e, EmotionEstimate)]
    assert estimates, "no emotion estimates"
    labels = [e.label for e in estimates]
    negative_at = next(i for i, label in enumerate(labels) if label in NEGATIVE_LABELS)
    assert labels[-1] == "tevreden", labels
    assert estimates[-1].valence > 0 > min(e.valence for e in estimates[negative_at:])
    # the steps, in the order they were published
    steps = [e.step for e in estimates]
    first_erkennen = steps.index("erkennen")
    assert "aanvoelen" in steps[:first_erkennen]
    first_leiden = steps.index("leiden")
    assert first_leiden > first_erkennen
    ack = estimates[first_leiden].evidence.get("acknowledged")
    assert ack is not None and "spijt" in ack["said"], estimates[first_leiden].evidence
    assert 30.0 <= ack["t"] <= 33.6  # "Het spijt me, meneer De Vries" at 30.2-33.5 s
    for e in estimates:
        assert {"sources", "words_and_cues", "utterance_probs"} <= set(e.evidence)
        assert e.hint


def test_demo_recorded_transcripts() -> None:
    analyser = build_emotion_analyser("nl")
    assert analyser is not None
    events = replay(analyser, demo_call_path(), load_events(RECORDED))
    check_demo_path(events)
    voiced = [e for e in events if isinstance(e, EmotionEstimate) and "voice" in e.evidence]
    assert voiced and {"pitch_st", "loudness_db", "rate", "arousal"} <= set(
        voiced[0].evidence["voice"]
    )
    summary = format_summary(events)
    assert "estimate" in summary and "acknowledged by the agent" in summary


@pytest.mark.slow
def test_demo_end_to_end_with_whisper(base_model) -> None:
    from belcoach.audio.pipeline import run_call
    from belcoach.audio.sources import open_call
    from belcoach.audio.transcriber import DecodeOptions, WhisperTranscriber

    events: list[Event] = []
    run_call(
        open_call(demo_call_path()),
        WhisperTranscriber(base_model, DecodeOptions(language="nl")),
        model_name="base",
        paced=False,
        subscribers=[events.append],
        analysers=default_analysers("nl"),
    )
    check_demo_path(events)
