"""The embedded demo call: a short synthetic Dutch call, the default input everywhere.

Made by ``scripts/make_demo_call.py`` with espeak-ng (see demo/README.md).
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent


def demo_call_path() -> Path:
    """Return the stereo demo call (left = agent, right = customer)."""
    return _HERE / "demo_call_nl.flac"


def demo_truth_path() -> Path:
    """Return the demo call's script with the exact time of every turn."""
    return _HERE / "demo_call_nl.json"
