"""Synthetic calls: turns land on the right channel at the times the truth states.

Every timing analyser is tested against these files, so the truth must be
exact: speech inside each turn window, digital silence outside it.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import soundfile as sf

from belcoach.core.errors import ConfigError
from belcoach.demo import demo_call_path, demo_truth_path
from support.synth import (
    CHANNELS,
    SAMPLE_RATE,
    CallTruth,
    EspeakMissingError,
    Turn,
    synthesize_call,
)

REPO = Path(__file__).resolve().parents[2]

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed: apt-get install espeak-ng",
)

SCRIPT = (
    Turn("agent", "Goedemiddag, u spreekt met Sanne.", gap=0.3, rate_wpm=160),
    Turn("customer", "Ja, ik bel over mijn rekening.", gap=0.5),
    Turn("agent", "Wacht even.", gap=-0.8, tags=("overtalk",)),
    Turn("customer", "Dank u.", start=7.0, rate_wpm=200),
)
OVERLAP = 0.8
CallFixture = tuple[np.ndarray, int, CallTruth, Path]
MARGIN = round(0.005 * SAMPLE_RATE)


def _load_script_module() -> ModuleType:
    """Import scripts/make_demo_call.py, which is a script, not a package module."""
    spec = importlib.util.spec_from_file_location(
        "make_demo_call", REPO / "scripts/make_demo_call.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def call(tmp_path_factory: pytest.TempPathFactory) -> CallFixture:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed: apt-get install espeak-ng")
    out = tmp_path_factory.mktemp("synth")
    truth = synthesize_call(SCRIPT, out_audio=out / "call.flac", out_truth=out / "call.json")
    audio, rate = sf.read(out / "call.flac", dtype="float32", always_2d=True)
    return audio, rate, truth, out


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


@needs_espeak
def test_file_is_stereo_16k_with_the_truth_duration(call: CallFixture) -> None:
    audio, rate, truth, _ = call
    assert rate == SAMPLE_RATE
    assert audio.shape[1] == 2
    assert audio.shape[0] / rate == pytest.approx(truth.duration, abs=1 / rate)
    assert truth.source.startswith("espeak-ng ")


@needs_espeak
def test_turns_sit_on_their_channel_inside_their_windows(call: CallFixture) -> None:
    audio, rate, truth, _ = call
    for index, name in enumerate(CHANNELS):
        mine = [t for t in truth.turns if t.channel == name]
        assert mine
        outside = np.ones(len(audio), dtype=bool)
        for turn in mine:
            start, end = round(turn.start * rate), round(turn.end * rate)
            window = audio[start:end, index]
            assert _rms(window) > 0.02, (name, turn.text)
            # Trimmed exactly: speech begins and ends at the stated times.
            assert np.abs(window[:MARGIN]).max() > 0.003
            assert np.abs(window[-MARGIN:]).max() > 0.003
            outside[start:end] = False
        assert _rms(audio[outside, index]) < 1e-4, name


@needs_espeak
def test_gaps_explicit_starts_and_overlap_follow_the_script(call: CallFixture) -> None:
    _, _, truth, _ = call
    first, second, third, fourth = truth.turns
    assert first.start == pytest.approx(0.3, abs=1e-4)
    assert second.start - first.end == pytest.approx(0.5, abs=1e-4)
    assert second.end - third.start == pytest.approx(OVERLAP, abs=1e-4)
    assert third.start < second.end
    assert third.tags == ("overtalk",)
    assert fourth.start == pytest.approx(7.0, abs=1e-4)


@needs_espeak
def test_truth_json_round_trips(call: CallFixture) -> None:
    _, _, truth, out = call
    assert CallTruth.load(out / "call.json") == truth


@needs_espeak
def test_same_script_gives_the_same_bytes(tmp_path: Path) -> None:
    short = SCRIPT[:2]
    synthesize_call(short, out_audio=tmp_path / "a.wav")
    synthesize_call(short, out_audio=tmp_path / "b.wav")
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()


@needs_espeak
def test_script_mistakes_are_config_errors(tmp_path: Path) -> None:
    same_channel = (Turn("agent", "Hallo."), Turn("agent", "Nog een keer.", gap=-0.5))
    with pytest.raises(ConfigError, match="overlaps turn 0 on the agent channel"):
        synthesize_call(same_channel, out_audio=tmp_path / "x.wav")
    with pytest.raises(ConfigError, match="variant 'nope'"):
        synthesize_call([Turn("agent", "Hallo.", voice="nl+nope")], out_audio=tmp_path / "x.wav")
    with pytest.raises(ConfigError, match=r"\.flac or \.wav"):
        synthesize_call([Turn("agent", "Hallo.")], out_audio=tmp_path / "x.mp3")


def test_missing_espeak_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EspeakMissingError, match="apt-get install espeak-ng"):
        synthesize_call([Turn("agent", "Hallo.")], out_audio=tmp_path / "x.flac")


def test_demo_files_are_committed_small_and_tagged() -> None:
    assert demo_call_path().is_file()
    assert demo_call_path().stat().st_size < 1_500_000
    truth = CallTruth.load(demo_truth_path())
    info = sf.info(str(demo_call_path()))
    assert (info.samplerate, info.channels) == (SAMPLE_RATE, 2)
    assert info.duration == pytest.approx(truth.duration, abs=0.01)
    assert 60 <= truth.duration <= 90
    tags = {tag for turn in truth.turns for tag in turn.tags}
    for wanted in (
        "overtalk",
        "fast",
        "summary",
        "promise",
        "name",
        "phrase:welkom-bij",
        "phrase:ik-weet-het-niet",
        "alternative:ik-weet-het-niet",
        "phrase:fijne-dag-verder",
        "emotion:boos",
        "emotion:gefrustreerd",
    ):
        assert wanted in tags
    index = next(i for i, t in enumerate(truth.turns) if "overtalk" in t.tags)
    interrupted = truth.turns[index - 1]
    assert interrupted.channel == "customer"
    assert 1.0 <= interrupted.end - truth.turns[index].start <= 1.5


@needs_espeak
def test_demo_files_match_the_script(tmp_path: Path) -> None:
    script = _load_script_module()
    fresh = script.make_demo_call(tmp_path)
    committed = CallTruth.load(demo_truth_path())
    assert fresh.duration == pytest.approx(committed.duration, abs=0.5)
    assert [(t.channel, t.text, t.tags) for t in fresh.turns] == [
        (t.channel, t.text, t.tags) for t in committed.turns
    ]
    for new, old in zip(fresh.turns, committed.turns, strict=True):
        assert new.start == pytest.approx(old.start, abs=0.5)
