"""The floor the scan_latency scenario scans on: warehouse BS with a dock, bins and a
staging lane, a qualified supplier and customer, items in stock, a user with a token, one
open receipt and one wave (with its pick tasks) per client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select

from medwms.auth import service as auth
from medwms.auth import signin
from medwms.auth.rules import SYSTEM
from medwms.bench.generate import gtin
from medwms.bench.scenarios.base import Result, optional, skipped
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, MovementKind, Status
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse, Zone
from medwms.qualification.service import file_existing

CODE, ITEMS, PASSWORD = "BS", 20, "Bench-scan-Pa55word!"
LICENCE_END = date(2036, 12, 31)


@dataclass
class Floor:
    token: str
    receipts: list[str]
    gtins: list[str]
    wave_nos: list[str]
    picks: list[list[tuple[str, str]]]  # per client: (location scan, unit scan) to pick


def features_missing() -> Result | None:
    """Why a scan scenario cannot run (receiving or waves not built), or None."""
    for module, name in (("medwms.receiving.service", "receive_scan"),
                         ("medwms.orders.waves", "create_wave")):
        missing = optional(module, name)
        if isinstance(missing, str):
            return skipped(missing)
    return None


def unit_scan(gtin14: str, expiry: date, lot: str) -> str:
    """A GS1 DataMatrix as a scanner types it: AIM prefix, GTIN, expiry, lot last."""
    return f"]d201{gtin14}17{expiry:%y%m%d}10{lot}"


def build(db: Database, clients: int, units_per_client: int, prefix: str = "SO") -> Floor:
    """Everything the clients need, made through the services where they exist.

    A second build in the same run (another scenario, another `prefix`) reuses the
    warehouse, items and user of the first and adds its own stock, receipts and waves.
    """
    with db.reading() as s:
        built = s.scalar(select(Warehouse.id).where(Warehouse.code == CODE)) is not None
    if built:
        gtins = [gtin(0, 90000 + n) for n in range(ITEMS)]
    else:
        gtins = _master(db)
        auth.create_user(db, actor=SYSTEM, username="benchscan", display_name="Bench scanner",
                         password=PASSWORD, roles=["admin"])
    add_stock(db, units_per_client * clients, prefix)
    token = signin.login(db, settings=Settings(database_url=db.url), username="benchscan",
                       password=PASSWORD).access_token
    wave_nos = make_waves(db, clients, units_per_client, prefix)
    return Floor(token, _receipts(db, clients), gtins, wave_nos,
                 [pick_tasks(db, number) for number in wave_nos])


def _master(db: Database) -> list[str]:
    now = utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        site = Warehouse(code=CODE, name="Bench scanning")
        s.add(site)
        s.flush()
        zones = [Zone(warehouse_id=site.id, code=c, kind=k)
                 for c, k in (("R", "RECEIVING"), ("S", "STORAGE"), ("P", "SHIPPING"))]
        s.add_all(zones)
        s.flush()
        s.execute(insert(Location), [
            {"warehouse_id": site.id, "zone_id": zones[0 if n == 0 else 1].id,
             "code": f"{CODE}-{n:03d}", "barcode": f"#L:{CODE}-{n:03d}",
             "x": n % 20, "y": n // 20, "pick_seq": n} for n in range(201)])
        s.execute(insert(Location), [{"warehouse_id": site.id, "zone_id": zones[2].id,
                                      "code": f"{CODE}-P01", "barcode": f"#L:{CODE}-P01"}])
        s.add_all([Partner(code=f"{CODE}{kind[:3]}", name=f"Bench {kind.lower()}", kind=kind,
                           licence_no=f"沪械{kind[:3]}", licence_expiry=LICENCE_END,
                           updated_at=now) for kind in ("SUPPLIER", "CUSTOMER")])
        codes = [f"SCAN{n:03d}" for n in range(ITEMS)]
        s.execute(insert(Item), [{"code": c, "name_zh": f"扫描{c}", "updated_at": now,
                                  "registration_no": f"国械注准{c}",
                                  "registration_expiry": LICENCE_END} for c in codes])
        ids = dict(s.execute(select(Item.code, Item.id).where(Item.code.in_(codes))).all())
        gtins = [gtin(0, 90000 + n) for n in range(ITEMS)]
        s.execute(insert(Packaging), [{"gtin": g, "item_id": ids[c], "quantity": 1}
                                      for g, c in zip(gtins, codes, strict=True)])
        s.flush()
        file_existing(s, now=now, note="bench data")  # 首营: the bench's parties and items filed
        uow.commit()
    return gtins


def add_stock(db: Database, units: int, prefix: str) -> None:
    """Five lots per item, spread over the bins, enough for every client's wave.

    Posted through the ledger as one document (unsealed; the servers' sealer chains it):
    a bulk LedgerWriter would start the warehouse's chain afresh, which a second floor in
    the same run (whose warehouse already has a chain) cannot do.
    """
    now = utc_now()
    per_lot = units // (ITEMS * 5) * 2 + 10
    with db.unit_of_work() as uow:
        s = uow.session
        items = list(s.scalars(select(Item.id).where(Item.code.startswith("SCAN"))
                               .order_by(Item.id)))
        s.execute(insert(Lot), [{"item_id": i, "lot_no": f"P{prefix}{n:02d}{k}",
                                 "expiry": now.date() + timedelta(days=400 + 30 * k)}
                                for n, i in enumerate(items) for k in range(5)])
        owner = s.scalars(select(Owner.id).where(Owner.code == "SELF")).one()
        lots = s.execute(select(Lot.id, Lot.item_id).where(
            Lot.item_id.in_(items), Lot.lot_no.startswith(f"P{prefix}"))
            .order_by(Lot.id)).all()
        storage = sorted(s.scalars(select(Location.id).join(Zone, Zone.id == Location.zone_id)
                                   .join(Warehouse, Warehouse.id == Location.warehouse_id)
                                   .where(Warehouse.code == CODE, Zone.kind == "STORAGE")))
        post(s, actor=SYSTEM, doc_type="RCV", doc_no=f"RCV-BS-STOCK-{prefix}", now=now,
             lines=[Line(kind=MovementKind.RECEIVE, owner_id=owner, item_id=item_id,
                         lot_id=lot_id, quantity=per_lot,
                         to_location_id=storage[n % len(storage)], to_status=Status.AVAILABLE)
                    for n, (lot_id, item_id) in enumerate(lots)])
        uow.commit()


def _receipts(db: Database, clients: int) -> list[str]:
    from medwms.receiving.service import open_receipt

    return [open_receipt(db, actor=SYSTEM, warehouse=CODE, po_no=f"PO-BS-{c:03d}",
                         supplier=f"{CODE}SUP").receipt_no for c in range(clients)]


def make_waves(db: Database, clients: int, units: int, prefix: str = "SO") -> list[str]:
    from medwms.orders import orders, waves

    lines = 10
    made = [orders.OrderIn(warehouse=CODE, consignee=f"{CODE}CUS",
                           order_no=f"{prefix}-BS-{c:03d}",
                           lines=tuple(orders.LineIn(quantity=max(1, units // lines),
                                                     item=f"SCAN{(c + n) % ITEMS:03d}")
                                       for n in range(lines))) for c in range(clients)]
    orders.create_orders(db, actor=SYSTEM, orders=made)
    return [waves.create_wave(db, actor=SYSTEM, order_nos=[o.order_no or ""]).wave_no
            for o in made]


def pick_tasks(db: Database, wave_no: str) -> list[tuple[str, str]]:
    from medwms.orders.tables import Allocation, Wave

    with db.reading() as s:
        rows: Any = s.execute(select(Location.barcode, Packaging.gtin, Lot.expiry, Lot.lot_no,
                                     Allocation.quantity)
                              .join(Wave, Wave.id == Allocation.wave_id)
                              .join(Location, Location.id == Allocation.location_id)
                              .join(Lot, Lot.id == Allocation.lot_id)
                              .join(Packaging, Packaging.item_id == Allocation.item_id)
                              .where(Wave.wave_no == wave_no).order_by(Allocation.id)).all()
    return [(where, unit_scan(g, expiry, lot)) for where, g, expiry, lot, q in rows
            for _ in range(q)]
