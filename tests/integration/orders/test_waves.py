"""Waves: orders grouped and allocated, staged in the dispatch area, a short pick path."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from medwms.core.errors import PermissionDenied
from medwms.masterdata.tables import Location, Zone
from medwms.orders import allocation, orders, queries, waves
from medwms.orders.errors import (
    NothingAllocated,
    OrderInWave,
    OrderNotFound,
    StagingNotShipping,
    WaveInvalid,
    WaveNotFound,
)
from medwms.orders.tables import Allocation, OutboundOrder, Wave
from medwms.picking import queries as pick_queries
from tests.support.picking import (
    MANAGER,
    NOW,
    PICKER,
    counts,
    make_floor,
    make_partner,
    make_product,
    outbound,
    put_stock,
    sale,
    stent,
    stock_in,
)

AUDITOR = MANAGER.__class__(None, "aud", frozenset({"auditor"}))


@pytest.fixture
def world(db):
    made = outbound(db, min_days=0)
    # Pick sequence runs A-06 → A-01 (far end first); bins sit at x = 2, 4 … 12.
    for n, lot in enumerate(("L1", "L2", "L3", "L4", "L5", "L6"), start=1):
        stock_in(db, made, lot, date(2027, 1, n), 5, at=f"A-{n:02d}")
    return made


def order(db, order_no, quantity):
    orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(quantity),
                                                               order_no=order_no))


def test_a_wave_allocates_its_orders_and_plans_the_route_from_staging(db, world):
    order(db, "SO-1", 12)
    order(db, "SO-2", 9)
    wave = waves.create_wave(db, actor=MANAGER, order_nos=["so-1", "SO-2"], now=NOW)
    assert wave.wave_no.startswith("WAV-20261125-")
    assert wave.staging == "WH1-SHIP-01"
    assert wave.orders == ["SO-1", "SO-2"]
    assert wave.route[0] == wave.route[-1] == "WH1-SHIP-01"
    assert sorted(wave.route[1:-1]) == [f"WH1-A-{n:02d}" for n in range(1, 6)]
    assert wave.route_length is not None and wave.plain_length is not None
    assert wave.route_length <= wave.plain_length
    assert wave.saving == round(wave.plain_length - wave.route_length, 2)
    with db.reading() as s:
        assert {o.status for o in s.scalars(select(OutboundOrder))} == {"ALLOCATED"}
        assert {a.wave_id for a in s.scalars(select(Allocation))} == {
            s.scalar(select(Wave.id))}


def test_the_pick_list_follows_the_route_and_lists_each_stops_allocations(db, world):
    order(db, "SO-1", 12)
    wave = waves.create_wave(db, actor=MANAGER, order_nos=["SO-1"], now=NOW)
    with db.reading() as s:
        picks = pick_queries.pick_list(s, pick_queries.wave_by_no(s, wave.wave_no))
    assert [stop.location for stop in picks.stops] == wave.route[1:-1]
    listed = [(t.lot, t.quantity, t.order_no, t.line_no) for stop in picks.stops
              for t in stop.tasks]
    assert sorted(listed) == [("L1", 5, "SO-1", 1), ("L2", 5, "SO-1", 1), ("L3", 2, "SO-1", 1)]
    assert picks.stops[0].tasks[0].item == "STENT"


def test_already_allocated_orders_join_with_their_reservations(db, world):
    order(db, "SO-1", 3)
    allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    wave = waves.create_wave(db, actor=PICKER, order_nos=["SO-1"], now=NOW)
    with db.reading() as s:
        rows = s.scalars(select(Allocation)).all()
        assert [(a.quantity, a.wave_id is not None) for a in rows] == [(3, True)]
    assert wave.route[1:-1] == ["WH1-A-01"]


def test_the_route_is_shorter_than_the_plain_order_when_the_sequence_zigzags(db):
    with db.unit_of_work() as uow:
        s = uow.session
        floor = make_floor(s, bins=0)
        item = make_product(s)
        zone = s.scalar(select(Zone.id).where(Zone.kind == "STORAGE"))
        for i in range(8):  # sequence alternates between the two sides of a 20 m hall
            code = f"WH1-Z-{i:02d}"
            s.add(Location(warehouse_id=floor.warehouse_id, zone_id=zone, code=code,
                           barcode=code, x=20 * (i % 2), y=i, pick_seq=i))
            s.flush()
            floor.places[f"Z-{i:02d}"] = s.scalar(select(Location.id).where(
                Location.code == code))
            put_stock(s, floor, item, f"Z{i}", date(2027, 1, 1), 1, at=f"Z-{i:02d}")
        make_partner(s, "HOSP1")
        uow.commit()
    order(db, "SO-1", 8)
    wave = waves.create_wave(db, actor=MANAGER, order_nos=["SO-1"], now=NOW)
    assert wave.route_length < wave.plain_length
    assert wave.saving > 0


def test_a_named_staging_location_must_be_in_a_shipping_zone(db, world):
    order(db, "SO-1", 1)
    before = counts(db)
    with pytest.raises(StagingNotShipping) as refused:
        waves.create_wave(db, actor=MANAGER, order_nos=["SO-1"], staging="WH1-A-01", now=NOW)
    assert refused.value.code == "STAGING_NOT_SHIPPING"
    assert counts(db) == before
    made = waves.create_wave(db, actor=MANAGER, order_nos=["SO-1"], staging="wh1-ship-01",
                             now=NOW)
    assert made.staging == "WH1-SHIP-01"


def test_an_order_in_another_wave_is_refused(db, world):
    order(db, "SO-1", 1)
    order(db, "SO-2", 1)
    first = waves.create_wave(db, actor=MANAGER, order_nos=["SO-1"], now=NOW)
    before = counts(db)
    with pytest.raises(OrderInWave) as refused:
        waves.create_wave(db, actor=MANAGER, order_nos=["SO-2", "SO-1"], now=NOW)
    assert refused.value.fields["wave_no"] == first.wave_no
    assert counts(db) == before


def test_an_order_with_nothing_to_pick_refuses_the_wave_and_nothing_changes(db, world):
    order(db, "SO-1", 1)
    orders.create_order(db, actor=MANAGER, now=NOW, order=sale(
        stent(1, lot="NO-SUCH-LOT"), order_no="SO-2"))
    before = counts(db)
    with pytest.raises(NothingAllocated) as refused:
        waves.create_wave(db, actor=MANAGER, order_nos=["SO-1", "SO-2"], now=NOW)
    assert refused.value.fields["order_no"] == "SO-2"
    assert counts(db) == before


def test_unknown_orders_empty_waves_and_mixed_warehouses_are_refused(db, world):
    with pytest.raises(OrderNotFound):
        waves.create_wave(db, actor=MANAGER, order_nos=["SO-404"], now=NOW)
    with pytest.raises(WaveInvalid):
        waves.create_wave(db, actor=MANAGER, order_nos=[" "], now=NOW)
    with db.unit_of_work() as uow:
        make_floor(uow.session, "WH2")
        uow.commit()
    order(db, "SO-1", 1)
    orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(1), order_no="SO-2",
                                                               warehouse="WH2"))
    with pytest.raises(WaveInvalid):
        waves.create_wave(db, actor=MANAGER, order_nos=["SO-1", "SO-2"], now=NOW)


def test_an_unknown_wave_is_not_found(db, world):
    with db.reading() as s, pytest.raises(WaveNotFound):
        queries.wave_view(s, "WAV-404")


def test_an_auditor_may_not_create_a_wave(db, world):
    order(db, "SO-1", 1)
    with pytest.raises(PermissionDenied):
        waves.create_wave(db, actor=AUDITOR, order_nos=["SO-1"], now=NOW)


def test_the_stored_route_is_json_location_codes(db, world):
    order(db, "SO-1", 1)
    wave = waves.create_wave(db, actor=MANAGER, order_nos=["SO-1"], now=NOW)
    with db.reading() as s:
        stored = s.scalar(select(Wave.route).where(Wave.wave_no == wave.wave_no))
    assert json.loads(stored) == ["WH1-SHIP-01", "WH1-A-01", "WH1-SHIP-01"]


def test_a_backorder_allocated_later_joins_the_orders_wave(db, world):
    order(db, "SO-1", 40)  # only 30 in stock
    wave = waves.create_wave(db, actor=MANAGER, order_nos=["SO-1"], now=NOW)
    stock_in(db, world, "L7", date(2027, 2, 1), 10, at="A-06")
    again = allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    assert again.status == "ALLOCATED"
    assert {a.wave for a in again.lines[0].allocations} == {wave.wave_no}
