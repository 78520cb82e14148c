"""The phrase-pattern language: expansion, anchors, gaps, normalisation, clear errors."""

from __future__ import annotations

import pytest

from belcoach.seeds.patterns import (
    MAX_VARIANTS,
    PatternError,
    class_group,
    expand,
    normalise_words,
)


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


def test_word_classes_stand_for_their_alternatives() -> None:
    classes: dict[str, str] = {}
    classes["niet"] = class_group("niet", ["=niet", "=niks"], classes)
    classes["weten"] = class_group("weten", ["weet", "wist"], classes)
    classes["zin"] = class_group("zin", ["@weten @niet"], classes)  # a class may use earlier ones
    (variant,) = expand("ik @weten het @niet", classes)
    assert variant.describe() == "ik (weet|wist) het (=niet|=niks)"
    assert variant.pattern == "ik @weten het @niet"  # explanations show what the coach wrote
    assert [v.describe() for v in expand("^@zin", classes)] == ["^(weet|wist) (=niet|=niks)"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("ik @weten", "unknown word class '@weten' (known: @niet)"),
        ("ik =@niet", "put '=' on the class's words"),
    ],
)
def test_bad_class_use_says_what_is_wrong(pattern: str, message: str) -> None:
    classes = {"niet": class_group("niet", ["=niet"], {})}
    with pytest.raises(PatternError, match=message.replace("(", r"\(").replace(")", r"\)")):
        expand(pattern, classes)


@pytest.mark.parametrize(
    ("name", "alternatives", "message"),
    [
        ("weten", [], "needs non-empty alternatives"),
        ("1x", ["a"], "letters, digits"),
        ("weten", ["weet$"], "belong in the rule"),
        ("weten", ["(weet"], "never closed"),
        ("weten", ["@onbekend"], "unknown word class"),
    ],
)
def test_bad_class_definitions_are_refused(
    name: str, alternatives: list[str], message: str
) -> None:
    with pytest.raises(PatternError, match=message):
        class_group(name, alternatives, {})


def test_classes_that_use_each_other_in_a_loop_are_refused() -> None:
    looping = {"a": "(x|@b)", "b": "(y|@a)"}
    with pytest.raises(PatternError, match="nested too deep"):
        expand("@a", looping)
