"""Allocation: reserve FEFO stock for orders, lock only what is taken, and explain the choice.

Reads are set-based and unlocked (medwms.orders.candidates: one query for the FEFO prefix of
every item ordered, one for the stock passed over, one for what is already reserved); the
rules decide every line in memory. Then, inside a savepoint, only the stock rows actually
taken are locked FOR UPDATE in key order (the ledger's order, so allocation and posting never
deadlock) and re-read with their OPEN reservations: a second allocator waits on the rows the
first took and, once it commits, sees its reservations. If any taken row changed since it was
read, the savepoint is rolled back (releasing those locks) and the allocation is decided again
from a fresh read; after ATTEMPTS such rounds every usable row of the items is locked first
(as before the change), which always settles. On SQLite the unit of work's BEGIN IMMEDIATE
serialises writers, so the first round always holds. free = stock quantity −
Σ(quantity − picked_qty) of OPEN allocations of the same key (picked units have left the key
by their PICK movement). Allocation rows are written with one executemany.
No audit record is written here: allocation rows carry their time, and taking the audit
chain's head after stock locks could deadlock with services that take it first.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.ledger.tables import Stock
from medwms.masterdata.tables import Item, Packaging, Partner, Warehouse
from medwms.orders import candidates, queries, rules
from medwms.orders.errors import OrderNotAllocatable
from medwms.orders.orders import check_gsp
from medwms.orders.rules import Candidate, Decision, Need, Place, Policy
from medwms.orders.tables import (
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
ATTEMPTS = 3


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
        order = queries.lock_order(uow.session, order_no, actor)
        if order.status != OrderStatus.ALLOCATED:
            allocate_locked(uow.session, [order], now=now)
        uow.commit()
    with reading_as(db, actor) as s:
        return queries.order_view(s, order_no)


def explain_order(db: Database, *, actor: Actor, order_no: str) -> dict[str, Any]:
    """Per line: which lots were taken and which were passed over, and why."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
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


@dataclass(frozen=True)
class Ask:
    """One open order line to allocate, with what it needs and its order's policy."""

    order: OutboundOrder
    line: OrderLine
    need: Need
    policy: Policy

    @property
    def restricted(self) -> bool:
        return self.need.lot_no is not None or self.need.serial is not None


def _allocate_warehouse(s: Session, orders: list[OutboundOrder],
                        lines: dict[int, list[OrderLine]], now: datetime,
                        wave_id: int | None) -> list[Allocated]:
    warehouse = s.get_one(Warehouse, orders[0].warehouse_id)
    items = {line.item_id for order in orders for line in lines[order.id]}
    item_rows = {i.id: i for i in s.scalars(select(Item).where(Item.id.in_(items)))}
    today = local_date(now, warehouse.timezone)
    partners = _partners(s, orders)
    for order in orders:
        check_gsp(s, partners.get(order.consignee_id or 0),
                  [item_rows[line.item_id] for line in lines[order.id]], today, order.kind,
                  action="ALLOCATE", salesperson=order.salesperson)
    packs = _pack_sizes(s, items)
    asks = []
    for order in orders:
        policy = _policy(order, partners, warehouse.timezone, now, today)
        asks += [_ask(order, line, policy, packs) for line in lines[order.id]
                 if line.quantity > line.allocated_qty]
    rows: list[dict[str, Any]] = []
    if asks:
        for ask, decision in zip(asks, _decide_locked(s, _demand(warehouse.id, asks), asks),
                                 strict=True):
            rows += _apply(ask, decision, now, wave_id)
    if rows:
        s.execute(insert(Allocation), rows)
    return [_settle(order, lines[order.id]) for order in orders]


def _partners(s: Session, orders: list[OutboundOrder]) -> dict[int, Partner]:
    ids = {order.consignee_id for order in orders if order.consignee_id}
    return {p.id: p for p in s.scalars(select(Partner).where(Partner.id.in_(ids)))} if ids \
        else {}


def _ask(order: OutboundOrder, line: OrderLine, policy: Policy, packs: dict[int, int]) -> Ask:
    need = Need(owner_id=order.owner_id, item_id=line.item_id,
                quantity=line.quantity - line.allocated_qty, lot_no=line.lot_no,
                serial=line.serial, pack_size=packs.get(line.item_id, 1))
    return Ask(order, line, need, policy)


def _demand(warehouse_id: int, asks: list[Ask]) -> candidates.Demand:
    """Units per (item, owner) asked without a lot/serial, and the most lenient expiry."""
    units: dict[tuple[int, int], int] = defaultdict(int)
    for ask in asks:
        units[ask.need.item_id, ask.need.owner_id] += 0 if ask.restricted else ask.need.quantity
    first_usable = min(ask.policy.delivery_date
                       + timedelta(days=max(ask.policy.min_remaining_days, 0)) for ask in asks)
    return candidates.Demand(
        warehouse_id, dict(units), first_usable,
        lots=frozenset((a.need.item_id, a.need.lot_no) for a in asks if a.need.lot_no),
        serials=frozenset((a.need.item_id, a.need.serial) for a in asks if a.need.serial))


