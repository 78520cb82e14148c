"""One way to print a distribution in every benchmark: p50, p95 and max, with its count.

A median alone hides the bad moments an agent notices; a p95 alone hides the
worst. Every latency the benchmarks print goes through `Spread`, so the figures
quoted in the README and docs/ always come as the same three numbers.
Percentiles are numpy's default (linear between the two nearest values).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Spread:
    """p50, p95 and max of some values (NaN when there are none).

    Attributes:
        n: how many values.
        p50: the median.
        p95: the 95th percentile.
        max: the largest value.
    """

    n: int
    p50: float
    p95: float
    max: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        """The spread of ``values`` (NaN values are left out)."""
        data = np.asarray([v for v in values if v == v], dtype=np.float64)
        if len(data) == 0:
            nan = float("nan")
            return cls(0, nan, nan, nan)
        p50, p95 = np.percentile(data, [50, 95])
        return cls(len(data), float(p50), float(p95), float(data.max()))

    def text(self, unit: str = "s", *, scale: float = 1.0, digits: int = 2) -> str:
        """``"p50 1.23 s, p95 2.34 s, max 3.45 s"``; ``scale=1000, unit="ms"`` for ms."""

        def f(x: float) -> str:
            return f"{x * scale:.{digits}f} {unit}".rstrip()

        return f"p50 {f(self.p50)}, p95 {f(self.p95)}, max {f(self.max)}"
