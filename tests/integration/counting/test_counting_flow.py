"""A count from plan to signed approval: blind scans, variance, recount, adjustments, verify."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medwms.auth.errors import WrongPassword
from medwms.counting import approval, counting, errors, queries
from medwms.counting.tables import CountLine, CountPlan, CountTask
from medwms.ledger.tables import Movement, Stock
from medwms.ledger.verify import verify
from tests.support.counting import (
    bin_scan,
    count_bin,
    glove_scan,
    make_crew,
    new_plan,
    pump_scan,
    setup_store,
    stock,
    stock_serial,
)
from tests.support.users import PASSWORD


@pytest.fixture
def world(db):
    store = setup_store(db)
    with db.unit_of_work() as uow:
        stock(uow.session, store, 1, 20)                # 20 gloves L1 at bin 1
        stock(uow.session, store, 2, 5, lot="L2")       # 5 gloves L2 at bin 2
        stock_serial(uow.session, store, 3, "SN1")      # pump SN1 at bin 3
        uow.commit()
    return store, make_crew(db)


def lines(db, plan_no):
    with db.reading() as s:
        return {(r.location, r.item, r.lot, r.serial, r.status): r
                for r in queries.variances(s, plan_no)}


def balance(db, location_id, lot_id=None):
    with db.reading() as s:
        query = select(func.coalesce(func.sum(Stock.quantity), 0)).where(
            Stock.location_id == location_id)
        if lot_id:
            query = query.where(Stock.lot_id == lot_id)
        return s.scalar(query)


def snapshot(db):
    with db.reading() as s:
        return (s.scalar(select(func.count()).select_from(Movement)),
                s.scalar(select(func.count()).select_from(CountLine)),
                sorted(s.execute(select(CountTask.id, CountTask.status)).all()),
                sorted(s.execute(select(CountPlan.plan_no, CountPlan.status)).all()))


def test_a_clean_count_is_approved_without_movements(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 1, [glove_scan()] * 2)
    count_bin(db, crew.ann, plan, 2, [(glove_scan("L2", each=True), 5)])
    count_bin(db, crew.ann, plan, 3, [pump_scan("SN1")])
    count_bin(db, crew.ann, plan, 4, [])  # counted empty
    done = approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)
    assert (done.lines_adjusted, done.movements) == (0, 0)
    assert all(r.variance == 0 for r in lines(db, plan).values())
    with db.reading() as s:
        assert queries.plan_view(s, plan).status == "APPROVED"


def test_variance_goes_to_a_recount_by_another_counter_and_approval_posts_it(db, world):
    store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 1, [glove_scan()])           # 10 of 20: outside tolerance
    count_bin(db, crew.ann, plan, 2, [(glove_scan("L2", each=True), 5)])
    count_bin(db, crew.ann, plan, 3, [])                        # the pump is missing
    count_bin(db, crew.ann, plan, 4, [glove_scan("L2", each=True)])  # one glove found
    got = lines(db, plan)
    assert got[("WH1-A-01", "GLOVE", "L1", None, "AVAILABLE")].needs_recount
    with pytest.raises(errors.RecountBySameCounter):
        counting.start_location(db, actor=crew.ann, plan_no=plan, location_raw=bin_scan(1))
    count_bin(db, crew.bob, plan, 1, [glove_scan()] * 2 + [(glove_scan(each=True), 8)])
    count_bin(db, crew.bob, plan, 3, [])
    with pytest.raises(errors.LocationAlreadyCounted):  # within tolerance: no recount
        counting.start_location(db, actor=crew.bob, plan_no=plan, location_raw=bin_scan(4))
    got = lines(db, plan)
    first = got[("WH1-A-01", "GLOVE", "L1", None, "AVAILABLE")]
    assert (first.expected, first.counted, first.recounted, first.variance) == (20, 10, 28, 8)
    assert first.value == Decimal("20.00") and not first.needs_recount
    pump = got[("WH1-A-03", "PUMP", None, "SN1", "AVAILABLE")]
    assert pump.variance == -1 and pump.value == Decimal("-1000.00")
    found = got[("WH1-A-04", "GLOVE", "L2", None, "AVAILABLE")]
    assert (found.expected, found.counted, found.recounted, found.variance) == (0, 1, None, 1)
    with pytest.raises(errors.ReasonsMissing):
        approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)
    approval.set_reasons(db, actor=crew.max, plan_no=plan, reasons={
        first.line_id: "MISCOUNTED", pump.line_id: "THEFT", found.line_id: "FOUND"})
    done = approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)
    assert (done.lines_adjusted, done.movements, done.units_added, done.units_removed) == \
        (3, 3, 9, 1)
    assert balance(db, store.bin(1)) == 28 and balance(db, store.bin(3)) == 0
    assert balance(db, store.bin(4)) == 1
    with db.reading() as s:
        moves = s.execute(select(Movement.kind, Movement.doc_type, Movement.doc_no,
                                 Movement.reason).where(Movement.doc_type == "CNT")).all()
        assert {m.reason for m in moves} == {"MISCOUNTED", "THEFT", "FOUND"}
        assert {(m.kind, m.doc_no) for m in moves} == {("COUNT", plan)}
        assert verify(s).ok


def test_movements_while_counting_are_kept(db, world):
    """Counted 18 of 20 at close (within tolerance); 5 more arrive before approval: 23."""
    store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 1, [glove_scan(), (glove_scan(each=True), 8)])
    for n in (2, 3, 4):
        count_bin(db, crew.ann, plan, n, [(glove_scan("L2", each=True), 5)] if n == 2 else
                  [pump_scan("SN1")] if n == 3 else [])
    with db.unit_of_work() as uow:
        stock(uow.session, store, 1, 5)
        uow.commit()
    line = lines(db, plan)[("WH1-A-01", "GLOVE", "L1", None, "AVAILABLE")]
    approval.set_reasons(db, actor=crew.max, plan_no=plan, reasons={line.line_id: "DAMAGED"})
    approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)
    assert balance(db, store.bin(1)) == 23


def finished_plan(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 1, [glove_scan()] * 2)
    count_bin(db, crew.ann, plan, 2, [(glove_scan("L2", each=True), 4)])
    count_bin(db, crew.ann, plan, 3, [pump_scan("SN1")])
    count_bin(db, crew.bob, plan, 4, [])
    line = lines(db, plan)[("WH1-A-02", "GLOVE", "L2", None, "AVAILABLE")]
    approval.set_reasons(db, actor=crew.max, plan_no=plan, reasons={line.line_id: "DAMAGED"})
    return plan


def test_a_serial_scanned_at_two_locations_is_refused(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 3, [pump_scan("SN1")])
    task = counting.start_location(db, actor=crew.bob, plan_no=plan, location_raw=bin_scan(4))
    before = snapshot(db)
    with pytest.raises(errors.SerialCountedElsewhere) as refused:
        counting.scan_unit(db, actor=crew.bob, task_id=task.task_id, raw=pump_scan("SN1"),
                           scan_id="x1")
    assert "WH1-A-03" in refused.value.message("en")
    assert snapshot(db) == before


def test_a_serial_scanned_twice_at_one_location_is_refused(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    task = counting.start_location(db, actor=crew.ann, plan_no=plan, location_raw=bin_scan(3))
    counting.scan_unit(db, actor=crew.ann, task_id=task.task_id, raw=pump_scan("SN1"),
                       scan_id="s1")
    with pytest.raises(errors.SerialCountedTwice):
        counting.scan_unit(db, actor=crew.ann, task_id=task.task_id, raw=pump_scan("SN1"),
                           scan_id="s2")


def test_a_repeated_scan_id_counts_once(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    task = counting.start_location(db, actor=crew.ann, plan_no=plan, location_raw=bin_scan(1))
    for _ in range(2):
        got = counting.scan_unit(db, actor=crew.ann, task_id=task.task_id, raw=glove_scan(),
                                 scan_id="same")
    assert got.scans == 1


def test_a_location_not_in_the_plan_is_refused(db, world):
    store, crew = world
    plan = new_plan(db, crew, kind="ZONES", zones=("S",))
    with db.unit_of_work() as uow:
        from tests.support.putaway import Yard, add_location, add_zone
        yard = Yard(store.site.warehouse, store.site.owner)
        add_zone(uow.session, yard, "X", "STORAGE")
        add_location(uow.session, yard, "X", "X-01")
        uow.commit()
    before = snapshot(db)
    with pytest.raises(errors.LocationNotInPlan) as refused:
        counting.start_location(db, actor=crew.ann, plan_no=plan, location_raw="#L:WH1-X-01")
    assert "WH1-X-01" in refused.value.message("en")
    assert snapshot(db) == before


def test_approving_twice_is_refused(db, world):
    plan = finished_plan(db, world)
    crew = world[1]
    approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)
    before = snapshot(db)
    with pytest.raises(errors.AlreadyApproved):
        approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)
    assert snapshot(db) == before


def test_approving_with_a_wrong_password_is_refused(db, world):
    plan = finished_plan(db, world)
    before = snapshot(db)
    with pytest.raises(WrongPassword):
        approval.approve(db, actor=world[1].max, plan_no=plan, password="wrong")
    assert snapshot(db) == before


def test_a_counter_cannot_approve_own_count(db, world):
    _store, crew = world
    from tests.support.users import actor_of, make_user
    boss = actor_of(make_user(db, "boss", "manager"))
    plan = new_plan(db, crew, counters=("ann", "boss"))
    for n in (1, 2, 3):
        count_bin(db, crew.ann, plan, n, [glove_scan()] * 2 if n == 1 else
                  [(glove_scan("L2", each=True), 5)] if n == 2 else [pump_scan("SN1")])
    count_bin(db, boss, plan, 4, [])
    before = snapshot(db)
    with pytest.raises(errors.CounterCannotApprove):
        approval.approve(db, actor=boss, plan_no=plan, password=PASSWORD)
    assert snapshot(db) == before


def test_approving_an_unfinished_count_is_refused(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 1, [glove_scan()])
    with pytest.raises(errors.CountNotFinished):
        approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)


def test_a_user_not_named_as_counter_is_refused(db, world):
    _store, crew = world
    plan = new_plan(db, crew, counters=("bob",), accept_one_counter=True)
    with pytest.raises(errors.NotAssignedCounter):
        counting.start_location(db, actor=crew.ann, plan_no=plan, location_raw=bin_scan(1))


def test_an_unknown_serial_is_captured_as_found_in_quarantine(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 4, [pump_scan("NEW9")])
    got = lines(db, plan)
    assert got[("WH1-A-04", "PUMP", None, "NEW9", "QUARANTINE")].variance == 1


def test_a_lot_item_without_lot_is_refused(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    task = counting.start_location(db, actor=crew.ann, plan_no=plan, location_raw=bin_scan(1))
    from tests.support.builders import gtin
    with pytest.raises(errors.LotRequired):
        counting.scan_unit(db, actor=crew.ann, task_id=task.task_id,
                           raw=f"]d201{gtin('0690000001001')}", scan_id="n")


def test_a_cycle_plan_picks_locations_by_rule(db, world):
    """Never-counted locations holding class-C stock are due; the pick-error SQL runs."""
    from medwms.counting import plans
    from medwms.counting.rules import CycleRule
    _store, crew = world
    made = plans.create_plan(db, actor=crew.max, warehouse="WH1", kind="CYCLE",
                             cycle=CycleRule(abc_due=("C",), pick_error_days=30))
    assert made.locations == 3  # bins 1–3 hold stock; bin 4 is empty
    with pytest.raises(errors.NothingToCount):
        plans.create_plan(db, actor=crew.max, warehouse="WH1", kind="CYCLE",
                          cycle=CycleRule(variance_days=30))
