"""Read-only questions: a shipment with its units and lines, transfers in transit, a return."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.barcode.labels import HandlingUnitLabel
from medwms.core.errors import NotFound
from medwms.ledger.queries import StockFilter, StockRow, stock
from medwms.ledger.tables import HandlingUnit, Lot, SerialUnit, Status
from medwms.masterdata.tables import Item, Partner, Warehouse
from medwms.orders.tables import OutboundOrder
from medwms.shipping import errors, lookup
from medwms.shipping.tables import CustomerReturn, ReturnLine, Shipment, ShipmentLine, ShippingUnit


@dataclass(frozen=True)
class UnitView:
    sscc: str
    cold: bool
    box_id: str
    logger_id: str
    dispatch_temp: Decimal | None
    quantity: int


@dataclass(frozen=True)
class LineView:
    id: int
    sscc: str
    item: str
    item_name: str
    item_name_en: str
    model: str
    registration_no: str
    manufacturer: str
    storage: str
    lot: str | None
    serial: str | None
    expiry: date | None
    quantity: int
    received_qty: int


@dataclass(frozen=True)
class ShipmentView:
    """A shipment as pages, the API and the shipping list show it."""

    shipment_no: str
    order_no: str
    kind: str
    status: str
    warehouse: str
    warehouse_name: str
    timezone: str
    consignee: str | None
    consignee_name: str
    address: str
    contact: str
    to_warehouse: str | None
    carrier: str
    waybill: str
    shipped_at: datetime | None
    shipped_by: int | None
    received_at: datetime | None
    units: list[UnitView]
    lines: list[LineView]
    discrepancies: dict[str, Any]
    consignee_name_en: str = ""


def shipment_view(s: Session, shipment_no: str) -> ShipmentView:
    """One shipment with its units and lines; SHIPMENT_NOT_FOUND when unknown."""
    shipment = lookup.shipment_by_no(s, shipment_no)
    order = s.get_one(OutboundOrder, shipment.order_id)
    warehouse = s.get_one(Warehouse, shipment.warehouse_id)
    partner = s.get(Partner, shipment.consignee_id) if shipment.consignee_id else None
    target = s.get(Warehouse, shipment.to_warehouse_id) if shipment.to_warehouse_id else None
    lines = _lines(s, shipment)
    return ShipmentView(
        shipment_no=shipment.shipment_no, order_no=order.order_no, kind=order.kind,
        status=shipment.status, warehouse=warehouse.code, warehouse_name=warehouse.name,
        timezone=warehouse.timezone, consignee=partner.code if partner else None,
        consignee_name=partner.name if partner else (target.name if target else ""),
        address=partner.address if partner else "", contact=partner.contact if partner else "",
        to_warehouse=target.code if target else None, carrier=shipment.carrier,
        waybill=shipment.waybill, shipped_at=shipment.shipped_at,
        shipped_by=shipment.shipped_by, received_at=shipment.received_at,
        units=_units(s, shipment, lines), lines=lines,
        discrepancies=json.loads(shipment.discrepancies) if shipment.discrepancies else {},
        consignee_name_en=partner.name_en if partner else "")


def _units(s: Session, shipment: Shipment, lines: list[LineView]) -> list[UnitView]:
    rows = s.execute(select(ShippingUnit, HandlingUnit.sscc)
                     .join(HandlingUnit, HandlingUnit.id == ShippingUnit.hu_id)
                     .where(ShippingUnit.shipment_id == shipment.id).order_by(ShippingUnit.id))
    return [UnitView(sscc, unit.cold, unit.box_id, unit.logger_id, unit.dispatch_temp,
                     sum(line.quantity for line in lines if line.sscc == sscc))
            for unit, sscc in rows]


def _lines(s: Session, shipment: Shipment) -> list[LineView]:
    rows = s.execute(
        select(ShipmentLine, HandlingUnit.sscc, Item, Lot.lot_no, Lot.expiry, SerialUnit.serial)
        .join(ShippingUnit, ShippingUnit.id == ShipmentLine.shipping_unit_id)
        .join(HandlingUnit, HandlingUnit.id == ShippingUnit.hu_id)
        .join(Item, Item.id == ShipmentLine.item_id)
        .outerjoin(Lot, Lot.id == ShipmentLine.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == ShipmentLine.serial_id)
        .where(ShipmentLine.shipment_id == shipment.id).order_by(ShipmentLine.id))
    return [LineView(id=line.id, sscc=sscc, item=item.code, item_name=item.name_zh,
                     item_name_en=item.name_en, model=item.model,
                     registration_no=item.registration_no, manufacturer=item.manufacturer,
                     storage=storage_text(item), lot=lot, serial=serial, expiry=expiry,
                     quantity=line.quantity, received_qty=line.received_qty)
            for line, sscc, item, lot, expiry, serial in rows]


def storage_text(item: Item) -> str:
    """The storage and transport condition, e.g. "2–8 °C", or "" when the item has none."""
    span = lookup.temp_range(item)
    return "" if span.low is None and span.high is None else f"{span.text()} °C"


@dataclass(frozen=True)
class IncomingLine:
    """A transferred line on its way to a warehouse: what is still outstanding."""

    shipment_no: str
    from_warehouse: str
    item: str
    lot: str | None
    serial: str | None
    shipped: int
    received: int
    outstanding: int


@dataclass(frozen=True)
class TransitView:
    """A warehouse's view of stock in transit: what it sent, and what is coming to it."""

    warehouse: str
    outgoing: list[StockRow]
    incoming: list[IncomingLine]


