"""Makes the working tree importable as ``belcoach.*`` in this checkout's venv, no reinstall.

``pip install -e .`` alone maps ``belcoach.audio`` → ``audio/`` through an
import hook. Python follows that hook, but import-linter (grimp) and mypy look
for the package on disk and find nothing behind a hook. So this script also
builds a small link tree inside the venv::

    .venv/belcoach-dev/belcoach/audio -> <checkout>/audio   (one link per root folder)

and puts ``.venv/belcoach-dev`` on the venv's path with a ``.pth`` file. Every
tool then reads the working tree itself: an edit, or a new module, is seen by
``pytest``, ``lint-imports``, ``mypy`` and the ``belcoach`` command at once.
The root folders come from ``[tool.setuptools.package-dir]`` in pyproject.toml,
the same table the wheel is built from. Run by scripts/setup.sh.

Usage: python scripts/dev_links.py   (with the venv's python)
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Create or refresh the link tree and the ``.pth`` entry; return the exit code."""
    if sys.prefix == sys.base_prefix:
        print("dev_links: run this with the venv's python (.venv/bin/python)", file=sys.stderr)
        return 2
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    roots: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    tree = Path(sys.prefix) / "belcoach-dev"
    package = tree / "belcoach"
    if package.exists():
        shutil.rmtree(package)
    package.mkdir(parents=True)
    for name, folder in roots.items():
        os.symlink(ROOT / folder, package / name.split(".", 1)[1], target_is_directory=True)
    site = Path(sysconfig.get_paths()["purelib"])
    # a copy left by an earlier regular install would shadow the working tree
    stale = site / "belcoach"
    if stale.is_dir() and not stale.is_symlink():
        shutil.rmtree(stale)
    (site / "belcoach-dev.pth").write_text(f"{tree}\n", encoding="utf-8")
    print(f"dev_links: belcoach.* -> {ROOT} ({', '.join(sorted(roots))})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
