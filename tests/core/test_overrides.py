"""Overrides from TOML tables onto frozen config dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pytest

from belcoach.core.errors import ConfigError
from belcoach.core.overrides import apply_overrides


@dataclass(frozen=True, slots=True)
class Inner:
    min_overlap: float = 0.7
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Outer:
    inner: Inner = field(default_factory=Inner)
    verdict: Literal["slow", "ok", "fast"] = "ok"
    limit: int = 3
    words: tuple[str, ...] = ()
    cap: float | None = None


def test_nested_values_replace_and_coerce() -> None:
    base = Outer()
    new = apply_overrides(
        base, {"inner": {"min_overlap": 1}, "words": ["ja", "hm"], "cap": 2, "verdict": "fast"}
    )
    assert new.inner.min_overlap == 1.0 and isinstance(new.inner.min_overlap, float)
    assert new.words == ("ja", "hm") and new.cap == 2.0 and new.verdict == "fast"
    assert base.inner.min_overlap == 0.7  # the original is untouched


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nope": 1}, r"policy\.toml: unknown setting 'nope'"),
        ({"inner": {"enabled": "yes"}}, r"'inner\.enabled' must be bool"),
        ({"inner": 3}, r"'inner' must be a table"),
        ({"limit": 2.5}, r"'limit' must be int"),
        ({"verdict": "very"}, r"must be one of"),
        ({"words": "ja"}, r"'words' must be"),
    ],
)
def test_bad_values_name_the_key_and_file(overrides: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        apply_overrides(Outer(), overrides, origin="policy.toml")
