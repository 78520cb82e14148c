"""Grammar that confirms a heard one-pronoun card: Dutch "je" where the second person sits."""

from __future__ import annotations

import pytest

from belcoach.audio.analysis.phrases.agreement import AgreementCheck
from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser, rules_config
from belcoach.audio.analysis.phrases.tokens import words_from_text
from belcoach.audio.events import PhraseHit, Word
from belcoach.seeds.loader import load_rules

BOOK = load_rules("nl")
JE = "nl.je-zonder-vragen"


def heard(text: str, probability: float = 0.95) -> tuple[Word, ...]:
    """Words as Whisper gives them: sure, but not typed (probability below 1)."""
    return tuple(Word(w, 0.3 * i, 0.3 * i + 0.25, probability) for i, w in enumerate(text.split()))


def cards(words: tuple[Word, ...], **settings: object) -> list[str]:
    analyser = PhraseAnalyser(
        "nl",
        rules_config({"min_word_probability": 0.4, "word_probability_basis": "min", **settings}),
        book=BOOK,
    )
    return [e.rule_id for e in analyser.agent_words(words) if isinstance(e, PhraseHit)]


@pytest.mark.parametrize(
    "text",
    [
        "Heb je dat gezien?",  # inversion at the clause start
        "Waarom wil je dat weten?",  # inversion after a question word
        "Mooi, kun je even wachten?",  # inversion after a comma
        "Als je even wacht, zoek ik het op.",  # a conjunction introduces the subject
        "Hoe vaak gebeurt dat, denk je?",
        "Je hebt gelijk.",  # a verb that agrees with the second person
        "Je kan morgen langskomen.",
        "Maar je weet hoe dat gaat.",
        "Ik bel je morgen over jouw rekening.",  # another second-person word
    ],
)
def test_heard_je_where_grammar_marks_the_second_person_is_a_card(text: str) -> None:
    assert JE in cards(heard(text))


@pytest.mark.parametrize(
    "text",
    [
        "Je hebben het al gedaan.",  # plural verb: a misheard "ze hebben"
        "Je gaan zo naar huis.",
        "Je is niet goed.",  # third person only: a misheard "die is"
        "Als je heeft betaald.",  # "ze heeft"
        "Je ben er bijna.",  # first person only: a misheard "ik ben"
        "Dus zijn je klaar met het werk.",  # plural inversion: "zijn ze"
        "Ik moet je een ding vragen.",  # object after a subject: "ze" fits as well
        "Het laat je wel koud.",
        "Je klok iets niet.",  # nothing agrees
        "Ik vind het mooi als je.",  # nothing follows the subject
    ],
)
def test_heard_je_that_grammar_does_not_confirm_raises_no_card(text: str) -> None:
    assert JE not in cards(heard(text))


def test_typed_text_is_never_judged() -> None:
    assert JE in cards(words_from_text("Ik moet je een ding vragen."))
    assert JE in cards(words_from_text("Je hebben het al gedaan."))


def test_the_check_can_be_switched_off() -> None:
    assert JE in cards(heard("Ik moet je een ding vragen."), single_word_agreement=False)


def test_an_unconfirmed_je_does_not_use_the_rule_up() -> None:
    analyser = PhraseAnalyser(
        "nl",
        rules_config({"min_word_probability": 0.4, "word_probability_basis": "min"}),
        book=BOOK,
    )
    assert analyser.agent_words(heard("Ik moet je een ding vragen.")) == []
    later = analyser.agent_words(heard("Heb je dat gezien?"))
    assert [e.rule_id for e in later] == [JE]


def test_other_rules_and_languages_are_not_judged() -> None:
    assert cards(heard("Ik weet het niet.")) == ["nl.ik-weet-het-niet"]
    assert AgreementCheck.for_language("sv").table is None
    assert AgreementCheck.for_language("en").table is None
    assert AgreementCheck.for_language("nl", enabled=False).table is None
