"""Allocation reads only the FEFO front of the stock, and still decides as if it read it all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from medwms.core.db import Database
from medwms.masterdata.tables import Partner
from medwms.orders import allocation, candidates, orders, waves
from medwms.orders.candidates import EXTRA_ROWS
from tests.support.picking import (
    MANAGER,
    NOW,
    make_partner,
    open_reserved,
    outbound,
    put_stock,
    sale,
    stent,
    stock_in,
)

FIRST = date(2027, 1, 1)


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def many_lots(db, world, lots: int, *, first: int = 0) -> None:
    """`lots` lots of 5 units, one expiry day apart, spread over the six bins."""
    with db.unit_of_work() as uow:
        for n in range(first, first + lots):
            put_stock(uow.session, world.floor, world.stent_id, f"L{n:03d}",
                      FIRST + timedelta(days=n), 5, at=f"A-{n % 6 + 1:02d}")
        uow.commit()


def order(db, *lines, order_no="SO-1", customer="HOSP1"):
    orders.create_order(db, actor=MANAGER, now=NOW,
                        order=sale(*lines, order_no=order_no, customer=customer))


@pytest.fixture
def world(db):
    return outbound(db, min_days=0)


def test_a_wave_costs_the_same_statements_over_ten_times_the_lots(db, world):
    many_lots(db, world, 20)
    order(db, stent(12), order_no="SO-1")
    with statements(db) as few:
        waves.create_wave(db, actor=MANAGER, order_nos=["SO-1"], now=NOW)
    many_lots(db, world, 180, first=20)
    order(db, stent(12), order_no="SO-2")
    with statements(db) as many:
        waves.create_wave(db, actor=MANAGER, order_nos=["SO-2"], now=NOW)
    view = allocation.allocate_order(db, actor=MANAGER, order_no="SO-2", now=NOW)
    taken = [a.lot for a in view.lines[0].allocations]
    assert sorted(taken) == ["L002", "L003", "L004"]  # SO-1 took L000, L001 and 2 of L002
    assert len(many) == len(few)


def test_the_explanation_shows_the_next_lots_as_not_needed_not_every_later_one(db, world):
    many_lots(db, world, 40)
    order(db, stent(7))
    allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    line = allocation.explain_order(db, actor=MANAGER, order_no="SO-1")["lines"][0]
    assert [t["lot"] for t in line["explanation"]["taken"]] == ["L000", "L001"]
    passed = [(p["lot"], p["reason"]) for p in line["explanation"]["passed"]]
    assert passed == [(f"L{n:03d}", "NOT_NEEDED") for n in range(2, 2 + EXTRA_ROWS)]


def test_a_stricter_customer_in_the_same_wave_still_gets_the_later_lot(db, world):
    many_lots(db, world, 30)  # all expire in 2027: too short for a customer needing 500 days
    stock_in(db, world, "LONG", date(2029, 1, 1), 10, at="A-06")
    with db.unit_of_work() as uow:
        make_partner(uow.session, "HOSP2", min_days=500)
        uow.commit()
    order(db, stent(10), order_no="SO-1")
    order(db, stent(6), order_no="SO-2", customer="HOSP2")
    waves.create_wave(db, actor=MANAGER, order_nos=["SO-1", "SO-2"], now=NOW)
    strict = allocation.allocate_order(db, actor=MANAGER, order_no="SO-2", now=NOW)
    assert strict.status == "ALLOCATED"
    assert [(a.lot, a.quantity) for a in strict.lines[0].allocations] == [("LONG", 6)]
    lenient = allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    assert [a.lot for a in lenient.lines[0].allocations] == ["L000", "L001"]


def test_a_required_lot_far_past_the_fefo_front_is_found(db, world):
    many_lots(db, world, 60)
    stock_in(db, world, "FAR", date(2031, 6, 1), 4, at="A-03")
    order(db, stent(3, lot="FAR"), stent(5))
    done = allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    assert done.status == "ALLOCATED"
    assert [(a.lot, a.quantity) for a in done.lines[0].allocations] == [("FAR", 3)]
    assert [(a.lot, a.quantity) for a in done.lines[1].allocations] == [("L000", 5)]


def test_a_reservation_made_after_the_read_is_seen_under_the_lock_and_decided_again(
        db, world, monkeypatch):
    stock_in(db, world, "L1", date(2027, 6, 1), 10, at="A-01")
    stock_in(db, world, "L2", date(2027, 7, 1), 10, at="A-02")
    order(db, stent(8), order_no="SO-1")
    order(db, stent(8), order_no="SO-2")
    allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    real, reads = candidates.read, []

    def read_before_so1_committed(s, demand, **kw):
        pile = real(s, demand, **kw)
        if not reads:  # the first read saw the stock as it was before SO-1 reserved it
            for place in list(pile.reserved):
                pile.free[place] += pile.reserved.pop(place)
        reads.append(pile)
        return pile

    monkeypatch.setattr(candidates, "read", read_before_so1_committed)
    second = allocation.allocate_order(db, actor=MANAGER, order_no="SO-2", now=NOW)
    assert len(reads) == 2
    assert sorted((a.lot, a.quantity) for a in second.lines[0].allocations) == [
        ("L1", 2), ("L2", 6)]
    assert sorted(open_reserved(db).values()) == [6, 10]


def test_the_consignee_policy_is_read_once_per_wave(db, world):
    many_lots(db, world, 10)
    for n in range(1, 6):
        order(db, stent(1), order_no=f"SO-{n}")
    with statements(db) as seen:
        waves.create_wave(db, actor=MANAGER, order_nos=[f"SO-{n}" for n in range(1, 6)],
                          now=NOW)
    partner_reads = [q for q in seen if "FROM partner" in q]
    assert len(partner_reads) == 1
    with db.reading() as s:
        assert s.scalar(select(Partner.code)) == "HOSP1"
