"""count_approve: approving a 5,000-line and a 100,000-line count (medwms.counting)."""

from __future__ import annotations

from medwms.bench.scenarios.base import Context, Result, optional, skipped

APPROVERS = ("approve_plan", "approve_count", "approve")


def run(ctx: Context) -> Result:
    """Skipped until medwms.counting has an approval service to measure."""
    for module in ("medwms.counting.approval", "medwms.counting.service",
                   "medwms.counting.plans", "medwms.counting.counting"):
        for name in APPROVERS:
            if not isinstance(optional(module, name), str):
                return skipped(f"{module}.{name} exists, but this bench scenario has not "
                               "been written against it yet")
    return skipped("medwms.counting has no count approval service yet "
                   f"(looked for {', '.join(APPROVERS)})")
