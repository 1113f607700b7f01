"""What every scenario shares: the run's context, figures, skips, optional feature modules."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from medwms.bench.generate import Generated, Scale
from medwms.bench.stats import ratio, summary
from medwms.core.db import Database

Result = dict[str, Any]


@dataclass
class Context:
    """The database of the run, its generated scale and whether this is a --quick run."""

    db: Database
    quick: bool
    scale: Scale
    generated: Generated
    notes: list[str] = field(default_factory=list)

    def pick(self, quick: int, full: int) -> int:
        """The quick or the full value of a size."""
        return quick if self.quick else full


def figure(samples: Sequence[float], *, unit: str = "ms", goal: str | None = None,
           met: bool | None = None, **extra: Any) -> dict[str, Any]:
    """One measured figure: its summary statistics, its goal and whether it is met."""
    found = summary(samples, unit=unit)
    if goal is not None:
        found["goal"] = goal
        found["met"] = met
    return found | extra


def rate_figure(rates: Sequence[float], *, unit: str, baseline: Sequence[float] | None = None,
                goal: str | None = None, goal_ratio: float | None = None,
                **extra: Any) -> dict[str, Any]:
    """A throughput figure with its same-run baseline and the ratio of the medians."""
    found = figure(rates, unit=unit, **extra)
    if baseline:
        base = summary(baseline, unit=unit)
        found["baseline"] = base
        found["ratio"] = ratio(found["median"], base["median"])
        if goal is not None and goal_ratio is not None and found["ratio"] is not None:
            found["goal"], found["met"] = goal, found["ratio"] >= goal_ratio
    return found


def skipped(reason: str) -> Result:
    """A scenario (or part) that could not run: never a made-up number."""
    return {"skipped": reason}


def optional(module: str, *names: str) -> ModuleType | str:
    """The feature module when it exists with every name, else the reason it does not."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name is None or not module.startswith(error.name):
            raise  # the module is there but broken: an error, not a skip
        return f"{module} is not there yet"
    missing = [name for name in names if not hasattr(found, name)]
    if missing:
        return f"{module} has no {', '.join(missing)} yet"
    return found