def _decide_locked(s: Session, demand: candidates.Demand, asks: list[Ask]) -> list[Decision]:
    """Decide every line from an unlocked read, then lock what is taken and check it held."""
    complete: set[int] = set()
    for _ in range(ATTEMPTS):
        pile, decisions = _decide_read(s, demand, asks, complete)
        savepoint = s.begin_nested()
        if _lock_taken(s, pile, decisions):
            savepoint.commit()
            return decisions
        savepoint.rollback()  # releases the row locks taken since the savepoint
    _lock_usable(s, demand)  # contention: hold every usable row of the items, then decide
    return _decide_read(s, demand, asks, complete)[1]


def _decide_read(s: Session, demand: candidates.Demand, asks: list[Ask],
                 complete: set[int]) -> tuple[candidates.Stockpile, list[Decision]]:
    """Read and decide; an item whose prefix fell short is read whole and decided again."""
    while True:
        pile = candidates.read(s, demand, complete=complete)
        decisions = _decide(pile, asks)
        short = {ask.need.item_id for ask, decision in zip(asks, decisions, strict=True)
                 if ask.need.item_id in pile.truncated and not ask.restricted
                 and (decision.backorder > 0
                      or any(t.candidate.place in pile.beyond for t in decision.takes))}
        if not short - complete:
            return pile, decisions
        complete |= short


def _decide(pile: candidates.Stockpile, asks: list[Ask]) -> list[Decision]:
    """The rules' decision for each line in turn; each line sees what the earlier ones left."""
    free = dict(pile.free)
    decisions = []
    for ask in asks:
        current = [c if c.status != rules.ALLOCATABLE else _with_free(c, free)
                   for c in pile.for_line(ask.need.item_id, ask.restricted)]
        decision = rules.allocate(ask.need, current, ask.policy)
        rules.free_after(free, decision)
        decisions.append(decision)
    return decisions


def _lock_taken(s: Session, pile: candidates.Stockpile, decisions: list[Decision]) -> bool:
    """Lock the taken stock rows in key order; True when they and their reservations held."""
    taken = {take.candidate.place for decision in decisions for take in decision.takes}
    if not taken:
        return True
    rows = {pile.rows[place].stock_id: pile.rows[place] for place in taken}
    locked = {row.id: row for row in s.execute(
        select(Stock.id, Stock.quantity, Stock.status).where(Stock.id.in_(list(rows)))
        .order_by(Stock.key).with_for_update())}
    if any(row_id not in locked or locked[row_id].quantity != row.quantity
           or locked[row_id].status != rules.ALLOCATABLE for row_id, row in rows.items()):
        return False
    fresh = candidates.reserved_by_place(s, pile.warehouse_id, {p.item_id for p in taken},
                                         locations={p.location_id for p in taken})
    return all(fresh.get(place, 0) == pile.reserved.get(place, 0) for place in taken)


def _lock_usable(s: Session, demand: candidates.Demand) -> None:
    s.execute(candidates.usable_rows(demand).order_by(Stock.key).with_for_update(of=Stock))


def _pack_sizes(s: Session, items: set[int]) -> dict[int, int]:
    """The smallest packaging level above one unit, per item (1 when there is none)."""
    found: dict[int, int] = {}
    for item_id, quantity in s.execute(select(Packaging.item_id, Packaging.quantity).where(
            Packaging.item_id.in_(items), Packaging.quantity > 1)):
        found[item_id] = min(found.get(item_id, quantity), quantity)
    return found


def _policy(order: OutboundOrder, partners: dict[int, Partner], timezone: str,
            now: datetime, today: date) -> Policy:
    partner = partners.get(order.consignee_id or 0)
    return Policy(now=now, timezone=timezone,
                  delivery_date=rules.delivery_day(order.delivery_date,
                                                   order.requested_ship_date, today),
                  min_remaining_days=partner.min_remaining_days if partner else 0,
                  who=WHO.get(OrderKind(order.kind), "consignee"))


def _apply(ask: Ask, decision: Decision, now: datetime,
           wave_id: int | None) -> list[dict[str, Any]]:
    """Record the decision on its line; the allocation rows to insert."""
    line = ask.line
    line.allocated_qty += decision.allocated
    line.backorder_qty = line.quantity - line.allocated_qty
    line.backorder_reason = decision.backorder_reason
    line.explanation = json.dumps(rules.explain(decision), ensure_ascii=False)
    return [{"order_line_id": line.id, "wave_id": wave_id or ask.order.wave_id,
             "owner_id": p.owner_id, "item_id": p.item_id, "lot_id": p.lot_id,
             "serial_id": p.serial_id, "location_id": p.location_id, "hu_id": p.hu_id,
             "quantity": take.quantity, "picked_qty": 0,
             "status": AllocationStatus.OPEN.value, "created_at": now}
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
