"""The speech analytics inside the engine: mono calls, replay = realtime, settings, summary."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.analysis.speech.analyser import SpeechAnalytics
from belcoach.audio.analysis.speech.config import speech_config
from belcoach.audio.engine.vad import WINDOW_SECONDS
from belcoach.audio.events import ConversationStats, DeadAir, Event, OverTalk, Pause, SpeechRate
from belcoach.audio.status import EngineStatus
from belcoach.cli.summary import format_summary
from belcoach.core.errors import ConfigError
from belcoach.seeds.speech_norms import load_speech_norms
from support.analytics import make_call, of_type, run_engine
from support.synth import Turn


def _short_call(tmp_path: Path) -> Path:
    path, _ = make_call(
        tmp_path,
        [
            Turn("agent", "Goedemiddag, u spreekt met Sanne", start=0.3),
            Turn("agent", "Waarmee kan ik u helpen", gap=0.5),
            Turn("customer", "Mijn rekening is veel te hoog deze maand", gap=0.4),
            Turn("agent", "Dat spijt me, ik kijk het na", gap=-0.9),
        ],
    )
    return path


def test_mono_call_gives_rate_and_pauses_and_says_over_talk_needs_two(tmp_path: Path) -> None:
    stereo = _short_call(tmp_path)
    audio, rate = sf.read(stereo, dtype="float32")
    mono = tmp_path / "mono.wav"
    sf.write(mono, audio.sum(axis=1), rate)  # both voices on one channel
    events = run_engine(mono)

    statuses = [e for e in of_type(events, EngineStatus) if e.code == "mono_call"]
    assert len(statuses) == 1
    assert "over-talk" in statuses[0].message and "two channels" in statuses[0].message
    assert of_type(events, SpeechRate)
    assert of_type(events, Pause)
    assert of_type(events, OverTalk) == [] and of_type(events, DeadAir) == []
    final = [s for s in of_type(events, ConversationStats) if s.final][-1]
    assert final.talk_ratio is None and final.customer_talk_s == 0.0
    summary = format_summary(events)
    assert "mono call" in summary and "need two channels" in summary


def _analytics(events: list[Event]) -> list[Event]:
    """The events that must not depend on pacing (periodic stats carry word counts)."""
    kinds = (SpeechRate, Pause, OverTalk, DeadAir)
    out = [e for e in events if isinstance(e, kinds)]
    out += [e for e in of_type(events, ConversationStats) if e.final]
    return out


def test_replay_and_realtime_give_the_same_events(tmp_path: Path) -> None:
    """Paced like a live call (wall clock) or as fast as possible: the same audio-clock events."""
    path = _short_call(tmp_path)
    fast = _analytics(run_engine(path))
    live = _analytics(run_engine(path, realtime=True))

    assert [e.type for e in fast] == [e.type for e in live]
    assert of_type(fast, OverTalk) and of_type(fast, Pause) and of_type(fast, SpeechRate)
    for a, b in zip(fast, live, strict=True):
        assert abs(a.t - b.t) <= WINDOW_SECONDS
        ja, jb = a.to_json(), b.to_json()
        for key, value in ja.items():
            if isinstance(value, float):
                assert abs(value - jb[key]) <= WINDOW_SECONDS, (a.type, key)
            else:
                assert value == jb[key], (a.type, key)


def test_settings_override_the_seeded_thresholds() -> None:
    cfg = speech_config(
        "nl",
        {"overtalk": {"min_overlap": 1}, "rate": {"norm": "nl-BE"}, "dead_air": {"min_silence": 8}},
    )
    assert cfg.overtalk.min_overlap == 1.0
    assert cfg.articulation_norm == pytest.approx(4.23)
    assert cfg.dead_air.min_silence == 8.0
    assert speech_config("sv").norm_key == "sv"
    assert speech_config("de").norm_key == "default"
    assert speech_config("en", {"rate": {"articulation_norm": 4.8}}).articulation_norm == 4.8
    analysers = default_analysers("nl", {"speech": {"pauses": {"sentence_pause": 0.25}}})
    speech = [a for a in analysers if isinstance(a, SpeechAnalytics)]
    assert len(speech) == 1 and speech[0].config.pauses.sentence_pause == 0.25


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"overtalk": {"min_overlapp": 1.0}}, "unknown setting 'speech.overtalk.min_overlapp'"),
        ({"rate": {"tolerance": "ten"}}, "speech.rate.tolerance"),
        ({"rate": {"norm": "xx"}}, "known norms"),
        ({"pauses": {"min_pause": 0}}, "speech.pauses.min_pause"),
        ({"articulation_norm": 5.0}, "cannot be set"),
    ],
)
def test_bad_settings_are_config_errors(settings: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        speech_config("nl", settings)


def test_seeded_norms_cite_their_sources() -> None:
    norms = load_speech_norms()
    nl = norms.norm_for("nl")
    assert (nl.articulation_rate, nl.speaking_rate) == (5.05, 4.23)
    assert "Verhoeven" in nl.cite
    assert norms.norm_for("nl-BE").articulation_rate == 4.23
    assert norms.norm_for("sv").provisional and norms.norm_for("en").provisional
    assert all(n.cite for n in norms.norms.values())
    assert norms.overtalk["min_overlap"] == 0.7 and norms.dead_air["min_silence"] == 5.0


def test_a_broken_norms_file_names_the_problem() -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_speech_norms("[norms.nl\n")
    with pytest.raises(ConfigError, match=r"norms\.nl\.articulation_rate"):
        load_speech_norms(
            '[norms.nl]\narticulation_rate = "fast"\n[norms.default]\n'
            "[rate]\n[pauses]\n[overtalk]\n[dead_air]\n[conversation]\n"
        )
