"""Shared fixtures: isolated per-user directories and one real Whisper model per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

# Every test fails if anything tries to reach the network (belcoach promises
# nothing leaves the PC): an autouse fixture, imported here to register it.
from support.netguard import no_network  # noqa: F401


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory for the whole run, so the base model is assembled once."""
    return tmp_path_factory.mktemp("belcoach-cache")


@pytest.fixture(autouse=True)
def _isolated_dirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, session_cache: Path
) -> Iterator[None]:
    """Point every per-user path at temporary folders (STYLE X5)."""
    monkeypatch.setenv("BELCOACH_CACHE_DIR", str(session_cache))
    monkeypatch.setenv("BELCOACH_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("BELCOACH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BELCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BELCOACH_POLICY", str(tmp_path / "policy" / "policy.toml"))
    monkeypatch.delenv("BELCOACH_MODEL_DIR", raising=False)
    yield


@pytest.fixture(scope="session")
def base_model(session_cache: Path):
    """The real Whisper base model (int8, 2 threads), assembled from its PyPI packages."""
    mp = pytest.MonkeyPatch()
    mp.setenv("BELCOACH_CACHE_DIR", str(session_cache))
    try:
        from belcoach.models.loader import load_whisper
        from belcoach.models.store import ModelStore

        path = ModelStore().resolve("base")
        return load_whisper(path, cpu_threads=2)
    finally:
        mp.undo()


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: DSP tests are deterministic (STYLE X6)."""
    return np.random.default_rng(440)
