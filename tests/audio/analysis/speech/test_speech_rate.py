"""Speaking rate: acoustic syllable nuclei against hand-counted syllables, the verdict, words.

Truth: each sentence's syllables are counted by hand (below), espeak-ng
speaks them at a known rate, and the synthesiser reports exactly where each
sentence starts and ends. Sentences are separate turns with known gaps, so the
phonation time (articulation rate) and the speaking time (pauses included)
are both known exactly.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from belcoach.audio.analysis.speech.config import speech_config
from belcoach.audio.analysis.speech.rate import RateEstimator
from belcoach.audio.events import ConversationStats, SpeechRate, Word
from belcoach.audio.words import ends_sentence, text_syllables, word_syllables
from support.analytics import analyse, make_call, of_type, words_of
from support.synth import Turn

# (text, syllables counted by hand)
SENTENCES = {
    "nl": [
        ("Ik begrijp dat uw rekening hoger is dan u had verwacht", 16),
        ("Ik ga het nu voor u nakijken in ons systeem", 13),
        ("Morgenochtend bel ik u terug met het antwoord", 13),
    ],
    "sv": [
        ("Jag förstår att din faktura blev högre än du hade väntat dig", 18),
        ("Jag ska titta på det åt dig i vårt system nu", 13),
    ],
    "en": [
        ("I understand that your bill was higher than you expected", 15),
        ("I will look into it for you in our system right now", 14),
    ],
}
WIDE = {"rate": {"window": 60.0}}  # one window over the whole monologue


def _monologue(tmp_path: Path, language: str, wpm: int):
    turns = [Turn("agent", SENTENCES[language][0][0], start=0.5, rate_wpm=wpm)]
    turns += [Turn("agent", text, gap=0.6, rate_wpm=wpm) for text, _ in SENTENCES[language][1:]]
    return make_call(tmp_path, turns, language=language, name=f"{language}{wpm}.wav")


@pytest.mark.parametrize(
    ("language", "wpm"),
    [("nl", 130), ("nl", 170), ("nl", 220), ("sv", 170), ("en", 170)],
)
def test_acoustic_rate_is_within_10_percent(tmp_path: Path, language: str, wpm: int) -> None:
    path, truth = _monologue(tmp_path, language, wpm)
    syllables = sum(n for _, n in SENTENCES[language])
    phonation = sum(t.end - t.start for t in truth.turns)
    speaking = truth.turns[-1].end - truth.turns[0].start
    events = analyse(path, language=language, settings=WIDE)

    last = of_type(events, SpeechRate)[-1]
    true_articulation = syllables / phonation
    true_speaking = syllables / speaking
    assert last.basis == "acoustic"
    assert last.articulation_rate == pytest.approx(true_articulation, rel=0.10)
    assert last.syllables_per_s == pytest.approx(true_speaking, rel=0.10)
    assert last.window == pytest.approx(speaking, rel=0.03)


def test_rate_is_updated_every_second_while_the_agent_speaks(tmp_path: Path) -> None:
    path, truth = _monologue(tmp_path, "nl", 170)
    samples = of_type(analyse(path), SpeechRate)
    times = [s.t for s in samples]
    speech_end = truth.turns[-1].end
    assert times[0] <= truth.turns[0].start + 2.6  # after 2 s of phonation
    inside = [t for t in times if t <= speech_end]
    gaps = [b - a for a, b in itertools.pairwise(inside)]
    assert gaps and max(gaps) <= 1.0 + 0.01
    assert all(s.norm_low == pytest.approx(5.05 * 0.85) for s in samples)


@pytest.mark.parametrize(("wpm", "verdict"), [(90, "slow"), (170, "ok"), (300, "fast")])
def test_verdict_of_slow_normal_and_fast_speech(tmp_path: Path, wpm: int, verdict: str) -> None:
    path, _ = _monologue(tmp_path, "nl", wpm)
    samples = of_type(analyse(path, settings=WIDE), SpeechRate)
    assert samples[-1].verdict == verdict, [round(s.articulation_rate, 2) for s in samples]


def test_verdict_has_a_no_alert_band_and_hysteresis() -> None:
    est = RateEstimator(speech_config("nl"))  # norm 5.05: ok band 4.29..5.81
    seen = []
    for rate in (5.0, 5.7, 5.9, 5.7, 5.6, 5.5, 5.0, 4.2, 4.4, 4.6, 5.0):
        est._judge(rate)
        seen.append(est.verdict)
    assert seen == [
        "ok",
        "ok",
        "fast",
        "fast",
        "fast",
        "ok",
        "ok",
        "slow",
        "slow",
        "ok",
        "ok",
    ]


def test_words_give_a_cross_check_and_words_per_minute(tmp_path: Path) -> None:
    """Words come 1.5-3 s after the speech; the end-of-call sample has them all."""
    path, truth = _monologue(tmp_path, "nl", 170)
    words = words_of(truth)
    samples = of_type(analyse(path, settings=WIDE, words=words), SpeechRate)

    assert all(s.words_rate is None for s in samples[:-1])  # live: no words yet
    final = samples[-1]
    phonation = sum(t.end - t.start for t in truth.turns)
    speaking = truth.turns[-1].end - truth.turns[0].start
    assert final.words_rate == pytest.approx(42 / phonation, rel=0.05)
    assert final.words_per_min == pytest.approx(len(words) / speaking * 60, rel=0.05)
    assert final.acoustic_rate == pytest.approx(final.words_rate, rel=0.10)
    assert final.basis == "acoustic"


def test_word_syllables_match_hand_counts() -> None:
    for language, sentences in SENTENCES.items():
        for text, count in sentences:
            assert text_syllables(text, language) == count, (language, text)
    assert word_syllables("beëindigen", "nl") == 4
    assert word_syllables("oké,", "nl") == 2
    assert word_syllables("välkommen", "sv") == 3
    assert word_syllables("12", "nl") == 0
    assert ends_sentence("geholpen.") and ends_sentence("toch?") and not ends_sentence("dus,")


def test_sentences_followed_by_a_pause_are_counted(tmp_path: Path) -> None:
    path, truth = make_call(
        tmp_path,
        [
            Turn("agent", "Ik kijk het even voor u na.", start=0.5),
            Turn("agent", "Uw rekening is te hoog.", gap=0.5),  # paused: counts
            Turn("agent", "Ik zet het recht.", gap=0.05),  # rushed on: no pause
            Turn("agent", "Dank u wel.", gap=0.8),  # paused
        ],
    )
    events = analyse(path, words=words_of(truth))
    final = [s for s in of_type(events, ConversationStats) if s.final][-1]
    assert (final.sentences, final.sentences_with_pause) == (3, 2)
    pauses = [p for p in events if p.type == "pause"]
    assert [p.after_sentence for p in pauses] == [True, True]
    assert [round(p.duration, 1) for p in pauses] == [0.5, 0.8]


def test_without_words_long_pauses_stand_for_sentence_ends(tmp_path: Path) -> None:
    path, _ = make_call(
        tmp_path,
        [
            Turn("agent", "Ik kijk het even voor u na", start=0.5),
            Turn("agent", "Uw rekening is te hoog", gap=0.3),
            Turn("agent", "Ik zet het recht", gap=0.9),
        ],
    )
    pauses = [p for p in analyse(path) if p.type == "pause"]
    assert [p.after_sentence for p in pauses] == [False, True]


def test_words_basis_uses_the_words_when_they_cover_the_window() -> None:
    config = speech_config("nl", {"rate": {"basis": "words", "min_phonation": 1.0}})
    est = RateEstimator(config)
    from belcoach.audio.analysis.speech.channel_track import Run

    run = Run(0.0, 2.0, confirmed=True, closed=True, serial=1)
    est.run_confirmed(run, after_pause=False)
    est.run_closed(run)
    est.add_nuclei([0.1 * i for i in range(20)])
    est.add_words([Word("goedemiddag", 0.0, 1.0, 0.9), Word("mevrouw.", 1.0, 2.0, 0.9)], "nl")
    sample = est.step(2.0)[0]
    assert sample.basis == "words"
    assert sample.articulation_rate == pytest.approx(6 / 2.0)
    assert sample.acoustic_rate == pytest.approx(10.0)
