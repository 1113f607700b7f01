"""Timing and summary statistics: warm up, run rounds, report median and tail percentiles."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def percentile(samples: Sequence[float], share: float) -> float:
    """The `share` percentile (0..1) by the nearest-rank method."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def summary(samples: Sequence[float], *, unit: str = "ms") -> dict[str, Any]:
    """n, median, p95, p99, min and max of the samples (rounded), with their unit."""
    if not samples:
        return {"n": 0, "unit": unit}
    return {"n": len(samples), "unit": unit, "median": _round(statistics.median(samples)),
            "p95": _round(percentile(samples, 0.95)), "p99": _round(percentile(samples, 0.99)),
            "min": _round(min(samples)), "max": _round(max(samples))}


def _round(value: float) -> float:
    return round(value, 3) if abs(value) < 100 else round(value, 1)


def timed_ms(action: Callable[[], object]) -> float:
    """Milliseconds one call of `action` took."""
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def rounds(action: Callable[[int], object], *, warmup: int, count: int) -> list[float]:
    """Call action(i) `warmup` times untimed, then `count` times timed; milliseconds each."""
    for number in range(warmup):
        action(number)
    samples = []
    for number in range(count):
        started = time.perf_counter()
        action(warmup + number)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def ratio(value: float, baseline: float) -> float | None:
    """value / baseline, rounded; None when there is no baseline."""
    return round(value / baseline, 3) if baseline else None
