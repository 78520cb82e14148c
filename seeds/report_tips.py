"""Loads the report's coaching tips (``report_tips.toml``), each citing its seed text.

Data only: which tips apply to a call is decided in
``belcoach.audio.review.tips``. The file is validated when loaded (STYLE S5),
so a broken entry fails with the file, the tip and the field named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from belcoach.core.errors import RuleError
from belcoach.seeds.packaged import load_toml

TIPS_FILE = "report_tips.toml"
CONDITIONS = frozenset(
    {
        "rate_fast",
        "few_pauses",
        "overtalk_agent",
        "talk_ratio_high",
        "long_monologue",
        "phrase_avoid",
        "stock_phrase",
        "promise",
        "address",
        "dead_air",
        "emotion_negative",
        "emotion_negative_end",
    }
)
"""The conditions a tip may name (see the comment at the top of the TOML file)."""


@dataclass(frozen=True, slots=True)
class Tip:
    """One coaching tip.

    Attributes:
        id: stable id.
        when: the condition under which it applies (one of `CONDITIONS`).
        seed: the seed file the advice comes from.
        quote: the passage of the seed it rests on, verbatim.
        text: the advice per language code (``nl``, ``en``, ``sv``).
    """

    id: str
    when: str
    seed: str
    quote: str
    text: dict[str, str]

    def text_for(self, language: str) -> str:
        """The advice in ``language``, falling back to English, then Dutch."""
        return self.text.get(language) or self.text.get("en") or self.text.get("nl", "")


SEED_TITLES = {
    "000_a1d49fd2dc71d7a4.txt": "Customer Management — gevoelsmanagement in 3 stappen",
    "001_6d1257f8c8d59bde.txt": "Effectief omgaan met klanten (R. P. S. Balagtas, 2019)",
    "002_48629d6a7852847e.txt": "Bullsh*t Bingo (Maurits, 2017)",
    "003_8af8a92ab02c6103.txt": (
        "Utvärdering och personliga erfarenheter kopplat till kundrelationer (2012)"
    ),
    "004_004b37c4f7ebb99a.txt": "Hoeveel houdt u van uw klant? (K. van Spronsen)",
}
"""Readable titles of the seed texts, for citations a coach can look up."""


def seed_title(seed: str) -> str:
    """``"Title" (file)`` for a seed file name; the bare name for an unknown one."""
    title = SEED_TITLES.get(seed)
    return f"{title} [{seed[:3]}]" if title else seed


def load_tips(text: str | None = None) -> tuple[Tip, ...]:
    """Parse the packaged tips file (or ``text``, for tests).

    Raises:
        RuleError: the file is not valid TOML or an entry is incomplete.
    """
    data = load_toml(TIPS_FILE, text=text)
    tips = []
    for i, raw in enumerate(data.get("tip", [])):
        tips.append(_tip(i, raw))
    return tuple(tips)


def _tip(index: int, raw: Any) -> Tip:
    where = f"{TIPS_FILE}: tip {index + 1}"
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: expected a table")
    where = f"{TIPS_FILE}: tip {raw.get('id', index + 1)!s}"
    for key in ("id", "when", "seed", "quote"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleError(f"{where}: '{key}' must be a non-empty string")
    if raw["when"] not in CONDITIONS:
        raise RuleError(f"{where}: unknown condition 'when = {raw['when']}'")
    text = raw.get("text")
    if (
        not isinstance(text, dict)
        or not text
        or not all(isinstance(v, str) and v.strip() for v in text.values())
    ):
        raise RuleError(f"{where}: 'text' must map language codes to advice")
    return Tip(
        raw["id"], raw["when"], raw["seed"], raw["quote"], {str(k): v for k, v in text.items()}
    )
