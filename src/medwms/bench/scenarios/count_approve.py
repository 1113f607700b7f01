"""count_approve: approving a count (medwms.counting.approval.approve: one signed approval
posting every adjustment through one ledger.post). Each count is seeded in bulk
(medwms.bench.countload), every location closed (untimed), reasons set, then the approval
is timed with the statements it issues."""

from __future__ import annotations

import statistics
import time
from typing import Any

from sqlalchemy import event, select

from medwms.bench.countload import seed_bulk_count
from medwms.bench.scenarios.base import Context, Result, figure
from medwms.counting import approval, counting
from medwms.counting.tables import CountLine, CountPlan

PASSWORD = "bench-password-1"  # noqa: S105 - a bench user of a throwaway database
ITEMS = 50
GOALS_MS = {5000: 500.0, 100_000: 10_000.0}  # lines → the approval's goal


def run(ctx: Context) -> Result:
    """Counts of 500 (quick), or 5,000 (three counts) and 100,000 lines (one): approval time
    (the median where there are several) and the statements of the last approval."""
    sizes = [(500, 1)] if ctx.quick else [(5000, 3), (100_000, 1)]
    result: Result = {}
    for n, (lines, counts) in enumerate(sizes):
        runs = [_one(ctx, lines, f"CB{n}{k}") for k in range(counts)]
        ms = [took for took, _ in runs]
        goal = GOALS_MS.get(lines)
        result[f"approve_{lines}_lines"] = figure(
            ms, goal=f"< {goal:.0f} ms for {lines:,} lines" if goal else None,
            met=statistics.median(ms) < goal if goal else None, **runs[-1][1])
    return result


def _one(ctx: Context, lines: int, code: str) -> tuple[float, dict[str, Any]]:
    bulk = seed_bulk_count(ctx.db, locations=lines // ITEMS, items=ITEMS, password=PASSWORD,
                           every=10, code=code)
    started = time.perf_counter()
    for task_id in bulk.task_ids:
        counting.close_location(ctx.db, actor=bulk.counter, task_id=task_id)
    closed = time.perf_counter() - started
    with ctx.db.reading() as s:
        plan_id = s.scalars(select(CountPlan.id).where(CountPlan.plan_no == bulk.plan_no)).one()
        ids = list(s.scalars(select(CountLine.id).where(CountLine.plan_id == plan_id,
                                                        CountLine.variance != 0)))
    approval.set_reasons(ctx.db, actor=bulk.manager, plan_no=bulk.plan_no,
                         reasons=dict.fromkeys(ids, "MISCOUNTED"))
    statements = []
    listener = lambda *_args, **_kw: statements.append(1)  # noqa: E731
    event.listen(ctx.db.engine, "before_cursor_execute", listener)
    try:
        started = time.perf_counter()
        done = approval.approve(ctx.db, actor=bulk.manager, plan_no=bulk.plan_no,
                                password=PASSWORD)
        ms = (time.perf_counter() - started) * 1000
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", listener)
    return ms, {"lines": bulk.lines, "adjusted": done.lines_adjusted,
                "statements": len(statements), "close_all_locations_s": round(closed, 2)}
