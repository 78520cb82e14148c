"""Precision and recall of the phrase rules on the labelled sets in tests/data/phrases/.

Each language has at least 60 sentences: positives, near-misses that must not
match, and positives as Whisper base misspells them. ``benchmarks/rules.py``
prints the same figures with the matcher's speed.
"""

from __future__ import annotations

import pytest

from support.phrase_sets import load_set, score

PRECISION = 0.95
RECALL = 0.90


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_labelled_set(language: str) -> None:
    customer, items = load_set(language)
    assert customer, "the set names the customer's opening line"
    kinds = {i.kind for i in items}
    assert kinds == {"pos", "near", "asr"}
    assert len(items) >= 60
    assert sum(i.kind == "near" for i in items) >= 20
    assert sum(i.kind == "asr" for i in items) >= 15
    result = score(language)
    report = "\n".join(result.mistakes)
    print(f"{language}: precision {result.precision:.3f}, recall {result.recall:.3f}\n{report}")
    assert result.precision >= PRECISION, report
    assert result.recall >= RECALL, report


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_every_shown_rule_is_exercised(language: str) -> None:
    """Each rule that can fire on one sentence has at least one positive in the set."""
    from belcoach.seeds.loader import load_rules

    _customer, items = load_set(language)
    expected = set().union(*(i.expected for i in items))
    for rule in load_rules(language).rules:
        if rule.silent or rule.kind == "summary_check":
            continue
        assert rule.id in expected, f"{rule.id} has no labelled example"
