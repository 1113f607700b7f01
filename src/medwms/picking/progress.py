"""What a pick leaves to pick: the allocation, the order line, the order's status and the
wave's progress counter.

`Wave.open_qty` holds the units of OPEN allocations still to pick, so a pick updates a
counter instead of summing the wave (a wave of 10,000 lines costs a pick what a wave of
one does). It is counted afresh (one aggregate) when it is NULL — cancelling allocations
sets it so (medwms.orders.orders.forget_pick_progress) — and on the wave's first pick. When
it reaches zero, an indexed EXISTS confirms that nothing is open before the wave is marked
PICKED; a counter found wrong is counted afresh. An order is summed instead (its OPEN
allocations, read with the pick's allocations: `queries.open_of_order`), so a pick writes
the order row only when its status changes (the first pick and the last).
`OutboundOrder.open_qty` is no longer kept by picks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from medwms.orders.tables import (
    Allocation,
    AllocationStatus,
    OrderLine,
    OrderStatus,
    OutboundOrder,
    Wave,
)
from medwms.picking.queries import open_in

STARTED = frozenset({OrderStatus.OPEN, OrderStatus.ALLOCATED, OrderStatus.PARTIAL})
UNSTARTED_WAVE = "OPEN"


@dataclass(frozen=True)
class OrderOf:
    """The order an allocation serves, as the pick read it with the allocation."""

    order_id: int
    order_no: str
    line_no: int
    status: str
    open_qty: int  # units of its OPEN allocations still to pick, before this pick


def count(s: Session, *, wave: Wave, allocation: Allocation, order: OrderOf,
          quantity: int) -> tuple[str, int]:
    """Count `quantity` picked on the allocation, its line, order and wave.

    Returns the order's status and the units the wave still has to pick.
    """
    order_left = order.open_qty - quantity
    wave_left = _before(s, wave.open_qty, wave.status == UNSTARTED_WAVE,
                        Allocation.wave_id == wave.id) - quantity
    allocation.picked_qty += quantity
    if allocation.picked_qty >= allocation.quantity:
        allocation.status = AllocationStatus.PICKED
    s.execute(ADDING_PICKED, {"line": allocation.order_line_id, "picked": quantity})
    status = OrderStatus.PICKING if order.status in STARTED else order.status
    if order_left <= 0:
        status = OrderStatus.PICKED
    if status != order.status:
        s.execute(SETTING_STATUS, {"order": order.order_id, "new_status": status})
    wave.open_qty = _settled(s, wave_left, Allocation.wave_id == wave.id)
    wave.status = "PICKING" if wave.open_qty > 0 else "PICKED"
    return status, wave.open_qty


# Built once: every pick runs them with parameters.
ADDING_PICKED = update(OrderLine).where(OrderLine.id == bindparam("line")).values(
    picked_qty=OrderLine.picked_qty + bindparam("picked"))
SETTING_STATUS = update(OutboundOrder).where(OutboundOrder.id == bindparam("order")).values(
    status=bindparam("new_status"))


def _before(s: Session, counter: int | None, first: bool, condition: Any) -> int:
    """The counter before this pick: as kept, or counted afresh."""
    if counter is not None and not first:
        return counter
    return int(s.scalar(select(open_in(condition))) or 0)


def _settled(s: Session, left: int, condition: Any) -> int:
    """`left`, confirmed by an indexed look-up when it claims nothing is open."""
    if left > 0:
        return left
    still_open = s.scalar(select(Allocation.id).join(
        OrderLine, OrderLine.id == Allocation.order_line_id)
        .where(condition, Allocation.status == AllocationStatus.OPEN).limit(1))
    if still_open is None:
        return 0
    return int(s.scalar(select(open_in(condition))) or 0)
