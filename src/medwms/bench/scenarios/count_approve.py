"""count_approve: approving a count (medwms.counting.approval.approve: one signed approval
posting every adjustment through one ledger.post). The count is seeded in bulk by the
repository's tests/support/counting.seed_bulk_count (as bench/count_bench.py does), every
location closed (untimed), reasons set, then the approval is timed."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from medwms.bench.scenarios.base import Context, Result, figure, optional, skipped

PASSWORD = "bench-password-1"  # noqa: S105 - a bench user of a throwaway database
ITEMS, GOAL_MS = 50, 1000.0


def run(ctx: Context) -> Result:
    """One count of 500 (quick) or 5,000 lines: the approval's time and statements."""
    approval = optional("medwms.counting.approval", "approve", "set_reasons")
    counting = optional("medwms.counting.counting", "close_location")
    seeder = optional("tests.support.counting", "seed_bulk_count")
    for missing in (approval, counting, seeder):
        if isinstance(missing, str):
            return skipped(missing + " (the count seeder lives in the repository's tests/)")
    lines = ctx.pick(500, 5000)
    bulk: Any = seeder.seed_bulk_count(ctx.db, locations=lines // ITEMS,  # type: ignore[union-attr]
                                       items=ITEMS, password=PASSWORD, every=10)
    started = time.perf_counter()
    for task_id in bulk.task_ids:
        counting.close_location(ctx.db, actor=bulk.counter, task_id=task_id)  # type: ignore[union-attr]
    closed = time.perf_counter() - started
    from medwms.counting.tables import CountLine

    with ctx.db.reading() as s:
        ids = list(s.scalars(select(CountLine.id).where(CountLine.variance != 0)))
    approval.set_reasons(ctx.db, actor=bulk.manager, plan_no=bulk.plan_no,  # type: ignore[union-attr]
                         reasons=dict.fromkeys(ids, "MISCOUNTED"))
    started = time.perf_counter()
    done = approval.approve(ctx.db, actor=bulk.manager, plan_no=bulk.plan_no,  # type: ignore[union-attr]
                            password=PASSWORD)
    ms = (time.perf_counter() - started) * 1000
    return {f"approve_{bulk.lines}_lines": figure(
        [ms], goal=f"< {GOAL_MS:.0f} ms for 5,000 lines", met=ms < GOAL_MS if lines == 5000
        else None, lines=bulk.lines, adjusted=done.lines_adjusted,
        close_all_locations_s=round(closed, 2)),
        "not_run": "100,000 lines: the seeder makes warehouse B1 once per database; "
                   "see bench/count_bench.py --sizes 100000"}
