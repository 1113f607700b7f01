"""Read-only questions about orders and waves, for the API, pages and the pick list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from medwms.auth.guard import out_of_sight
from medwms.auth.rules import Actor
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Item, Location, Owner, Partner, Warehouse
from medwms.orders.errors import OrderNotFound, WaveNotFound
from medwms.orders.tables import Allocation, OrderLine, OutboundOrder, Wave


@dataclass(frozen=True)
class AllocationView:
    id: int
    location: str
    lot: str | None
    expiry: date | None
    serial: str | None
    quantity: int
    picked_qty: int
    status: str
    wave: str | None


@dataclass(frozen=True)
class LineView:
    line_no: int
    item: str
    item_name: str
    quantity: int
    lot: str | None
    serial: str | None
    allocated_qty: int
    picked_qty: int
    backorder_qty: int
    backorder_reason: str
    allocations: list[AllocationView]
    item_name_en: str = ""


@dataclass(frozen=True)
class OrderView:
    order_no: str
    kind: str
    status: str
    warehouse: str
    owner: str
    consignee: str | None
    consignee_name: str | None
    to_warehouse: str | None
    reference: str
    requested_ship_date: date | None
    delivery_date: date | None
    wave: str | None
    created_at: datetime
    lines: list[LineView]
    consignee_name_en: str = ""


def lock_order(s: Session, order_no: str, actor: Actor) -> OutboundOrder:
    """The order, locked FOR UPDATE, for a command of its shipping warehouse: OrderNotFound if
    there is none or the actor sees neither of its ends, WarehouseOutOfScope if they see only
    the receiving end of a transfer."""
    order = s.scalars(select(OutboundOrder).where(
        OutboundOrder.order_no == order_no.strip().upper()).with_for_update()).one_or_none()
    if order is None or out_of_sight(actor, order.warehouse_id, order.to_warehouse_id):
        raise OrderNotFound(order_no=order_no)
    require_warehouses(s, actor, order.warehouse_id)
    return order


def _order(s: Session, order_no: str) -> OutboundOrder:
    order = s.scalars(select(OutboundOrder).where(
        OutboundOrder.order_no == order_no.strip().upper())).one_or_none()
    if order is None:
        raise OrderNotFound(order_no=order_no)
    return order


def order_view(s: Session, order_no: str) -> OrderView:
    """One order with its lines and their allocations."""
    order = _order(s, order_no)
    target = aliased(Warehouse)
    warehouse, owner, consignee, name, to_wh, wave, name_en = s.execute(
        select(Warehouse.code, Owner.code, Partner.code, Partner.name, target.code, Wave.wave_no,
               Partner.name_en)
        .select_from(OutboundOrder)
        .join(Warehouse, Warehouse.id == OutboundOrder.warehouse_id)
        .join(Owner, Owner.id == OutboundOrder.owner_id)
        .outerjoin(Partner, Partner.id == OutboundOrder.consignee_id)
        .outerjoin(target, target.id == OutboundOrder.to_warehouse_id)
        .outerjoin(Wave, Wave.id == OutboundOrder.wave_id)
        .where(OutboundOrder.id == order.id)).one()
    return OrderView(order.order_no, order.kind, order.status, warehouse, owner, consignee, name,
                     to_wh, order.reference, order.requested_ship_date, order.delivery_date,
                     wave, order.created_at, _lines(s, order.id), name_en or "")


def _lines(s: Session, order_id: int) -> list[LineView]:
    rows = s.execute(select(OrderLine, Item.code, Item.name_zh, Item.name_en).join(
        Item, Item.id == OrderLine.item_id).where(OrderLine.order_id == order_id)
        .order_by(OrderLine.line_no)).all()
    allocations = _allocations(s, [line.id for line, _, _, _ in rows])
    return [LineView(line.line_no, code, name, line.quantity, line.lot_no, line.serial,
                     line.allocated_qty, line.picked_qty, line.backorder_qty,
                     line.backorder_reason, allocations.get(line.id, []), name_en)
            for line, code, name, name_en in rows]


def _allocations(s: Session, line_ids: list[int]) -> dict[int, list[AllocationView]]:
    rows = s.execute(
        select(Allocation, Location.code, Lot.lot_no, Lot.expiry, SerialUnit.serial, Wave.wave_no)
        .join(Location, Location.id == Allocation.location_id)
        .outerjoin(Lot, Lot.id == Allocation.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == Allocation.serial_id)
        .outerjoin(Wave, Wave.id == Allocation.wave_id)
        .where(Allocation.order_line_id.in_(line_ids))
        .order_by(Allocation.id))
    found: dict[int, list[AllocationView]] = {}
    for a, location, lot, expiry, serial, wave in rows:
        found.setdefault(a.order_line_id, []).append(AllocationView(
            a.id, location, lot, expiry, serial, a.quantity, a.picked_qty, a.status, wave))
    return found


@dataclass(frozen=True)
class OrderSummary:
    order_no: str
    kind: str
    status: str
    warehouse: str
    consignee: str | None
    delivery_date: date | None
    wave: str | None
    lines: int
    created_at: datetime


def list_orders(s: Session, *, status: str | None = None, warehouse: str | None = None,
                limit: int = 200, offset: int = 0) -> list[OrderSummary]:
    """Orders, newest first, optionally of one status and warehouse."""
    query = (select(OutboundOrder, Warehouse.code, Partner.code, Wave.wave_no)
             .join(Warehouse, Warehouse.id == OutboundOrder.warehouse_id)
             .outerjoin(Partner, Partner.id == OutboundOrder.consignee_id)
             .outerjoin(Wave, Wave.id == OutboundOrder.wave_id))
    if status:
        query = query.where(OutboundOrder.status == status.upper())
    if warehouse:
        query = query.where(Warehouse.code == warehouse.upper())
    rows = s.execute(query.order_by(OutboundOrder.created_at.desc(), OutboundOrder.id.desc())
                     .limit(limit).offset(offset)).all()
    counts = _line_counts(s, [order.id for order, *_ in rows])
    return [OrderSummary(o.order_no, o.kind, o.status, wh, partner, o.delivery_date, wave,
                         counts.get(o.id, 0), o.created_at) for o, wh, partner, wave in rows]


def _line_counts(s: Session, order_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for order_id in s.scalars(select(OrderLine.order_id).where(
            OrderLine.order_id.in_(order_ids))):
        found[order_id] = found.get(order_id, 0) + 1
    return found


def explanation(s: Session, order_no: str) -> dict[str, Any]:
    """Per line: the lots taken and the lots passed over with why (as stored at allocation)."""
    order = _order(s, order_no)
    rows = s.execute(select(OrderLine, Item.code).join(Item, Item.id == OrderLine.item_id)
                     .where(OrderLine.order_id == order.id).order_by(OrderLine.line_no))
    lines = [{"line_no": line.line_no, "item": code, "quantity": line.quantity,
              "lot": line.lot_no, "serial": line.serial, "allocated_qty": line.allocated_qty,
              "backorder_qty": line.backorder_qty, "backorder_reason": line.backorder_reason,
              "explanation": json.loads(line.explanation) if line.explanation else None}
             for line, code in rows]
    return {"order_no": order.order_no, "status": order.status, "lines": lines}


@dataclass(frozen=True)
class WaveView:
    wave_no: str
    warehouse: str
    status: str
    staging: str
    route: list[str]
    route_length: float | None
    plain_length: float | None
    saving: float | None
    orders: list[str]
    created_at: datetime


def wave_record(s: Session, wave_no: str) -> Wave:
    """The wave; WaveNotFound if there is none."""
    wave = s.scalars(select(Wave).where(Wave.wave_no == wave_no.strip().upper())).one_or_none()
    if wave is None:
        raise WaveNotFound(wave_no=wave_no)
    return wave


def wave_view(s: Session, wave_no: str) -> WaveView:
    """The wave with its route, the route's length and the plain order's length."""
    wave = wave_record(s, wave_no)
    warehouse = s.scalar(select(Warehouse.code).where(Warehouse.id == wave.warehouse_id)) or ""
    staging = s.scalar(select(Location.code).where(Location.id == wave.staging_location_id))
    orders = list(s.scalars(select(OutboundOrder.order_no).where(
        OutboundOrder.wave_id == wave.id).order_by(OutboundOrder.order_no)))
    route = float(wave.route_length) if wave.route_length is not None else None
    plain = float(wave.plain_length) if wave.plain_length is not None else None
    saving = round(plain - route, 2) if route is not None and plain is not None else None
    return WaveView(wave.wave_no, warehouse, wave.status, staging or "",
                    json.loads(wave.route) if wave.route else [], route, plain, saving, orders,
                    wave.created_at)
