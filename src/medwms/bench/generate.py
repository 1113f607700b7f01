"""`medwms bench generate`: a realistic warehouse-scale data set, written in bulk.

Master data (warehouses with docks, bins and staging; items at unit/box/case packaging
levels, a tenth of them serialised implants; suppliers; hundreds of consignees) goes in
through plain inserts; the ledger (lots, serials, movements, stock, chain heads) through
`LedgerWriter`, consistent with what the services write: `medwms verify` passes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from medwms.barcode.checkdigit import gs1_check_digit
from medwms.bench import flows
from medwms.bench.ledgerload import LedgerWriter, bulk_insert, indexes_dropped
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.ledger.tables import Lot, Movement, SerialUnit
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse, Zone
from medwms.qualification.service import file_existing

ACTIVE_FLOWS = 400
SPAN = timedelta(days=730)
LICENCE_END = date(2036, 12, 31)
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Scale:
    """How big the generated warehouse network is."""

    movements: int
    warehouses: int = 3
    items: int = 500
    bins: int = 400  # storage bins per warehouse
    consignees: int = 400
    suppliers: int = 25
    seed: int = 9


@dataclass(frozen=True)
class Generated:
    movements: int
    lots: int
    serials: int
    stock_rows: int
    seconds: float


def gtin(indicator: int, item_number: int) -> str:
    """A valid GTIN-14 of the bench's company prefix 6901234."""
    body = f"{indicator}6901234{item_number:05d}"
    return body + str(gs1_check_digit(body))


def generate(db: Database, scale: Scale, *, progress: Progress | None = None) -> Generated:
    """Build the data set into an empty ledger; `progress(n)` after each batch written."""
    started = time.perf_counter()
    now = utc_now()
    with db.unit_of_work() as uow:
        _require_empty(uow.session)
        world, warehouse_of = _master_data(uow.session, scale, now)
        uow.session.flush()
        file_existing(uow.session, now=now, note="bench data")  # 首营: filed as approved
        uow.commit()
    writer = LedgerWriter(db, warehouse_of, before_flush=lambda conn: _write_ids(conn, world,
                                                                              writer))
    with indexes_dropped(db, "movement"):
        _simulate(world, writer, scale, now, progress)
        writer.finish(now)
    _reset_sequences(db)
    _analyze(db)
    return Generated(writer.written, world.next_lot - 1, world.next_serial - 1,
                     len(writer.balances), round(time.perf_counter() - started, 2))


def _require_empty(s: Session) -> None:
    if s.scalar(select(func.count()).select_from(Movement)) or s.scalar(
            select(func.count()).select_from(Lot)):
        raise SystemExit("bench generate needs a database without movements or lots")


def _master_data(s: Session, scale: Scale,
                 now: datetime) -> tuple[flows.World, dict[int, int]]:
    owner = s.scalars(select(Owner).where(Owner.code == "SELF")).first()
    if owner is None:
        owner = Owner(code="SELF", name="Our company")
        s.add(owner)
        s.flush()
    sites = [_bins(s, _site(s, number), scale.bins)
             for number in range(1, scale.warehouses + 1)]
    items = _items(s, scale, now)
    suppliers = _partners(s, "SUPPLIER", "GSUP", scale.suppliers, now)
    consignees = _partners(s, "CUSTOMER", "GCUS", scale.consignees, now)
    warehouse_of = {loc: wh for loc, wh in s.execute(select(Location.id,
                                                            Location.warehouse_id))}
    world = flows.World(owner_id=owner.id, sites=sites, items=items, suppliers=suppliers,
                        consignees=consignees, today=now.date(), next_lot=1, next_serial=1)
    return world, warehouse_of


def _site(s: Session, number: int) -> flows.Site:
    code = f"G{number:02d}"
    warehouse = Warehouse(code=code, name=f"Bench warehouse {code}")
    s.add(warehouse)
    s.flush()
    zones = {}
    for zone_code, kind in (("R", "RECEIVING"), ("Q", "QUARANTINE"), ("S", "STORAGE"),
                            ("P", "SHIPPING")):
        zone = Zone(warehouse_id=warehouse.id, code=zone_code, name=kind.title(), kind=kind)
        s.add(zone)
        s.flush()
        zones[kind] = zone.id
    dock = _location(s, warehouse.id, zones["RECEIVING"], f"{code}-R-01", 0)
    _location(s, warehouse.id, zones["QUARANTINE"], f"{code}-Q-01", 0)
    staging = _location(s, warehouse.id, zones["SHIPPING"], f"{code}-P-01", 0)
    return flows.Site(warehouse.id, dock, staging, (zones["STORAGE"],))


def _location(s: Session, warehouse: int, zone: int, code: str, seq: int) -> int:
    location = Location(warehouse_id=warehouse, zone_id=zone, code=code, barcode=f"#L:{code}",
                        pick_seq=seq)
    s.add(location)
    s.flush()
    return location.id


