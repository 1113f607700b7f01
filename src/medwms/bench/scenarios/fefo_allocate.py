"""fefo_allocate: a wave of 1,000 order lines allocated FEFO over 200,000 lots in stock
(`medwms.orders.waves.create_wave`: allocation under row locks, then the pick path).

The stock is loaded in bulk into its own warehouse (its own hash chain) before timing;
each round creates fresh orders (untimed) and times the wave that allocates them. Each item's
lots expire on dates spread over 900 days (two or three lots a date, as batches come in);
the goal is a median under 2 s at full size. On PostgreSQL the loaded tables are analysed
before timing, as autovacuum would do in a running warehouse.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from medwms.auth.rules import SYSTEM
from medwms.bench.ledgerload import LedgerWriter, Move
from medwms.bench.scenarios.base import Context, Result, figure, optional, skipped
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Location, Owner, Partner, Warehouse, Zone
from medwms.qualification.service import file_existing

CODE = "BF"
ITEMS = 100
GOAL_MS = 2000.0


def run(ctx: Context) -> Result:
    """Load the lots, then rounds of: create orders (untimed), create the wave (timed)."""
    waves = optional("medwms.orders.waves", "create_wave")
    orders = optional("medwms.orders.orders", "create_orders", "OrderIn", "LineIn")
    if isinstance(waves, str) or isinstance(orders, str):
        return skipped(waves if isinstance(waves, str) else str(orders))
    lots, lines = ctx.pick(2_000, 200_000), ctx.pick(100, 1_000)
    items = _load(ctx.db, lots)
    rnd = random.Random(5)  # noqa: S311 - reproducible data, not secrets
    samples, stops = [], []
    for number in range(ctx.pick(2, 4)):
        numbers = _orders(ctx.db, orders, items, lines, rnd, number)
        started = time.perf_counter()
        view = waves.create_wave(ctx.db, actor=SYSTEM, order_nos=numbers)
        ms = (time.perf_counter() - started) * 1000
        if number:  # the first wave warms caches up
            samples.append(ms)
            stops.append(len(view.route) - 2)  # the route starts and ends at staging
    full = lots == 200_000 and lines == 1_000
    return {"wave_1000_lines": figure(
        samples, goal=f"< {GOAL_MS:.0f} ms (median) at 200,000 lots and 1,000 lines",
        met=statistics.median(samples) < GOAL_MS if full else None, lots_in_stock=lots,
        order_lines=lines, route_stops=stops)}


def _load(db: Database, lots: int) -> list[str]:
    """A warehouse with 500 bins, ITEMS items and `lots` lots in AVAILABLE stock."""
    now = utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        site = Warehouse(code=CODE, name="Bench FEFO")
        s.add(site)
        s.flush()
        store, ship = (Zone(warehouse_id=site.id, code=c, kind=k)
                       for c, k in (("S", "STORAGE"), ("P", "SHIPPING")))
        s.add_all([store, ship])
        s.flush()
        s.execute(insert(Location), [
            {"warehouse_id": site.id, "zone_id": store.id if n else ship.id,
             "code": f"{CODE}-{n:04d}", "barcode": f"#L:{CODE}-{n:04d}", "x": n % 25,
             "y": n // 25, "pick_seq": n} for n in range(501)])
        s.execute(insert(Item), [{"code": f"FEFO{n:03d}", "name_zh": f"效期{n}",
                                  "registration_no": f"国械注准FEFO{n:03d}",
                                  "registration_expiry": date(2036, 1, 1), "updated_at": now}
                                 for n in range(ITEMS)])
        s.add(Partner(code="BFCUS", name="FEFO hospital", kind="CUSTOMER",
                      licence_no="沪械经营FEFO", licence_expiry=date(2036, 1, 1),
                      updated_at=now))
        items = list(s.scalars(select(Item.id).where(Item.code.startswith("FEFO"))
                               .order_by(Item.id)))
        s.execute(insert(Lot), [{"item_id": items[n % ITEMS], "lot_no": f"F{n:07d}",
                                 "expiry": now.date() + timedelta(days=200 + n // ITEMS % 900)}
                                for n in range(lots)])
        locations = dict(s.execute(select(Location.id, Location.warehouse_id).where(
            Location.warehouse_id == site.id)).all())
        s.flush()
        file_existing(s, now=now, note="bench data")  # 首营: the bench's parties and items filed
        uow.commit()
    _stock(db, locations, now)
    return [f"FEFO{n:03d}" for n in range(ITEMS)]


def _stock(db: Database, locations: dict[int, int], now: Any) -> None:
    with db.reading() as s:
        self_id = s.scalars(select(Owner.id).where(Owner.code == "SELF")).one()
        rows = s.execute(select(Lot.id, Lot.item_id).where(Lot.lot_no.startswith("F"))
                         .order_by(Lot.id)).all()
    bins = sorted(locations)[1:]
    writer = LedgerWriter(db, locations)
    for n, (lot_id, item_id) in enumerate(rows):
        writer.post("RCV", f"RCV-BF-{n // 1000:06d}", [Move(
            "RECEIVE", owner_id=self_id, item_id=item_id, lot_id=lot_id, quantity=50,
            to_location_id=bins[n % len(bins)], to_status="AVAILABLE")], now)
    writer.finish(now)
    if db.dialect == "postgresql":
        # PostgreSQL plans from statistics, and 200,000 rows loaded a moment ago have none
        # until autovacuum's analyze comes round (within a minute or so in production).
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE lot"))
            conn.execute(text("ANALYZE stock"))


def _orders(db: Database, orders: Any, items: list[str], lines: int, rnd: random.Random,
            number: int) -> list[str]:
    size = 20
    made = [orders.OrderIn(warehouse=CODE, consignee="BFCUS",
                           order_no=f"SO-BF-{number:02d}-{o:03d}",
                           lines=tuple(orders.LineIn(quantity=rnd.randint(5, 60),
                                                     item=rnd.choice(items))
                                       for _ in range(size)))
            for o in range(lines // size)]
    orders.create_orders(db, actor=SYSTEM, orders=made)
    return [o.order_no for o in made]
