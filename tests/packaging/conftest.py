"""Load the build helpers in ``packaging/`` (plain scripts, not an installed package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load_script(relpath: str) -> ModuleType:
    """Import a file under ``packaging/`` as a module, by path.

    ``packaging/`` goes on ``sys.path`` as it does when a script there runs, so
    the smoke test finds its sibling modules.
    """
    if str(PACKAGING) not in sys.path:
        sys.path.append(str(PACKAGING))
    path = PACKAGING / relpath
    name = "packaging_" + path.stem
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def collect() -> ModuleType:
    return load_script("collect.py")
