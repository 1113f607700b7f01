"""Two waves allocate the same scarce lot at once: no unit is reserved twice."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from medwms.ledger.tables import Stock
from medwms.orders import orders, waves
from medwms.orders.tables import Allocation, OrderLine
from tests.support.picking import MANAGER, NOW, outbound, sale, stent, stock_in


def test_two_waves_racing_for_a_scarce_lot_never_reserve_a_unit_twice(db):
    world = outbound(db, min_days=0)
    stock_in(db, world, "SCARCE", date(2027, 6, 1), 10, at="A-01")
    stock_in(db, world, "SCARCE", date(2027, 6, 1), 3, at="A-02")
    for n in (1, 2):  # each wants 8 of the 13 units
        orders.create_order(db, actor=MANAGER, now=NOW,
                            order=sale(stent(8), order_no=f"SO-{n}"))
    start = threading.Barrier(2)
    outcomes: list[str] = []
    guard = threading.Lock()

    def planner(order_nos: list[str]) -> None:
        start.wait()
        try:
            waves.create_wave(db, actor=MANAGER, order_nos=order_nos, now=NOW)
            result = "wave"
        except Exception as refused:
            result = getattr(refused, "code", repr(refused))
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=planner, args=(nos,))
               for nos in (["SO-1"], ["SO-2"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes == ["wave", "wave"]
    with db.reading() as s:
        stock = dict(s.execute(select(Stock.location_id, Stock.quantity)).all())
        reserved = dict(s.execute(select(Allocation.location_id, func.sum(Allocation.quantity))
                                  .where(Allocation.status == "OPEN")
                                  .group_by(Allocation.location_id)).all())
        lines = sorted(s.execute(select(OrderLine.allocated_qty, OrderLine.backorder_qty)))
    assert all(reserved[loc] <= stock[loc] for loc in reserved)
    assert sum(reserved.values()) == 13
    assert lines == [(5, 3), (8, 0)]
