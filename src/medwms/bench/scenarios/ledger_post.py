"""ledger_post: posting 1,000-line documents through `ledger.service.post()`, against a
raw DBAPI executemany of the same movement rows into the same table (the storage ceiling).

Both run in the same database, one document per transaction, commit included. The raw
rows are copies of the posted ones under a separate warehouse id (the (warehouse, seq)
key stays unique); they are deleted at the end, so `verify` still holds.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from medwms.auth.rules import SYSTEM
from medwms.bench.ledgerload import COLUMNS
from medwms.bench.scenarios.base import Context, Result, rate_figure
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Movement
from medwms.masterdata.tables import Item, Location, Owner, Warehouse, Zone

LINES = 1000


def run(ctx: Context) -> Result:
    """Warm-up documents, then timed rounds of post() and of the raw insert."""
    ids = _seed(ctx.db)
    warm, count = ctx.pick(1, 2), ctx.pick(3, 10)
    posted, raw, latency = [], [], []
    for number in range(warm + count):
        lines = _document(ids, number)
        seconds = _post(ctx.db, lines, number)
        raw_seconds = _raw(ctx.db, ids["raw_warehouse"], number)
        if number >= warm:
            posted.append(LINES / seconds)
            raw.append(LINES / raw_seconds)
            latency.append(seconds * 1000)
    with ctx.db.unit_of_work() as uow:
        uow.session.execute(delete(Movement).where(Movement.warehouse_id ==
                                                   ids["raw_warehouse"]))
        uow.commit()
    return {"post_1000_lines": rate_figure(
        posted, unit="movements/s", baseline=raw, goal=">= 50% of the raw insert ceiling",
        goal_ratio=0.5, document_ms=sorted(latency)[len(latency) // 2], lines=LINES)}


def _seed(db: Database) -> dict[str, Any]:
    with db.unit_of_work() as uow:
        s = uow.session
        owner = s.scalars(select(Owner).where(Owner.code == "SELF")).one()
        site, raw_site = Warehouse(code="BP", name="Bench posting"), Warehouse(
            code="BPRAW", name="Bench raw insert")
        s.add_all([site, raw_site])
        s.flush()
        zone = Zone(warehouse_id=site.id, code="S", kind="STORAGE")
        item = Item(code="BENCHPOST", name_zh="基准过账", updated_at=utc_now())
        s.add_all([zone, item])
        s.flush()
        s.execute(insert(Location), [{"warehouse_id": site.id, "zone_id": zone.id,
                                      "code": f"BP-{i:04d}", "barcode": f"#L:BP-{i:04d}"}
                                     for i in range(200)])
        s.execute(insert(Lot), [{"item_id": item.id, "lot_no": f"BP{i:05d}"}
                                for i in range(500)])
        ids = {"owner": owner.id, "item": item.id, "raw_warehouse": raw_site.id,
               "locations": list(s.scalars(select(Location.id).where(
                   Location.warehouse_id == site.id).order_by(Location.id))),
               "lots": list(s.scalars(select(Lot.id).where(Lot.item_id == item.id)
                                      .order_by(Lot.id)))}
        uow.commit()
    return ids


def _document(ids: dict[str, Any], number: int) -> list[Line]:
    lots, locations = ids["lots"], ids["locations"]
    return [Line(kind="RECEIVE", owner_id=ids["owner"], item_id=ids["item"],
                 quantity=1 + n % 5, lot_id=lots[(number * LINES + n) % len(lots)],
                 to_location_id=locations[(number * 7 + n) % len(locations)],
                 to_status="AVAILABLE") for n in range(LINES)]


def _post(db: Database, lines: list[Line], number: int) -> float:
    started = time.perf_counter()
    with db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="STOCK", doc_no=f"BENCH-POST-{number:04d}",
             lines=lines)
        uow.commit()
    return time.perf_counter() - started


def _raw(db: Database, raw_warehouse: int, number: int) -> float:
    """Insert copies of the document's posted rows with a plain DBAPI executemany."""
    with db.reading() as s:
        rows = [list(r) for r in s.execute(
            select(*[Movement.__table__.c[c] for c in COLUMNS])
            .where(Movement.doc_no == f"BENCH-POST-{number:04d}").order_by(Movement.seq))]
    sqlite = db.dialect == "sqlite"
    for n, row in enumerate(rows):
        row[0], row[1] = raw_warehouse, number * LINES + n + 1
        row[19] = _stored(row[19], sqlite)
    marker = "?" if sqlite else "%s"
    sql = (f"INSERT INTO movement ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join([marker] * len(COLUMNS))})")
    started = time.perf_counter()
    connection: Any = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany(sql, [tuple(r) for r in rows])
        connection.commit()
    finally:
        connection.close()
    return time.perf_counter() - started


def _stored(value: datetime, sqlite: bool) -> Any:
    return value.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else value
