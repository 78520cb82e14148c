"""Which of the seeds' coaching tips apply to a call, and why.

The tips themselves are data in ``seeds/report_tips.toml``; the thresholds
that decide "applies" live here, next to the figures they read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from belcoach.audio.calls.summary import CallSummary
from belcoach.seeds.emotion_data import NEGATIVE_LABELS
from belcoach.seeds.report_tips import Tip, load_tips

FAST_SHARE = 0.1
"""Share of the agent's rate samples judged fast from which "slow down" applies."""

PAUSE_SHARE = 0.5
"""Below this share of sentences followed by a pause, "pause between sentences" applies."""

TALK_RATIO_HIGH = 0.6
"""Above this share of the talking, "listen first" applies."""

MONOLOGUE_S = 45.0
"""An agent stretch this long without the customer asks for a question."""


def _rate_fast(s: CallSummary) -> bool:
    if s.fast_share is not None and s.fast_share >= FAST_SHARE:
        return True
    return s.agent_rate is not None and s.rate_high is not None and s.agent_rate > s.rate_high


def _few_pauses(s: CallSummary) -> bool:
    return (s.sentences or 0) >= 3 and (s.sentences_with_pause or 0) / (
        s.sentences or 1
    ) < PAUSE_SHARE


def _category(name: str) -> Callable[[CallSummary], bool]:
    return lambda s: any(p.category == name and p.polarity != "good" for p in s.phrases)


def _phrase_avoid(s: CallSummary) -> bool:
    return any(p.polarity != "good" and p.category in ("avoid", "") for p in s.phrases)


def _monologue(s: CallSummary) -> bool:
    m = s.longest_monologue
    return m is not None and m.end - m.start >= MONOLOGUE_S


CHECKS: dict[str, Callable[[CallSummary], bool]] = {
    "rate_fast": _rate_fast,
    "few_pauses": _few_pauses,
    "overtalk_agent": lambda s: s.overtalk_by_agent > 0,
    "talk_ratio_high": lambda s: s.talk_ratio is not None and s.talk_ratio > TALK_RATIO_HIGH,
    "long_monologue": _monologue,
    "phrase_avoid": _phrase_avoid,
    "stock_phrase": _category("stock_phrase"),
    "promise": lambda s: any(p.category == "promise" for p in s.phrases),
    "address": _category("address"),
    "dead_air": lambda s: bool(s.dead_air),
    "emotion_negative": lambda s: any(m.label in NEGATIVE_LABELS for m in s.emotion_path),
    "emotion_negative_end": lambda s: (
        bool(s.emotion_path) and s.emotion_path[-1].label in NEGATIVE_LABELS
    ),
}


@dataclass(frozen=True, slots=True)
class AppliedTip:
    """A tip that applies to this call, with its advice in the report's language."""

    tip: Tip
    text: str


def applicable_tips(
    summary: CallSummary, *, language: str = "nl", tips: Sequence[Tip] | None = None
) -> list[AppliedTip]:
    """The tips whose condition holds for ``summary``, in the file's order."""
    tips = load_tips() if tips is None else tips
    return [
        AppliedTip(tip, tip.text_for(language))
        for tip in tips
        if tip.when in CHECKS and CHECKS[tip.when](summary)
    ]
