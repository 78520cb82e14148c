"""Which of seed 000's steps fits now: aanvoelen, erkennen or leiden, and the hint to show.

Seed 000: first sense where the customer stands (Aanvoelen), then make them feel
recognised (Erkennen: "Vóór dat een klant in staat is om zijn gevoel te veranderen [...]
moet hij zich eerst begrepen of erkend voelen"), and only then lead towards a positive
feeling (Leiden). So:

- ``aanvoelen`` while the estimate is unsure, or nothing negative has shown yet;
- ``erkennen`` once a negative feeling is clear and the agent has not acknowledged it;
- ``leiden`` once the agent acknowledged it (named the feeling, "dat begrijp ik", "het
  spijt me" — not a stock phrase like "wat vervelend voor u"), and when the customer is
  content again after a negative stretch.

An acknowledgement counts for the whole negative stretch ("episode") it was given in; a
new episode starts when the customer was clearly not negative for a while and then is
negative again.
"""

from __future__ import annotations

from dataclasses import dataclass

from belcoach.seeds.emotion_data import NEGATIVE_LABELS, hint_for


@dataclass(frozen=True, slots=True)
class GuidanceConfig:
    """Thresholds of the step logic (settings ``analysis.emotion.guidance``).

    Attributes:
        clear: smoothed probability from which a negative feeling counts as clear.
        calm_utterances: clearly non-negative customer utterances that end an episode.
    """

    clear: float = 0.42
    calm_utterances: int = 2


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """The agent acknowledged the customer's feeling.

    Attributes:
        t: when the acknowledging words started (audio clock).
        said: the words.
        label: the feeling it answered.
    """

    t: float
    said: str
    label: str


class Guide:
    """Keeps the episode state; decides the step for each estimate."""

    def __init__(self, config: GuidanceConfig | None = None) -> None:
        self.config = config or GuidanceConfig()
        self.in_episode = False
        self.acknowledged: Acknowledgement | None = None
        self._calm = 0
        self._last_label = "neutraal"

    def step_for(self, label: str, confidence: float) -> str:
        """Update the episode with one customer estimate; return the step that fits."""
        negative = label in NEGATIVE_LABELS
        self._last_label = label
        if negative:
            self.in_episode = True
            self._calm = 0
            if self.acknowledged is not None:
                return "leiden"
            return "erkennen" if confidence >= self.config.clear else "aanvoelen"
        if self.in_episode:
            self._calm += 1
            if self._calm >= self.config.calm_utterances:
                self.in_episode = False
                had_ack = self.acknowledged is not None
                self.acknowledged = None
                return "leiden" if had_ack or label == "tevreden" else "aanvoelen"
            return "leiden" if self.acknowledged is not None or label == "tevreden" else "aanvoelen"
        return "aanvoelen" if label != "tevreden" or confidence < self.config.clear else "leiden"

    def acknowledge(self, t: float, said: str) -> Acknowledgement | None:
        """The agent said acknowledging words at ``t``; return the acknowledgement if it counts.

        It counts when the customer's feeling is negative now (an episode is open) and it
        was not acknowledged yet in this episode.
        """
        if not self.in_episode or self.acknowledged is not None:
            return None
        if self._last_label not in NEGATIVE_LABELS:
            return None
        self.acknowledged = Acknowledgement(t=t, said=said, label=self._last_label)
        return self.acknowledged


def hint(step: str, label: str, language: str) -> tuple[str, str]:
    """The hint text in ``language`` and the seed quote it rests on."""
    found = hint_for(step, label)
    return found.text(language), found.quote
