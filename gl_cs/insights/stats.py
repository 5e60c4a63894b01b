"""Median and 90th percentile, the two figures every duration in the report gives.

* median: the middle value, or the mean of the two middle values for an even count
  (``statistics.median``);
* 90th percentile: nearest rank, the ⌈0.9 × n⌉-th smallest value: 9 requests in 10 took at
  most that long, and the value is one that really happened.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Iterable


def p90(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def median(values: Iterable[float]) -> float | None:
    found = list(values)
    return statistics.median(found) if found else None


def hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


@dataclass(frozen=True)
class Spread:
    """How many values, their median and 90th percentile (hours; None without values)."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values_hours: Iterable[float]) -> "Spread":
        found = list(values_hours)
        m, p = median(found), p90(found)
        return cls(len(found), round(m, 2) if m is not None else None, round(p, 2) if p is not None else None)

    def as_json(self) -> dict:
        return {"count": self.count, "median_hours": self.median, "p90_hours": self.p90}
