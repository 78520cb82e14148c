"""The model a packaged build carries: found after IT's directories, before the cache."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from belcoach.core import paths
from belcoach.core.errors import ModelUnavailableError
from belcoach.models.files import STAMP_NAME
from belcoach.models.store import ModelStore

Copy = Callable[[str, Path], Path]


@pytest.fixture
def bundle(link_copy: Copy, tmp_path: Path) -> Path:
    """A bundle's models folder as PyInstaller lays it out: base without its stamp."""
    models = tmp_path / "bundle" / "models"
    link_copy("base", models / "base")
    (models / "base" / STAMP_NAME).unlink()
    return models


def test_bundled_model_is_used_without_assembling(bundle: Path, tmp_path: Path) -> None:
    store = ModelStore(bundled_dir=bundle, cache_dir=tmp_path / "cache")
    assert store.resolve("base") == (bundle / "base").resolve()
    assert not (tmp_path / "cache").exists()  # nothing assembled, nothing written
    # no admin dir given; the env dir comes from the models tests' isolation fixture
    assert [o for o, _d in store.search_dirs()] == ["env", "bundled", "cache"]


def test_admin_directory_wins_over_the_bundle(
    bundle: Path, link_copy: Copy, tmp_path: Path
) -> None:
    admin = tmp_path / "it-share"
    link_copy("base", admin / "base")
    store = ModelStore(admin_dir=admin, bundled_dir=bundle, cache_dir=tmp_path / "cache")
    assert store.resolve("base") == (admin / "base").resolve()
    assert next(o for o, _d in store.search_dirs()) == "admin"


def test_verify_hashes_the_bundle_and_never_writes_into_it(bundle: Path, tmp_path: Path) -> None:
    store = ModelStore(bundled_dir=bundle, cache_dir=tmp_path / "cache")
    report = store.verify("base")
    assert report.ok and report.hashed and report.path == bundle / "base"
    assert not (bundle / "base" / STAMP_NAME).exists()
    info = {i.name: i for i in store.available()}["base"]
    assert info.origin == "bundled" and info.path == bundle / "base"


def test_a_damaged_bundle_is_an_error_not_a_silent_fallback(
    real_copy: Copy, tmp_path: Path
) -> None:
    models = tmp_path / "bundle" / "models"
    real_copy("base", models / "base")
    (models / "base" / STAMP_NAME).unlink()
    with (models / "base" / "model.bin").open("r+b") as fh:
        fh.truncate(1000)
    store = ModelStore(bundled_dir=models, cache_dir=tmp_path / "cache")
    with pytest.raises(ModelUnavailableError, match=r"model\.bin: size 1,000 B"):
        store.resolve("base")


def test_paths_find_the_bundle_only_in_a_frozen_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BELCOACH_BUNDLED_MODELS", raising=False)
    assert paths.bundle_dir() is None and paths.bundled_models_dir() is None
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.bundle_dir() == tmp_path
    assert paths.bundled_models_dir() is None  # a build without models
    (tmp_path / "models").mkdir()
    assert paths.bundled_models_dir() == tmp_path / "models"
    monkeypatch.setenv("BELCOACH_BUNDLED_MODELS", os.fspath(tmp_path / "x"))
    assert paths.bundled_models_dir() == tmp_path / "x"


def test_store_picks_up_the_frozen_bundle_by_default(
    bundle: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BELCOACH_BUNDLED_MODELS", raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle.parent), raising=False)
    store = ModelStore(cache_dir=tmp_path / "cache")
    assert ("bundled", bundle) in store.search_dirs()
    assert store.resolve("base") == (bundle / "base").resolve()
    shutil.rmtree(bundle)  # gone: back to the cache (assembled from the packages)
    assert (
        ModelStore(cache_dir=tmp_path / "cache").resolve("base").parent
        == (tmp_path / "cache").resolve()
    )
