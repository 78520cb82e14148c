"""Which of seed 000's steps fits now: aanvoelen, erkennen or leiden, and the hint to show.

Seed 000: first sense where the customer stands (Aanvoelen), then make them feel
recognised (Erkennen: "Vóór dat een klant in staat is om zijn gevoel te veranderen [...]
moet hij zich eerst begrepen of erkend voelen"), and only then lead towards a positive
feeling (Leiden). So:

- ``aanvoelen`` while the estimate is unsure, or nothing negative has shown yet (a
  neutral or businesslike customer, "Neutraal, zakelijk?", has nothing to acknowledge;
  the hint for zakelijk says to be brief and concrete);
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

from belcoach.seeds.emotion_data import (
    NEGATIVE_LABELS,
    POSITIVE_LABELS,
    EmotionLabel,
    EmotionStep,
    Hint,
    hint_for,
)


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
    label: EmotionLabel


class Guide:
    """Keeps the episode state; decides the step for each estimate.

    Agent and customer words reach the analyser in the order Whisper finishes them, not
    always in audio order, so an acknowledgement is kept with its audio time and counts
    for an episode when it was said after the episode's first negative utterance began.
    """

    def __init__(self, config: GuidanceConfig | None = None) -> None:
        self.config = config or GuidanceConfig()
        self.opened_at: float | None = None  # start of the episode's first negative utterance
        self.acknowledged: Acknowledgement | None = None
        self._heard: list[tuple[float, str]] = []  # every acknowledging phrase the agent said
        self._calm = 0
        self._last_label = EmotionLabel.NEUTRAAL

    @property
    def in_episode(self) -> bool:
        """True while a negative stretch is open."""
        return self.opened_at is not None

    def step_for(self, label: EmotionLabel, confidence: float, *, t: float) -> EmotionStep:
        """Update the episode with one customer estimate; return the step that fits.

        Args:
            label: the (smoothed) label.
            confidence: its probability.
            t: audio-clock start of the customer's utterance.
        """
        negative = label in NEGATIVE_LABELS
        self._last_label = label
        if negative:
            if self.opened_at is None:
                self.opened_at = t
            self._calm = 0
            if self.acknowledged is None:
                self.acknowledged = self._earlier_acknowledgement(label)
            if self.acknowledged is not None:
                return EmotionStep.LEIDEN
            return (
                EmotionStep.ERKENNEN if confidence >= self.config.clear else EmotionStep.AANVOELEN
            )
        if self.opened_at is not None:
            had_ack = self.acknowledged is not None
            self._calm += 1
            if self._calm >= self.config.calm_utterances:
                self.opened_at = None
                self.acknowledged = None
            return (
                EmotionStep.LEIDEN if had_ack or label in POSITIVE_LABELS else EmotionStep.AANVOELEN
            )
        if label in POSITIVE_LABELS and confidence >= self.config.clear:
            return EmotionStep.LEIDEN
        return EmotionStep.AANVOELEN  # neutraal and zakelijk: nothing to acknowledge, keep sensing

    def _earlier_acknowledgement(self, label: EmotionLabel) -> Acknowledgement | None:
        assert self.opened_at is not None
        for t, said in self._heard:
            if t >= self.opened_at:
                return Acknowledgement(t=t, said=said, label=label)
        return None

    def acknowledge(self, t: float, said: str) -> Acknowledgement | None:
        """The agent said acknowledging words at ``t``; return the acknowledgement if it counts now.

        It counts when a negative episode is open, began before ``t``, and was not
        acknowledged yet. Otherwise it is remembered, in case the customer's earlier words
        are still being transcribed.
        """
        self._heard.append((t, said))
        if self.opened_at is None or self.acknowledged is not None or t < self.opened_at:
            return None
        if self._last_label not in NEGATIVE_LABELS:
            return None
        self.acknowledged = Acknowledgement(t=t, said=said, label=self._last_label)
        return self.acknowledged


def hint(step: EmotionStep, label: EmotionLabel) -> Hint:
    """The hint for ``step`` and ``label`` (its text per language, seed quote and source)."""
    return hint_for(step, label)
