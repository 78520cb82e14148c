"""Phrase rules end to end: generated Dutch speech → Whisper base → ``belcoach analyze``.

Whisper base misreads much of espeak-ng's robotic Dutch (MEASURED.md), so the
generated call uses phrases and a voice it was measured to transcribe: with
``nl+m1`` at 150 wpm base hears "Ik heb u geen tijd voor u." (one word
inserted, which the matcher tolerates) and "Schiet op, ik heb niet de keren
gehad." The demo call (voice ``nl+f3``) is transcribed far worse; its test
records how many of its tagged phrases survive, honestly.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from belcoach.audio.events import Channel, PhraseHit, Transcript, Word
from belcoach.audio.phrase_analyser import PhraseAnalyser
from belcoach.audio.synth import CallTruth, Turn, espeak_binary, synthesize_call
from belcoach.cli.main import main
from belcoach.demo import demo_call_path, demo_truth_path
from belcoach.seeds.loader import load_rules

SLACK = 0.35
"""Seconds Whisper's word times may stray outside the spoken turn."""

VOICE = "nl+m1"
RATE = 150


@pytest.fixture(scope="module")
def call(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CallTruth]:
    try:
        espeak_binary()
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"espeak-ng missing: {exc}")
    path = tmp_path_factory.mktemp("phrases") / "rude_agent.flac"
    turns = [
        Turn("customer", "Goedemorgen, met Peter de Vries.", start=0.5),
        Turn(
            "agent",
            "Ik heb nu geen tijd voor u.",
            voice=VOICE,
            rate_wpm=RATE,
            gap=0.8,
            tags=("phrase:niet-gestoord",),
        ),
        Turn("customer", "Maar ik heb een vraag over mijn rekening.", gap=0.8),
        Turn(
            "agent",
            "Schiet op, ik heb niet de hele dag.",
            voice=VOICE,
            rate_wpm=RATE,
            gap=0.8,
            tags=("phrase:schiet-op",),
        ),
        Turn("customer", "Nou zeg, dat is niet vriendelijk.", gap=0.8),
    ]
    truth = synthesize_call(turns, language="nl", out_audio=path)
    return path, truth


def _events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _analyze(tmp_path: Path, *argv: str) -> tuple[list[dict], str]:
    out = tmp_path / "events.jsonl"
    code = main(["analyze", *argv, "--events", str(out), "--quiet"])
    assert code == 0
    return _events(out), out.read_text(encoding="utf-8")


def _gate_off() -> None:
    """Lay the card gate off in the user settings, for espeak speech only.

    Whisper is unsure of espeak's robotic Dutch ("Ik heb u geen tijd": "geen"
    at probability 0.09 here), so the gate rightly holds these cards back.
    These tests are about the plumbing from audio to cards; the gate is
    tested in test_phrase_gate.py and measured on real speech in
    benchmarks/real_cards.py.
    """
    settings = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("[analysis.rules]\nmin_word_probability = 0.0\n", encoding="utf-8")


def test_generated_call_flags_both_phrases_with_advice_and_times(
    call: tuple[Path, CallTruth], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, truth = call
    _gate_off()
    events, _ = _analyze(tmp_path, str(path))
    summary = capsys.readouterr().out
    book = load_rules("nl")
    phrases = [e for e in events if e["type"] == "phrase"]
    finals = {
        (e["channel"], e["utterance"]): e
        for e in events
        if e["type"] == "transcript" and e["final"]
    }
    heard = " | ".join(
        e["channel"] + ": " + " ".join(w["text"] for w in e["words"]) for e in finals.values()
    )
    for turn in truth.turns:
        if not turn.tags:
            continue
        rule_id = "nl." + turn.tags[0].split(":", 1)[1]
        hits = [p for p in phrases if p["rule_id"] == rule_id]
        assert len(hits) == 1, f"{rule_id} not flagged; Whisper heard: {heard}"
        hit = hits[0]
        rule = book.get(rule_id)
        assert rule is not None
        assert hit["suggestions"] == list(rule.suggestions)
        assert hit["source"] == rule.source and hit["polarity"] == "avoid"
        assert turn.start - SLACK <= hit["t"] < hit["end"] <= turn.end + SLACK
        words = finals[("agent", hit["utterance"])]["words"]
        assert words[0]["start"] <= hit["t"] and hit["end"] <= words[-1]["end"]
        assert [w["text"] for w in hit["words"]] == [
            w["text"] for w in words if hit["t"] <= w["start"] and w["end"] <= hit["end"]
        ]
    extra = [
        p["rule_id"]
        for p in phrases
        if p["polarity"] == "avoid" and p["rule_id"] not in ("nl.niet-gestoord", "nl.schiet-op")
    ]
    assert not extra, f"unexpected phrase hits {extra}; Whisper heard: {heard}"
    assert "Coaching phrases: 2 to avoid" in summary


def _script_transcripts(truth: CallTruth) -> list[Transcript]:
    """The demo script as if transcribed perfectly: each turn one utterance, even word times."""
    out = []
    for index, turn in enumerate(truth.turns):
        texts = turn.text.split()
        step = (turn.end - turn.start) / len(texts)
        words = tuple(
            Word(w, turn.start + i * step, turn.start + (i + 1) * step - 0.02, 1.0)
            for i, w in enumerate(texts)
        )
        out.append(
            Transcript(turn.start, Channel(turn.channel), words=words, final=True, utterance=index)
        )
    return sorted(out, key=lambda e: e.t)


def test_demo_script_text_finds_every_tagged_phrase() -> None:
    """Without transcription errors every ``phrase:`` tag of the demo is found, in its turn."""
    truth = CallTruth.load(demo_truth_path())
    analyser = PhraseAnalyser("nl")
    hits: list[PhraseHit] = []
    for event in _script_transcripts(truth):
        hits += [e for e in analyser.on_event(event) if isinstance(e, PhraseHit)]
    hits += [e for e in analyser.finish(truth.duration) if isinstance(e, PhraseHit)]
    tagged = {
        "nl." + tag.split(":", 1)[1]: turn
        for turn in truth.turns
        for tag in turn.tags
        if tag.startswith("phrase:")
    }
    assert len(tagged) == 5
    for rule_id, turn in tagged.items():
        found = [h for h in hits if h.rule_id == rule_id]
        assert found, rule_id
        assert turn.start <= found[0].t and found[0].end <= turn.end
    found_ids = {h.rule_id for h in hits}
    # the good signals the script was written with
    assert {"nl.naam-klant", "nl.samenvatting", "nl.belofte-terugbellen"} <= found_ids
    avoid = {h.rule_id for h in hits if h.polarity == "avoid"}
    assert avoid == set(tagged), avoid


@pytest.mark.slow
def test_demo_call_through_whisper(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """How many of the demo's tagged phrases survive Whisper base on espeak (measured: 1/5)."""
    truth = CallTruth.load(demo_truth_path())
    _gate_off()
    events, _ = _analyze(tmp_path, str(demo_call_path()))
    capsys.readouterr()
    phrases = [e for e in events if e["type"] == "phrase"]
    tagged = [
        ("nl." + tag.split(":", 1)[1], turn)
        for turn in truth.turns
        for tag in turn.tags
        if tag.startswith("phrase:")
    ]
    found = [
        rule_id
        for rule_id, turn in tagged
        if any(
            p["rule_id"] == rule_id and turn.start - SLACK <= p["t"] <= turn.end + SLACK
            for p in phrases
        )
    ]
    print(f"demo call: {len(found)}/{len(tagged)} tagged phrases found on Whisper's words: {found}")
    assert "nl.welkom-bij" in found
