"""The analysers every call runs, in order, for a given call language.

Live calls, ``belcoach analyze`` and the benchmarks all take their analysers
from here, so they produce the same events.
"""

from __future__ import annotations

from belcoach.audio.analysers import Analyser


def default_analysers(language: str) -> list[Analyser]:
    """Build fresh analysers (they hold per-call state) for one call in ``language``."""
    analysers: list[Analyser] = []
    return analysers
