"""The card gate: a phrase card never hangs on words Whisper was unsure of."""

from __future__ import annotations

import pytest

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser, RulesConfig, rules_config
from belcoach.audio.analysis.phrases.gate import WordGate
from belcoach.audio.analysis.phrases.tokens import words_from_text
from belcoach.audio.events import Channel, PhraseHit, Transcript, Word
from belcoach.core.errors import ConfigError
from belcoach.seeds.loader import load_rules

BOOK = load_rules("nl")


def heard(text: str) -> tuple[Word, ...]:
    """Words with Whisper's probability after a colon ("niet:0.3"); 0.95 when none is given."""
    out = []
    for i, item in enumerate(text.split()):
        word, _, p = item.partition(":")
        out.append(Word(word, 0.3 * i, 0.3 * i + 0.25, float(p or 0.95)))
    return tuple(out)


def cards(text: str, gate: float = 0.5, basis: str = "min", neighbours: int = 0) -> list[str]:
    config = rules_config(
        {
            "min_word_probability": gate,
            "word_probability_basis": basis,
            "single_word_neighbours": neighbours,
            "single_word_agreement": False,  # the grammar check: test_phrase_agreement.py
        }
    )
    analyser = PhraseAnalyser("nl", config, book=BOOK)
    return [e.rule_id for e in analyser.agent_words(heard(text)) if isinstance(e, PhraseHit)]


def test_a_card_needs_each_of_its_words_to_be_sure_enough() -> None:
    assert cards("Ik weet het niet.") == ["nl.ik-weet-het-niet"]
    assert cards("Ik weet het niet:0.3") == []
    assert cards("Ik:0.49 weet het niet.") == []
    assert cards("Ik:0.49 weet het niet.", gate=0.4) == ["nl.ik-weet-het-niet"]
    assert cards("Ik weet het niet:0.3", gate=0.0) == ["nl.ik-weet-het-niet"]


def test_the_mean_basis_lets_one_unsure_word_through() -> None:
    assert cards("Ik:0.3 weet het niet.", basis="mean") == ["nl.ik-weet-het-niet"]
    assert cards("Ik:0.1 weet:0.2 het:0.3 niet.", basis="mean") == []


def test_only_the_words_that_carry_the_match_count() -> None:
    # "*" skips "echt:0.1 wel:0.1"; the clause rule's rest "voor:0.1 u" neither counts
    assert cards("Ik heb echt:0.1 wel:0.1 geen tijd voor u.") == ["nl.niet-gestoord"]
    assert cards("Ik heb echt:0.1 wel:0.1 geen tijd:0.2 voor u.") == []
    matcher = PhraseAnalyser("nl", book=BOOK).matcher
    tokens, sim = matcher.tokens(heard("Ik heb echt wel geen tijd voor u"))
    rule = next(r for r in BOOK.rules if r.id == "nl.niet-gestoord")
    (finding,) = matcher.find(tokens, sim, [rule])
    assert finding.span.carriers == (0, 1, 4, 5, 6, 7)


def test_a_one_word_match_is_judged_with_its_neighbours() -> None:
    # Whisper is often sure of a short word it put in a misheard sentence
    assert cards("Nog een scheruw:0.3 let je wel.") == ["nl.je-zonder-vragen"]
    assert cards("Nog een scheruw:0.3 let:0.3 je wel.", neighbours=1) == []
    assert cards("Nog een scheruw:0.3 let je wel.", neighbours=1) == ["nl.je-zonder-vragen"]
    # a match of several words confirms itself: its neighbours do not count
    assert cards("Tja:0.1 ik weet het niet.", neighbours=1) == ["nl.ik-weet-het-niet"]


def test_typed_text_always_passes() -> None:
    words = words_from_text("Ik weet het niet.")
    analyser = PhraseAnalyser(
        "nl",
        rules_config({"min_word_probability": 1.0, "word_probability_basis": "min"}),
        book=BOOK,
    )
    assert [e.rule_id for e in analyser.agent_words(words)] == ["nl.ik-weet-het-niet"]


def test_an_unsure_match_raises_no_card_but_still_silences() -> None:
    # "mag ik je zeggen" (a positive card) is not shown when unsure, and still
    # keeps the je hint quiet, in the same utterance and later in the call
    assert cards("Mag ik je zeggen? Hoe gaat het met je?") == ["nl.vraagt-je-te-zeggen"]
    assert cards("Mag:0.2 ik je zeggen? Hoe gaat het met je?") == []
    analyser = PhraseAnalyser(
        "nl",
        rules_config({"min_word_probability": 0.5, "word_probability_basis": "min"}),
        book=BOOK,
    )
    assert analyser.agent_words(heard("Mag:0.2 ik je zeggen?")) == []
    assert analyser.agent_words(heard("Hoe gaat het met je?")) == []


def test_a_gated_card_does_not_use_up_the_rule() -> None:
    analyser = PhraseAnalyser(
        "nl",
        rules_config({"min_word_probability": 0.5, "word_probability_basis": "min"}),
        book=BOOK,
    )
    first = analyser.agent_words(heard("Kun je:0.2 dat herhalen?"))
    second = analyser.agent_words(heard("Heb je dat gezien?"))
    assert first == [] and [e.rule_id for e in second] == ["nl.je-zonder-vragen"]


def test_gate_confidence_is_min_or_mean_over_the_carrying_words() -> None:
    analyser = PhraseAnalyser("nl", book=BOOK)
    tokens, sim = analyser.matcher.tokens(heard("Ik:0.2 weet:0.6 het niet:1.0"))
    (finding,) = analyser.matcher.find(tokens, sim, BOOK.rules[:1])
    words = heard("Ik:0.2 weet:0.6 het niet:1.0")
    assert WordGate(0.5).confidence(finding.span, tokens, words) == pytest.approx(0.2)
    assert WordGate(0.5, "mean").confidence(finding.span, tokens, words) == pytest.approx(
        (0.2 + 0.6 + 0.95 + 1.0) / 4
    )


def test_the_setting_reaches_the_analyser_and_is_checked() -> None:
    (phrase,) = [
        a
        for a in default_analysers("nl", {"rules": {"min_word_probability": 0.7}})
        if isinstance(a, PhraseAnalyser)
    ]
    assert phrase.gate == WordGate(0.7, "mean", 1)
    assert RulesConfig() == RulesConfig(
        min_word_probability=0.6, word_probability_basis="mean", single_word_neighbours=1
    ), "the packaged default, chosen on real speech (benchmarks/real_cards.py): change both"
    with pytest.raises(ConfigError, match="min_word_probability"):
        rules_config({"min_word_probability": 1.5})
    with pytest.raises(ConfigError, match="word_probability_basis"):
        rules_config({"word_probability_basis": "median"})


def test_on_event_gates_committed_transcripts() -> None:
    analyser = PhraseAnalyser(
        "nl",
        rules_config({"min_word_probability": 0.5, "word_probability_basis": "min"}),
        book=BOOK,
    )
    unsure = Transcript(0.0, Channel.AGENT, words=heard("Wacht:0.3 even."), final=True)
    sure = Transcript(2.0, Channel.AGENT, words=heard("Wacht even."), final=True, utterance=1)
    assert analyser.on_event(unsure) == []
    assert [e.rule_id for e in analyser.on_event(sure)] == ["nl.wacht"]
