"""A small learnt linear model over the customer's words, next to the cues and lexicons.

The cue lists catch what they were written for; customers mostly say a negative feeling
without a feeling word ("ik bel nu voor de vierde keer", "en wie betaalt dat dan?"). A
multinomial logistic regression over word features reads those patterns from labelled
DEV sentences (``tests/data/emotion/<lang>.{dev,dev-author,dev2,dev3,dev4}.tsv``; never the frozen
test parts), trained by ``scripts/train_emotion_words.py`` (deterministic: full-batch
gradient descent from zeros, fixed steps). Its weights are data in
``seeds/emotion/words_model_<lang>.json``; a language without one simply has no model.

Features of one utterance (all binary or 0..1, so weights are comparable):

- ``w:<word>``: each word (lower case, accents of stress dropped); a word within three words
  after a negator in the same clause is ``w:!<word>`` ("niet blij" is not "blij");
- ``b:<word> <word>``: each pair of neighbouring words in a clause;
- ``cue:<label>``: the cue evidence for a label, ``1 - exp(-score)``;
- ``val:+`` / ``val:-``: the lexicon and cue valence, split by sign.

The model gives label probabilities that ``fusion.fuse`` adds with weight
``FusionWeights.words_model``; the cues, the lexicons and the voice still count.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from belcoach.audio.analysis.emotion.tokens import Token
from belcoach.seeds.emotion_data import LABELS
from belcoach.seeds.packaged import is_packaged, packaged_text

STEM = 5
"""Longer words also count by their first letters ("s:belac" for "belachelijk",
"belachelijke"): the dev sets are small, and Dutch and Swedish inflect and compound."""

NEGATION_REACH = 3
"""Words after a negator (in the same clause) that are marked as negated."""


def features(
    tokens: Sequence[Token],
    negators: frozenset[str],
    cue_scores: Mapping[str, float],
    valence: float,
) -> dict[str, float]:
    """The feature values of one utterance (see the module docstring)."""
    out: dict[str, float] = {}
    words: list[str] = []
    reach = 0
    previous: str | None = None
    for token in tokens:
        if token.clause_start:
            reach = 0
            previous = None
        text = token.text
        word = f"!{text}" if reach > 0 else text
        reach = NEGATION_REACH if text in negators else max(0, reach - 1)
        out[f"w:{word}"] = 1.0
        if len(text) > STEM:
            out[f"s:{'!' if word != text else ''}{text[:STEM]}"] = 1.0
        if previous is not None:
            out[f"b:{previous} {text}"] = 1.0
        previous = text
        words.append(text)
    for label, score in cue_scores.items():
        out[f"cue:{label}"] = 1.0 - math.exp(-score)
    if valence > 0:
        out["val:+"] = min(1.0, valence)
    elif valence < 0:
        out["val:-"] = min(1.0, -valence)
    return out


@dataclass(frozen=True, slots=True)
class WordsModel:
    """Weights of the linear model: label order, biases, and feature → one weight per label.

    Attributes:
        labels: the label of each output, in order.
        bias: one bias per label.
        weights: feature name → one weight per label (features not listed weigh nothing).
    """

    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]

    def probs(self, values: Mapping[str, float]) -> dict[str, float]:
        """Label probabilities for one utterance's feature values."""
        z = list(self.bias)
        for name, x in values.items():
            w = self.weights.get(name)
            if w is not None:
                for i, wi in enumerate(w):
                    z[i] += wi * x
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {label: v / total for label, v in zip(self.labels, e, strict=True)}

    def to_json(self) -> dict[str, object]:
        """The stored form (``seeds/emotion/words_model_<lang>.json``)."""
        return {
            "labels": list(self.labels),
            "bias": [round(b, 4) for b in self.bias],
            "weights": {k: [round(v, 4) for v in w] for k, w in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, object]) -> WordsModel:
        """Read the stored form; the labels must be seed 000's."""
        labels = tuple(str(x) for x in raw["labels"])  # type: ignore[attr-defined]
        if set(labels) != set(LABELS):
            raise ValueError(f"words model labels {labels} are not seed 000's")
        n = len(labels)
        bias = tuple(float(x) for x in raw["bias"])  # type: ignore[attr-defined]
        weights = {
            str(k): tuple(float(x) for x in v)
            for k, v in raw["weights"].items()  # type: ignore[attr-defined]
        }
        if len(bias) != n or any(len(w) != n for w in weights.values()):
            raise ValueError("words model: a weight row does not have one value per label")
        return cls(labels, bias, weights)


@lru_cache(maxsize=8)
def load_words_model(language: str) -> WordsModel | None:
    """The packaged model for ``language``, or None when there is none."""
    name = f"words_model_{language}.json"
    if not is_packaged("emotion", name):
        return None  # no model for this language: the cues and lexicons alone
    return WordsModel.from_json(json.loads(packaged_text("emotion", name)))
