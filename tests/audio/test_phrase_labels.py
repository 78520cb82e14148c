"""Precision and recall of the phrase rules on the frozen TEST part of the labelled sets.

The sets (tests/data/phrases/, loader and scorer in tests/support/phrase_sets.py)
are typed agent sentences written for belcoach by someone who never saw the
patterns, split into dev and test BEFORE any tuning. The rules were tuned on
dev only; these floors are the test figures reached (``benchmarks/rules.py``
prints them per rule and kind), minus a small margin, so a regression fails.
Where a floor is below the target (P 0.95, R 0.90) the target was missed on
the test part; the docs say so.
"""

from __future__ import annotations

import pytest

from support.phrase_sets import KINDS, load_part, score

TARGET_PRECISION = 0.95
TARGET_RECALL = 0.90
FLOORS = {
    # language: (precision, recall) on the test part, measured minus ~0.02
    "nl": (0.92, 0.47),
    "sv": (0.94, 0.61),
    "en": (0.94, 0.66),
}


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_test_part_figures(language: str) -> None:
    result = score(language, "test", mistakes=False)
    precision, recall = FLOORS[language]
    print(f"{language} test: precision {result.precision:.3f}, recall {result.recall:.3f}")
    assert result.precision >= min(precision, TARGET_PRECISION)
    assert result.recall >= min(recall, TARGET_RECALL)


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_sets_are_well_formed(language: str) -> None:
    for part in ("dev", "test"):
        items = load_part(language, part)
        assert len(items) >= 90, f"{language} {part}: too few sentences"
        assert {i.kind for i in items} <= set(KINDS)
        assert all(i.customer for i in items), "every sentence has a customer line"
        assert sum(i.kind == "near" for i in items) >= 20
        assert sum(not i.expected for i in items) >= 30, "sentences that must not fire"


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_every_shown_rule_is_exercised(language: str) -> None:
    """Each rule that can fire on one sentence has a positive in dev and in test."""
    from belcoach.seeds.loader import load_rules

    for part in ("dev", "test"):
        expected = set().union(*(i.expected for i in load_part(language, part)))
        for rule in load_rules(language).rules:
            if rule.silent:
                continue
            assert rule.id in expected, f"{rule.id} has no labelled example in {part}"
