"""Setting ``emotion.voice``: off = the feeling from the customer's words alone, no voice kept.

And in every mode, nothing emotion-related is computed from the agent's channel (the AI Act
forbids reading employees' emotions from biometric data).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.analysis.emotion import EmotionAnalyser, build_emotion_analyser
from belcoach.audio.analysis.emotion import analyser as analyser_module
from belcoach.audio.analysis.emotion.voice import voice_features
from belcoach.audio.engine.blocks import AudioBlock
from belcoach.audio.engine.vad import WINDOW, VadFrames
from belcoach.audio.events import (
    Channel,
    EmotionEstimate,
    Event,
    SpeechRegion,
    Transcript,
    Word,
    emotion_basis,
)
from belcoach.core.settings import load_settings
from belcoach.demo import demo_call_path, demo_truth_path
from belcoach.seeds.emotion_data import VALENCE_CLASS, EmotionBasis, ValenceClass
from belcoach.wiring.call import plan_call
from support.analyzed import run_analyze
from support.emotion_replay import replay
from support.script_words import ScriptedTranscriber, script_events
from support.synth import CallTruth

VOICE_KEYS = {"voice", "model"}
"""Evidence keys that hold something measured from the customer's voice."""

LOCKED_OFF = "[locked.emotion]\nvoice = false\n"

AGENT_WORDS = ("Dit", "is", "echt", "belachelijk,", "ik", "ben", "woedend", "het", "spijt", "me")
"""Angry words and an acknowledgement, said by the agent."""


@pytest.fixture
def policy() -> Path:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def user() -> Path:
    path = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class _Counting:
    """``voice_features`` with a count of its calls and of the audio it was given."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, audio: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(len(audio))
        return voice_features(audio, *args, **kwargs)


class _Model:
    """A stand-in acoustic model that records every call."""

    def __init__(self) -> None:
        self.calls = 0

    def predict(self, audio: np.ndarray) -> Mapping[str, float]:
        self.calls += 1
        return {"angry": 1.0}


def _emotion(analysers: list[Any]) -> EmotionAnalyser:
    (found,) = [a for a in analysers if isinstance(a, EmotionAnalyser)]
    return found


def _check_words_only(events: list[Event]) -> list[EmotionEstimate]:
    estimates = [e for e in events if isinstance(e, EmotionEstimate)]
    assert estimates
    for e in estimates:
        assert not VOICE_KEYS & set(e.evidence), e.evidence.keys()
        assert not VOICE_KEYS & set(e.evidence["sources"]), e.evidence["sources"]
        assert e.basis == EmotionBasis.WORDS
        assert e.arousal == 0.0  # arousal only ever comes from the voice
    assert emotion_basis(events) == EmotionBasis.WORDS
    return estimates


def _check_feeling_follows_words(estimates: list[EmotionEstimate]) -> None:
    """The demo's customer starts upset and ends content: the words alone must show it."""
    classes = [VALENCE_CLASS[e.label] for e in estimates]
    assert ValenceClass.NEGATIVE in classes, classes
    assert classes[-1] == ValenceClass.POSITIVE, classes
    assert any(e.changed for e in estimates)


# -- the setting reaches the analyser as a plain value -------------------------------------


def test_default_is_on_and_the_voice_joins(user: Path, policy: Path) -> None:
    plan = plan_call(load_settings())
    assert plan.analysis.get("emotion", {}).get("use_voice", True) is True
    assert _emotion(default_analysers(plan.language, plan.analysis)).config.use_voice


def test_locked_off_wins_over_the_user_and_the_analysis_table(user: Path, policy: Path) -> None:
    policy.write_text(LOCKED_OFF)
    user.write_text("[emotion]\nvoice = true\n[analysis.emotion]\nuse_voice = true\n")
    settings = load_settings()
    assert settings.values.emotion.voice is False
    assert settings.locked("emotion.voice")
    plan = plan_call(settings)
    assert plan.analysis["emotion"]["use_voice"] is False
    assert not _emotion(default_analysers(plan.language, plan.analysis)).config.use_voice


def test_voice_off_loads_no_acoustic_model(monkeypatch: pytest.MonkeyPatch) -> None:
    looked: list[str] = []

    def find(name: str) -> None:
        looked.append(name)

    monkeypatch.setattr("belcoach.models.emotion_onnx.find_emotion_model", find)
    built = build_emotion_analyser("nl", {"use_voice": False})
    assert built is not None
    assert looked == []
    # and a model handed in anyway is never asked
    model = _Model()
    analyser = EmotionAnalyser("nl", built.config, model=model)
    script = script_events(CallTruth.load(demo_truth_path()))
    _check_words_only(replay(analyser, demo_call_path(), script))
    assert model.calls == 0


