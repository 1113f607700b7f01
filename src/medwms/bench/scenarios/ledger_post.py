"""ledger_post: posting 1,000-line documents through `ledger.service.post()`, against raw
DBAPI SQL doing the same writes (the storage ceiling): an executemany of the same movement
rows (unsealed, as post writes them) and an executemany of balance upserts
(INSERT … ON CONFLICT (key) DO UPDATE), one document per transaction, commit included.

The raw rows are copies of the posted ones under a separate warehouse id and `raw:` stock
keys; they are deleted at the end, so `verify` still holds. `seal_rows` then times the
sealer chaining and signing what post() wrote (rows/s), which post no longer does inline.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select

from medwms.auth.rules import SYSTEM
from medwms.bench.ledgerload import COLUMNS
from medwms.bench.scenarios.base import Context, Result, rate_figure
from medwms.core.clock import utc_now
from medwms.core.db import Database, driver_time
from medwms.ledger.checkpoints import Anchor, CheckpointFile, Signer
from medwms.ledger.rules import Line, StockKey
from medwms.ledger.sealer import seal
from medwms.ledger.service import STOCK_COLUMNS, post
from medwms.ledger.tables import Lot, Movement, Stock
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
        uow.session.execute(delete(Stock).where(Stock.key.startswith("raw:")))
        uow.commit()
    return {"post_1000_lines": rate_figure(
        posted, unit="movements/s", baseline=raw,
        goal=">= 60% of raw SQL doing the same writes (movements + balance upserts)",
        goal_ratio=0.6, document_ms=sorted(latency)[len(latency) // 2], lines=LINES),
        "seal_rows": _seal(ctx.db, (warm + count) * LINES)}


def _seal(db: Database, rows: int) -> dict[str, Any]:
    """Time the sealer over everything post() wrote above (it chains and signs it)."""
    with tempfile.TemporaryDirectory() as folder:
        anchor = Anchor(Signer(b"bench-seal-key"), CheckpointFile(Path(folder) / "cp.jsonl"))
        started = time.perf_counter()
        sealed = seal(db, anchor)
        seconds = time.perf_counter() - started
    return {"rows": sealed.rows, "expected_at_least": rows, "seconds": round(seconds, 3),
            "rows_per_s": round(sealed.rows / seconds) if seconds else None,
            "checkpoints": len(sealed.checkpoints)}


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


RAW_COLUMNS = (*COLUMNS, "recorded_at")


def _raw(db: Database, raw_warehouse: int, number: int) -> float:
    """The same writes as the post, by hand: movement rows and balance upserts."""
    with db.reading() as s:
        rows = [list(r) for r in s.execute(
            select(*[Movement.__table__.c[c] for c in RAW_COLUMNS])
            .where(Movement.doc_no == f"BENCH-POST-{number:04d}").order_by(Movement.id))]
    sqlite = db.dialect == "sqlite"
    balances: dict[str, list[Any]] = {}
    for row in rows:
        key = "raw:" + StockKey(row[5], row[6], row[7], row[8], row[10], row[12], None).text
        balance = balances.setdefault(key, [key, row[0], row[5], row[6], row[7], row[8],
                                            row[10], row[12], None, 0, row[19]])
        balance[9] += row[15]
        row[0] = raw_warehouse
        row[19], row[-1] = driver_time(db.dialect, row[19]), driver_time(db.dialect, row[-1])
        balance[10] = row[19]
    marker = "?" if sqlite else "%s"
    sql = (f"INSERT INTO movement ({', '.join(RAW_COLUMNS)}) "
           f"VALUES ({', '.join([marker] * len(RAW_COLUMNS))})")
    upsert = (f"INSERT INTO stock ({', '.join(STOCK_COLUMNS)}) "
              f"VALUES ({', '.join([marker] * len(STOCK_COLUMNS))}) ON CONFLICT (key) DO "
              "UPDATE SET quantity = stock.quantity + excluded.quantity, "
              "updated_at = excluded.updated_at")
    started = time.perf_counter()
    connection: Any = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany(upsert, [tuple(b) for b in sorted(balances.values())])
        cursor.executemany(sql, [tuple(r) for r in rows])
        connection.commit()
    finally:
        connection.close()
    return time.perf_counter() - started
