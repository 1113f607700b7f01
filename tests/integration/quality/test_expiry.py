"""The expiry job: locks yesterday's lot and not today's, once however often it runs, and
allocation never takes what it locked; the red-area task list and the near-expiry list."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from medwms.core.errors import PermissionDenied
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from medwms.orders import allocation, orders
from medwms.quality import expiry_queries
from medwms.quality.expiry import lock_expired, move_to_nonconforming
from medwms.quality.expiry_job import ExpiryLocker
from medwms.quality.stock_errors import NotExpiredStock, NotRedLocation
from tests.support.nonconforming import balances, movements, put, quality_floor
from tests.support.picking import MANAGER, PICKER, sale, stent

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 16:00 on 25 November in Shanghai
YESTERDAY, TODAY = date(2026, 11, 24), date(2026, 11, 25)


@pytest.fixture
def q(db):
    return quality_floor(db)


def test_the_job_locks_yesterdays_lot_and_not_todays(db, q):
    put(db, q, "OLD", YESTERDAY, 5, at="A-01")
    put(db, q, "LAST", TODAY, 4, at="A-02")
    put(db, q, "QC", YESTERDAY, 2, at="Q-01", status="QUARANTINE")
    run = lock_expired(db, actor=MANAGER, now=NOW)
    assert run.doc_no.startswith("EXP-") and run.quantity == 7
    assert sorted((u.lot, u.from_status, u.quantity) for u in run.locked) == [
        ("OLD", "AVAILABLE", 5), ("QC", "QUARANTINE", 2)]
    assert balances(db) == {("OLD", "WH1-A-01", "EXPIRED"): 5,
                            ("LAST", "WH1-A-02", "AVAILABLE"): 4,
                            ("QC", "WH1-Q-01", "EXPIRED"): 2}
    with db.reading() as s:
        moved = s.scalars(select(Movement).where(Movement.kind == "STATUS")).all()
        assert {m.reason for m in moved} == {"expired on 2026-11-24: locked by the expiry job"}
        assert {m.doc_type for m in moved} == {"EXPIRY"}
        assert verify(s).ok


def test_running_twice_locks_once(db, q):
    put(db, q, "OLD", YESTERDAY, 5)
    first = lock_expired(db, actor=MANAGER, now=NOW)
    again = lock_expired(db, actor=MANAGER, now=NOW)
    assert first.quantity == 5 and again.locked == [] and again.doc_no == ""
    assert movements(db, "STATUS") == 1
    with db.reading() as s:
        assert verify(s).ok


def test_todays_lot_is_locked_after_midnight_in_the_warehouse(db, q):
    put(db, q, "LAST", TODAY, 4)
    assert lock_expired(db, actor=MANAGER, now=datetime(2026, 11, 25, 15, 59,
                                                        tzinfo=UTC)).locked == []
    run = lock_expired(db, actor=MANAGER, now=datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    assert [(u.lot, u.quantity) for u in run.locked] == [("LAST", 4)]


def test_held_stock_expires_and_recalled_stock_stays_recalled(db, q):
    put(db, q, "HELD", YESTERDAY, 3, status="HOLD")
    put(db, q, "RC", YESTERDAY, 2, at="A-02", status="RECALLED")
    put(db, q, "RED", YESTERDAY, 1, at="A-03", status="REJECTED")
    lock_expired(db, actor=MANAGER, now=NOW)
    assert balances(db) == {("HELD", "WH1-A-01", "EXPIRED"): 3,
                            ("RC", "WH1-A-02", "RECALLED"): 2,
                            ("RED", "WH1-A-03", "REJECTED"): 1}


def test_allocation_refuses_the_stock_the_job_locked(db, q):
    put(db, q, "OLD", YESTERDAY, 5)
    lock_expired(db, actor=MANAGER, now=NOW)
    orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(5), order_no="SO-1"))
    done = allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    assert done.lines[0].allocations == [] and done.lines[0].allocated_qty == 0


def test_only_someone_who_changes_stock_status_runs_the_job(db, q):
    with pytest.raises(PermissionDenied):
        lock_expired(db, actor=PICKER, now=NOW)


def test_the_background_job_locks_without_anyone_acting(db, q):
    put(db, q, "OLD", date(2020, 1, 1), 5)
    assert ExpiryLocker(db).run_once() == 5
    assert ExpiryLocker(db).run_once() == 0


def test_locked_stock_is_a_task_to_move_it_to_the_red_area(db, q):
    put(db, q, "OLD", YESTERDAY, 5)
    lock_expired(db, actor=MANAGER, now=NOW)
    with db.reading() as s:
        [task] = expiry_queries.expired_to_move(s, now=NOW)
        assert (task.lot, task.location, task.quantity, task.days_left) == (
            "OLD", "WH1-A-01", 5, -1)
        assert expiry_queries.red_location_codes(s) == [q.red]
    move_to_nonconforming(db, actor=MANAGER, stock_id=task.stock_id, to_location=q.red)
    assert balances(db) == {("OLD", "WH1-RED-01", "EXPIRED"): 5}
    with db.reading() as s:
        assert expiry_queries.expired_to_move(s, now=NOW) == []
        assert verify(s).ok


def test_the_move_goes_to_a_red_location_only_and_of_expired_stock_only(db, q):
    put(db, q, "OLD", YESTERDAY, 5)
    put(db, q, "GOOD", date(2028, 1, 1), 5, at="A-02")
    lock_expired(db, actor=MANAGER, now=NOW)
    with db.reading() as s:
        [task] = expiry_queries.expired_to_move(s, now=NOW)
        [good] = expiry_queries.near_expiry_stock(s, now=NOW, days=5000)
    with pytest.raises(NotRedLocation):
        move_to_nonconforming(db, actor=MANAGER, stock_id=task.stock_id, to_location="WH1-A-03")
    with pytest.raises(NotExpiredStock):
        move_to_nonconforming(db, actor=MANAGER, stock_id=good.stock_id, to_location=q.red)
    assert movements(db, "MOVE") == 0


def test_the_near_expiry_list_shows_lots_within_the_warning_days(db, q):
    put(db, q, "SOON", date(2027, 5, 24), 3)  # 180 days after 25 November 2026
    put(db, q, "LATER", date(2027, 5, 25), 3, at="A-02")
    put(db, q, "OLD", YESTERDAY, 1, at="A-03")
    with db.reading() as s:
        found = expiry_queries.near_expiry_stock(s, now=NOW, days=180)
    assert [(f.lot, f.days_left) for f in found] == [("SOON", 180)]


def test_two_runs_at_the_same_moment_lock_each_unit_once(db, q):
    put(db, q, "OLD", YESTERDAY, 5, at="A-01")
    put(db, q, "OLD", YESTERDAY, 3, at="A-02")
    start = threading.Barrier(2)
    runs: list[int] = []

    def run() -> None:
        start.wait()
        runs.append(lock_expired(db, actor=MANAGER, now=NOW).quantity)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(runs) == [0, 8]
    assert balances(db) == {("OLD", "WH1-A-01", "EXPIRED"): 5, ("OLD", "WH1-A-02", "EXPIRED"): 3}
    with db.reading() as s:
        assert verify(s).ok
