"""Packing (装箱): open a shipment for a verified order, add shipping units, scan units in.

A pack scan moves the scanned units at the wave's staging location from no handling unit
into the shipping unit's handling unit (a MOVE, doc SHP/<shipment no>), and records a
shipment line. The shipment row is locked for each scan, so what remains to be packed is
read and changed by one packer at a time.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import is_expired, local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import Conflict
from medwms.core.ids import new_doc_no
from medwms.equipment.queries import refuse_lapsed_box
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import HandlingUnit, Lot, MovementKind, Status
from medwms.masterdata.tables import Warehouse
from medwms.orders.tables import OrderLine, OutboundOrder, Wave
from medwms.picking.tables import Pick
from medwms.shipping import errors, lookup, rules
from medwms.shipping.lookup import ScannedUnit
from medwms.shipping.reasons import PACKED_INTO
from medwms.shipping.rules import Key
from medwms.shipping.tables import Shipment, ShipmentLine, ShippingUnit

SSCC_EXTENSION = 0


@dataclass(frozen=True)
class OpenedShipment:
    shipment_no: str
    order_no: str
    status: str


@dataclass(frozen=True)
class NewUnit:
    shipment_no: str
    sscc: str
    cold: bool


@dataclass(frozen=True)
class Packed:
    """One accepted pack scan: what went into which unit, and what is left to pack."""

    shipment_no: str
    sscc: str
    item: str
    lot: str | None
    serial: str | None
    quantity: int
    left_to_pack: int


def open_shipment(db: Database, *, actor: Actor, order_no: str,
                  now: datetime | None = None) -> OpenedShipment:
    """Open the shipment of a verified order (or return the one already being packed)."""
    require(actor, Perm.SHIP)
    with db.unit_of_work() as uow:
        s = uow.session
        order = lookup.order_for(s, actor, order_no)
        current = s.scalars(select(Shipment).where(Shipment.order_id == order.id)).first()
        if current is not None and current.status == "PACKING":
            return OpenedShipment(current.shipment_no, order.order_no, current.status)
        lookup.require_verified(s, order)
        shipment = Shipment(
            shipment_no=new_doc_no("SHP", now or utc_now()), order_id=order.id,
            warehouse_id=order.warehouse_id, consignee_id=order.consignee_id,
            to_warehouse_id=order.to_warehouse_id, status="PACKING")
        s.add(shipment)
        uow.commit()
        return OpenedShipment(shipment.shipment_no, order.order_no, shipment.status)


def add_shipping_unit(db: Database, *, actor: Actor, shipment_no: str, cold: bool = False,
                      box_id: str = "", logger_id: str = "",
                      dispatch_temp: Decimal | None = None,
                      company_prefix: str = rules.DEMO_COMPANY_PREFIX,
                      now: datetime | None = None) -> NewUnit:
    """A new shipping unit with a fresh SSCC; a cold one records box, logger and temperature."""
    require(actor, Perm.SHIP)
    if cold:
        problems = rules.cold_box_problems(box_id, logger_id, dispatch_temp)
        if problems:
            raise errors.ColdBoxDetailsRequired(problems)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        shipment = packing_shipment(s, actor, shipment_no)
        if cold:
            refuse_lapsed_box(s, box_id=box_id, on=local_date(now))
        hu = HandlingUnit(sscc=_fresh_sscc(s, company_prefix),
                          warehouse_id=shipment.warehouse_id, created_at=now)
        s.add(hu)
        s.flush()
        s.add(ShippingUnit(shipment_id=shipment.id, hu_id=hu.id, cold=cold,
                           box_id=box_id.strip() if cold else "",
                           logger_id=logger_id.strip() if cold else "",
                           dispatch_temp=dispatch_temp if cold else None,
                           packed_by=actor.user_id, packed_at=now))
        uow.commit()
        return NewUnit(shipment.shipment_no, hu.sscc, cold)


def _fresh_sscc(s: Session, company_prefix: str) -> str:
    """A random serial reference; the unique SSCC column is the final guard."""
    width = rules.serial_reference_width(company_prefix)
    for _ in range(10):
        code = rules.sscc(SSCC_EXTENSION, company_prefix, secrets.randbelow(10 ** width))
        if not s.scalar(select(exists().where(HandlingUnit.sscc == code))):
            return code
    raise Conflict(detail="no free SSCC found; check the GS1 company prefix")


def pack_scan(db: Database, *, actor: Actor, shipment_no: str, sscc: str, raw: str,
              now: datetime | None = None) -> Packed:
    """Scan one picked unit into a shipping unit: checks cold chain, expiry and the order."""
    require(actor, Perm.SHIP)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        shipment = packing_shipment(s, actor, shipment_no)
        unit, hu = shipping_unit(s, shipment, sscc)
        order = s.get_one(OutboundOrder, shipment.order_id)
        timezone = s.get_one(Warehouse, shipment.warehouse_id).timezone
        scanned = lookup.read_unit(s, raw, local_date(now, timezone))
        key = _key(s, scanned)
        _check_unit(s, scanned, key, unit, hu.sscc, now, timezone)
        left = _left_to_pack(s, order, shipment)
        if left.get(key, 0) < scanned.quantity:
            raise errors.NotPickedForOrder(
                item=scanned.item.code, lot=scanned.lot or "—", serial=scanned.serial or "—",
                order_no=order.order_no, available=left.get(key, 0),
                requested=scanned.quantity)
        _move_into_unit(s, actor, shipment, order, hu, key, scanned.quantity, now)
        _add_line(s, shipment, unit, key, scanned.quantity)
        uow.commit()
        return Packed(shipment.shipment_no, hu.sscc, scanned.item.code, scanned.lot,
                      scanned.serial, scanned.quantity,
                      sum(left.values()) - scanned.quantity)


def packing_shipment(s: Session, actor: Actor, shipment_no: str) -> Shipment:
    """The shipment, locked, in the actor's scope, and still PACKING."""
    shipment = lookup.shipment_for(s, actor, shipment_no)
    if shipment.status != "PACKING":
        raise errors.ShipmentNotPacking(shipment_no=shipment.shipment_no,
                                        status=shipment.status)
    return shipment


