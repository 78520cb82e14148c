"""The phrase-pattern language: expansion, anchors, gaps, normalisation, clear errors."""

from __future__ import annotations

import pytest

from belcoach.seeds.patterns import MAX_VARIANTS, PatternError, expand, normalise_words


def test_normalisation_ignores_case_accents_and_punctuation() -> None:
    assert normalise_words("Één, twéé… DRIE!") == ["een", "twee", "drie"]
    assert normalise_words("I don't know — e-mail") == ["i", "dont", "know", "email"]
    assert normalise_words("Välkommen till Åre") == ["valkommen", "till", "are"]
    assert normalise_words("...") == []


def test_single_word_groups_stay_one_slot() -> None:
    (variant,) = expand("ik weet het [ook|echt] (niet|=niks)")
    slots = variant.slots
    assert [s.choices for s in slots] == [
        ("ik",),
        ("weet",),
        ("het",),
        ("ook", "echt"),
        ("niet", "niks"),
    ]
    assert slots[3].optional and not slots[4].optional
    assert slots[4].exact == (False, True)
    assert variant.describe() == "ik weet het [ook|echt] (niet|=niks)"


def test_multi_word_alternatives_expand() -> None:
    variants = expand("^wat (naar|rot) voor (u|je) [om te horen|nu]$")
    texts = sorted(v.describe() for v in variants)
    assert texts == [
        "^wat (naar|rot) voor (u|je) nu$",
        "^wat (naar|rot) voor (u|je) om te horen$",
        "^wat (naar|rot) voor (u|je)$",
    ]
    assert all(v.at_start and v.at_end for v in variants)


def test_nested_groups_and_gaps() -> None:
    variants = expand("kan (me|mij) (=niet|=geen (moer|bal)) * schelen")
    described = {v.describe() for v in variants}
    assert "kan (me|mij) =niet * schelen" in described
    assert "kan (me|mij) =geen (moer|bal) * schelen" in described


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty pattern"),
        ("   ", "empty pattern"),
        ("ik (weet", "never closed"),
        ("ik weet)", "unexpected ')'"),
        ("ik [weet)", "closed with ')'"),
        ("ik ^weet", "only allowed at the start"),
        ("ik $ weet", "only allowed at the end"),
        ("* weet", "cannot start or end"),
        ("weet *", "cannot start or end"),
        ("[ik|je]", "can match no words"),
        ("!!!", "no letters"),
    ],
)
def test_bad_patterns_say_what_is_wrong(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message.replace("(", r"\(").replace(")", r"\)")):
        expand(pattern)


def test_runaway_expansion_is_refused() -> None:
    group = "(" + "|".join(f"a{i} b{i}" for i in range(20)) + ")"
    with pytest.raises(PatternError, match=f"more than {MAX_VARIANTS}"):
        expand(f"{group} {group}")
