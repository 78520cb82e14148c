"""The coaching rule-pack parser never breaks on a bad file (skipped until the rules land).

``load_rules`` promises never to raise for a bad file or rule: every problem
is one line naming the file, and the packaged rules keep working.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

loader = pytest.importorskip("belcoach.seeds.loader", reason="the rule packs are not merged yet")

_scalars = st.one_of(
    st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False), st.text(max_size=30),
    st.lists(st.text(max_size=12), max_size=4),
)  # fmt: skip
_rule = st.dictionaries(
    st.sampled_from(
        ["id", "pattern", "patterns", "category", "polarity", "severity", "suggestions", "why",
         "source", "enabled", "channel", "language", "x"]
    ),
    _scalars,
    max_size=8,
)  # fmt: skip


def _check(data: bytes, language: str = "nl") -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extra.toml"
        path.write_bytes(data)
        book = loader.load_rules(language, extra_files=[path])
        for problem in book.problems:
            assert "\n" not in problem, problem
            assert problem.startswith((str(path), "seeds/rules/")), problem
        assert not [p for p in book.problems if p.startswith("seeds/rules/")]
        assert book.rules, "the packaged rules still work"
        for problem in loader.check_file(path):
            assert "\n" not in problem and problem.startswith(str(path)), problem


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_never_break_the_rules(data: bytes) -> None:
    _check(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    language=st.one_of(st.sampled_from(["nl", "sv", "en"]), _scalars),
    rules=st.lists(_rule, max_size=6),
    extra=st.dictionaries(st.text(max_size=8), _scalars, max_size=3),
)
def test_well_formed_toml_with_bad_rules_never_breaks_the_rules(
    language: Any, rules: list[dict[str, Any]], extra: dict[str, Any]
) -> None:
    try:
        text = tomli_w.dumps({"language": language, "rule": rules, **extra})
    except (TypeError, ValueError):
        return
    _check(text.encode())
