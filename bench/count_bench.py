"""Reconcile and approve a stocktake of 5,000 and 100,000 lines; print seconds and statements.

    python bench/count_bench.py [--database URL] [--sizes 5000,100000]

For each size, a fresh database gets `locations × 50` stock keys of 10 units (5,000 lines =
100 locations; 100,000 = 2,000 locations), every location scanned (count entries written in
bulk, as the station would have; every 10th key counted ±1;
--every n: every n-th). Then, timed, with a
before_cursor_execute counter on the engine:
  reconcile — close every location (one unit of work each: lock, balances, variance lines)
  approve   — one signed approval posting every adjustment through one ledger.post
Reasons are set between the two (not timed). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.counting import seed_bulk_count

from medwms.core import migrate
from medwms.core.db import Database, normalise_url
from medwms.counting import approval, counting
from medwms.counting.tables import CountLine
from medwms.ledger.verify import verify

ITEMS = 50
PASSWORD = "bench-password-1"


def fresh_database(url: str | None, tmp: Path) -> Database:
    """A migrated SQLite file in `tmp`, or a fresh PostgreSQL database of this bench's own."""
    if url is None:
        db = Database(f"sqlite:///{tmp / 'bench.db'}")
    else:
        base = normalise_url(url)
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "medwms_count_bench" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "medwms_count_bench"'))
        admin.dispose()
        db = Database(make_url(base).set(database="medwms_count_bench")
                      .render_as_string(hide_password=False))
    migrate.upgrade(db.engine)
    return db


class Statements:
    """Counts statements sent to the database (an executemany counts once)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any) -> None:
        self.count += 1


def timed(db: Any, work: Any) -> tuple[float, int]:
    counter = Statements()
    event.listen(db.engine, "before_cursor_execute", counter)
    start = time.perf_counter()
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return time.perf_counter() - start, counter.count


def run(url: str | None, lines: int, every: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = fresh_database(url, Path(tmp))
        bulk = seed_bulk_count(db, locations=lines // ITEMS, items=ITEMS, password=PASSWORD,
                               every=every)

        def reconcile() -> None:
            for task_id in bulk.task_ids:
                counting.close_location(db, actor=bulk.counter, task_id=task_id)

        rec_s, rec_n = timed(db, reconcile)
        with db.reading() as s:
            ids = list(s.scalars(select(CountLine.id).where(CountLine.variance != 0)))
        approval.set_reasons(db, actor=bulk.manager, plan_no=bulk.plan_no,
                             reasons=dict.fromkeys(ids, "MISCOUNTED"))
        done: list[Any] = []
        app_s, app_n = timed(db, lambda: done.append(approval.approve(
            db, actor=bulk.manager, plan_no=bulk.plan_no, password=PASSWORD)))
        with db.reading() as s:
            ok = verify(s).ok
        db.dispose()
    return {"lines": bulk.lines, "locations": len(bulk.task_ids),
            "variance_lines": done[0].lines_adjusted, "movements": done[0].movements,
            "reconcile_seconds": round(rec_s, 3), "reconcile_statements": rec_n,
            "reconcile_statements_per_location": round(rec_n / len(bulk.task_ids), 1),
            "approve_seconds": round(app_s, 3), "approve_statements": app_n,
            "total_seconds": round(rec_s + app_s, 3), "verify_ok": ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--sizes", default="5000,100000")
    parser.add_argument("--every", type=int, default=10, help="every n-th line has a variance")
    args = parser.parse_args()
    results = [run(args.database, int(n), args.every) for n in args.sizes.split(",")]
    print(json.dumps({"database": "postgresql" if args.database else "sqlite",
                      "python": platform.python_version(), "machine": platform.machine(),
                      "runs": results}, indent=2))


if __name__ == "__main__":
    main()
