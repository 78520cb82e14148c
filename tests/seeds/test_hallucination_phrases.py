"""The per-language lists of text Whisper invents (seeds/hallucinations)."""

from __future__ import annotations

import pytest

from belcoach.core.errors import RuleError
from belcoach.seeds.hallucination_phrases import load_hallucination_phrases


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_the_packaged_lists_load_with_both_kinds(language: str) -> None:
    phrases = load_hallucination_phrases(language).phrases
    assert any(p.could_be_said for p in phrases)
    assert any(not p.could_be_said and p.prefix for p in phrases)


def test_entries_are_normalised_like_transcribed_words() -> None:
    phrases = load_hallucination_phrases("sv").phrases
    assert ("tack", "for", "att", "du", "tittade") in {p.words for p in phrases}
    assert ("textning",) in {p.words for p in phrases if p.prefix}


def test_a_language_without_a_file_has_no_phrases() -> None:
    assert load_hallucination_phrases("de").phrases == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("never_said = ['a * b']", "'a * b'"),
        ("never_said = ['*']", "'*'"),
        ("could_be_said = 'tack'", "must be a list of strings"),
        ("never_said = [", "not valid TOML"),
    ],
)
def test_a_broken_entry_names_the_file_and_the_entry(text: str, problem: str) -> None:
    with pytest.raises(RuleError, match=r"coach\.toml") as err:
        load_hallucination_phrases("nl", text, origin="coach.toml")
    assert problem in str(err.value)
