"""Builders for shipping tests: two warehouses, a customer, items, and verified orders.

An order is built as orders, picking and verification would leave it (without their
services): stock RECEIVEd into storage AVAILABLE, an order VERIFIED with its lines, a wave
whose staging location is in a SHIPPING zone, PICKED allocations, Pick rows, PICK movements
to the staging location, and a PASSED verification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.rules import SYSTEM, Actor
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse, Zone
from medwms.orders.tables import Allocation, OrderLine, OutboundOrder, Wave
from medwms.picking.tables import Pick
from medwms.verification.tables import Verification
from tests.support.builders import gtin, qualified

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
GS = "\x1d"
PACKER = Actor(None, "pk", frozenset({"shipper"}))
RECEIVER = Actor(None, "rcv", frozenset({"receiver"}))
MANAGER = Actor(None, "mgr", frozenset({"manager"}))
VERIFIER = Actor(None, "vf", frozenset({"verifier"}))

STENT = gtin("0690000000011")
COLD = gtin("0690000000028")
HIP = gtin("0690000000035")
SWAB = gtin("0690000000042")   # cotton swabs, stored at ≤ 30 °C: ambient goods
CUSTOMER = "HOSP1"


def udi(gtin14: str, lot: str | None = None, serial: str | None = None,
        expiry: date | None = date(2028, 6, 30)) -> str:
    """A GS1 element string as a scanner types it."""
    text = "]d201" + gtin14 + (f"17{expiry:%y%m%d}" if expiry else "")
    parts = [text] + ([f"10{lot}"] if lot else []) + ([f"21{serial}"] if serial else [])
    return GS.join(parts)


@dataclass(frozen=True)
class Unit:
    """One picked stock key of an order: item code, lot, serial, quantity."""

    item: str
    lot: str | None
    quantity: int
    serial: str | None = None


def make_world(s: Session) -> None:
    """Warehouses WHA and WHB, the SELF owner, customer HOSP1, items STENT, COLD, HIP, SWAB."""
    s.add(Owner(code="SELF", name="本公司 Our company"))
    for code in ("WHA", "WHB"):
        _warehouse(s, code)
    s.add(Partner(code=CUSTOMER, name="北京协和医院",
                  name_en="Peking Union Medical College Hospital", kind="CUSTOMER",
                  address="北京市东城区帅府园1号", contact="王医生 010-69156114",
                  updated_at=NOW))
    _item(s, "STENT", "冠脉支架", "Coronary stent", "LOT", STENT, None, None)
    _item(s, "COLD", "体外诊断试剂", "IVD reagent", "LOT", COLD, Decimal(2), Decimal(8))
    _item(s, "HIP", "髋关节假体", "Hip implant", "LOT_SERIAL", HIP, None, None)
    _item(s, "SWAB", "医用棉签", "Cotton swabs", "LOT", SWAB, None, Decimal(30))
    qualified(s)


def world(db: Database) -> None:
    """make_world in its own committed unit of work."""
    with db.unit_of_work() as uow:
        make_world(uow.session)
        uow.commit()


def _warehouse(s: Session, code: str) -> None:
    warehouse = Warehouse(code=code, name=f"{code} 仓库")
    s.add(warehouse)
    s.flush()
    for zone_code, kind in (("S", "STORAGE"), ("D", "SHIPPING"), ("R", "RECEIVING"),
                            ("T", "RETURNS")):
        zone = Zone(warehouse_id=warehouse.id, code=zone_code, name=zone_code, kind=kind)
        s.add(zone)
        s.flush()
        location = f"{code}-{zone_code}-01"
        s.add(Location(warehouse_id=warehouse.id, zone_id=zone.id, code=location,
                       barcode=f"#L:{location}"))
    s.flush()


def _item(s: Session, code: str, zh: str, en: str, tracking: str, gtin14: str,
          low: Decimal | None, high: Decimal | None) -> None:
    item = Item(code=code, name_zh=zh, name_en=en, tracking=tracking, model="3.0×18 mm",
                manufacturer="上海微创医疗器械", registration_no=f"国械注准2015{len(code)}",
                temp_min=low, temp_max=high, updated_at=NOW)
    s.add(item)
    s.flush()
    s.add(Packaging(gtin=gtin14, item_id=item.id, quantity=1))


def _id(s: Session, model: type, code: str) -> int:
    return int(s.scalars(select(model.id).where(model.code == code)).one())  # type: ignore


def _lot(s: Session, item_id: int, lot_no: str | None, expiry: date) -> int | None:
    if lot_no is None:
        return None
    found = s.scalars(select(Lot).where(Lot.item_id == item_id, Lot.lot_no == lot_no)).first()
    if found is None:
        found = Lot(item_id=item_id, lot_no=lot_no, expiry=expiry)
        s.add(found)
        s.flush()
    return found.id


def _serial(s: Session, item_id: int, serial: str | None, lot_id: int | None) -> int | None:
    if serial is None:
        return None
    unit = SerialUnit(item_id=item_id, serial=serial, lot_id=lot_id)
    s.add(unit)
    s.flush()
    return unit.id


def make_verified_order(s: Session, order_no: str, units: list[Unit], *,
                        to_warehouse: str | None = None, expiry: date = date(2028, 6, 30),
                        status: str = "VERIFIED", review: str = "PASSED") -> None:
    """An order of WHA picked to staging WHA-D-01 and verified (to HOSP1 or a warehouse)."""
    wh, owner = _id(s, Warehouse, "WHA"), _id(s, Owner, "SELF")
    storage, staging = _id(s, Location, "WHA-S-01"), _id(s, Location, "WHA-D-01")
    order = OutboundOrder(order_no=order_no, kind="TRANSFER" if to_warehouse else "SALE",
                          warehouse_id=wh, owner_id=owner, status=status, created_at=NOW,
                          consignee_id=None if to_warehouse else _id(s, Partner, CUSTOMER),
                          to_warehouse_id=_id(s, Warehouse, to_warehouse) if to_warehouse
                          else None)
    wave = Wave(wave_no=f"W-{order_no}", warehouse_id=wh, staging_location_id=staging,
                status="PICKED", created_at=NOW)
    s.add_all([order, wave])
    s.flush()
    order.wave_id = wave.id
    for number, unit in enumerate(units, start=1):
        _picked_line(s, order, wave, number, unit, (storage, staging), expiry)
    s.add(Verification(verification_no=f"V-{order_no}", order_id=order.id, status=review,
                       started_at=NOW, finished_at=NOW))
    s.flush()


def _picked_line(s: Session, order: OutboundOrder, wave: Wave, number: int, unit: Unit,
                 places: tuple[int, int], expiry: date) -> None:
    item = _id(s, Item, unit.item)
    lot = _lot(s, item, unit.lot, expiry)
    serial = _serial(s, item, unit.serial, lot)
    storage, staging = places
    line = OrderLine(order_id=order.id, line_no=number, item_id=item, quantity=unit.quantity,
                     allocated_qty=unit.quantity, picked_qty=unit.quantity)
    s.add(line)
    s.flush()
    allocation = Allocation(order_line_id=line.id, wave_id=wave.id, owner_id=order.owner_id,
                            item_id=item, lot_id=lot, serial_id=serial, location_id=storage,
                            quantity=unit.quantity, picked_qty=unit.quantity, status="PICKED",
                            created_at=NOW)
    s.add(allocation)
    s.flush()
    s.add(Pick(wave_id=wave.id, allocation_id=allocation.id, order_line_id=line.id,
               scan_id=f"p-{order.order_no}-{number}", raw="", item_id=item, lot_id=lot,
               serial_id=serial, from_location_id=storage, quantity=unit.quantity,
               picked_at=NOW))
    base = Line(kind="RECEIVE", owner_id=order.owner_id, item_id=item, quantity=unit.quantity,
                lot_id=lot, serial_id=serial, to_location_id=storage, to_status="AVAILABLE")
    post(s, actor=SYSTEM, doc_type="RCV", doc_no=f"R-{order.order_no}", lines=[base], now=NOW)
    pick = Line(kind="PICK", owner_id=order.owner_id, item_id=item, quantity=unit.quantity,
                lot_id=lot, serial_id=serial, from_location_id=storage,
                from_status="AVAILABLE", to_location_id=staging, to_status="AVAILABLE")
    post(s, actor=SYSTEM, doc_type="PICK", doc_no=wave.wave_no, lines=[pick], now=NOW)


def verified_order(db: Database, order_no: str, units: list[Unit], **kwargs: object) -> None:
    """make_verified_order in its own committed unit of work."""
    with db.unit_of_work() as uow:
        make_verified_order(uow.session, order_no, units, **kwargs)  # type: ignore[arg-type]
        uow.commit()
