"""Builders for order, allocation and wave tests: a floor with storage, staging and a dock.

Stock is put straight into storage with RECEIVE movements through ledger.post (status as
given), as receiving + quality + putaway would leave it — without depending on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medwms.auth.rules import SYSTEM, Actor
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse, Zone
from medwms.orders.orders import LineIn, OrderIn
from medwms.orders.tables import Allocation, OrderLine, OutboundOrder, Wave
from tests.support.builders import gtin, qualified

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai, 2026-11-25
MANAGER = Actor(None, "mgr", frozenset({"manager"}))
PICKER = Actor(None, "pete", frozenset({"picker"}))
STENT_UNIT, STENT_BOX = gtin("0690000000011"), gtin("1690000000011")
GAUZE_UNIT = gtin("0690000000028")
HIP_UNIT = gtin("0690000000035")


@dataclass
class Floor:
    """Ids and codes of one warehouse: storage bins A-01…, staging SHIP-01, dock DOCK-1."""

    warehouse: str
    warehouse_id: int
    owner_id: int
    principal_id: int
    places: dict[str, int] = field(default_factory=dict)

    def loc(self, code: str) -> int:
        return self.places[code]


def _zone(s: Session, warehouse_id: int, code: str, kind: str) -> int:
    zone = Zone(warehouse_id=warehouse_id, code=code, name=code, kind=kind)
    s.add(zone)
    s.flush()
    return zone.id


def _owner(s: Session, code: str) -> int:
    found = s.scalar(select(Owner.id).where(Owner.code == code))
    if found is None:
        owner = Owner(code=code, name=code)
        s.add(owner)
        s.flush()
        found = owner.id
    return found


def make_floor(s: Session, code: str = "WH1", *, bins: int = 6) -> Floor:
    """Bins A-01… in a row at x = 2·i (pick sequence reversed), staging at the origin."""
    warehouse = Warehouse(code=code, name=f"Warehouse {code}")
    s.add(warehouse)
    s.flush()
    floor = Floor(code, warehouse.id, _owner(s, "SELF"), _owner(s, "P2"))
    zones = {kind: _zone(s, warehouse.id, zc, kind) for zc, kind in (
        ("S", "STORAGE"), ("SHIP", "SHIPPING"), ("R", "RECEIVING"), ("Q", "QUARANTINE"))}
    spots = [(f"A-{i:02d}", "STORAGE", 2 * i, 3, bins + 1 - i) for i in range(1, bins + 1)]
    spots += [("SHIP-01", "SHIPPING", 0, 0, 0), ("DOCK-1", "RECEIVING", 0, 10, 0),
              ("Q-01", "QUARANTINE", 1, 10, 0)]
    for short, kind, x, y, seq in spots:
        full = f"{code}-{short}"
        location = Location(warehouse_id=warehouse.id, zone_id=zones[kind], code=full,
                            barcode=f"#L:{full}", x=Decimal(x), y=Decimal(y), pick_seq=seq)
        s.add(location)
        s.flush()
        floor.places[short] = location.id
    return floor


def make_partner(s: Session, code: str = "HOSP1", *, kind: str = "CUSTOMER",
                 min_days: int = 0, licence: str = "京械经营许2020001",
                 licence_expiry: date | None = date(2030, 12, 31)) -> int:
    partner = Partner(code=code, name=f"医院 {code}", kind=kind, licence_no=licence,
                      licence_expiry=licence_expiry, min_remaining_days=min_days,
                      updated_at=NOW)
    s.add(partner)
    qualified(s)
    return partner.id


def make_product(s: Session, code: str = "STENT", *, unit: str | None = STENT_UNIT,
                 box: str | None = STENT_BOX, box_qty: int = 10, tracking: str = "LOT",
                 registration_expiry: date | None = date(2030, 12, 31)) -> int:
    item = Item(code=code, name_zh=f"器械{code}", name_en=f"Device {code}", tracking=tracking,
                registration_no=f"国械注准2023{code}", registration_expiry=registration_expiry,
                updated_at=NOW)
    s.add(item)
    s.flush()
    if unit:
        s.add(Packaging(gtin=unit, item_id=item.id, level="unit", quantity=1))
    if box:
        s.add(Packaging(gtin=box, item_id=item.id, level="box", quantity=box_qty))
    qualified(s)
    return item.id


def lot_of(s: Session, item_id: int, lot_no: str, expiry: date | None) -> int:
    found = s.scalar(select(Lot.id).where(Lot.item_id == item_id, Lot.lot_no == lot_no))
    if found is None:
        lot = Lot(item_id=item_id, lot_no=lot_no, expiry=expiry)
        s.add(lot)
        s.flush()
        found = lot.id
    return found


def put_stock(s: Session, floor: Floor, item_id: int, lot_no: str, expiry: date | None,
              quantity: int, *, at: str = "A-01", status: str = "AVAILABLE",
              owner_id: int | None = None, serial: str | None = None) -> None:
    """`quantity` units of the lot (or one serial) at a location with a status."""
    lot_id = lot_of(s, item_id, lot_no, expiry)
    serial_id = None
    if serial:
        unit = SerialUnit(item_id=item_id, serial=serial, lot_id=lot_id)
        s.add(unit)
        s.flush()
        serial_id = unit.id
    post(s, actor=SYSTEM, doc_type="RCV", doc_no="R1", now=NOW, lines=[Line(
        kind="RECEIVE", owner_id=owner_id or floor.owner_id, item_id=item_id, lot_id=lot_id,
        serial_id=serial_id, quantity=quantity, to_location_id=floor.loc(at),
        to_status=status)])


@dataclass(frozen=True)
class Outbound:
    floor: Floor
    stent_id: int
    customer: str = "HOSP1"


def outbound(db: Database, *, min_days: int = 180) -> Outbound:
    """A floor, a hospital needing `min_days`, the STENT item (unit and box of 10 GTINs)."""
    with db.unit_of_work() as uow:
        floor = make_floor(uow.session)
        make_partner(uow.session, "HOSP1", min_days=min_days)
        stent = make_product(uow.session)
        uow.commit()
    return Outbound(floor, stent)


def stock_in(db: Database, world: Outbound, lot_no: str, expiry: date | None, quantity: int,
             **kw: object) -> None:
    """put_stock of STENT in its own unit of work."""
    with db.unit_of_work() as uow:
        put_stock(uow.session, world.floor, world.stent_id, lot_no, expiry, quantity,
                  **kw)  # type: ignore[arg-type]
        uow.commit()


def sale(*lines: LineIn, customer: str = "HOSP1", order_no: str | None = None,
         delivery: date | None = date(2026, 12, 1), warehouse: str = "WH1") -> OrderIn:
    return OrderIn(warehouse=warehouse, lines=tuple(lines), consignee=customer,
                   order_no=order_no, delivery_date=delivery)


def stent(quantity: int, **kw: object) -> LineIn:
    return LineIn(quantity=quantity, item="STENT", **kw)  # type: ignore[arg-type]


def counts(db: Database) -> dict[str, int]:
    """Rows of everything an order command writes: a refusal leaves these unchanged."""
    with db.reading() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (OutboundOrder, OrderLine, Allocation, Wave)}


def open_reserved(db: Database) -> dict[tuple[int | None, int], int]:
    """Σ quantity of OPEN allocations per (lot, location)."""
    with db.reading() as s:
        rows = s.execute(select(Allocation.lot_id, Allocation.location_id,
                                func.sum(Allocation.quantity))
                         .where(Allocation.status == "OPEN")
                         .group_by(Allocation.lot_id, Allocation.location_id)).all()
    return {(lot, loc): int(total) for lot, loc, total in rows}
