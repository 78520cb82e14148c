"""The learnt words model beside the phrase patterns: what it reads, when it may raise a card."""

from __future__ import annotations

from dataclasses import replace

import pytest

from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser, rules_config
from belcoach.audio.analysis.phrases.tokens import tokenize, words_from_text
from belcoach.audio.analysis.phrases.words_model import (
    PhraseWordsModel,
    features,
    learnable,
    load_phrase_model,
    sentences,
)
from belcoach.audio.events import Channel, PhraseHit, Transcript

# A hand-made model: "siberisch" ("dat laat me Siberisch") says nl.kan-me-niet-schelen,
# "antwoord" (weakly) ik-weet-het-niet, "hoi" the address rule, which a model may never raise.
TOY = PhraseWordsModel(
    rules=("nl.kan-me-niet-schelen", "nl.ik-weet-het-niet", "nl.je-zonder-vragen"),
    bias=(-3.0, -3.0, -3.0),
    weights={
        "w:siberisch": (5.0, 0.0, 0.0),
        "w:antwoord": (0.0, 2.0, 0.0),
        "b:geen_antwoord": (0.0, 2.0, 0.0),
        "w:hoi": (0.0, 0.0, 9.0),
    },
    threshold=0.6,
)


def tokens_of(text: str) -> list:
    return tokenize(words_from_text(text))


def agent_hits(analyser: PhraseAnalyser, text: str, t: float = 3.0) -> list[PhraseHit]:
    words = words_from_text(text, start=t)
    events = analyser.on_event(Transcript(t, Channel.AGENT, words=words, final=True, utterance=1))
    return [e for e in events if isinstance(e, PhraseHit)]


def with_model(model: PhraseWordsModel | None) -> PhraseAnalyser:
    analyser = PhraseAnalyser("nl")
    analyser.words_model = model
    return analyser


def test_features_are_words_stems_and_neighbours_within_a_clause() -> None:
    found = features(tokens_of("Dat boeit me niet, vervelend."))
    assert {"w:dat", "w:boeit", "b:dat_boeit", "b:me_niet", "s:verve"} <= found
    assert "b:niet_vervelend" not in found  # the comma ends the clause
    assert "s:boeit" not in found  # five letters: no stem of its own


def test_sentences_split_at_sentence_ends() -> None:
    tokens = tokens_of("Nee. Dat boeit me niet! Verder nog iets")
    assert sentences(tokens) == [(0, 1), (1, 5), (5, 8)]


def test_the_card_points_at_the_sentence_that_carries_the_rule() -> None:
    tokens = tokens_of("Goedemorgen. Nou, dat laat me eerlijk gezegd Siberisch.")
    said = TOY.said(tokens)
    assert set(said) == {"nl.kan-me-niet-schelen"}
    probability, (start, stop) = said["nl.kan-me-niet-schelen"]
    assert probability > 0.8 and [t.text for t in tokens[start:stop]][:3] == ["nou", "dat", "laat"]
    assert TOY.said(tokens_of("Goedemorgen, waarmee kan ik u helpen?")) == {}
    assert TOY.said([]) == {}


def test_a_model_reading_raises_a_card_no_pattern_would() -> None:
    sentence = "Tja, dat laat mij verder Siberisch hoor."
    assert agent_hits(with_model(None), sentence) == []  # the patterns alone miss it
    (hit,) = agent_hits(with_model(TOY), sentence)
    assert hit.rule_id == "nl.kan-me-niet-schelen" and hit.polarity == "avoid"
    assert hit.said.startswith("Tja, dat laat") and hit.suggestions and hit.why
    assert hit.t == pytest.approx(hit.words[0].start) and hit.end == hit.words[-1].end
    # the setting analysis.rules.words_model = false leaves the patterns alone
    assert PhraseAnalyser("nl", rules_config({"words_model": False})).words_model is None
    assert PhraseAnalyser("nl").words_model == load_phrase_model("nl")


def test_an_exception_cancels_the_model_as_it_cancels_a_pattern() -> None:
    # "geen antwoord" reads as not knowing, but promising to find out is what the seed asks
    assert [h.rule_id for h in agent_hits(with_model(TOY), "Daar heb ik geen antwoord op.")] == [
        "nl.ik-weet-het-niet"
    ]
    hits = agent_hits(with_model(TOY), "Daar heb ik geen antwoord op, maar ik zoek het voor u uit.")
    assert "nl.ik-weet-het-niet" not in [h.rule_id for h in hits]


def test_the_model_only_adds_active_phrase_rules_and_never_doubles_a_pattern() -> None:
    # an address rule in a model file is ignored: single pronouns are the patterns' job
    assert TOY.said(tokens_of("Hoi, waarmee kan ik helpen?"))  # the model would say it
    assert agent_hits(with_model(TOY), "Hoi, waarmee kan ik helpen?") == []
    # a pattern match keeps its own card; the model adds no second one
    hits = agent_hits(with_model(TOY), "Het kan me niet schelen, het laat me Siberisch.")
    assert [h.rule_id for h in hits].count("nl.kan-me-niet-schelen") == 1


def test_unsure_words_keep_the_models_card_back_like_a_patterns() -> None:
    analyser = with_model(TOY)
    words = words_from_text("Tja, dat laat mij verder Siberisch hoor.", start=3.0)
    unsure = tuple(replace(w, probability=0.3) for w in words)
    event = Transcript(3.0, Channel.AGENT, words=unsure, final=True, utterance=1)
    assert [e for e in analyser.on_event(event) if isinstance(e, PhraseHit)] == []


def test_stored_form_round_trips_and_bad_files_are_refused() -> None:
    assert PhraseWordsModel.from_json(TOY.to_json()) == TOY
    raw = TOY.to_json()
    with pytest.raises(ValueError, match="one value per rule"):
        PhraseWordsModel.from_json({**raw, "bias": [0.0]})
    with pytest.raises(ValueError, match="threshold"):
        PhraseWordsModel.from_json({**raw, "threshold": 1.5})


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_packaged_models_learn_only_phrase_rules_of_their_pack(language: str) -> None:
    from belcoach.seeds.loader import load_rules

    model = load_phrase_model(language)
    assert model is not None and 0.0 < model.threshold < 1.0
    rules = {r.id: r for r in load_rules(language).rules}
    for rule_id in model.rules:
        rule = rules[rule_id]
        assert learnable(rule)
    assert load_phrase_model("fr") is None
    # names are story, not meaning: neither the demo's (issue 15) nor the labelled sets' agents
    # and companies may become features
    words = {part for name in model.weights for part in name[2:].split("_")}
    assert not words & {"sanne", "helder", "vries", "mirjam", "waterlink", "jeroen", "karin"}
