"""Builders for receiving tests: a warehouse with its zones, a qualified supplier, items.

The stent comes in three packaging levels (unit, box of 10, case of 10 boxes = 100), the
vaccine carrier is cold (2–8 °C), the hip implant is tracked by lot and serial.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medwms.auth.rules import Actor
from medwms.core.db import Database
from medwms.ledger.tables import Lot, Movement, SerialUnit
from medwms.masterdata.tables import (
    Item,
    Location,
    Owner,
    Packaging,
    Partner,
    Warehouse,
    Zone,
)
from medwms.receiving.tables import Receipt, ReceiptLine
from tests.support.builders import gtin, qualified

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai, 2026-11-25
GS = "\x1d"
RECEIVER = Actor(None, "rcv", frozenset({"receiver"}))
MANAGER = Actor(None, "mgr", frozenset({"manager"}))

STENT_UNIT, STENT_BOX, STENT_CASE = gtin("0690000000011"), gtin("1690000000011"), \
    gtin("2690000000011")
COLD_UNIT, COLD_BOX = gtin("0690000000028"), gtin("1690000000028")
HIP = gtin("0690000000035")
UNKNOWN = gtin("0690000009999")


@dataclass(frozen=True)
class Inbound:
    """Codes of what the builders made (plain values: safe across sessions)."""

    warehouse: str
    supplier: str
    dock: str
    dock_id: int
    stent_id: int
    cold_id: int
    hip_id: int


def udi(gtin14: str, *, lot: str | None = None, expiry: date | None = None,
        serial: str | None = None, production: date | None = None,
        aim: str = "]d2") -> str:
    """A GS1 element string as a scanner types it (FNC1 as GS, fixed fields first)."""
    text = aim + "01" + gtin14
    if expiry:
        text += "17" + expiry.strftime("%y%m%d")
    if production:
        text += "11" + production.strftime("%y%m%d")
    parts = [text]
    if lot:
        parts.append("10" + lot)
    if serial:
        parts.append("21" + serial)
    return parts[0] + GS.join(parts[1:])


def make_inbound(session: Session, code: str = "WH1") -> Inbound:
    """A warehouse with RECEIVING, QUARANTINE, STORAGE and cold STORAGE zones, and items."""
    warehouse = Warehouse(code=code, name=f"Warehouse {code}")
    session.add(warehouse)
    session.flush()
    zones = {kind: _zone(session, warehouse, zc, kind, low, high) for zc, kind, low, high in (
        ("R", "RECEIVING", None, None), ("Q", "QUARANTINE", None, None),
        ("S", "STORAGE", Decimal(10), Decimal(30)), ("C", "STORAGE-COLD", Decimal(2),
                                                      Decimal(8)))}
    docks = [_location(session, warehouse, zones["RECEIVING"], f"{code}-R-0{i}", seq)
             for i, seq in ((1, 2), (2, 1))]
    _location(session, warehouse, zones["QUARANTINE"], f"{code}-Q-01", 1)
    _location(session, warehouse, zones["STORAGE"], f"{code}-S-01", 1)
    _location(session, warehouse, zones["STORAGE-COLD"], f"{code}-C-01", 1)
    if session.scalars(select(Owner).where(Owner.code == "SELF")).first() is None:
        session.add(Owner(code="SELF", name="Our company"))
    supplier = _supplier(session)
    items = _items(session)
    qualified(session)
    return Inbound(warehouse=code, supplier=supplier, dock=docks[1].code, dock_id=docks[1].id,
                   stent_id=items[0], cold_id=items[1], hip_id=items[2])


def _zone(session: Session, warehouse: Warehouse, code: str, kind: str,
          low: Decimal | None, high: Decimal | None) -> Zone:
    zone = Zone(warehouse_id=warehouse.id, code=code, name=code,
                kind=kind.replace("-COLD", ""), temp_min=low, temp_max=high)
    session.add(zone)
    session.flush()
    return zone


def _location(session: Session, warehouse: Warehouse, zone: Zone, code: str,
              seq: int) -> Location:
    location = Location(warehouse_id=warehouse.id, zone_id=zone.id, code=code,
                        barcode=f"#L:{code}", pick_seq=seq)
    session.add(location)
    session.flush()
    return location


def _supplier(session: Session) -> str:
    if session.scalars(select(Partner).where(Partner.code == "SUP1")).first() is None:
        session.add(Partner(code="SUP1", name="微创供应商", kind="SUPPLIER",
                            licence_no="苏药监械经营许20160001",
                            licence_expiry=date(2030, 12, 31), updated_at=NOW))
    return "SUP1"


def _items(session: Session) -> tuple[int, int, int]:
    existing = session.scalars(select(Item).where(Item.code == "STENT")).first()
    if existing is not None:
        codes = ("STENT", "VACCARRIER", "HIP")
        found = {i.code: i.id for i in session.scalars(select(Item).where(Item.code.in_(codes)))}
        return found["STENT"], found["VACCARRIER"], found["HIP"]
    stent = _item(session, "STENT", "LOT", min_days=180,
                  packs=((STENT_UNIT, "unit", 1), (STENT_BOX, "box", 10),
                         (STENT_CASE, "case", 100)))
    cold = _item(session, "VACCARRIER", "LOT", low=Decimal(2), high=Decimal(8),
                 packs=((COLD_UNIT, "unit", 1), (COLD_BOX, "box", 10)))
    hip = _item(session, "HIP", "LOT_SERIAL", implant=True, packs=((HIP, "unit", 1),))
    return stent, cold, hip


def _item(session: Session, code: str, tracking: str, *,
          packs: tuple[tuple[str, str, int], ...], min_days: int = 0,
          low: Decimal | None = None, high: Decimal | None = None,
          implant: bool = False) -> int:
    item = Item(code=code, name_zh=f"器械{code}", name_en=f"Device {code}", tracking=tracking,
                registration_no=f"国械注准2023{len(code):04d}", manufacturer="MFR",
                registration_expiry=date(2030, 12, 31), temp_min=low, temp_max=high,
                shelf_life_days=1095, min_remaining_days=min_days, implant=implant,
                updated_at=NOW)
    session.add(item)
    session.flush()
    session.add_all(Packaging(gtin=g, item_id=item.id, level=level, quantity=q)
                    for g, level, q in packs)
    return item.id


def inbound(db: Database) -> Inbound:
    """make_inbound in its own committed unit of work."""
    with db.unit_of_work() as uow:
        made = make_inbound(uow.session)
        uow.commit()
    return made


def counts(db: Database) -> dict[str, int]:
    """Rows of everything a scan writes: a refusal must leave these unchanged."""
    with db.reading() as s:
        return {model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
                for model in (Movement, ReceiptLine, Lot, SerialUnit, Receipt)}
