"""Shipment confirmation: the packed units leave the warehouse, or go in transit (调拨).

To a customer: one SHIP movement per shipment line, from the staging location (in its
shipping unit) to nothing, naming the consignee (partner_id) and the shipment (doc SHP).
To another of our warehouses: one TRANSFER_OUT per line, from staging to the shipping
warehouse's transit location with status IN_TRANSIT, keeping the handling unit, so the
receiving warehouse can scan the SSCC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import is_expired, local_date, utc_now
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import HandlingUnit, Lot, MovementKind, SerialUnit, Status
from medwms.masterdata.tables import Item, Partner, Warehouse
from medwms.orders.tables import OrderStatus, OutboundOrder
from medwms.qualification import gates
from medwms.shipping import errors, lookup, rules
from medwms.shipping.packing import packed_by_key, packing_shipment, picked_by_key, staging_of
from medwms.shipping.reasons import SHIPPED_IN
from medwms.shipping.tables import Shipment, ShipmentLine, ShippingUnit


@dataclass(frozen=True)
class Shipped:
    """A confirmed shipment: where it went and how many movements it posted."""

    shipment_no: str
    order_no: str
    status: str
    transfer: bool
    movements: int
    shipped_at: datetime


@dataclass(frozen=True)
class _Packed:
    line: ShipmentLine
    unit: ShippingUnit
    hu: HandlingUnit
    item: Item
    lot: Lot | None


def confirm_shipment(db: Database, *, actor: Actor, shipment_no: str, carrier: str,
                     waybill: str, now: datetime | None = None) -> Shipped:
    """Ship a packed, verified order: post it out (or in transit) and record the transport."""
    require(actor, Perm.SHIP)
    _check_transport(carrier, waybill)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        shipment = packing_shipment(s, actor, shipment_no)
        order = s.get_one(OutboundOrder, shipment.order_id, with_for_update=True)
        lookup.require_verified(s, order)
        packed = _packed(s, shipment)
        _check_complete(s, shipment, order, packed)
        timezone = s.get_one(Warehouse, shipment.warehouse_id).timezone
        _check_units(packed, now, timezone)
        _check_qualified(s, order, packed, local_date(now, timezone))
        lines = _movements(s, shipment, order, packed)
        posted = post(s, actor=actor, doc_type="SHP", doc_no=shipment.shipment_no,
                      lines=lines, now=now)
        _mark_shipped(shipment, order, actor, carrier, waybill, now)
        record_audit(s, actor=actor, action="ship", entity="shipment",
                     entity_key=shipment.shipment_no,
                     after={"order": order.order_no, "carrier": carrier, "waybill": waybill,
                            "lines": len(lines)})
        uow.commit()
        return Shipped(shipment.shipment_no, order.order_no, shipment.status,
                       shipment.to_warehouse_id is not None, posted.movements, now)


def _check_transport(carrier: str, waybill: str) -> None:
    problem = rules.transport_problem(carrier, waybill)
    if problem == "CARRIER_REQUIRED":
        raise errors.CarrierRequired(
            f"name the carrier (or {rules.OUR_FLEET} for our own vehicles)", field="carrier")
    if problem == "WAYBILL_REQUIRED":
        raise errors.WaybillRequired(
            "a carrier's waybill number (for our own fleet: plate and driver)", field="waybill")


def _packed(s: Session, shipment: Shipment) -> list[_Packed]:
    rows = s.execute(
        select(ShipmentLine, ShippingUnit, HandlingUnit, Item, Lot)
        .join(ShippingUnit, ShippingUnit.id == ShipmentLine.shipping_unit_id)
        .join(HandlingUnit, HandlingUnit.id == ShippingUnit.hu_id)
        .join(Item, Item.id == ShipmentLine.item_id)
        .outerjoin(Lot, Lot.id == ShipmentLine.lot_id)
        .where(ShipmentLine.shipment_id == shipment.id).order_by(ShipmentLine.id))
    return [_Packed(*row) for row in rows]


def _check_complete(s: Session, shipment: Shipment, order: OutboundOrder,
                    packed: list[_Packed]) -> None:
    if not packed:
        raise errors.NothingPacked(shipment_no=shipment.shipment_no)
    picked, done = picked_by_key(s, order), packed_by_key(s, shipment)
    key = rules.first_unpacked(picked, done)
    if key is not None:
        item, lot, serial = key
        raise errors.UnpackedUnits(
            item=s.get_one(Item, item).code, lot=_lot_no(s, lot), serial=_serial(s, serial),
            picked=picked.get(key, 0), packed=done.get(key, 0))


def _lot_no(s: Session, lot_id: int | None) -> str:
    return s.get_one(Lot, lot_id).lot_no if lot_id else "—"


def _serial(s: Session, serial_id: int | None) -> str:
    return s.get_one(SerialUnit, serial_id).serial if serial_id else "—"


def _check_units(packed: list[_Packed], now: datetime, timezone: str) -> None:
    """Nothing expired leaves; every cold box's dispatch temperature suits its contents."""
    for row in packed:
        if row.lot is not None and is_expired(row.lot.expiry, now, timezone):
            raise errors.UnitExpired(item=row.item.code, lot=row.lot.lot_no,
                                     expiry=row.lot.expiry)
        span = lookup.temp_range(row.item)
        if rules.refuses_box(span, row.unit.cold):
            raise errors.ColdItemInAmbientBox(item=row.item.code, low=span.low, high=span.high,
                                              sscc=row.hu.sscc)
        if row.unit.cold:
            _check_temperature(row, span)


