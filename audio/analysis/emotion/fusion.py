"""Map words, voice and optional models onto seed 000's feelings, and smooth over the call.

Per utterance every source adds evidence for labels (all weights are in ``FusionWeights``):

- cue phrases add to the label they are tagged with;
- negative valence goes to ``gefrustreerd`` (the plain complaint), to ``boos`` the more
  the voice is agitated, to ``verongelijkt`` the more it is subdued;
- a raised pitch without much more loudness (a tense, higher voice) leans ``angstig``;
- positive valence goes to ``tevreden``; little affect at all leaves ``neutraal``;
- ``zakelijk`` (businesslike) comes from its cue phrases only ("ja of nee", "kort en
  goed", "per mail"): the voice cannot tell brisk from plain;
- an optional acoustic model and the optional embedding classifier add their own
  probabilities.

A softmax turns the evidence into probabilities. Across utterances the probabilities are
smoothed (an exponential average whose step grows with how much the utterance says), and
the label only changes when the new one leads by a margin, so one word does not flip it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from belcoach.audio.analysis.emotion.text import TextReading
from belcoach.audio.analysis.emotion.voice import VoiceReading
from belcoach.seeds.emotion_data import LABELS, NEGATIVE_LABELS, POSITIVE_LABELS, EmotionLabel


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """How much each kind of evidence counts (settings ``analysis.emotion.fusion``).

    Attributes:
        cue: one cue phrase's weight towards its label.
        negative: negative valence towards ``gefrustreerd``.
        agitated: negative valence times high arousal towards ``boos``.
        subdued: negative valence times low arousal towards ``verongelijkt``.
        tense: raised pitch (with some negativity) towards ``angstig``.
        positive: positive valence towards ``tevreden``.
        neutral_prior: evidence ``neutraal`` always has (little affect = a plain turn).
        neutral_prior_model: the same when the learnt words model reads the words. The
            model's own ``neutraal`` probability already says "a plain turn", so the fixed
            prior counts less; at 0.9 it outweighed complaints the model saw only faintly
            (chosen on dev: see docs/emotion.md).
        voice_only: high arousal alone towards ``boos`` (when the words say nothing).
        model: the acoustic model's probabilities.
        embeddings: the embedding classifier's probabilities.
        words_model: the learnt words model's probabilities (``words_model``).
        sharpness: softmax inverse temperature.
    """

    cue: float = 1.6
    negative: float = 1.2
    agitated: float = 1.6
    subdued: float = 1.6
    tense: float = 0.8
    positive: float = 2.0
    neutral_prior: float = 0.9
    neutral_prior_model: float = 0.5
    voice_only: float = 0.9
    model: float = 1.5
    embeddings: float = 1.5
    words_model: float = 3.0
    sharpness: float = 2.2


@dataclass(frozen=True, slots=True)
class Fused:
    """The evidence of one utterance turned into label probabilities.

    Attributes:
        probs: label → probability for this utterance alone.
        valence: -1..1 from the words (and model, if any).
        arousal: -1..1 from the voice (0 when unknown).
        strength: how much this utterance says, 0..1 (drives the smoothing step).
        scores: the raw evidence per label, for the evidence dict.
    """

    probs: Mapping[str, float]
    valence: float
    arousal: float
    strength: float
    scores: Mapping[str, float]


def fuse(
    text: TextReading | None,
    voice: VoiceReading | None,
    *,
    weights: FusionWeights,
    model: Mapping[str, float] | None = None,
    embeddings: Mapping[str, float] | None = None,
) -> Fused:
    """Combine one utterance's evidence into label probabilities.

    Args:
        text: what the words say, or None (voice-only).
        voice: what the voice says relative to the caller's baseline, or None.
        weights: the fusion weights.
        model: label → probability from the acoustic model, if one is installed.
        embeddings: label → probability from the embedding classifier, if enabled.
    """
    w = weights
    s: dict[str, float] = dict.fromkeys(LABELS, 0.0)
    valence = text.valence if text is not None else 0.0
    arousal = voice.arousal if voice is not None else 0.0
    cue: dict[str, float] = dict.fromkeys(LABELS, 0.0)
    if text is not None:
        for label, score in text.cue_scores.items():
            cue[label] = w.cue * (1.0 - math.exp(-score))
    neg = max(0.0, -valence)
    pos = max(0.0, valence)
    hi = max(0.0, arousal)
    lo = max(0.0, -arousal)
    for label in LABELS:
        if label != EmotionLabel.GEFRUSTREERD:
            s[label] += cue[label]
    # A complaint takes the voice's colour (seed 000: boos is the agitated complaint,
    # verongelijkt the subdued one), so part of a frustration cue moves with the arousal.
    s[EmotionLabel.GEFRUSTREERD] += cue[EmotionLabel.GEFRUSTREERD] * (1.0 - 0.5 * hi - 0.5 * lo)
    s[EmotionLabel.BOOS] += cue[EmotionLabel.GEFRUSTREERD] * 0.5 * hi
    s[EmotionLabel.VERONGELIJKT] += cue[EmotionLabel.GEFRUSTREERD] * 0.5 * lo
    s[EmotionLabel.GEFRUSTREERD] += w.negative * neg * (1.0 - 0.7 * max(hi, lo))
    s[EmotionLabel.BOOS] += w.agitated * hi * (neg + 0.2 * (1.0 - pos))
    s[EmotionLabel.VERONGELIJKT] += w.subdued * lo * neg
    tense = 0.0
    if voice is not None and voice.pitch_st is not None:
        # a raised voice that is not much louder: tension rather than anger
        tense = max(0.0, min(1.0, (voice.pitch_st - max(0.0, voice.loudness_db) / 2.0) / 4.0))
        s[EmotionLabel.ANGSTIG] += w.tense * tense * (0.5 + neg) * (1.0 - pos)
    s[EmotionLabel.TEVREDEN] += w.positive * pos
    modelled = text is not None and bool(text.model_probs)
    prior = w.neutral_prior_model if modelled else w.neutral_prior
    s[EmotionLabel.NEUTRAAL] += prior * (1.0 - min(1.0, abs(valence) * 1.5))
    if text is None or text.strength < 0.2:
        # words say (next to) nothing: the voice alone, which cannot tell good from bad
        s[EmotionLabel.BOOS] += w.voice_only * hi * (1.0 - tense)
        s[EmotionLabel.ANGSTIG] += w.voice_only * tense
        s[EmotionLabel.VERONGELIJKT] += 0.6 * w.voice_only * lo
        s[EmotionLabel.NEUTRAAL] -= 0.5 * prior * max(hi, lo)
    if model:
        for label, p in model.items():
            s[label] = s.get(label, 0.0) + w.model * p
        valence += 0.3 * (
            sum(model.get(x, 0.0) for x in POSITIVE_LABELS)
            - sum(model.get(x, 0.0) for x in NEGATIVE_LABELS)
        )
    if text is not None and text.model_probs:
        for label, p in text.model_probs.items():
            s[label] = s.get(label, 0.0) + w.words_model * p
    if embeddings:
        for label, p in embeddings.items():
            s[label] = s.get(label, 0.0) + w.embeddings * p
    probs = softmax(s, w.sharpness)
    strength = text.strength if text is not None else 0.0
    if voice is not None:
        strength = max(strength, 0.6 * abs(arousal))
    if model:
        strength = max(strength, 0.6)
    return Fused(
        probs=probs,
        valence=max(-1.0, min(1.0, valence)),
        arousal=arousal,
        strength=strength,
        scores={k: round(v, 3) for k, v in s.items() if v > 0.005},
    )


def softmax(scores: Mapping[str, float], sharpness: float) -> dict[str, float]:
    """Probabilities over ``LABELS`` from evidence scores."""
    top = max(scores.values())
    exps = {k: math.exp(sharpness * (scores[k] - top)) for k in LABELS}
    total = sum(exps.values())
    return {k: v / total for k, v in exps.items()}


@dataclass(frozen=True, slots=True)
class SmoothingConfig:
    """How fast the estimate follows new utterances (settings ``analysis.emotion.smoothing``).

    Attributes:
        min_step: weight of an utterance that says nothing much.
        max_step: weight of an utterance with strong evidence.
        margin: a new label must lead the current one by this much probability.
        prior_neutral: start-of-call probability of ``neutraal`` (the rest spread evenly).
    """

    min_step: float = 0.2
    max_step: float = 0.7
    margin: float = 0.06
    prior_neutral: float = 0.5


@dataclass
class Smoother:
    """Exponential average of the per-utterance probabilities, with label hysteresis."""

    config: SmoothingConfig = field(default_factory=SmoothingConfig)
    probs: dict[str, float] = field(default_factory=dict)
    valence: float = 0.0
    arousal: float = 0.0
    label: EmotionLabel = EmotionLabel.NEUTRAAL

    def __post_init__(self) -> None:
        if not self.probs:
            rest = (1.0 - self.config.prior_neutral) / (len(LABELS) - 1)
            self.probs = {
                k: (self.config.prior_neutral if k == EmotionLabel.NEUTRAAL else rest)
                for k in LABELS
            }

    def update(self, fused: Fused) -> tuple[EmotionLabel, float]:
        """Fold in one utterance; return the (possibly unchanged) label and its probability."""
        cfg = self.config
        step = cfg.min_step + (cfg.max_step - cfg.min_step) * fused.strength
        for k in LABELS:
            self.probs[k] = (1 - step) * self.probs[k] + step * fused.probs[k]
        self.valence = (1 - step) * self.valence + step * fused.valence
        self.arousal = (1 - step) * self.arousal + step * fused.arousal
        best = max(LABELS, key=lambda k: self.probs[k])
        if best != self.label and self.probs[best] >= self.probs[self.label] + cfg.margin:
            self.label = best
        return self.label, self.probs[self.label]

    def snapshot(self) -> dict[str, Any]:
        """Rounded smoothed probabilities for the evidence dict."""
        return {k: round(v, 3) for k, v in self.probs.items()}
