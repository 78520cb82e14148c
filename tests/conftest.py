"""Shared fixtures: isolated per-user directories and one real Whisper model per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

# Every test fails if anything tries to reach the network (belcoach promises
# nothing leaves the PC): an autouse fixture, imported here to register it.
from support.netguard import no_network  # noqa: F401

if TYPE_CHECKING:
    from support.analyzed import Analyzed


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


WHISPER_FIXTURES = ("base_model", "demo_through_whisper")
"""Fixtures that load (or run) a real Whisper model for the test that asks for them."""


@pytest.fixture(autouse=True)
def _whisper_is_marked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A test that loads a real Whisper model must carry ``@pytest.mark.whisper``.

    scripts/kernel_matrix.sh runs ``-m whisper`` under each CPU kernel choice, so an
    unmarked test would escape it. Caught here: asking for a Whisper fixture, or a
    model load in the test's own process, on any thread (loads in processes it starts
    are not seen; such tests ask for ``base_model`` to have the model assembled).
    """
    if request.node.get_closest_marker("whisper") is not None:
        yield
        return
    wanted = [f for f in WHISPER_FIXTURES if f in request.fixturenames]
    if wanted:
        pytest.fail(f"uses {', '.join(wanted)} but is not marked @pytest.mark.whisper")
    from belcoach.models import loader

    real = loader.WhisperModel
    loaded: list[str] = []

    def unmarked(*args: object, **kwargs: object) -> object:
        model = real(*args, **kwargs)  # a model that fails to load is no Whisper run
        loaded.append(str(args[0]) if args else "?")
        return model

    monkeypatch.setattr(loader, "WhisperModel", unmarked)
    yield
    if loaded:
        pytest.fail(f"loaded Whisper ({', '.join(loaded)}) but is not marked @pytest.mark.whisper")


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


@pytest.fixture(scope="session")
def demo_through_whisper(
    base_model: object, session_cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> Analyzed:
    """``belcoach analyze --demo`` once with real Whisper base, for tests that only read it.

    The demo's 84 s cost a Whisper pass each (several minutes under MKL kernels, see
    scripts/kernel_matrix.sh); the tests of what the analysers make of Whisper's words
    share this one run. Settings, policy and logs are empty temporary folders.
    """
    from support.analyzed import run_analyze

    root = tmp_path_factory.mktemp("demo-through-whisper")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BELCOACH_CACHE_DIR", str(session_cache))
        for name, sub in (("LOG", "logs"), ("CONFIG", "config"), ("DATA", "data")):
            mp.setenv(f"BELCOACH_{name}_DIR", str(root / sub))
        mp.setenv("BELCOACH_POLICY", str(root / "policy" / "policy.toml"))
        mp.delenv("BELCOACH_MODEL_DIR", raising=False)
        return run_analyze(root / "events.jsonl", "--demo")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: DSP tests are deterministic (STYLE X6)."""
    return np.random.default_rng(440)