def _check_qualified(s: Session, order: OutboundOrder, packed: list[_Packed], today: date
                     ) -> None:
    """G03/G24/G30 at the door: the customer and products still qualified today."""
    consignee = s.get(Partner, order.consignee_id) if order.consignee_id else None
    gates.check_outbound(s, consignee=consignee, items=[row.item for row in packed],
                         today=today, kind=order.kind, action="SHIP",
                         salesperson=order.salesperson)


def _check_temperature(row: _Packed, span: rules.TempRange) -> None:
    temperature = row.unit.dispatch_temp
    if temperature is None or not span.contains(Decimal(temperature)):
        raise errors.ColdChainOutOfRange(sscc=row.hu.sscc, temperature=temperature,
                                         item=row.item.code, low=span.low, high=span.high)


def _movements(s: Session, shipment: Shipment, order: OutboundOrder,
               packed: list[_Packed]) -> list[Line]:
    staging = staging_of(s, order)
    if shipment.to_warehouse_id is None:
        return [_line(row, MovementKind.SHIP, staging, None, None, order,
                      shipment.consignee_id) for row in packed]
    transit = lookup.transit_location(s, shipment.warehouse_id).id
    return [_line(row, MovementKind.TRANSFER_OUT, staging, transit, Status.IN_TRANSIT, order,
                  None) for row in packed]


def _line(row: _Packed, kind: MovementKind, staging: int, to_location: int | None,
          to_status: Status | None, order: OutboundOrder, partner: int | None) -> Line:
    return Line(kind=kind, owner_id=order.owner_id, item_id=row.line.item_id,
                quantity=row.line.quantity, lot_id=row.line.lot_id,
                serial_id=row.line.serial_id, from_location_id=staging,
                to_location_id=to_location, from_status=Status.AVAILABLE, to_status=to_status,
                from_hu_id=row.hu.id, to_hu_id=row.hu.id if to_location else None,
                partner_id=partner, reason=SHIPPED_IN.text(sscc=row.hu.sscc))


def _mark_shipped(shipment: Shipment, order: OutboundOrder, actor: Actor, carrier: str,
                  waybill: str, now: datetime) -> None:
    shipment.status = "SHIPPED"
    shipment.carrier, shipment.waybill = carrier.strip(), waybill.strip()
    shipment.shipped_at, shipment.shipped_by = now, actor.user_id
    order.status = OrderStatus.SHIPPED
