"""The wave's counter of units still to pick: kept by each pick, counted afresh when
allocations are cancelled, and never claiming PICKED while something is open; the order's
units still to pick are summed by each pick (its status changes on its first and last)."""

from __future__ import annotations

from sqlalchemy import select

from medwms.orders.orders import forget_pick_progress
from medwms.orders.tables import Allocation, AllocationStatus, OutboundOrder, Wave
from medwms.picking import picks
from tests.support.picks import PACER_GTIN, STENT_GTIN, at, standard, unit
from tests.support.users import actor_of, make_user


def pick(db, actor, raw, location, scan_id):
    return picks.pick_unit(db, actor=actor, wave_no="WAV-1", location_raw=at(location),
                           raw=raw, scan_id=scan_id)


def counters(db) -> tuple[int | None, str]:
    """The wave's counter and the order's status."""
    with db.reading() as s:
        return (s.scalar(select(Wave.open_qty).where(Wave.wave_no == "WAV-1")),
                s.scalar(select(OutboundOrder.status).where(OutboundOrder.order_no == "SO-1")))


def test_each_pick_counts_down_the_wave_and_the_order(db):
    standard(db)
    pat = actor_of(make_user(db, "pat", "picker"))
    first = pick(db, pat, unit(STENT_GTIN, "L1", count=2), "A-01", "a")
    assert (first.wave_remaining, first.location_remaining) == (5, 3)
    assert counters(db) == (5, "PICKING")
    pick(db, pat, unit(STENT_GTIN, "L1", count=3), "A-01", "b")
    pick(db, pat, unit(PACER_GTIN, "PL1", "P1"), "A-02", "c")
    last = pick(db, pat, unit(PACER_GTIN, "PL1", "P2"), "A-02", "d")
    assert (last.wave_remaining, last.wave_status, last.order_status) == (0, "PICKED", "PICKED")
    assert counters(db) == (0, "PICKED")


def test_a_cancelled_allocation_is_counted_afresh_by_the_next_pick(db):
    standard(db)
    pat = actor_of(make_user(db, "pat", "picker"))
    pick(db, pat, unit(STENT_GTIN, "L1"), "A-01", "a")
    with db.unit_of_work() as uow:  # as a recall does: cancel the pacers' allocations
        s = uow.session
        pacers = s.scalars(select(Allocation).where(Allocation.serial_id.is_not(None))).all()
        for allocation in pacers:
            allocation.status = AllocationStatus.CANCELLED
        forget_pick_progress(s, waves={pacers[0].wave_id},
                             orders={s.scalar(select(OutboundOrder.id))})
        uow.commit()
    assert counters(db) == (None, "PICKING")
    after = pick(db, pat, unit(STENT_GTIN, "L1"), "A-01", "b")
    assert after.wave_remaining == 3
    pick(db, pat, unit(STENT_GTIN, "L1", count=3), "A-01", "c")
    assert counters(db) == (0, "PICKED")


def test_a_stale_counter_does_not_mark_the_wave_picked(db):
    standard(db)
    pat = actor_of(make_user(db, "pat", "picker"))
    pick(db, pat, unit(STENT_GTIN, "L1"), "A-01", "a")
    with db.unit_of_work() as uow:  # the counter gone wrong: claims one unit left
        uow.session.query(Wave).update({Wave.open_qty: 1})
        uow.commit()
    result = pick(db, pat, unit(STENT_GTIN, "L1"), "A-01", "b")
    assert (result.wave_status, result.wave_remaining) == ("PICKING", 5)
    assert counters(db) == (5, "PICKING")
