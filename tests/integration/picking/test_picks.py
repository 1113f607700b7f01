"""The picking station service: accepted picks move units to staging; refusals write nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from medwms.core.errors import DomainError, PermissionDenied
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from medwms.orders.tables import Allocation, OrderLine, Wave
from medwms.picking import picks
from medwms.picking.tables import Pick
from tests.support.builders import NOW
from tests.support.picks import (
    CARTON_GTIN,
    OTHER_GTIN,
    PACER_GTIN,
    STENT_GTIN,
    allocate,
    at,
    counts,
    lot,
    order,
    order_line,
    order_status,
    standard,
    stock,
    unit,
    wave,
)
from tests.support.users import actor_of, make_user


@pytest.fixture
def picker(db):
    return actor_of(make_user(db, "pat", "picker"))


@pytest.fixture
def std(db):
    return standard(db)


def pick(db, actor, raw, location="A-01", scan_id="s1", packs=None, now=NOW):
    return picks.pick_unit(db, actor=actor, wave_no="WAV-1", location_raw=at(location),
                           raw=raw, scan_id=scan_id, packs=packs, now=now)


def refused(db, actor, code, raw, location="A-01", now=NOW):
    before = counts(db)
    with pytest.raises(DomainError) as caught:
        pick(db, actor, raw, location=location, scan_id="refused", now=now)
    assert caught.value.code == code
    assert counts(db) == before
    return caught.value


def test_a_pick_moves_the_units_to_staging_and_the_ledger_verifies(db, std, picker):
    result = pick(db, picker, unit(STENT_GTIN, "L1"), packs=3)
    assert (result.item, result.lot, result.quantity) == ("STENT", "L1", 3)
    assert (result.from_location, result.to_location) == ("WH1-A-01", "WH1-STAGE-1")
    assert result.location_remaining == 2 and result.wave_remaining == 4
    assert result.order_status == "PICKING" and result.wave_status == "PICKING"
    with db.reading() as s:
        moved = s.scalars(select(Movement).where(Movement.kind == "PICK")).one()
        assert (moved.doc_type, moved.doc_no, moved.quantity) == ("PICK", "WAV-1", 3)
        assert moved.from_status == moved.to_status == "AVAILABLE"
        assert s.scalars(select(Allocation.picked_qty).order_by(Allocation.id)).first() == 3
        assert s.scalars(select(OrderLine.picked_qty).order_by(OrderLine.id)).first() == 3
        assert verify(s).ok


def test_a_resubmitted_scan_returns_the_first_result_and_posts_once(db, std, picker):
    first = pick(db, picker, unit(STENT_GTIN, "L1"), scan_id="same")
    again = pick(db, picker, unit(STENT_GTIN, "L1"), scan_id="same")
    assert again.replayed and not first.replayed
    assert again.pick_id == first.pick_id
    assert counts(db).picks == 1


def test_a_carton_counts_its_packaging_quantity(db, picker):
    with db.unit_of_work() as uow:
        s = uow.session
        from tests.support.picks import make_floor
        floor = make_floor(s)
        lot(s, floor, "STENT", "L1", date(2028, 6, 30))
        stock(s, floor, "STENT", "L1", 20, "A-01")
        w = wave(s, floor)
        allocate(s, floor, order_line(s, floor, order(s, floor, "SO-1", w), 1, "STENT", 10),
                 w, "L1", "A-01", 10)
        uow.commit()
    result = pick(db, picker, unit(CARTON_GTIN, "L1"))
    assert result.quantity == 10
    assert order_status(db) == "PICKED"


def test_the_order_is_picked_when_all_its_allocations_are(db, std, picker):
    pick(db, picker, unit(STENT_GTIN, "L1", count=5), scan_id="a")
    pick(db, picker, unit(PACER_GTIN, "PL1", "P1"), location="A-02", scan_id="b")
    assert order_status(db) == "PICKING"
    pick(db, picker, unit(PACER_GTIN, "PL1", "P2"), location="A-02", scan_id="c")
    assert order_status(db) == "PICKED"
    with db.reading() as s:
        assert s.scalars(select(Wave.status)).one() == "PICKED"
        assert set(s.scalars(select(Allocation.status))) == {"PICKED"}
        assert verify(s).ok


def test_a_wrong_item_is_refused(db, std, picker):
    refused(db, picker, "WRONG_ITEM", unit(OTHER_GTIN, "X1"))


def test_an_item_at_the_wrong_location_is_a_wrong_item(db, std, picker):
    refused(db, picker, "WRONG_ITEM", unit(STENT_GTIN, "L1"), location="A-02")


def test_a_later_expiring_lot_is_a_wrong_lot(db, std, picker):
    error = refused(db, picker, "WRONG_LOT", unit(STENT_GTIN, "L9"))
    assert "L9" in error.message("en") and "L1" in error.message("en")


def test_an_earlier_free_lot_is_swapped_and_recorded(db, std, picker):
    result = pick(db, picker, unit(STENT_GTIN, "L0"), packs=2)
    assert (result.lot, result.swapped_from_lot) == ("L0", "L1")
    with db.reading() as s:
        swapped = s.scalars(select(Pick)).one()
        assert swapped.swapped_from_lot_id is not None
        rows = s.execute(select(Allocation.lot_id, Allocation.quantity, Allocation.picked_qty,
                                Allocation.status).where(Allocation.item_id == swapped.item_id)
                         .order_by(Allocation.id)).all()
        assert [(r.quantity, r.picked_qty) for r in rows] == [(3, 0), (2, 2)]
        assert rows[1].lot_id == swapped.lot_id
        assert verify(s).ok


def test_a_swap_of_the_whole_allocation_moves_it_to_the_new_lot(db, std, picker):
    pick(db, picker, unit(STENT_GTIN, "L0", count=5))
    with db.reading() as s:
        rows = s.execute(select(Allocation.quantity, Allocation.status)
                         .order_by(Allocation.id)).all()
    assert rows[0] == (5, "PICKED") and len(rows) == 3


def test_a_swap_below_the_customer_minimum_is_refused(db, picker):
    standard(db, min_days=200)  # L0 expires 2027-03-31: 120 days after 2026-12-01
    refused(db, picker, "SHELF_LIFE_TOO_SHORT", unit(STENT_GTIN, "L0"))


def test_a_swap_to_a_lot_reserved_by_another_wave_is_refused(db, std, picker):
    with db.unit_of_work() as uow:
        s = uow.session
        floor = std.floor
        other = wave(s, floor, "WAV-2", staging="STAGE-2")
        line = order_line(s, floor, order(s, floor, "SO-2", other), 1, "STENT", 5)
        allocate(s, floor, line, other, "L0", "A-01", 5)
        uow.commit()
    error = refused(db, picker, "UNIT_OF_ANOTHER_WAVE", unit(STENT_GTIN, "L0"))
    assert error.fields["other_wave"] == "WAV-2"


def test_a_unit_of_another_wave_is_refused(db, std, picker):
    with db.unit_of_work() as uow:
        s = uow.session
        floor = std.floor
        lot(s, floor, "OTHER", "X1", date(2028, 1, 1))
        stock(s, floor, "OTHER", "X1", 3, "A-03")
        other = wave(s, floor, "WAV-2", staging="STAGE-2")
        line = order_line(s, floor, order(s, floor, "SO-2", other), 1, "OTHER", 3)
        allocate(s, floor, line, other, "X1", "A-03", 3)
        uow.commit()
    refused(db, picker, "UNIT_OF_ANOTHER_WAVE", unit(OTHER_GTIN, "X1"), location="A-03")


def test_an_expired_unit_is_refused(db, std, picker):
    after_expiry = datetime(2028, 7, 1, 2, 0, tzinfo=UTC)  # 10:00 on 1 July in Shanghai
    refused(db, picker, "UNIT_EXPIRED", unit(STENT_GTIN, "L1"), now=after_expiry)


def test_a_unit_is_usable_through_its_expiry_day(db, std, picker):
    last_evening = datetime(2028, 6, 30, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    assert pick(db, picker, unit(STENT_GTIN, "L1"), now=last_evening).quantity == 1


@pytest.mark.parametrize("status", ["QUARANTINE", "HOLD", "RECALLED", "REJECTED"])
def test_blocked_stock_is_refused_with_its_status(db, picker, status):
    with db.unit_of_work() as uow:
        s = uow.session
        from tests.support.picks import make_floor
        floor = make_floor(s)
        lot(s, floor, "STENT", "L1", date(2028, 6, 30))
        stock(s, floor, "STENT", "L1", 5, "A-01", status=status)
        w = wave(s, floor)
        allocate(s, floor, order_line(s, floor, order(s, floor, "SO-1", w), 1, "STENT", 5),
                 w, "L1", "A-01", 5)
        uow.commit()
    error = refused(db, picker, "STOCK_BLOCKED", unit(STENT_GTIN, "L1"))
    assert error.fields["stock_status"] == status


def test_a_serial_picked_twice_is_refused(db, std, picker):
    pick(db, picker, unit(PACER_GTIN, "PL1", "P1"), location="A-02")
    refused(db, picker, "SERIAL_ALREADY_PICKED", unit(PACER_GTIN, "PL1", "P1"), location="A-02")


def test_a_serial_item_needs_its_serial(db, std, picker):
    refused(db, picker, "SERIAL_REQUIRED", unit(PACER_GTIN, "PL1"), location="A-02")


def test_another_free_serial_of_the_lot_is_swapped_in(db, std, picker):
    result = pick(db, picker, unit(PACER_GTIN, "PL1", "P3"), location="A-02")
    assert result.serial == "P3" and result.swapped_from_lot is None


def test_quantity_beyond_the_allocation_is_refused(db, std, picker):
    refused(db, picker, "QUANTITY_BEYOND_ALLOCATION", unit(STENT_GTIN, "L1", count=6))


def test_quantity_beyond_the_line_after_picking_it_all_is_refused(db, std, picker):
    pick(db, picker, unit(STENT_GTIN, "L1", count=5))
    refused(db, picker, "QUANTITY_BEYOND_ALLOCATION", unit(STENT_GTIN, "L1"))


def test_a_required_lot_may_not_be_swapped(db, picker):
    with db.unit_of_work() as uow:
        s = uow.session
        from tests.support.picks import make_floor
        floor = make_floor(s)
        lot(s, floor, "STENT", "L0", date(2027, 3, 31))
        lot(s, floor, "STENT", "L1", date(2028, 6, 30))
        stock(s, floor, "STENT", "L0", 5, "A-01")
        stock(s, floor, "STENT", "L1", 5, "A-01")
        w = wave(s, floor)
        line = order_line(s, floor, order(s, floor, "SO-1", w), 1, "STENT", 5, lot_no="L1")
        allocate(s, floor, line, w, "L1", "A-01", 5)
        uow.commit()
    refused(db, picker, "REQUIRED_LOT", unit(STENT_GTIN, "L0"))


def test_a_location_scanned_for_a_unit_is_refused(db, std, picker):
    refused(db, picker, "NOT_A_UNIT", at("A-01"))


def test_a_unit_scanned_for_the_location_is_refused(db, std, picker):
    before = counts(db)
    with pytest.raises(DomainError) as caught:
        picks.pick_unit(db, actor=picker, wave_no="WAV-1", location_raw=unit(STENT_GTIN, "L1"),
                        raw=unit(STENT_GTIN, "L1"), scan_id="x", now=NOW)
    assert caught.value.code == "UNIT_SCANNED_FOR_LOCATION"
    assert counts(db) == before


def test_an_unknown_wave_is_not_found(db, std, picker):
    with pytest.raises(DomainError) as caught:
        picks.pick_unit(db, actor=picker, wave_no="NOPE", location_raw=at("A-01"),
                        raw=unit(STENT_GTIN, "L1"), scan_id="x", now=NOW)
    assert caught.value.code == "WAVE_NOT_FOUND"


def test_a_verifier_may_not_pick(db, std):
    verifier = actor_of(make_user(db, "vera", "verifier"))
    with pytest.raises(PermissionDenied):
        pick(db, verifier, unit(STENT_GTIN, "L1"))


def test_the_pick_list_follows_the_route(db, std, picker):
    listed = picks.pick_list(db, actor=picker, wave_no="WAV-1")
    assert [stop.location for stop in listed.stops] == ["WH1-A-02", "WH1-A-01"]
    assert listed.remaining == 7 and listed.staging_location == "WH1-STAGE-1"
    assert [t.serial for t in listed.stops[0].tasks] == ["P1", "P2"]


def test_a_location_check_names_what_to_pick_there(db, std, picker):
    stop = picks.check_location(db, actor=picker, wave_no="WAV-1", location_raw=at("A-01"))
    assert [(t.item, t.lot, t.remaining) for t in stop.tasks] == [("STENT", "L1", 5)]
    with pytest.raises(DomainError) as caught:
        picks.check_location(db, actor=picker, wave_no="WAV-1", location_raw=at("A-03"))
    assert caught.value.code == "LOCATION_NOT_ON_WAVE"


def queries_of(db, action):
    from sqlalchemy import event
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_pick_scan_costs_a_fixed_number_of_queries(db, std, picker):
    pick(db, picker, unit(STENT_GTIN, "L1"), scan_id="q0")  # the order starts PICKING
    first = queries_of(db, lambda: pick(db, picker, unit(STENT_GTIN, "L1"), scan_id="q1"))
    with db.unit_of_work() as uow:
        s = uow.session
        for n in range(20):
            lot(s, std.floor, "STENT", f"M{n}", date(2028, 1, 1))
            stock(s, std.floor, "STENT", f"M{n}", 3, "A-03")
        uow.commit()
    second = queries_of(db, lambda: pick(db, picker, unit(STENT_GTIN, "L1"), scan_id="q2"))
    assert second == first
    assert first <= 40
