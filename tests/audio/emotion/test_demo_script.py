"""The demo call's story, read from its script as a perfect transcript would give it.

``scripts/make_demo_call.py`` writes a customer who is negative (boos, gefrustreerd), is
acknowledged by the agent ("Het spijt me, meneer De Vries") and ends content ("Fijn, dank
u wel"). Whisper base misreads the demo's espeak-ng Dutch badly, so this test feeds the
script's own words (``demo/demo_call_nl.json``) with the demo audio for the voice, and
checks the estimate tells that story: aanvoelen → erkennen → leiden, negative → tevreden.
No cue was written for a demo sentence; the words that carry it ("boos", "gefrustreerd",
"uitpraten", "dank u wel") are everyday ones.
"""

from __future__ import annotations

from belcoach.audio.emotion import build_emotion_analyser
from belcoach.audio.events import EmotionEstimate
from belcoach.demo import demo_call_path, demo_truth_path
from belcoach.seeds.emotion_data import NEGATIVE_LABELS
from support.emotion_replay import replay, script_events


def test_the_demo_script_reads_negative_then_acknowledged_then_content() -> None:
    analyser = build_emotion_analyser("nl")
    assert analyser is not None
    events = replay(analyser, demo_call_path(), script_events(demo_truth_path()))
    estimates = [e for e in events if isinstance(e, EmotionEstimate)]
    labels = [e.label for e in estimates]
    steps = [e.step for e in estimates]
    assert steps[0] == "aanvoelen"
    first_negative = next(i for i, label in enumerate(labels) if label in NEGATIVE_LABELS)
    first_erkennen = steps.index("erkennen")
    assert first_erkennen == first_negative
    first_leiden = steps.index("leiden")
    assert first_leiden > first_erkennen
    ack = estimates[first_leiden].evidence["acknowledged"]
    assert "spijt" in ack["said"] and 30.0 <= ack["t"] <= 33.6
    assert labels[-1] == "tevreden" and estimates[-1].valence > 0
    assert min(e.valence for e in estimates) < -0.5
    for e in estimates:
        assert e.hint and {"sources", "words_and_cues", "utterance_probs"} <= set(e.evidence)
