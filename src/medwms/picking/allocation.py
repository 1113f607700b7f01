"""Allocation: reserve FEFO stock for orders, under row locks, and explain the choice.

Locking: the AVAILABLE stock rows of the orders' items in the shipping warehouse are
selected FOR UPDATE in key order (the ledger's order, so allocation and posting never
deadlock); only then are the OPEN allocations summed, so a second allocator waits for the
first to commit and sees its reservations. On SQLite the unit of work's BEGIN IMMEDIATE
serialises writers. free = stock quantity − Σ(quantity − picked_qty) of OPEN allocations
of the same key (picked units have left the key by their PICK movement).
No audit record is written here: allocation rows carry their time, and taking the audit
chain's head after stock locks could deadlock with services that take it first.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.ledger.tables import Lot, SerialUnit, Stock
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse, Zone
from medwms.picking import queries, rules
from medwms.picking.errors import OrderNotAllocatable
from medwms.picking.orders import check_gsp
from medwms.picking.rules import Candidate, Need, Place, Policy
from medwms.picking.tables import (
    Allocation,
    AllocationStatus,
    OrderKind,
    OrderLine,
    OrderStatus,
    OutboundOrder,
)

ALLOCATABLE_ORDERS = frozenset({OrderStatus.OPEN, OrderStatus.PARTIAL})
WHO = {OrderKind.SALE: "customer", OrderKind.DEPARTMENT: "department",
       OrderKind.TRANSFER: "transfer"}


@dataclass(frozen=True)
class Allocated:
    """What one allocation run did to one order."""

    order_no: str
    status: str
    allocated: int
    backorder: int


def allocate_order(db: Database, *, actor: Actor, order_no: str,
                   now: datetime | None = None) -> queries.OrderView:
    """Reserve FEFO stock for every open line of the order; what is short becomes backorder."""
    require(actor, Perm.ORDERS_MANAGE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        order = queries.lock_order(uow.session, order_no)
        if order.status != OrderStatus.ALLOCATED:
            allocate_locked(uow.session, [order], now=now)
        uow.commit()
    with db.reading() as s:
        return queries.order_view(s, order_no)


def explain_order(db: Database, *, actor: Actor, order_no: str) -> dict[str, Any]:
    """Per line: which lots were taken and which were passed over, and why."""
    require(actor, Perm.STOCK_READ)
    with db.reading() as s:
        return queries.explanation(s, order_no)


def allocate_locked(s: Session, orders: Sequence[OutboundOrder], *, now: datetime,
                    wave_id: int | None = None) -> list[Allocated]:
    """Allocate the already locked orders in the caller's unit of work, in order."""
    for order in orders:
        if order.status not in ALLOCATABLE_ORDERS:
            raise OrderNotAllocatable(order_no=order.order_no, status=order.status)
    lines = _open_lines(s, [order.id for order in orders])
    done = []
    for warehouse_id in sorted({order.warehouse_id for order in orders}):
        mine = [order for order in orders if order.warehouse_id == warehouse_id]
        done += _allocate_warehouse(s, mine, lines, now, wave_id)
    return done


def _open_lines(s: Session, order_ids: list[int]) -> dict[int, list[OrderLine]]:
    found: dict[int, list[OrderLine]] = defaultdict(list)
    for line in s.scalars(select(OrderLine).where(OrderLine.order_id.in_(order_ids))
                          .order_by(OrderLine.order_id, OrderLine.line_no)):
        found[line.order_id].append(line)
    return found


def _allocate_warehouse(s: Session, orders: list[OutboundOrder],
                        lines: dict[int, list[OrderLine]], now: datetime,
                        wave_id: int | None) -> list[Allocated]:
    warehouse = s.get_one(Warehouse, orders[0].warehouse_id)
    items = {line.item_id for order in orders for line in lines[order.id]}
    item_rows = {i.id: i for i in s.scalars(select(Item).where(Item.id.in_(items)))}
    today = local_date(now, warehouse.timezone)
    for order in orders:
        consignee = s.get(Partner, order.consignee_id) if order.consignee_id else None
        check_gsp(consignee, [item_rows[line.item_id] for line in lines[order.id]], today,
                  order.kind)
    candidates = load_candidates(s, warehouse.id, items)
    free = {c.place: c.free for c in candidates if c.status == rules.ALLOCATABLE}
    by_item: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_item[candidate.place.item_id].append(candidate)
    packs = _pack_sizes(s, items)
    rows: list[dict[str, Any]] = []
    done = []
    for order in orders:
        policy = _policy(s, order, warehouse.timezone, now, today)
        for line in lines[order.id]:
            rows += _allocate_line(line, order, by_item[line.item_id], free, policy, packs,
                                   now, wave_id)
        done.append(_settle(order, lines[order.id]))
    if rows:
        s.execute(insert(Allocation), rows)
    return done