def _bins(s: Session, site: flows.Site, count: int) -> flows.Site:
    """Storage bins in aisles of 20 bays × 5 levels, with walking coordinates."""
    zone = site.bins[0]
    code = s.get_one(Warehouse, site.warehouse_id).code
    rows = [{"warehouse_id": site.warehouse_id, "zone_id": zone,
             "code": f"{code}-{n // 100:02d}-{n // 5 % 20:02d}-{n % 5}",
             "barcode": f"#L:{code}-{n // 100:02d}-{n // 5 % 20:02d}-{n % 5}",
             "aisle": f"{n // 100:02d}", "bay": f"{n // 5 % 20:02d}", "level": str(n % 5),
             "x": n // 5 % 20, "y": n // 100 * 3, "pick_seq": n + 1} for n in range(count)]
    s.execute(insert(Location), rows)
    bins = tuple(s.scalars(select(Location.id).where(Location.zone_id == zone)
                           .order_by(Location.id)))
    return flows.Site(site.warehouse_id, site.dock_id, site.staging_id, bins)


def _items(s: Session, scale: Scale, now: datetime) -> list[flows.ItemRef]:
    implant_every = 10
    rows = [{"code": f"{'IMP' if n % implant_every == 0 else 'DEV'}{n:05d}",
             "name_zh": f"基准器械{n}", "name_en": f"Bench device {n}",
             "tracking": "LOT_SERIAL" if n % implant_every == 0 else "LOT",
             "implant": n % implant_every == 0, "risk_class": "III" if n % 10 == 0 else "II",
             "registration_no": f"国械注准2024{n:06d}", "registration_expiry": LICENCE_END,
             "manufacturer": "Bench Medical", "shelf_life_days": 1095, "updated_at": now}
            for n in range(1, scale.items + 1)]
    s.execute(insert(Item), rows)
    ids = dict(s.execute(select(Item.code, Item.id)).all())
    packs, refs = [], []
    for n, row in enumerate(rows, start=1):
        item_id, implant = ids[str(row["code"])], bool(row["implant"])
        levels = ((0, "unit", 1),) if implant else ((0, "unit", 1), (1, "box", 10),
                                                     (2, "case", 100))
        packs += [{"gtin": gtin(ind, n), "item_id": item_id, "level": level, "quantity": q}
                  for ind, level, q in levels]
        refs.append(flows.ItemRef(item_id, implant, 1 if implant else 10))
    s.execute(insert(Packaging), packs)
    return refs


def _partners(s: Session, kind: str, prefix: str, count: int, now: datetime) -> list[int]:
    rows = [{"code": f"{prefix}{n:04d}", "name": f"{kind.title()} {n}", "kind": kind,
             "licence_no": f"沪械经营{n:06d}", "licence_expiry": LICENCE_END, "updated_at": now}
            for n in range(1, count + 1)]
    s.execute(insert(Partner), rows)
    return list(s.scalars(select(Partner.id).where(Partner.code.startswith(prefix))
                          .order_by(Partner.id)))


def _write_ids(conn: Any, world: flows.World, writer: LedgerWriter) -> None:
    """Lots and serials first, so the movements' foreign keys find them."""
    lots, world.lots = world.lots, []
    serials, world.serials = world.serials, []
    bulk_insert(conn, "lot", ("id", "item_id", "lot_no", "expiry", "production_date"), lots)
    bulk_insert(conn, "serial_unit", ("id", "item_id", "serial", "lot_id"), serials)


def _simulate(world: flows.World, writer: LedgerWriter, scale: Scale, now: datetime,
              progress: Progress | None) -> None:
    """Interleave many lot flows, one document at a time, until `scale.movements`."""
    rnd = random.Random(scale.seed)  # noqa: S311 - reproducible data, not secrets
    active = [flows.lot_flow(world, rnd) for _ in range(ACTIVE_FLOWS)]
    step = SPAN / max(1, scale.movements) * 1.5
    clock = now - SPAN
    numbers: dict[str, int] = {}
    reported = 0
    while writer.written + len(writer.pending) < scale.movements:
        index = rnd.randrange(len(active))
        doc = next(active[index], None)
        if doc is None:
            active[index] = flows.lot_flow(world, rnd)
            continue
        numbers[doc.doc_type] = numbers.get(doc.doc_type, 0) + 1
        room = scale.movements - writer.written - len(writer.pending)
        clock = min(clock + step, now)
        writer.post(doc.doc_type, f"{doc.doc_type}-G{numbers[doc.doc_type]:09d}",
                    doc.lines[:room], clock.astimezone(UTC))
        if progress is not None and writer.written != reported:
            progress(writer.written - reported)
            reported = writer.written
    writer.flush()
    if progress is not None:
        progress(writer.written - reported)


def _reset_sequences(db: Database) -> None:
    """After explicit ids on PostgreSQL, move the id sequences past them."""
    if db.dialect != "postgresql":
        return
    with db.engine.begin() as conn:
        for table in (Lot.__tablename__, SerialUnit.__tablename__):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def _analyze(db: Database) -> None:
    """On PostgreSQL, gather the planner's statistics of the freshly loaded tables.

    A server's autovacuum analyzes a table within about a minute of a bulk load; the
    scenarios start at once. Without statistics PostgreSQL read a lot's 14 movement rows by
    a parallel bitmap scan, gather and sort (7-10 ms, most of it starting workers) instead of
    one index range (0.05 ms), in the trace and in its raw baseline alike.
    """
    if db.dialect != "postgresql":
        return
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
