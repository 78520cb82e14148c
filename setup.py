"""Derives the installed package list from the folders, so nobody keeps it by hand.

Each root folder named in ``[tool.setuptools.package-dir]`` of pyproject.toml
(the design card's top level) installs as ``belcoach.<folder>``; every folder
below it that holds an ``__init__.py`` comes along as a subpackage. Everything
else about the build lives in pyproject.toml.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent


def _packages() -> list[str]:
    config = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
    roots: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    packages: list[str] = []
    for name, folder in roots.items():
        packages.append(name)
        packages += [f"{name}.{sub}" for sub in find_packages(where=str(HERE / folder))]
    return sorted(packages)


setup(packages=_packages())
