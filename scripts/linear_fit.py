"""L2-penalised logistic regression over sparse named features, for the learnt words models.

Shared by ``scripts/train_emotion_words.py`` (one softmax over the seven feelings) and
``scripts/train_phrase_words.py`` (one independent sigmoid per phrase rule). Deterministic:
L-BFGS from zeros. The penalty is on the feature weights only; the biases are free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import minimize


def fit_weights(
    rows: Sequence[Mapping[str, float]],
    names: Sequence[str],
    y: np.ndarray,
    *,
    penalty: float,
    softmax: bool,
    maxiter: int,
    min_weight: float,
) -> tuple[dict[str, tuple[float, ...]], tuple[float, ...]]:
    """Fit ``y`` (one column per output) from ``rows``' values of ``names``.

    ``softmax``: the outputs are one choice among the columns (multinomial); otherwise each
    column is its own yes/no (one-vs-rest sigmoids). Returns the weights of the features
    with a weight of at least ``min_weight`` in some column, and the biases.
    """
    index = {n: i for i, n in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for r, row in enumerate(rows):
        for name, value in row.items():
            if name in index:
                x[r, index[name]] = value
    d, k = len(names), y.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: d * k].reshape(d, k)
        b = theta[d * k :]
        z = x @ w + b
        if softmax:
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            nll = -float(np.sum(y * np.log(p + 1e-12)))
        else:
            p = 1.0 / (1.0 + np.exp(-z))
            nll = float(np.sum(np.logaddexp(0.0, z) - y * z))
        g = p - y
        gw = x.T @ g + penalty * w
        gb = g.sum(axis=0)
        return nll + 0.5 * penalty * float(np.sum(w * w)), np.concatenate([gw.ravel(), gb])

    result = minimize(
        loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": maxiter}
    )
    w = result.x[: d * k].reshape(d, k)
    b = result.x[d * k :]
    weights = {
        n: tuple(float(v) for v in w[i])
        for n, i in index.items()
        if np.max(np.abs(w[i])) >= min_weight
    }
    return weights, tuple(float(v) for v in b)
