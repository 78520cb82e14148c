"""Valence and cues from words: negation, intensifiers, near misses, acknowledgements."""

from __future__ import annotations

import pytest

from belcoach.audio.analysis.emotion.text import TextScorer, tokens_from_text, tokens_from_words
from belcoach.seeds.emotion_data import load_cues, load_lexicons


@pytest.fixture(scope="module")
def nl() -> TextScorer:
    return TextScorer(load_cues("nl"), load_lexicons("nl"))


def read(scorer: TextScorer, text: str):
    return scorer.read(tokens_from_text(text))


def test_negation_turns_a_positive_word_weakly_negative(nl: TextScorer) -> None:
    assert read(nl, "Ik ben blij.").valence > 0.3
    negated = read(nl, "Ik ben niet blij.")
    assert -0.7 < negated.valence < 0
    assert [c.negated for c in negated.cues] == [True]


def test_negated_negative_cue_does_not_count(nl: TextScorer) -> None:
    reading = read(nl, "Ik ben niet boos, hoor.")
    assert "boos" not in reading.cue_scores
    assert reading.cues[0].negated


def test_negation_stops_at_the_sentence_end(nl: TextScorer) -> None:
    reading = read(nl, "Dat weet ik niet. Boos ben ik wel.")
    assert reading.cue_scores.get("boos", 0) > 0


def test_intensifier_strengthens_a_lexicon_word(nl: TextScorer) -> None:
    plain = read(nl, "Het is slecht.").valence
    strong = read(nl, "Het is heel slecht.").valence
    assert strong < plain < 0


def test_repetition_and_gap_cues(nl: TextScorer) -> None:
    assert read(nl, "Ik bel nu voor de derde keer.").cue_scores["gefrustreerd"] > 0.9
    gap = read(nl, "Dat klopt er gewoon niet.")
    assert [c.phrase for c in gap.cues] == ["klopt * niet"]


def test_longest_cue_wins_over_a_shorter_overlapping_one(nl: TextScorer) -> None:
    reading = read(nl, "Dat klopt niet.")
    assert set(reading.cue_scores) == {"gefrustreerd"}  # not "dat klopt" (neutraal)


def test_cue_words_match_exactly_not_as_near_misses(nl: TextScorer) -> None:
    assert read(nl, "Laat me nou even uitpraten.").cue_scores["boos"] > 0
    # a near-miss spelling is another word; matching it was tuned on one demo misreading
    assert "boos" not in read(nl, "Laten we nou even uitratten.").cue_scores


def test_unsure_whisper_words_count_less(nl: TextScorer) -> None:
    sure = nl.read(tokens_from_words([("Dit", 0.9), ("is", 0.9), ("belachelijk.", 0.95)]))
    unsure = nl.read(tokens_from_words([("Dit", 0.9), ("is", 0.9), ("belachelijk.", 0.1)]))
    assert sure.cue_scores["boos"] > 3 * unsure.cue_scores["boos"]


def test_lexicon_correction_overrides_machine_translation(nl: TextScorer) -> None:
    # AFINN-nl has "verschrikkelijk" at +4 (from "terrific"); the cue file corrects it
    assert read(nl, "Dat is verschrikkelijk.").valence < 0


def test_acknowledgement_ignores_stock_phrases(nl: TextScorer) -> None:
    assert nl.acknowledgement(tokens_from_text("Wat vervelend voor u.")) is None
    assert nl.acknowledgement(tokens_from_text("Het spijt me, meneer De Vries.")) == "het spijt me"
    assert nl.acknowledgement(tokens_from_text("Ik begrijp dat u boos bent.")) is not None
    assert nl.acknowledgement(tokens_from_text("Ik kijk het even na.")) is None


@pytest.mark.parametrize(
    ("language", "positive", "negated"),
    [("sv", "Jag är nöjd.", "Jag är inte nöjd."), ("en", "I am happy.", "I am not happy.")],
)
def test_negation_in_swedish_and_english(language: str, positive: str, negated: str) -> None:
    scorer = TextScorer(load_cues(language), load_lexicons(language))
    assert read(scorer, positive).valence > 0.3
    assert read(scorer, negated).valence < 0


def test_unknown_language_falls_back_to_english_cues() -> None:
    assert load_cues("de").language == "en"


def test_negation_does_not_reach_across_a_comma_or_a_conjunction(nl: TextScorer) -> None:
    assert read(nl, "Nee, ik ben blij.").valence > 0.3
    reading = read(nl, "Ik weet niet of dat kwaad kan.")
    assert not any(h.negator for h in reading.lexicon)


def test_a_clause_final_niet_negates_the_verb_before_it(nl: TextScorer) -> None:
    assert read(nl, "Dat waardeer ik.").valence > 0.3
    reading = read(nl, "Dat waardeer ik niet.")
    assert reading.valence < 0 and reading.cues[0].negator == "niet"
    # "geen" negates what follows, not the cue before it
    assert read(nl, "Ik zit al drie weken zonder, geen internet.").cue_scores


def test_contrast_weighs_what_follows_maar(nl: TextScorer) -> None:
    reading = read(nl, "Ik ben niet boos, maar wel heel erg teleurgesteld.")
    assert set(reading.cue_scores) == {"gefrustreerd"} and reading.valence < -0.3
    before = read(nl, "Het was fijn, maar nu werkt het niet.")
    assert before.valence < 0  # "fijn" counts half, the complaint after "maar" in full


def test_glued_on_intensifiers_and_stress_accents(nl: TextScorer) -> None:
    sv = TextScorer(load_cues("sv"), load_lexicons("sv"))
    happy = read(sv, "Jag är megaglad.")
    assert happy.cue_scores.get("tevreden", 0) > 1.0  # "mega" + "glad", intensified
    assert read(sv, "Jag är skitförbannad.").cue_scores.get("boos", 0) > 1.0
    assert read(nl, "Hoe dúrven jullie!").cue_scores.get("boos", 0) > 0  # "durven"


def test_businesslike_cues(nl: TextScorer) -> None:
    reading = read(nl, "Kort en goed: ja of nee?")
    assert set(reading.cue_scores) == {"zakelijk"} and reading.valence == 0


@pytest.mark.parametrize(
    ("language", "text", "label"),
    [
        ("en", "Nobody ever got back to me.", "gefrustreerd"),
        ("en", "I was told it would be fixed by Monday.", "gefrustreerd"),
        ("en", "The parcel still hasn't arrived.", "gefrustreerd"),
        ("en", "Could this mean they'll take the house?", "angstig"),
        ("sv", "Ingen har hört av sig.", "gefrustreerd"),
        ("sv", "Ni sa att den skulle komma i fredags.", "gefrustreerd"),
        ("sv", "Det har gått tre veckor.", "gefrustreerd"),
        ("sv", "Kan det betyda att jag förlorar lägenheten?", "angstig"),
    ],
)
def test_complaints_without_a_feeling_word(language: str, text: str, label: str) -> None:
    """Most complaints on the phone carry no feeling word: repeated contact, waiting, time
    words with a negation, broken promises. A negator at the start of such a cue ("nobody
    got back", "ingen har hört") is part of it and must not turn it into relief."""
    reading = read(TextScorer(load_cues(language), load_lexicons(language)), text)
    assert label in reading.cue_scores and reading.valence < 0, reading


def test_a_possessive_s_does_not_hide_a_cue_word() -> None:
    en = TextScorer(load_cues("en"), load_lexicons("en"))
    reading = read(en, "The water is coming into the baby's room.")
    assert [h.phrase for h in reading.cues] == ["the baby"], reading.cues