def in_transit(s: Session, warehouse: str) -> TransitView:
    """IN_TRANSIT stock sent from `warehouse`, and transfer lines still coming to it."""
    code = warehouse.strip().upper()
    target = s.scalars(select(Warehouse).where(Warehouse.code == code)).first()
    if target is None:
        raise NotFound(what="warehouse", key=code)
    outgoing = stock(s, StockFilter(warehouse=code, status=Status.IN_TRANSIT))
    shipments = s.scalars(select(Shipment).where(Shipment.to_warehouse_id == target.id,
                                                 Shipment.status.in_(("SHIPPED", "SHORT")))
                          .order_by(Shipment.id))
    incoming = [line for shipment in shipments for line in _incoming(s, shipment)]
    return TransitView(code, outgoing, incoming)


def _incoming(s: Session, shipment: Shipment) -> list[IncomingLine]:
    view = shipment_view(s, shipment.shipment_no)
    lost: dict[int, int] = {}
    for entry in view.discrepancies.get("resolved", []):
        if entry["outcome"] == "LOST":
            lost[entry["line_id"]] = lost.get(entry["line_id"], 0) + entry["quantity"]
    found = [IncomingLine(view.shipment_no, view.warehouse, line.item, line.lot, line.serial,
                          line.quantity, line.received_qty,
                          line.quantity - line.received_qty - lost.get(line.id, 0))
             for line in view.lines]
    return [line for line in found if line.outstanding > 0]


@dataclass(frozen=True)
class ReturnLineView:
    item: str
    lot: str | None
    serial: str | None
    quantity: int
    reason: str
    flagged: str
    scanned_at: datetime


@dataclass(frozen=True)
class ReturnView:
    return_no: str
    shipment_no: str
    consignee: str | None
    status: str
    reason: str
    opened_at: datetime
    lines: list[ReturnLineView]


def return_view(s: Session, return_no: str) -> ReturnView:
    """One customer return with its scanned lines; RETURN_NOT_FOUND when unknown."""
    found = s.scalars(select(CustomerReturn).where(
        CustomerReturn.return_no == return_no.strip().upper())).first()
    if found is None:
        raise errors.ReturnNotFound(return_no=return_no)
    shipment = s.get_one(Shipment, found.shipment_id)
    partner = s.get(Partner, found.consignee_id) if found.consignee_id else None
    rows = s.execute(select(ReturnLine, Item.code, Lot.lot_no, SerialUnit.serial)
                     .join(Item, Item.id == ReturnLine.item_id)
                     .outerjoin(Lot, Lot.id == ReturnLine.lot_id)
                     .outerjoin(SerialUnit, SerialUnit.id == ReturnLine.serial_id)
                     .where(ReturnLine.return_id == found.id).order_by(ReturnLine.id))
    lines = [ReturnLineView(item, lot, serial, line.quantity, line.reason, line.flagged,
                            line.scanned_at) for line, item, lot, serial in rows]
    return ReturnView(found.return_no, shipment.shipment_no, partner.code if partner else None,
                      found.status, found.reason, found.opened_at, lines)


def unit_label(s: Session, shipment_no: str, sscc: str) -> HandlingUnitLabel:
    """The SSCC label of one shipping unit: ship-to and up to six lines of contents."""
    view = shipment_view(s, shipment_no)
    unit = next((u for u in view.units if u.sscc == sscc.strip()), None)
    if unit is None:
        raise errors.ShippingUnitNotFound(sscc=sscc, shipment_no=view.shipment_no)
    lines = [f"{line.item} {line.lot or ''} {line.serial or ''} x{line.quantity}"
             .replace("  ", " ")[:80] for line in view.lines if line.sscc == unit.sscc]
    if unit.cold:
        lines.insert(0, f"COLD CHAIN {unit.box_id} logger {unit.logger_id}"[:80])
    if len(lines) > 6:
        lines = [*lines[:5], f"... +{len(lines) - 5} more"]
    return HandlingUnitLabel(sscc=unit.sscc, contents=tuple(lines),
                             ship_to=f"{view.consignee_name} {view.shipment_no}"[:120])