def shipping_unit(s: Session, shipment: Shipment, sscc: str) -> tuple[ShippingUnit, HandlingUnit]:
    """The shipping unit of `shipment` with this SSCC (typed, or scanned with AI 00)."""
    code = sscc.strip()
    code = code[-18:] if len(code) > 18 and code[-18:].isdigit() else code
    found = s.execute(select(ShippingUnit, HandlingUnit)
                      .join(HandlingUnit, HandlingUnit.id == ShippingUnit.hu_id)
                      .where(ShippingUnit.shipment_id == shipment.id,
                             HandlingUnit.sscc == code)).one_or_none()
    if found is None:
        raise errors.ShippingUnitNotFound(sscc=code, shipment_no=shipment.shipment_no)
    return found[0], found[1]


def _key(s: Session, scanned: ScannedUnit) -> Key:
    lot = lookup.lot_of(s, scanned.item.id, scanned.lot)
    serial = lookup.serial_of(s, scanned.item.id, scanned.serial)
    lot_id = lot.id if lot else (serial.lot_id if serial and not scanned.lot else None)
    if (scanned.lot and lot is None) or (scanned.serial and serial is None):
        return scanned.item.id, -1, -1  # unknown here: nothing picked can match
    return scanned.item.id, lot_id, serial.id if serial else None


