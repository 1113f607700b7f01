"""Builders for putaway tests: a yard with a dock, ambient, cold and red zones; released stock.

Stock is made as receiving and quality would: RECEIVE to the dock as QUARANTINE, then a STATUS
line QUARANTINE → AVAILABLE (or REJECTED), through ledger.post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from medwms.auth.rules import SYSTEM
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import HandlingUnit, Lot
from medwms.masterdata.tables import Item, Location, Owner, Warehouse, Zone
from tests.support.builders import NOW, gtin, make_item, make_serial

AMBIENT_GTIN = "0690000000011"
COLD_GTIN = "0690000000028"
SERIAL_GTIN = "0690000000035"


@dataclass
class Yard:
    """A warehouse with zones DOCK (receiving), AMB (15–25 °C), COLD (2–8 °C), RED (rejected)."""

    warehouse: Warehouse
    owner: Owner
    zones: dict[str, Zone] = field(default_factory=dict)
    places: dict[str, Location] = field(default_factory=dict)

    def loc(self, code: str) -> Location:
        return self.places[code]


def add_zone(session: Session, yard: Yard, code: str, kind: str,
             temp: tuple[str | None, str | None] = (None, None)) -> Zone:
    zone = Zone(warehouse_id=yard.warehouse.id, code=code, name=code, kind=kind,
                temp_min=None if temp[0] is None else Decimal(temp[0]),
                temp_max=None if temp[1] is None else Decimal(temp[1]))
    session.add(zone)
    session.flush()
    yard.zones[code] = zone
    return zone


def add_location(session: Session, yard: Yard, zone: str, code: str, *, pick_seq: int = 0,
                 x: int = 0, y: int = 0, capacity: int | None = None,
                 blocked: bool = False) -> Location:
    full = f"{yard.warehouse.code}-{code}"
    location = Location(warehouse_id=yard.warehouse.id, zone_id=yard.zones[zone].id,
                        code=full, barcode=f"#L:{full}", x=Decimal(x), y=Decimal(y),
                        pick_seq=pick_seq, capacity=capacity, blocked=blocked)
    session.add(location)
    session.flush()
    yard.places[code] = location
    return location


def make_yard(session: Session, code: str = "WH1") -> Yard:
    """The standard putaway yard (locations named without the warehouse prefix in `places`)."""
    warehouse = Warehouse(code=code, name=f"Warehouse {code}")
    session.add(warehouse)
    session.flush()
    owner = session.query(Owner).filter_by(code="SELF").one_or_none()
    if owner is None:
        owner = Owner(code="SELF", name="Our company")
        session.add(owner)
        session.flush()
    yard = Yard(warehouse, owner)
    add_zone(session, yard, "DOCK", "RECEIVING")
    add_zone(session, yard, "AMB", "STORAGE", ("15", "25"))
    add_zone(session, yard, "COLD", "STORAGE", ("2", "8"))
    add_zone(session, yard, "RED", "REJECTED", ("15", "25"))
    add_location(session, yard, "DOCK", "DOCK-1")
    add_location(session, yard, "AMB", "A-01", pick_seq=1, x=1, capacity=100)
    add_location(session, yard, "AMB", "A-02", pick_seq=2, x=2, capacity=100)
    add_location(session, yard, "COLD", "C-01", pick_seq=10, x=10, capacity=100)
    add_location(session, yard, "RED", "R-01", pick_seq=20, x=20)
    return yard


def ambient_item(session: Session, code: str = "STENT") -> Item:
    """An item stored at ≤25 °C."""
    item = make_item(session, code, gtin_body=AMBIENT_GTIN)
    item.temp_max = Decimal(25)
    session.flush()
    return item


def cold_item(session: Session, code: str = "REAGENT") -> Item:
    """An item stored at 2–8 °C."""
    item = make_item(session, code, gtin_body=COLD_GTIN)
    item.temp_min, item.temp_max = Decimal(2), Decimal(8)
    session.flush()
    return item


def receive(session: Session, yard: Yard, item: Item, lot: Lot, quantity: int, *,
            status: str = "AVAILABLE", serial: str | None = None,
            sscc: str | None = None, dock: str = "DOCK-1") -> None:
    """Receive to the dock as QUARANTINE, then (unless QUARANTINE) re-status as quality would."""
    serial_id = make_serial(session, item, serial, lot).id if serial else None
    hu_id = None
    if sscc:
        hu = HandlingUnit(sscc=sscc, warehouse_id=yard.warehouse.id, created_at=NOW)
        session.add(hu)
        session.flush()
        hu_id = hu.id
    common = dict(owner_id=yard.owner.id, item_id=item.id, lot_id=lot.id, serial_id=serial_id,
                  quantity=quantity)
    dock_id = yard.loc(dock).id
    post(session, actor=SYSTEM, doc_type="RCV", doc_no="R1", now=NOW, lines=[Line(
        kind="RECEIVE", **common, to_location_id=dock_id, to_status="QUARANTINE",
        to_hu_id=hu_id)])
    if status != "QUARANTINE":
        post(session, actor=SYSTEM, doc_type="QC", doc_no="QC1", now=NOW, lines=[Line(
            kind="STATUS", **common, from_location_id=dock_id, from_status="QUARANTINE",
            from_hu_id=hu_id, to_location_id=dock_id, to_status=status, to_hu_id=hu_id)])


def unit_scan(body13: str, lot: str, serial: str | None = None) -> str:
    """A GS1 element string as a scanner types it: ]d2, GTIN, lot, then serial after GS."""
    text = f"]d201{gtin(body13)}10{lot}"
    return text + (f"\x1d21{serial}" if serial else "")


def location_scan(code: str) -> str:
    """The internal location label of `code` in WH1."""
    return f"#L:WH1-{code}"

