"""Allocation in the database: FEFO reservations, backorders, explanations, GSP at allocation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from medwms.core.errors import PermissionDenied
from medwms.ledger.tables import Stock
from medwms.masterdata.tables import Partner
from medwms.orders import allocation, orders
from medwms.orders.errors import CustomerNotQualified, OrderNotAllocatable, OrderNotFound
from medwms.orders.tables import Allocation
from tests.support.picking import (
    MANAGER,
    NOW,
    PICKER,
    counts,
    outbound,
    sale,
    stent,
    stock_in,
)

# Delivery 2026-12-01, customer needs 180 days: the lot must expire on 2027-05-30 or later.


@pytest.fixture
def world(db):
    return outbound(db, min_days=180)


def order(db, *lines, order_no="SO-1", **kw):
    return orders.create_order(db, actor=MANAGER, now=NOW,
                               order=sale(*lines, order_no=order_no, **kw))


def allocate(db, order_no="SO-1"):
    return allocation.allocate_order(db, actor=MANAGER, order_no=order_no, now=NOW)


def test_allocation_reserves_the_earliest_eligible_lot_and_leaves_stock_available(db, world):
    stock_in(db, world, "LATE", date(2028, 6, 1), 50, at="A-01")
    stock_in(db, world, "EARLY", date(2027, 9, 1), 30, at="A-02")
    order(db, stent(40))
    done = allocate(db)
    assert done.status == "ALLOCATED"
    line = done.lines[0]
    assert (line.allocated_qty, line.backorder_qty) == (40, 0)
    assert [(a.lot, a.location, a.quantity, a.status) for a in line.allocations] == [
        ("EARLY", "WH1-A-02", 30, "OPEN"), ("LATE", "WH1-A-01", 10, "OPEN")]
    with db.reading() as s:
        assert set(s.scalars(select(Stock.status))) == {"AVAILABLE"}


def test_a_short_order_is_partial_with_a_backorder_reason(db, world):
    stock_in(db, world, "GOOD", date(2028, 1, 1), 40, at="A-01")
    stock_in(db, world, "SHORT", date(2027, 1, 10), 100, at="A-02")
    order(db, stent(100))
    line = allocate(db).lines[0]
    assert (line.allocated_qty, line.backorder_qty) == (40, 60)
    assert line.backorder_reason == ("only 40 of 100 eligible: lot SHORT expires 2027-01-10, "
                                     "customer needs 180 days on 2026-12-01")
    with db.reading() as s:
        assert s.scalar(select(Allocation.quantity)) == 40


def test_the_backorder_is_allocated_when_stock_arrives(db, world):
    stock_in(db, world, "L1", date(2028, 1, 1), 4)
    order(db, stent(10))
    assert allocate(db).status == "PARTIAL"
    stock_in(db, world, "L2", date(2028, 2, 1), 20, at="A-03")
    again = allocate(db)
    assert again.status == "ALLOCATED"
    assert (again.lines[0].allocated_qty, again.lines[0].backorder_qty) == (10, 0)
    assert sum(a.quantity for a in again.lines[0].allocations) == 10


def test_a_second_order_cannot_take_what_the_first_reserved(db, world):
    stock_in(db, world, "L1", date(2028, 1, 1), 10)
    order(db, stent(8), order_no="SO-1")
    order(db, stent(8), order_no="SO-2")
    allocate(db, "SO-1")
    second = allocate(db, "SO-2").lines[0]
    assert (second.allocated_qty, second.backorder_qty) == (2, 6)
    assert "reserved by other orders" in second.backorder_reason


def test_the_explanation_names_every_lot_passed_over_and_why(db, world):
    stock_in(db, world, "TAKEN", date(2028, 1, 1), 5, at="A-01")
    stock_in(db, world, "HELD", date(2027, 8, 1), 5, at="A-02", status="HOLD")
    stock_in(db, world, "OLD", date(2026, 11, 24), 5, at="A-03")
    stock_in(db, world, "SHORTLIFE", date(2027, 2, 1), 5, at="A-04")
    stock_in(db, world, "QC", date(2027, 8, 1), 5, at="Q-01", status="QUARANTINE")
    stock_in(db, world, "DOCKED", date(2027, 8, 1), 5, at="DOCK-1")
    stock_in(db, world, "THEIRS", date(2027, 8, 1), 5, at="A-05",
             owner_id=world.floor.principal_id)
    order(db, stent(20))
    allocate(db)
    explained = allocation.explain_order(db, actor=MANAGER, order_no="SO-1")
    line = explained["lines"][0]
    assert line["allocated_qty"] == 5 and line["backorder_qty"] == 15
    taken = line["explanation"]["taken"]
    assert [(t["lot"], t["quantity"], t["location"]) for t in taken] == [("TAKEN", 5, "WH1-A-01")]
    passed = {p["lot"]: p["reason"] for p in line["explanation"]["passed"]}
    assert passed == {"HELD": "STATUS", "OLD": "EXPIRED", "SHORTLIFE": "SHELF_LIFE",
                      "QC": "STATUS", "DOCKED": "NOT_STORAGE", "THEIRS": "WRONG_OWNER"}
    assert line["explanation"]["delivery_date"] == "2026-12-01"
    assert line["explanation"]["min_remaining_days"] == 180


def test_an_expired_lot_still_marked_available_is_never_allocated(db, world):
    stock_in(db, world, "OLD", date(2026, 11, 24), 5)
    order(db, stent(5))
    done = allocate(db)
    assert done.status == "OPEN"
    assert done.lines[0].allocations == []
    assert "expired on 2026-11-24" in done.lines[0].backorder_reason


def test_a_required_lot_is_taken_even_when_another_expires_first(db, world):
    stock_in(db, world, "EARLY", date(2027, 9, 1), 10, at="A-01")
    stock_in(db, world, "WANTED", date(2028, 9, 1), 10, at="A-02")
    order(db, stent(3, lot="WANTED"))
    line = allocate(db).lines[0]
    assert [(a.lot, a.quantity) for a in line.allocations] == [("WANTED", 3)]


def test_a_licence_that_lapsed_after_ordering_is_refused_at_allocation(db, world):
    stock_in(db, world, "L1", date(2028, 1, 1), 10)
    order(db, stent(5))
    with db.unit_of_work() as uow:
        uow.session.scalars(select(Partner)).one().licence_expiry = date(2026, 11, 1)
        uow.commit()
    before = counts(db)
    with pytest.raises(CustomerNotQualified):
        allocate(db)
    assert counts(db) == before


def test_allocating_an_allocated_order_changes_nothing(db, world):
    stock_in(db, world, "L1", date(2028, 1, 1), 10)
    order(db, stent(5))
    allocate(db)
    before = counts(db)
    assert allocate(db).status == "ALLOCATED"
    assert counts(db) == before


def test_a_cancelled_order_cannot_be_allocated(db, world):
    order(db, stent(5))
    orders.cancel_order(db, actor=MANAGER, order_no="SO-1", reason="withdrawn")
    with pytest.raises(OrderNotAllocatable):
        allocate(db)


def test_an_unknown_order_cannot_be_allocated_or_explained(db, world):
    with pytest.raises(OrderNotFound):
        allocate(db, "SO-404")
    with pytest.raises(OrderNotFound):
        allocation.explain_order(db, actor=MANAGER, order_no="SO-404")


def test_a_picker_may_not_allocate_an_order(db, world):
    order(db, stent(5))
    with pytest.raises(PermissionDenied):
        allocation.allocate_order(db, actor=PICKER, order_no="SO-1", now=NOW)
