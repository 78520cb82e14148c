"""Phrase rules end to end: generated Dutch speech → the engine → ``belcoach analyze``.

Which words Whisper base hears in espeak-ng's robotic Dutch depends on the CPU's
kernels (CTranslate2 picks MKL or its own int8 GEMM per CPU vendor and instruction set,
MEASURED.md): a test that needed base to hear "ik heb nu geen tijd voor u" passed on
AMD and failed on an Intel Xeon. So no test here needs Whisper to hear a phrase:

- the real analyse path (VAD, segmenter, ASR worker, analysers, events file, summary)
  with a transcriber that hears the script proves that the cards reach ``analyze``'s
  output with their advice and times;
- the same call and the demo through real Whisper prove that, whatever base heard,
  the cards in the events file are exactly what the rules find in the words next to
  them, with the rule's advice, inside those words and the agent's turns, and that the
  printed summary lists them;
- the demo's script as a perfect transcript finds every phrase it was written with.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser
from belcoach.audio.calls.eventlog import read_events
from belcoach.audio.events import CallEnded, PhraseHit
from belcoach.audio.jsonl import event_line
from belcoach.cli.phrase_summary import phrase_section
from belcoach.demo import demo_call_path, demo_truth_path
from belcoach.seeds.loader import load_rules
from support.analyzed import Analyzed, run_analyze
from support.script_words import ScriptedTranscriber, script_transcripts
from support.synth import CallTruth, Turn, espeak_binary, synthesize_call

SLACK = 0.5
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


def check_card(hit: PhraseHit, run: Analyzed, truth: CallTruth) -> None:
    """A card carries its rule's advice and sits on the agent's words that triggered it."""
    rule = load_rules("nl").get(hit.rule_id)
    assert rule is not None, hit.rule_id
    # the rule's advice, its names filled in for this call (seeds/placeholders.py)
    assert len(hit.suggestions) == len(rule.suggestions) and hit.why == rule.why
    assert not any("{" in s or "[{" in s for s in hit.suggestions), hit.suggestions
    assert hit.source == rule.source and hit.polarity == rule.polarity
    assert hit.channel == "agent" and hit.t <= hit.end
    (words,) = [
        e.words
        for e in run.finals
        if e.channel == hit.channel == "agent" and e.utterance == hit.utterance
    ]
    assert words[0].start <= hit.t and hit.end <= words[-1].end
    assert [w.text for w in hit.words] == [
        w.text for w in words if hit.t <= w.start and w.end <= hit.end
    ]
    assert any(
        turn.channel == "agent" and turn.start - SLACK <= hit.t and hit.end <= turn.end + SLACK
        for turn in truth.turns
    ), f"{hit.rule_id} at {hit.t:.2f}-{hit.end:.2f} s is in none of the agent's turns"


def check_cards_follow_the_words(run: Analyzed, truth: CallTruth) -> None:
    """The cards in the events file are exactly what the rules find in the file's words.

    A fresh ``PhraseAnalyser`` is fed the committed transcripts in file (publication)
    order, as the engine fed its own; its hits must be the file's, to the journal's
    1 ms. Holds for any transcript, so it does not care what Whisper heard.
    """
    analyser = PhraseAnalyser("nl")
    expected: list[PhraseHit] = []
    for event in run.finals:
        expected += [e for e in analyser.on_event(event) if isinstance(e, PhraseHit)]
    end = next(e.t for e in run.events if isinstance(e, CallEnded))
    expected += [e for e in analyser.finish(end) if isinstance(e, PhraseHit)]
    assert sorted(map(event_line, run.hits)) == sorted(map(event_line, expected))
    for hit in run.hits:
        if hit.rule_id in {r.id for r in analyser.book.rules if r.kind != "summary_check"}:
            check_card(hit, run, truth)
    for line in phrase_section(run.events):
        assert line in run.printed, line
    if not run.hits:
        assert "Coaching phrases" not in run.printed


def _heard(run: Analyzed) -> str:
    return " | ".join(f"{e.channel}: {e.text}" for e in run.finals)


def test_analyze_puts_both_cards_with_advice_and_times_in_its_output(
    call: tuple[Path, CallTruth], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everything but Whisper is real: the transcriber hears the script."""
    path, truth = call
    scripted = ScriptedTranscriber(path, truth, language="nl")
    monkeypatch.setattr("belcoach.audio.jobs.run.load_transcriber", lambda *_a, **_k: scripted)
    run = run_analyze(tmp_path / "events.jsonl", str(path))
    assert scripted.calls >= len(truth.turns)
    heard = _heard(run)
    assert [e.text for e in sorted(run.finals, key=lambda e: e.t)] == [
        t.text for t in truth.turns
    ], heard
    for turn in truth.turns:
        if not turn.tags:
            continue
        rule_id = "nl." + turn.tags[0].split(":", 1)[1]
        hits = [h for h in run.hits if h.rule_id == rule_id]
        assert len(hits) == 1, f"{rule_id} not flagged; the words were: {heard}"
        (hit,) = hits
        assert turn.start - 0.01 <= hit.t < hit.end <= turn.end + 0.01  # the journal's ms
        check_card(hit, run, truth)
    avoid = sorted(h.rule_id for h in run.hits if h.polarity == "avoid")
    assert avoid == ["nl.niet-gestoord", "nl.schiet-op"], heard
    assert "Coaching phrases: 2 to avoid" in run.printed
    check_cards_follow_the_words(run, truth)
    # the journal holds the same cards the summary was made from
    assert read_events(run.path).events == tuple(run.events)


@pytest.mark.slow
@pytest.mark.whisper
def test_analyze_with_whisper_flags_what_the_rules_find_in_its_words(
    call: tuple[Path, CallTruth], tmp_path: Path, base_model: object
) -> None:
    path, truth = call
    run = run_analyze(tmp_path / "events.jsonl", str(path))
    assert {e.channel for e in run.finals} == {"agent", "customer"}, _heard(run)
    check_cards_follow_the_words(run, truth)
    print(f"Whisper heard: {_heard(run)}; cards: {[h.rule_id for h in run.hits]}")


def test_demo_script_text_finds_every_tagged_phrase() -> None:
    """Without transcription errors every ``phrase:`` tag of the demo is found, in its turn."""
    truth = CallTruth.load(demo_truth_path())
    analyser = PhraseAnalyser("nl")
    hits: list[PhraseHit] = []
    for event in script_transcripts(truth):
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
@pytest.mark.whisper
def test_demo_call_through_whisper_flags_what_the_rules_find_in_its_words(
    demo_through_whisper: Analyzed,
) -> None:
    """The demo through base: the cards follow the words (how many survive is not asserted)."""
    run = demo_through_whisper
    truth = CallTruth.load(demo_truth_path())
    check_cards_follow_the_words(run, truth)
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
            h.rule_id == rule_id and turn.start - SLACK <= h.t <= turn.end + SLACK for h in run.hits
        )
    ]
    print(f"demo call: {len(found)}/{len(tagged)} tagged phrases found on Whisper's words: {found}")
    assert demo_call_path().name in next(e.source for e in run.events if e.type == "call_started")
