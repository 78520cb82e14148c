"""Over-talk, backchannels, touching turns, pauses and dead air on generated calls.

Every call is rendered with espeak-ng at known times (the truth is exact to a
sample), then analysed with the real Silero VAD block by block, as the engine
does. No Whisper is needed: these alerts never wait for words.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.events import ConversationStats, DeadAir, OverTalk, Pause, SpeechRate
from support.analytics import analyse, make_call, of_type
from support.synth import Turn

LONG_CUSTOMER = "Ik heb al drie keer gebeld over deze rekening en niemand heeft mij ooit geholpen"
LONG_AGENT = "Ik begrijp het en ik ga de rekening nu voor u nakijken in ons systeem"


def test_agent_over_customer_is_found_within_a_fraction_of_a_second(tmp_path: Path) -> None:
    path, truth = make_call(
        tmp_path,
        [
            Turn("customer", LONG_CUSTOMER, start=0.5, rate_wpm=150),
            Turn("agent", "Wacht even, dat klopt niet helemaal", start=2.5, rate_wpm=170),
        ],
    )
    customer, agent = truth.turns
    true_start = agent.start
    true_end = min(agent.end, customer.end)
    events = analyse(path)

    talks = of_type(events, OverTalk)
    assert [o.ongoing for o in talks] == [True, False]
    alert, ended = talks
    assert alert.interrupter == "agent" and alert.interrupted == "customer"
    assert str(alert.channel) == "agent"
    assert abs(alert.start - true_start) <= 0.3
    assert alert.overlap_s >= 0.7  # published once it passed the minimum overlap
    assert ended.end is not None and abs(ended.end - true_end) <= 0.3
    assert abs(ended.overlap_s - (true_end - true_start)) <= 0.3
    final = [s for s in of_type(events, ConversationStats) if s.final][-1]
    assert (final.interruptions_by_agent, final.interruptions_by_customer) == (1, 0)


def test_customer_over_agent_is_recorded_the_other_way(tmp_path: Path) -> None:
    path, truth = make_call(
        tmp_path,
        [
            Turn("agent", LONG_AGENT, start=0.5, rate_wpm=150),
            Turn("customer", "Nee nee, dat heb ik al gedaan", start=2.2, rate_wpm=170),
        ],
    )
    events = analyse(path)
    talks = of_type(events, OverTalk)
    assert [(o.interrupter, o.ongoing) for o in talks] == [("customer", True), ("customer", False)]
    assert abs(talks[0].start - truth.turns[1].start) <= 0.3


def test_backchannels_and_touching_turns_are_not_over_talk(tmp_path: Path) -> None:
    path, truth = make_call(
        tmp_path,
        [
            Turn("agent", LONG_AGENT, start=0.5, rate_wpm=140),
            # The customer starts the moment the agent stops: a touch, not an overlap.
            Turn("customer", "Goed, dan wacht ik even af", gap=0.0),
            # The agent answers 0.2 s before the customer is done: a tiny overlap.
            Turn("agent", "Prima, dank u wel", gap=-0.2),
            # Backchannels while the agent talks.
            Turn("customer", "ja", start=1.8, rate_wpm=220),
            Turn("customer", "hm", start=3.6, rate_wpm=220),
        ],
    )
    for backchannel in truth.turns[3:5]:
        assert backchannel.end - backchannel.start <= 0.45
    assert truth.turns[1].start == pytest.approx(truth.turns[0].end, abs=0.001)
    events = analyse(path)

    assert of_type(events, OverTalk) == []
    final = [s for s in of_type(events, ConversationStats) if s.final][-1]
    assert (final.interruptions_by_agent, final.interruptions_by_customer) == (0, 0)


def test_pauses_are_measured_to_within_50_ms(tmp_path: Path) -> None:
    gaps = (0.25, 0.4, 0.8, 1.5)
    script = [Turn("agent", "Goedemiddag, met Sanne van de klantenservice", start=0.5)]
    sentences = [
        "Ik kijk het even voor u na",
        "Uw rekening is inderdaad te hoog",
        "Ik zet het vandaag nog recht",
        "U krijgt morgen een bevestiging",
    ]
    for gap, text in zip(gaps, sentences, strict=True):
        script.append(Turn("agent", text, gap=gap))
    path, truth = make_call(tmp_path, script)
    events = analyse(path)

    pauses = of_type(events, Pause)
    turns = truth.turns
    true_gaps = [(a.end, b.start - a.end) for a, b in itertools.pairwise(turns)]
    for start, duration in true_gaps:
        found = [p for p in pauses if abs(p.t - start) <= 0.1]
        assert len(found) == 1, f"pause at {start:.2f} s ({duration:.2f} s): {pauses}"
        assert abs(found[0].duration - duration) <= 0.05
        assert str(found[0].channel) == "agent"


def test_a_customer_turn_is_not_an_agent_pause_but_a_backchannel_is(tmp_path: Path) -> None:
    path, truth = make_call(
        tmp_path,
        [
            Turn("agent", "Ik kijk het even voor u na", start=0.5),
            Turn("customer", "ja", gap=0.2, rate_wpm=220),  # inside the agent's pause
            Turn("agent", "Uw rekening is inderdaad te hoog", gap=0.3),
            Turn("customer", "Dat dacht ik al, wat gaat u eraan doen", gap=0.5),
            Turn("agent", "Ik zet het vandaag nog recht", gap=0.5),
        ],
    )
    agent_turns = [t for t in truth.turns if t.channel == "agent"]
    events = analyse(path)

    pauses = of_type(events, Pause)
    assert len(pauses) == 1
    assert abs(pauses[0].t - agent_turns[0].end) <= 0.05
    assert abs(pauses[0].duration - (agent_turns[1].start - agent_turns[0].end)) <= 0.05


def test_dead_air_alerts_at_the_threshold_and_reports_the_length(tmp_path: Path) -> None:
    path, truth = make_call(
        tmp_path,
        [
            Turn("agent", "Een ogenblik, ik zoek het voor u op", start=0.5),
            Turn("customer", "Prima", gap=4.0),  # 4 s: not dead air
            Turn("agent", "Zo, ik heb het gevonden", gap=6.5),  # 6.5 s: dead air
        ],
    )
    events = analyse(path)

    dead = of_type(events, DeadAir)
    assert [d.ongoing for d in dead] == [True, False]
    silence_start = truth.turns[1].end
    assert abs(dead[0].t - silence_start) <= 0.05
    assert dead[0].duration == pytest.approx(5.0)
    assert abs(dead[1].duration - 6.5) <= 0.1
    final = [s for s in of_type(events, ConversationStats) if s.final][-1]
    assert abs(final.dead_air_total - 6.5) <= 0.1


def test_silent_and_noisy_customer_channels_give_no_over_talk(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    path, _ = make_call(tmp_path, [Turn("agent", LONG_AGENT, start=0.5)], name="agent.wav")
    audio, rate = sf.read(path, dtype="float32")
    for label, customer in (
        ("silence", np.zeros(len(audio), np.float32)),
        ("noise", (0.03 * rng.standard_normal(len(audio))).astype(np.float32)),
    ):
        call = tmp_path / f"{label}.wav"
        sf.write(call, np.stack([audio[:, 0], customer], axis=1), rate)
        events = analyse(call)
        assert of_type(events, OverTalk) == [], label
        final = [s for s in of_type(events, ConversationStats) if s.final][-1]
        assert final.customer_talk_s == 0.0, label
        assert final.agent_talk_s > 2.0, label
        assert of_type(events, SpeechRate), label


def test_an_agent_channel_of_silence_or_noise_gives_nothing(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    n = 8 * 16_000
    for label, agent in (
        ("silence", np.zeros(n, np.float32)),
        ("noise", (0.05 * rng.standard_normal(n)).astype(np.float32)),
        ("hum", (0.2 * np.sin(2 * np.pi * 50 * np.arange(n) / 16_000)).astype(np.float32)),
    ):
        call = tmp_path / f"{label}.wav"
        sf.write(call, np.stack([agent, agent], axis=1), 16_000)
        events = analyse(call)
        assert of_type(events, SpeechRate) == [], label
        assert of_type(events, Pause) == [], label
        assert of_type(events, OverTalk) == [], label
        assert of_type(events, DeadAir) == [], label
        final = [s for s in of_type(events, ConversationStats) if s.final][-1]
        assert final.talk_ratio is None, label
