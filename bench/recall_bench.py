"""Trace one lot in a ledger of 1,000,000 movements; open a recall of 1,000 stock rows.

    python bench/recall_bench.py [--database URL] [--movements 1000000]

A fresh database (SQLite file in a temp dir, or PostgreSQL database "medwms_recall_bench")
gets, by bulk executemany straight into `movement` and `stock` (hash chain and balances
consistent, the chain head set to the last row):
- noise: RECEIVE movements of 5,000 other lots (the bulk of the ledger);
- lot "TR": a typical lot — 1 receipt, 20 putaways, 20 picks, 20 shipments (61 movements);
- lot "RC": 1,000 receipts into 1,000 bins, 500 shipments to 500 consignees (1,500
  movements, 1,000 stock rows).
Then it times (median of 7, after a warm-up) the full trace (`documents.trace_origin.
full_trace`) of TR and of RC, and `recall.service.open_recall` of RC (blocks 1,000 stock
rows via ledger.post, lists 500 consignees). Prints JSON with the EXPLAIN plans of every
statement the trace runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, insert, select, text
from sqlalchemy.engine import make_url

from medwms.auth.rules import SYSTEM
from medwms.core import migrate
from medwms.core.db import Database, normalise_url
from medwms.core.hashchain import GENESIS, link_values
from medwms.core.tables import ChainHead
from medwms.documents.trace_origin import full_trace
from medwms.ledger.service import HASHED, MOVEMENT, STOCK
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse, Zone
from medwms.recall import service
from medwms.recall.rules import Scope
from medwms.recall.trace import TraceQuery

NOW = datetime(2026, 11, 25, tzinfo=UTC)
GTIN = "06900000001011"
BINS, CONSIGNEES, NOISE_LOTS = 1000, 500, 5000


def fresh_database(url: str | None, tmp: Path) -> Database:
    if url is None:
        db = Database(f"sqlite:///{tmp / 'recall_bench.db'}")
    else:
        base = normalise_url(url)
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "medwms_recall_bench" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "medwms_recall_bench"'))
        admin.dispose()
        db = Database(make_url(base).set(database="medwms_recall_bench")
                      .render_as_string(False))
    migrate.upgrade(db.engine)
    return db


def seed(db: Database) -> dict[str, Any]:
    """Warehouse, 1,000 bins + staging, item with GTIN, lots, 500 consignees, a supplier."""
    with db.unit_of_work() as uow:
        s = uow.session
        wh, owner = Warehouse(code="B1", name="Bench"), Owner(code="SELF", name="Self")
        item = Item(code="BENCH", name_zh="基准", updated_at=NOW)
        s.add_all([wh, owner, item])
        s.flush()
        zone = Zone(warehouse_id=wh.id, code="S", kind="STORAGE")
        s.add_all([zone, Packaging(gtin=GTIN, item_id=item.id)])
        s.flush()
        s.add_all([Location(warehouse_id=wh.id, zone_id=zone.id, code=f"B-{i:04d}",
                            barcode=f"#L:B-{i:04d}") for i in range(BINS + 1)])
        s.add_all([Lot(item_id=item.id, lot_no=f"N{i:05d}", expiry=NOW.date())
                   for i in range(NOISE_LOTS)] + [
                  Lot(item_id=item.id, lot_no=name, expiry=NOW.date()) for name in ("TR", "RC")])
        s.add_all([Partner(code=f"C{i:04d}", name=f"Hospital {i}", kind="CUSTOMER",
                           updated_at=NOW) for i in range(CONSIGNEES)] +
                  [Partner(code="SUP", name="Supplier", kind="SUPPLIER", updated_at=NOW)])
        uow.commit()
    with db.reading() as s:
        return {"wh": wh.id, "owner": owner.id, "item": item.id,
                "locs": list(s.scalars(select(Location.id).order_by(Location.id))),
                "lots": {lot_no: lot_id for lot_id, lot_no in s.execute(
                    select(Lot.id, Lot.lot_no))},
                "partners": {code: pid for pid, code in s.execute(
                    select(Partner.id, Partner.code))}}


def plan(ids: dict[str, Any], total: int) -> list[dict[str, Any]]:
    """The movement rows (unhashed): target lots spread through a noise of receipts."""
    locs, lots, partners = ids["locs"], ids["lots"], ids["partners"]

    def row(kind: str, lot: str, qty: int, src: int | None, dst: int | None,
            partner: str | None) -> dict[str, Any]:
        return {"kind": kind, "lot_id": lots[lot], "quantity": qty, "from_location_id": src,
                "to_location_id": dst, "from_status": "AVAILABLE" if src else None,
                "to_status": "AVAILABLE" if dst else None,
                "partner_id": partners[partner] if partner else None}

    special = [row("RECEIVE", "TR", 40, None, locs[0], "SUP")]
    special += [row("PUTAWAY", "TR", 2, locs[0], locs[1 + i], None) for i in range(20)]
    special += [row("PICK", "TR", 1, locs[1 + i], locs[BINS], None) for i in range(20)]
    special += [row("SHIP", "TR", 1, locs[BINS], None, f"C{i:04d}") for i in range(20)]
    special += [row("RECEIVE", "RC", 11, None, locs[i], "SUP") for i in range(BINS)]
    special += [row("SHIP", "RC", 1, locs[i], None, f"C{i:04d}") for i in range(CONSIGNEES)]
    noise = total - len(special)
    step = max(1, noise // len(special))
    rows, k = [], 0
    for n in range(noise):
        rows.append(row("RECEIVE", f"N{n % NOISE_LOTS:05d}", 1, None, locs[n % BINS], "SUP"))
        if n % step == 0 and k < len(special):
            rows.append(special[k])
            k += 1
    return rows + special[k:]


def load(db: Database, ids: dict[str, Any], total: int) -> float:
    """Hash and insert the movements and the balances they leave; returns seconds."""
    started = time.perf_counter()
    rows, last, balances = plan(ids, total), GENESIS, {}
    for seq, r in enumerate(rows, start=1):
        r.update({"warehouse_id": ids["wh"], "seq": seq, "doc_type": "BENCH",
                  "doc_no": f"D{seq // 1000}", "owner_id": ids["owner"], "item_id": ids["item"],
                  "serial_id": None, "from_hu_id": None, "to_hu_id": None, "actor_id": None,
                  "reason": "", "created_at": NOW + timedelta(milliseconds=seq),
                  "prev_hash": last})
        r["hash"] = last = link_values(last, [r[name] for name in HASHED])
        for loc, sign in ((r["from_location_id"], -1), (r["to_location_id"], 1)):
            if loc is not None:
                key = (r["lot_id"], loc)
                balances[key] = balances.get(key, 0) + sign * r["quantity"]
    with db.unit_of_work() as uow:
        for start in range(0, len(rows), 20_000):
            uow.session.execute(insert(MOVEMENT), rows[start:start + 20_000])
        uow.session.execute(insert(STOCK), [_stock(ids, lot, loc, qty)
                                            for (lot, loc), qty in balances.items() if qty])
        uow.session.add(ChainHead(chain=f"wh:{ids['wh']}", seq=len(rows), hash=last))
        uow.commit()
    with db.engine.connect() as conn:  # fresh statistics after a bulk load, as ops would
        conn.execute(text("ANALYZE"))
        conn.commit()
    return time.perf_counter() - started


def _stock(ids: dict[str, Any], lot: int, loc: int, qty: int) -> dict[str, Any]:
    key = f"{ids['owner']}:{ids['item']}:{lot}::{loc}:AVAILABLE:"
    return {"key": key, "warehouse_id": ids["wh"], "owner_id": ids["owner"],
            "item_id": ids["item"], "lot_id": lot, "serial_id": None, "location_id": loc,
            "status": "AVAILABLE", "hu_id": None, "quantity": qty, "updated_at": NOW}


def timed_trace(db: Database, lot: str, runs: int = 7) -> dict[str, Any]:
    query = TraceQuery(gtin=GTIN, lot=lot)
    with db.reading() as s:
        full_trace(s, query)
    times = []
    for _ in range(runs):
        with db.reading() as s:
            started = time.perf_counter()
            out = full_trace(s, query)
            times.append((time.perf_counter() - started) * 1000)
    return {"lot": lot, "movements": len(out.movements), "stock_rows": len(out.stock),
            "shipments": len(out.shipped), "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1)}


def plans(db: Database, lot: str) -> list[dict[str, Any]]:
    """EXPLAIN of every statement the trace of `lot` runs."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    with db.reading() as s:
        full_trace(s, TraceQuery(gtin=GTIN, lot=lot))
    event.remove(db.engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
    out = []
    with db.engine.connect() as conn:
        for statement, parameters in seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            out.append({"sql": " ".join(statement.split())[:160],
                        "plan": [" ".join(str(c) for c in r[-1:]) for r in rows]})
    return out


def timed_recall(db: Database) -> dict[str, Any]:
    started = time.perf_counter()
    view = service.open_recall(db, actor=SYSTEM, scope=Scope(GTIN, lots=("RC",)),
                               reason="bench", risk_class="I")
    took = (time.perf_counter() - started) * 1000
    return {"wall_ms": round(took, 1), "response_ms": view.response_ms,
            "blocked_units": view.blocked_units, "consignees": len(view.consignees)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=None)
    parser.add_argument("--movements", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = fresh_database(args.database, Path(tmp))
        try:
            ids = seed(db)
            load_s = load(db, ids, args.movements)
            result = {"database": db.dialect, "movements": args.movements,
                      "load_s": round(load_s, 1),
                      "trace_typical": timed_trace(db, "TR"),
                      "trace_large": timed_trace(db, "RC"),
                      "plans": plans(db, "TR"),
                      "open_recall": timed_recall(db)}
        finally:
            db.dispose()
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
