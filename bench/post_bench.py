"""Posting 100,000 movements through ledger.post() against a raw executemany of the same rows.

    python bench/post_bench.py [--database URL] [--movements 100000] [--lines 1000]

Prints JSON: movements/s through post() (1,000-line documents, each its own transaction:
locks, balance checks, hash chain, stock upsert) and through a raw DBAPI executemany of the
same movement rows into the same table (the storage ceiling), and their ratio.
A fresh database is made for each run (SQLite file in a temp dir, or a PostgreSQL database).
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from medwms.auth.rules import SYSTEM
from medwms.core import migrate
from medwms.core.db import Database, normalise_url
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Movement
from medwms.masterdata.tables import Item, Location, Owner, Warehouse, Zone

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def fresh_database(url: str | None, tmp: Path) -> Database:
    if url is None:
        db = Database(f"sqlite:///{tmp / 'bench.db'}")
    else:
        base = normalise_url(url)
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "medwms_bench" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "medwms_bench"'))
        admin.dispose()
        db = Database(make_url(base).set(database="medwms_bench").render_as_string(False))
    migrate.upgrade(db.engine)
    return db


def seed(db: Database, locations: int = 200,
         lots: int = 500) -> tuple[int, int, list[int], list[int]]:
    with db.unit_of_work() as uow:
        s = uow.session
        wh = Warehouse(code="B1", name="Bench")
        owner = Owner(code="SELF", name="Self")
        s.add_all([wh, owner])
        s.flush()
        zone = Zone(warehouse_id=wh.id, code="S", kind="STORAGE")
        item = Item(code="BENCH", name_zh="基准", updated_at=NOW)
        s.add_all([zone, item])
        s.flush()
        s.add_all([Location(warehouse_id=wh.id, zone_id=zone.id, code=f"B-{i:04d}",
                            barcode=f"#L:B-{i:04d}") for i in range(locations)])
        s.add_all([Lot(item_id=item.id, lot_no=f"L{i:05d}") for i in range(lots)])
        uow.commit()
    with db.reading() as s:
        loc_ids = list(s.scalars(select(Location.id).order_by(Location.id)))
        lot_ids = list(s.scalars(select(Lot.id).order_by(Lot.id)))
    return owner.id, item.id, loc_ids, lot_ids


def documents(owner: int, item: int, locs: list[int], lots: list[int],
              movements: int, size: int) -> list[list[Line]]:
    docs = []
    for d in range(movements // size):
        docs.append([Line(kind="RECEIVE", owner_id=owner, item_id=item, quantity=1 + n % 5,
                          lot_id=lots[(d * size + n) % len(lots)],
                          to_location_id=locs[(d * 7 + n) % len(locs)], to_status="AVAILABLE")
                     for n in range(size)])
    return docs


def time_post(db: Database, docs: list[list[Line]]) -> float:
    start = time.perf_counter()
    for number, lines in enumerate(docs):
        with db.unit_of_work() as uow:
            post(uow.session, actor=SYSTEM, doc_type="BENCH", doc_no=f"D{number}", lines=lines,
                 now=NOW)
            uow.commit()
    return time.perf_counter() - start


def time_raw(db: Database, size: int) -> tuple[float, int]:
    """Re-insert the posted movement rows, as they are, with a DBAPI executemany."""
    columns = [c.name for c in Movement.__table__.columns if c.name != "id"]
    with db.reading() as s:
        rows = [tuple(r) for r in s.execute(select(*[Movement.__table__.c[c] for c in columns]))]
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM movement"))
    marker = "?" if db.dialect == "sqlite" else "%s"
    sql = (f"INSERT INTO movement ({', '.join(columns)}) "
           f"VALUES ({', '.join([marker] * len(columns))})")
    raw_rows = [tuple(v.replace(tzinfo=None) if db.dialect == "sqlite" and isinstance(v, datetime)
                      else v for v in row) for row in rows]
    start = time.perf_counter()
    for offset in range(0, len(raw_rows), size):
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            if db.dialect == "sqlite":
                cursor.execute("BEGIN")
            cursor.executemany(sql, raw_rows[offset:offset + size])
            connection.commit()
        finally:
            connection.close()
    return time.perf_counter() - start, len(raw_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--movements", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = fresh_database(args.database, Path(tmp))
        owner, item, locs, lots = seed(db)
        docs = documents(owner, item, locs, lots, args.movements, args.lines)
        posted = time_post(db, docs)
        raw, count = time_raw(db, args.lines)
        db.dispose()
    result: dict[str, Any] = {
        "database": db.dialect, "python": platform.python_version(),
        "machine": platform.machine(), "movements": count, "document_lines": args.lines,
        "post_seconds": round(posted, 3), "post_movements_per_s": round(count / posted),
        "raw_executemany_seconds": round(raw, 3),
        "raw_movements_per_s": round(count / raw),
        "ratio_post_to_raw": round((count / posted) / (count / raw), 3),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
