"""Precision and recall of the phrase rules on the frozen TEST part of the labelled sets.

The sets (tests/data/phrases/, loader and scorer in tests/support/phrase_sets.py)
are typed agent sentences written for belcoach by someone who never saw the
patterns, split into dev and test BEFORE any tuning. The rules were tuned on
dev only; these floors are the test figures reached (``benchmarks/rules.py``
prints them per rule and kind), so a regression fails: precision reached the
target 0.95 in every language and must stay there (2026-12-06, with the learnt
words model: nl 0.953, 243 of 255 flagged rules right; sv 0.973, en 0.973).
Recall, 2026-12-06 with the words model: nl 0.884, sv 0.911, en 0.924 (patterns
alone nl 0.829, sv 0.861, en 0.873; after the recall3 round nl 0.829, sv 0.873,
en 0.873; after issue 15 item 3 nl 0.793, sv 0.823, en 0.848). Where the target
0.90 is missed the floor is the measured recall minus about 0.02 (raised only
upward, to figures measured on test).
Matching typed text is deterministic, so the margins guard against
regressions, not noise.
"""

from __future__ import annotations

import pytest

from support.phrase_sets import KINDS, load_part, score

FLOORS = {
    # language: (precision, recall) on the test part: the target where it was
    # reached, else the measured figure minus 0.02 (see the module docstring)
    "nl": (0.95, 0.86),
    "sv": (0.95, 0.90),
    "en": (0.95, 0.90),
}


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_test_part_figures(language: str) -> None:
    result = score(language, "test", mistakes=False)
    precision, recall = FLOORS[language]
    print(f"{language} test: precision {result.precision:.3f}, recall {result.recall:.3f}")
    assert round(result.precision, 3) >= precision
    assert round(result.recall, 3) >= recall


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