def _check_unit(s: Session, scanned: ScannedUnit, key: Key, unit: ShippingUnit, sscc: str,
                now: datetime, timezone: str) -> None:
    span = lookup.temp_range(scanned.item)
    if rules.refuses_box(span, unit.cold):
        raise errors.ColdItemInAmbientBox(item=scanned.item.code, low=span.low, high=span.high,
                                          sscc=sscc)
    lot = s.get(Lot, key[1]) if key[1] and key[1] > 0 else None
    if lot is not None and is_expired(lot.expiry, now, timezone):
        raise errors.UnitExpired(item=scanned.item.code, lot=lot.lot_no, expiry=lot.expiry)


def picked_by_key(s: Session, order: OutboundOrder) -> dict[Key, int]:
    """What was picked for the order, per (item, lot, serial)."""
    rows = s.execute(select(Pick.item_id, Pick.lot_id, Pick.serial_id, func.sum(Pick.quantity))
                     .join(OrderLine, OrderLine.id == Pick.order_line_id)
                     .where(OrderLine.order_id == order.id)
                     .group_by(Pick.item_id, Pick.lot_id, Pick.serial_id))
    return {(item, lot, serial): int(qty) for item, lot, serial, qty in rows}


def packed_by_key(s: Session, shipment: Shipment) -> dict[Key, int]:
    """What is packed into the shipment's units, per (item, lot, serial)."""
    rows = s.execute(select(ShipmentLine.item_id, ShipmentLine.lot_id, ShipmentLine.serial_id,
                            func.sum(ShipmentLine.quantity))
                     .where(ShipmentLine.shipment_id == shipment.id)
                     .group_by(ShipmentLine.item_id, ShipmentLine.lot_id,
                               ShipmentLine.serial_id))
    return {(item, lot, serial): int(qty) for item, lot, serial, qty in rows}


def _left_to_pack(s: Session, order: OutboundOrder, shipment: Shipment) -> dict[Key, int]:
    packed: dict[Key, int] = defaultdict(int, packed_by_key(s, shipment))
    return {key: qty - packed[key] for key, qty in picked_by_key(s, order).items()}


def staging_of(s: Session, order: OutboundOrder) -> int:
    """The staging location the order's units were picked to."""
    wave_id = order.wave_id or s.scalar(
        select(Pick.wave_id).join(OrderLine, OrderLine.id == Pick.order_line_id)
        .where(OrderLine.order_id == order.id).limit(1))
    if wave_id is None:
        raise Conflict(detail=f"order {order.order_no} has no wave and no picks")
    return s.get_one(Wave, wave_id).staging_location_id


def _move_into_unit(s: Session, actor: Actor, shipment: Shipment, order: OutboundOrder,
                    hu: HandlingUnit, key: Key, quantity: int, now: datetime) -> None:
    """Loose units at staging → the same units in the shipping unit, at staging."""
    staging = staging_of(s, order)
    item, lot, serial = key
    move = Line(kind=MovementKind.MOVE, owner_id=order.owner_id, item_id=item,
                quantity=quantity, lot_id=lot, serial_id=serial,
                from_location_id=staging, from_status=Status.AVAILABLE,
                to_location_id=staging, to_status=Status.AVAILABLE, to_hu_id=hu.id,
                reason=PACKED_INTO.text(sscc=hu.sscc))
    post(s, actor=actor, doc_type="SHP", doc_no=shipment.shipment_no, now=now, lines=[move])


def _add_line(s: Session, shipment: Shipment, unit: ShippingUnit, key: Key,
              quantity: int) -> None:
    item, lot, serial = key
    line = s.scalars(select(ShipmentLine).where(
        ShipmentLine.shipment_id == shipment.id, ShipmentLine.shipping_unit_id == unit.id,
        ShipmentLine.item_id == item, ShipmentLine.lot_id.is_(None) if lot is None
        else ShipmentLine.lot_id == lot, ShipmentLine.serial_id.is_(None) if serial is None
        else ShipmentLine.serial_id == serial)).first()
    if line is None:
        s.add(ShipmentLine(shipment_id=shipment.id, shipping_unit_id=unit.id, item_id=item,
                           lot_id=lot, serial_id=serial, quantity=quantity))
    else:
        line.quantity += quantity
