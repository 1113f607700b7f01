"""Waves: group orders, allocate what is not yet allocated, and plan a short pick path.

The route starts and ends at the wave's staging location (a SHIPPING-zone location of the
warehouse) and visits every location holding an OPEN allocation of the wave; it is stored
as JSON location codes (staging first and last) with its length and the plain order's
length, so the saving shows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from medwms.auth.guard import out_of_sight, reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.ids import new_doc_no
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Location, Warehouse, Zone, ZoneKind
from medwms.orders import queries, route
from medwms.orders.allocation import ALLOCATABLE_ORDERS, allocate_locked
from medwms.orders.errors import (
    NoStagingLocation,
    NothingAllocated,
    OrderInWave,
    OrderNotAllocatable,
    OrderNotFound,
    StagingNotShipping,
    WaveInvalid,
)
from medwms.orders.tables import (
    Allocation,
    AllocationStatus,
    OrderLine,
    OrderStatus,
    OutboundOrder,
    Wave,
)

JOINABLE = frozenset({OrderStatus.OPEN, OrderStatus.PARTIAL, OrderStatus.ALLOCATED})
CENT = Decimal("0.01")


def create_wave(db: Database, *, actor: Actor, order_nos: Sequence[str],
                staging: str | None = None, now: datetime | None = None) -> queries.WaveView:
    """Group orders into a wave: allocate the unallocated, stage, and plan the pick path."""
    if not actor.can(Perm.ORDERS_MANAGE):
        require(actor, Perm.PICK)
    numbers = sorted({n.strip().upper() for n in order_nos if n.strip()})
    if not numbers:
        raise WaveInvalid("a wave needs at least one order", field="orders")
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        orders = _lock_orders(s, numbers, actor)
        warehouse = _one_warehouse(s, orders)
        require_warehouses(s, actor, warehouse.id)
        wave = Wave(wave_no=new_doc_no("WAV", now), warehouse_id=warehouse.id, status="OPEN",
                    staging_location_id=_staging(s, warehouse, staging).id, created_at=now,
                    created_by=actor.user_id)
        s.add(wave)
        s.flush()
        _join(s, orders, wave, now)
        _plan(s, wave)
        uow.commit()
    with reading_as(db, actor) as s:
        return queries.wave_view(s, wave.wave_no)


def _lock_orders(s: Session, numbers: list[str], actor: Actor) -> list[OutboundOrder]:
    """The orders, locked FOR UPDATE; OrderNotFound names the unknown ones and those the actor
    does not see."""
    orders = [order for order in s.scalars(
        select(OutboundOrder).where(OutboundOrder.order_no.in_(numbers))
        .order_by(OutboundOrder.id).with_for_update())
        if not out_of_sight(actor, order.warehouse_id, order.to_warehouse_id)]
    missing = sorted(set(numbers) - {order.order_no for order in orders})
    if missing:
        raise OrderNotFound(order_no=", ".join(missing))
    for order in orders:
        if order.wave_id is not None:
            wave_no = s.scalar(select(Wave.wave_no).where(Wave.id == order.wave_id))
            raise OrderInWave(order_no=order.order_no, wave_no=wave_no)
        if order.status not in JOINABLE:
            raise OrderNotAllocatable(order_no=order.order_no, status=order.status)
    return orders


def _one_warehouse(s: Session, orders: list[OutboundOrder]) -> Warehouse:
    ids = {order.warehouse_id for order in orders}
    if len(ids) > 1:
        raise WaveInvalid("the orders ship from several warehouses: one wave per warehouse",
                          field="orders")
    return s.get_one(Warehouse, ids.pop())


def _staging(s: Session, warehouse: Warehouse, code: str | None) -> Location:
    """The named staging location (must be in a SHIPPING zone), else the first one there."""
    query = (select(Location).join(Zone, Zone.id == Location.zone_id)
             .where(Location.warehouse_id == warehouse.id))
    if code:
        location = s.scalars(query.where(Location.code == code.strip().upper())).one_or_none()
        kind = s.scalar(select(Zone.kind).where(Zone.id == location.zone_id)) if location \
            else None
        if location is None or kind != ZoneKind.SHIPPING:
            raise StagingNotShipping(location=code, warehouse=warehouse.code)
        return location
    first = s.scalars(query.where(Zone.kind == ZoneKind.SHIPPING, Location.blocked.is_(False))
                      .order_by(Location.pick_seq, Location.code)).first()
    if first is None:
        raise NoStagingLocation(warehouse=warehouse.code)
    return first


def _join(s: Session, orders: list[OutboundOrder], wave: Wave, now: datetime) -> None:
    """Allocate what is open, put every OPEN allocation of the orders in the wave."""
    allocate_locked(s, [o for o in orders if o.status in ALLOCATABLE_ORDERS], now=now,
                    wave_id=wave.id)
    s.flush()
    order_ids = [order.id for order in orders]
    lines = select(OrderLine.id).where(OrderLine.order_id.in_(order_ids))
    s.execute(update(Allocation).where(Allocation.order_line_id.in_(lines),
                                       Allocation.status == AllocationStatus.OPEN)
              .values(wave_id=wave.id))
    with_stock = set(s.scalars(select(OrderLine.order_id).join(
        Allocation, Allocation.order_line_id == OrderLine.id).where(
        OrderLine.order_id.in_(order_ids), Allocation.wave_id == wave.id)))
    for order in orders:
        if order.id not in with_stock:
            raise NothingAllocated(order_no=order.order_no)
        order.wave_id = wave.id


def _plan(s: Session, wave: Wave) -> None:
    """The pick path over the wave's allocation locations, from and back to staging."""
    staging = s.get_one(Location, wave.staging_location_id)
    picked_at = select(Allocation.location_id).where(
        Allocation.wave_id == wave.id, Allocation.status == AllocationStatus.OPEN)
    locations = s.scalars(select(Location).where(Location.id.in_(picked_at)))
    plan = route.plan(_stop(staging), [_stop(loc) for loc in locations])
    wave.route = json.dumps(plan.codes)
    wave.route_length = Decimal(str(plan.length)).quantize(CENT)
    wave.plain_length = Decimal(str(plan.plain_length)).quantize(CENT)


def _stop(location: Location) -> route.Stop:
    return route.Stop(location.code, float(location.x), float(location.y), location.pick_seq)