# -- the demo call with the voice locked off -------------------------------------------------


def test_demo_script_voice_off_no_voice_feature_computed(
    user: Path, policy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's audio and script through the analyser the locked-off plan builds."""
    policy.write_text(LOCKED_OFF)
    counting = _Counting()
    monkeypatch.setattr(analyser_module, "voice_features", counting)
    plan = plan_call(load_settings())
    analyser = _emotion(default_analysers(plan.language, plan.analysis))
    script = script_events(CallTruth.load(demo_truth_path()))
    events = replay(analyser, demo_call_path(), script)
    assert counting.calls == []
    assert len(analyser._chunks) == 0  # no customer audio was even kept
    _check_feeling_follows_words(_check_words_only(events))


def test_demo_script_voice_on_measures_the_customer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path with the default: the voice is measured (so the test above can fail)."""
    counting = _Counting()
    monkeypatch.setattr(analyser_module, "voice_features", counting)
    analyser = build_emotion_analyser("nl")
    assert analyser is not None
    script = script_events(CallTruth.load(demo_truth_path()))
    events = replay(analyser, demo_call_path(), script)
    assert counting.calls
    estimates = [e for e in events if isinstance(e, EmotionEstimate)]
    assert any("voice" in e.evidence for e in estimates)
    assert emotion_basis(events) == EmotionBasis.VOICE_AND_WORDS


def test_analyze_demo_with_voice_locked_off(
    user: Path, policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``belcoach analyze`` on the demo call (a transcriber that hears the script)."""
    policy.write_text(LOCKED_OFF)
    counting = _Counting()
    monkeypatch.setattr(analyser_module, "voice_features", counting)
    truth = CallTruth.load(demo_truth_path())
    scripted = ScriptedTranscriber(demo_call_path(), truth, language="nl")
    monkeypatch.setattr("belcoach.audio.jobs.run.load_transcriber", lambda *_a, **_k: scripted)
    run = run_analyze(tmp_path / "events.jsonl", str(demo_call_path()))
    assert counting.calls == []
    _check_feeling_follows_words(_check_words_only(run.events))
    assert "an estimate from words," in run.printed


# -- the agent's channel: never, in any mode ------------------------------------------------


def _agent_only_call(analyser: EmotionAnalyser) -> list[Event]:
    """Loud, varied agent speech with agent regions and agent words; a silent customer."""
    rng = np.random.default_rng(7)
    out: list[Event] = []
    seconds = 12.0
    n = int(seconds * 16000) // WINDOW * WINDOW
    t = np.arange(n) / 16000
    agent = (0.4 * np.sin(2 * np.pi * (140 + 60 * np.sin(t)) * t)).astype(np.float32)
    agent += rng.normal(0, 0.02, n).astype(np.float32)
    silent = np.zeros(n, np.float32)
    for i in range(0, n, WINDOW):
        t0 = i / 16000
        frames = {
            Channel.AGENT: VadFrames(t0, np.ones(1, np.float32), agent[i : i + WINDOW]),
            Channel.CUSTOMER: VadFrames(t0, np.zeros(1, np.float32), silent[i : i + WINDOW]),
        }
        out += analyser.on_frames(
            AudioBlock(t0, agent[i : i + WINDOW], silent[i : i + WINDOW]), frames
        )
        if i and i % (16000 * 3) == 0:
            start = t0 - 2.5
            out += analyser.on_event(SpeechRegion(start, Channel.AGENT, end=t0))
            text = AGENT_WORDS
            words = tuple(
                Word(w, start + k * 0.2, start + k * 0.2 + 0.18, 0.95) for k, w in enumerate(text)
            )
            out += analyser.on_event(
                Transcript(start, Channel.AGENT, words=words, final=True, utterance=i)
            )
    return out


@pytest.mark.parametrize("use_voice", [True, False])
def test_nothing_emotion_related_is_computed_from_the_agent(
    use_voice: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = _Counting()
    monkeypatch.setattr(analyser_module, "voice_features", counting)
    model = _Model()
    base = build_emotion_analyser("nl", {"use_voice": use_voice, "onnx_model": ""})
    assert base is not None
    analyser = EmotionAnalyser("nl", base.config, model=model)
    events = _agent_only_call(analyser)
    assert counting.calls == []  # no pitch, loudness or rate of the agent
    assert model.calls == 0  # no acoustic model on the agent
    # the agent's audio is not even kept (what is kept is the silent customer's)
    assert all(not np.any(audio) for _t, audio in analyser._chunks)
    assert bool(analyser._chunks) == use_voice
    assert analyser._regions == []
    # angry words from the agent make no estimate (of anyone)
    assert not [e for e in events if isinstance(e, EmotionEstimate)]


# -- a real-speech call (EmoDB's acted German voices; the words are scripted) ---------------

REAL_TURNS = (
    # (speaker channel, EmoDB emotion, the words said)
    ("customer", "neutral", "Hello, I am calling about my bill."),
    ("agent", "neutral", "Of course, let me look at it."),
    ("customer", "anger", "This is ridiculous, I am really angry about this."),
    ("agent", "anger", "I am sorry, I understand why you are upset."),
    ("customer", "anger", "It is unacceptable, I am furious."),
    ("agent", "happiness", "I have fixed it for you now."),
    ("customer", "happiness", "Great, thank you so much, that is perfect."),
    ("customer", "happiness", "Wonderful, I am very happy with that, thanks."),
)


def _real_speech_call() -> tuple[np.ndarray, list[Event]]:
    """A stereo call from EmoDB clips (customer speaker 03, agent speaker 08) + scripted words."""
    import csv

    import soundfile as sf
    import soxr

    from support.corpora import require_corpus

    root = require_corpus("emodb_de")
    rows = list(csv.DictReader((root / "labels.csv").open(encoding="utf-8")))
    used: set[str] = set()
    tracks: dict[str, list[np.ndarray]] = {"agent": [], "customer": []}
    events: list[Event] = []
    t = 0.5
    pad = np.zeros(8000, np.float32)
    tracks["agent"].append(pad)
    tracks["customer"].append(pad)
    for i, (who, emotion, text) in enumerate(REAL_TURNS):
        speaker = "03" if who == "customer" else "08"
        row = next(
            r
            for r in rows
            if r["speaker"] == speaker and r["emotion"] == emotion and r["file"] not in used
        )
        used.add(row["file"])
        y, sr = sf.read(root / row["file"], dtype="float32")
        y = soxr.resample(y, sr, 16000).astype(np.float32)
        loud = np.flatnonzero(np.abs(y) > 0.01)
        y = y[loud[0] : loud[-1] + 1]
        other = "agent" if who == "customer" else "customer"
        tracks[who].append(y)
        tracks[other].append(np.zeros_like(y))
        end = t + len(y) / 16000
        channel = Channel(who)
        events.append(SpeechRegion(t, channel, end=end))
        said = text.split()
        step = (end - t) / len(said)
        words = tuple(
            Word(w, t + k * step, t + (k + 1) * step - 0.01, 0.95) for k, w in enumerate(said)
        )
        events.append(Transcript(t, channel, words=words, final=True, utterance=i))
        tracks[who].append(pad)
        tracks[other].append(pad)
        t = end + 0.5
    stereo = np.stack([np.concatenate(tracks["agent"]), np.concatenate(tracks["customer"])], 1)
    return stereo, events


@pytest.mark.parametrize("voice", [True, False])
def test_real_speech_call_voice_setting(
    voice: bool, user: Path, policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real voices on both channels: only the customer's is ever measured, and only when on."""
    import soundfile as sf

    stereo, script = _real_speech_call()
    path = tmp_path / "call.wav"
    sf.write(path, stereo, 16000)
    if not voice:
        policy.write_text(LOCKED_OFF)
    counting = _Counting()
    monkeypatch.setattr(analyser_module, "voice_features", counting)
    plan = plan_call(load_settings())
    analyser = _emotion(default_analysers("en", plan.analysis))
    events = replay(analyser, path, script)
    customer_regions = [
        e for e in script if isinstance(e, SpeechRegion) and e.channel is Channel.CUSTOMER
    ]
    estimates = [e for e in events if isinstance(e, EmotionEstimate)]
    classes = [VALENCE_CLASS[e.label] for e in estimates]
    assert ValenceClass.NEGATIVE in classes and classes[-1] == ValenceClass.POSITIVE, classes
    if voice:
        assert len(counting.calls) == len(customer_regions)  # never an agent region
        assert any("voice" in e.evidence for e in estimates)
    else:
        assert counting.calls == []
        _check_words_only(events)