def load_candidates(s: Session, warehouse_id: int, items: set[int]) -> list[Candidate]:
    """Every balance of `items` in the warehouse; AVAILABLE rows locked FOR UPDATE, key order."""
    base = (select(Stock, Lot.lot_no, Lot.expiry, SerialUnit.serial, Location.code,
                   Location.blocked, Zone.kind, Owner.code)
            .join(Location, Location.id == Stock.location_id)
            .join(Zone, Zone.id == Location.zone_id)
            .join(Owner, Owner.id == Stock.owner_id)
            .outerjoin(Lot, Lot.id == Stock.lot_id)
            .outerjoin(SerialUnit, SerialUnit.id == Stock.serial_id)
            .where(Stock.warehouse_id == warehouse_id, Stock.item_id.in_(items)))
    locked = s.execute(base.where(Stock.status == rules.ALLOCATABLE).order_by(Stock.key)
                       .with_for_update(of=Stock)).all()
    others = s.execute(base.where(Stock.status != rules.ALLOCATABLE)
                       .order_by(Stock.key)).all()
    reserved = reserved_by_place(s, items)
    return [_candidate(row, reserved) for row in [*locked, *others]]


def _candidate(row: Any, reserved: dict[Place, int]) -> Candidate:
    stock, lot_no, expiry, serial, location, blocked, zone_kind, owner = row
    place = Place(stock.owner_id, stock.item_id, stock.lot_id, stock.serial_id,
                  stock.location_id, stock.hu_id)
    free = stock.quantity - reserved.get(place, 0) if stock.status == rules.ALLOCATABLE else 0
    return Candidate(place=place, status=stock.status, quantity=stock.quantity, free=free,
                     expiry=expiry, location=location, zone_kind=zone_kind, lot_no=lot_no,
                     serial=serial, owner=owner, blocked=blocked)


def reserved_by_place(s: Session, items: set[int]) -> dict[Place, int]:
    """Units of each stock place still reserved by OPEN allocations (quantity − picked)."""
    query = (select(Allocation.owner_id, Allocation.item_id, Allocation.lot_id,
                    Allocation.serial_id, Allocation.location_id, Allocation.hu_id,
                    func.sum(Allocation.quantity - Allocation.picked_qty))
             .where(Allocation.status == AllocationStatus.OPEN, Allocation.item_id.in_(items))
             .group_by(Allocation.owner_id, Allocation.item_id, Allocation.lot_id,
                       Allocation.serial_id, Allocation.location_id, Allocation.hu_id))
    return {Place(*row[:6]): int(row[6] or 0) for row in s.execute(query)}


def _pack_sizes(s: Session, items: set[int]) -> dict[int, int]:
    """The smallest packaging level above one unit, per item (1 when there is none)."""
    found: dict[int, int] = {}
    for item_id, quantity in s.execute(select(Packaging.item_id, Packaging.quantity).where(
            Packaging.item_id.in_(items), Packaging.quantity > 1)):
        found[item_id] = min(found.get(item_id, quantity), quantity)
    return found


def _policy(s: Session, order: OutboundOrder, timezone: str, now: datetime,
            today: date) -> Policy:
    partner = s.get(Partner, order.consignee_id) if order.consignee_id else None
    return Policy(now=now, timezone=timezone,
                  delivery_date=rules.delivery_day(order.delivery_date,
                                                   order.requested_ship_date, today),
                  min_remaining_days=partner.min_remaining_days if partner else 0,
                  who=WHO.get(OrderKind(order.kind), "consignee"))


def _allocate_line(line: OrderLine, order: OutboundOrder, candidates: list[Candidate],
                   free: dict[Place, int], policy: Policy, packs: dict[int, int],
                   now: datetime, wave_id: int | None) -> list[dict[str, Any]]:
    wanted = line.quantity - line.allocated_qty
    if wanted <= 0:
        return []
    current = [c if c.status != rules.ALLOCATABLE else _with_free(c, free)
               for c in candidates]
    need = Need(owner_id=order.owner_id, item_id=line.item_id, quantity=wanted,
                lot_no=line.lot_no, serial=line.serial, pack_size=packs.get(line.item_id, 1))
    decision = rules.allocate(need, current, policy)
    rules.free_after(free, decision)
    line.allocated_qty += decision.allocated
    line.backorder_qty = line.quantity - line.allocated_qty
    line.backorder_reason = decision.backorder_reason
    line.explanation = json.dumps(rules.explain(decision), ensure_ascii=False)
    return [{"order_line_id": line.id, "wave_id": wave_id or order.wave_id, "owner_id": p.owner_id,
             "item_id": p.item_id, "lot_id": p.lot_id, "serial_id": p.serial_id,
             "location_id": p.location_id, "hu_id": p.hu_id, "quantity": take.quantity,
             "picked_qty": 0, "status": AllocationStatus.OPEN.value, "created_at": now}
            for take in decision.takes for p in (take.candidate.place,)]


def _with_free(c: Candidate, free: dict[Place, int]) -> Candidate:
    left = free.get(c.place, 0)
    return c if left == c.free else replace(c, free=left)


def _settle(order: OutboundOrder, lines: list[OrderLine]) -> Allocated:
    allocated = sum(line.allocated_qty for line in lines)
    backorder = sum(line.backorder_qty for line in lines)
    if backorder == 0:
        order.status = OrderStatus.ALLOCATED
    elif allocated > 0:
        order.status = OrderStatus.PARTIAL
    return Allocated(order.order_no, order.status, allocated, backorder)
