"""Reading journals back and computing a call's headline figures from its events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from belcoach.audio.calls.derived import syllables
from belcoach.audio.calls.eventlog import event_from_json, parse_lines, read_events
from belcoach.audio.calls.folder import CallMeta
from belcoach.audio.calls.marks import Line
from belcoach.audio.calls.summary import CallSummary, count_sentence_pauses, summarize
from belcoach.audio.calls.timeline import build_timeline
from belcoach.audio.events import CallEnded, CallStarted, Channel, SpeechRegion, Transcript, Word
from belcoach.audio.jsonl import event_line
from support.demo_events import demo_events

META = CallMeta("c1", "2026-11-23T10:00:00+00:00", language="nl")
A, C = Channel.AGENT, Channel.CUSTOMER


def test_every_event_type_round_trips_through_json() -> None:
    events = demo_events()
    assert {type(e).__name__ for e in events} >= {
        "CallStarted",
        "SpeechRegion",
        "Transcript",
        "SpeechRate",
        "Pause",
        "DeadAir",
        "OverTalk",
        "ConversationStats",
        "PhraseHit",
        "EmotionEstimate",
        "CallEnded",
    }
    for event in events:
        back = event_from_json(json.loads(event_line(event)))
        assert type(back) is type(event)
        assert event_line(back) == event_line(event)  # equal up to the journal's 1 ms rounding


def test_torn_last_line_and_damaged_lines_are_skipped_not_fatal() -> None:
    good = [event_line(e) + "\n" for e in demo_events()[:5]]
    lines = [
        *good[:2],
        "{not json\n",
        '{"type":"from_the_future","t":1}\n',
        *good[2:],
        good[0][:17],
    ]  # the last line cut off mid-write
    log = parse_lines(lines)
    assert len(log.events) == 5
    assert log.skipped == 2
    assert log.torn_tail
    assert "from_the_future" in log.unknown_types


def test_a_complete_last_line_without_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(event_line(CallStarted(0.0, None)) + "\n" + event_line(CallEnded(3.0, None)))
    log = read_events(path)
    assert [e.type for e in log.events] == ["call_started", "call_ended"]
    assert not log.torn_tail


def test_demo_summary_uses_the_analysers_events() -> None:
    s = summarize(demo_events(), meta=META)
    assert set(s.basis.values()) == {"analyser"}
    assert s.talk_ratio == pytest.approx(0.646, abs=0.01)
    assert [(m.start, m.channel) for m in s.overtalk] == [(pytest.approx(24.36, abs=0.01), "agent")]
    assert s.overtalk_by_agent == 1
    assert [p.rule_id for p in s.phrases_to_avoid] == [
        "nl.welkom-bij",
        "nl.wat-vervelend-voor-u",
        "nl.wacht",
        "nl.ik-weet-het-niet",
        "nl.fijne-dag-verder",
    ]
    assert s.phrases_to_avoid[3].suggestions[0].startswith("Ben je bereid om een minuut")
    assert s.emotion_path[0].label == "gefrustreerd"
    assert s.emotion_path[-1].label == "tevreden"
    assert any(m.label == "boos" for m in s.emotion_path)
    assert [(round(m.start, 1), round(m.end - m.start, 1)) for m in s.dead_air] == [(58.6, 2.5)]
    assert s.fast_share and s.fast_share > 0
    assert s.longest_monologue is not None and s.longest_monologue.start == pytest.approx(
        61.07, abs=0.01
    )


def test_summary_json_round_trip() -> None:
    s = summarize(demo_events(), meta=META)
    back = CallSummary.from_json(json.loads(json.dumps(s.to_json())))
    assert back == s
    assert s.to_json()["headline"]["overtalk_by_agent"] == 1


def _regions(*spans: tuple[Channel, float, float]) -> list[SpeechRegion]:
    return [SpeechRegion(a, ch, end=b) for ch, a, b in spans]


def test_without_analysers_figures_come_from_speech_regions() -> None:
    events = [
        CallStarted(0.0, None, language="nl"),
        *_regions(
            (A, 1.0, 5.0),
            (C, 4.7, 9.0),  # 0.3 s overlap: a backchannel
            (A, 8.0, 12.0),  # the agent cuts in for 1.0 s
            (C, 20.0, 22.0),  # 8 s of silence before it: dead air
            (A, 22.5, 30.0),
            (A, 30.5, 40.0),
        ),  # one 17.5 s monologue
        CallEnded(41.0, None),
    ]
    s = summarize(events, meta=META)
    assert s.basis["overtalk"] == "speech regions"
    assert [(m.start, m.end, m.channel) for m in s.overtalk] == [(8.0, 9.0, "agent")]
    assert [(m.start, m.end) for m in s.dead_air] == [(12.0, 20.0)]
    assert s.longest_monologue is not None
    assert (s.longest_monologue.start, s.longest_monologue.end) == (22.5, 40.0)
    assert s.agent_talk_s == pytest.approx(4.0 + 4.0 + 7.5 + 9.5)
    assert s.talk_ratio == pytest.approx(25.0 / (25.0 + 4.3 + 2.0))


def _line(ch: Channel, words: list[tuple[str, float, float]]) -> Line:
    return Line(words[0][1], words[-1][2], ch, tuple(Word(w, a, b, 1.0) for w, a, b in words))


def test_sentence_pauses_count_only_inside_the_agents_turn() -> None:
    agent = [
        _line(
            A,
            [("Goedemiddag.", 0.0, 0.8), ("Hoe", 1.4, 1.6), ("gaat", 1.6, 1.8), ("het?", 1.8, 2.0)],
        ),  # paused (0.6 s)
        _line(
            A, [("Prima.", 5.0, 5.5), ("Dan", 5.6, 5.8), ("gaan", 5.8, 6.0), ("we.", 6.0, 6.3)]
        ),  # 0.1 s: no pause
    ]
    customer = [(2.5, 4.5)]  # "het?" ends the agent's turn: not a place to pause
    assert count_sentence_pauses(agent, customer) == (2, 1)


def test_word_time_rate_flags_the_fast_turn() -> None:
    words = [
        "ja",
        "dat",
        "zie",
        "ik",
        "hier",
        "staan",
        "de",
        "meterstand",
        "is",
        "geschat",
        "omdat",
        "wij",
        "geen",
        "stand",
    ]
    fast = tuple(Word(w, 10 + i * 0.2, 10 + i * 0.2 + 0.18, 1.0) for i, w in enumerate(words))
    calm = tuple(Word(w, 30 + i * 0.3, 30 + i * 0.3 + 0.27, 1.0) for i, w in enumerate(words))
    events = [
        Transcript(10.0, A, words=fast, final=True, utterance=1),
        Transcript(30.0, A, words=calm, final=True, utterance=2),
        CallEnded(40.0, None),
    ]
    rate = build_timeline(events).rate
    assert [p.verdict for p in rate] == ["fast", "ok"]
    assert syllables("meterstand") == 3 and syllables("ij") == 1 and syllables("—") == 0


def test_an_unfinished_utterance_shows_its_last_partial() -> None:
    partial = Transcript(1.0, C, words=(Word("hallo", 1.0, 1.4, 0.9),), final=False, utterance=7)
    timeline = build_timeline([partial])
    assert [(line.text, line.final) for line in timeline.lines] == [("hallo", False)]
