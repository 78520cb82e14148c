"""Loads ``speech_norms.toml``: speaking-rate norms per language and the analytics thresholds.

The numbers are data with their sources next to them (the TOML file cites
each one); this module only reads and checks them, so a damaged file fails
with the file and key named instead of a wrong number reaching the agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from belcoach.core.errors import ConfigError
from belcoach.seeds.packaged import load_toml

FILE = "speech_norms.toml"


@dataclass(frozen=True, slots=True)
class RateNorm:
    """What a typical speaker of one language does, in syllables per second.

    Attributes:
        key: the norm's key in the file (``nl``, ``nl-BE``, ``sv``, ``en``, ``default``).
        articulation_rate: syllables per second of phonation (pauses excluded).
        speaking_rate: syllables per second including pauses.
        words_per_min: typical words per minute.
        provisional: True when no direct published figure exists (see ``cite``).
        cite: where the figures come from.
    """

    key: str
    articulation_rate: float
    speaking_rate: float
    words_per_min: float
    provisional: bool
    cite: str


@dataclass(frozen=True, slots=True)
class SpeechNorms:
    """The whole file: norms per language plus one table of thresholds per analysis.

    Attributes:
        norms: rate norms by key.
        rate: the ``[rate]`` table (tolerance, hysteresis, window, ...).
        pauses: the ``[pauses]`` table.
        overtalk: the ``[overtalk]`` table.
        dead_air: the ``[dead_air]`` table.
        conversation: the ``[conversation]`` table.
        source: the seed text the signals come from.
    """

    norms: dict[str, RateNorm]
    rate: dict[str, float]
    pauses: dict[str, float]
    overtalk: dict[str, float]
    dead_air: dict[str, float]
    conversation: dict[str, float]
    source: str

    def norm_for(self, language: str) -> RateNorm:
        """The norm for a language code or norm key; ``default`` for languages without one."""
        if language in self.norms:
            return self.norms[language]
        base = language.split("-")[0].split("_")[0].lower()
        return self.norms.get(base, self.norms["default"])


def load_speech_norms(text: str | None = None, *, origin: str = FILE) -> SpeechNorms:
    """Read and check the packaged norms (or ``text``, for tests).

    Raises:
        ConfigError: the file is not valid TOML, or a value is missing or not a number.
    """
    data = load_toml(FILE, text=text, origin=origin, error=ConfigError)
    norms_table = _table(data, "norms", origin)
    norms = {
        key: _norm(key, _table(norms_table, key, origin, "norms."), origin) for key in norms_table
    }
    if "default" not in norms:
        raise ConfigError(f"{origin}: [norms.default] is missing")
    return SpeechNorms(
        norms=norms,
        rate=_numbers(data, "rate", origin),
        pauses=_numbers(data, "pauses", origin),
        overtalk=_numbers(data, "overtalk", origin),
        dead_air=_numbers(data, "dead_air", origin),
        conversation=_numbers(data, "conversation", origin),
        source=str(data.get("source", "")),
    )


def _table(data: dict[str, Any], key: str, origin: str, prefix: str = "") -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"{origin}: [{prefix}{key}] is missing or not a table")
    return value


def _number(table: dict[str, Any], key: str, origin: str, where: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{origin}: {where}.{key} must be a non-negative number, not {value!r}")
    return float(value)


def _numbers(data: dict[str, Any], key: str, origin: str) -> dict[str, float]:
    table = _table(data, key, origin)
    return {name: _number(table, name, origin, key) for name in table}


def _norm(key: str, table: dict[str, Any], origin: str) -> RateNorm:
    where = f"norms.{key}"
    norm = RateNorm(
        key=key,
        articulation_rate=_number(table, "articulation_rate", origin, where),
        speaking_rate=_number(table, "speaking_rate", origin, where),
        words_per_min=_number(table, "words_per_min", origin, where),
        provisional=bool(table.get("provisional", False)),
        cite=str(table.get("cite", "")),
    )
    if norm.articulation_rate <= 0 or norm.speaking_rate <= 0:
        raise ConfigError(f"{origin}: {where}: rates must be above zero")
    if not norm.cite:
        raise ConfigError(f"{origin}: {where}.cite is missing: every norm names its source")
    return norm
