"""Twenty scanners race for the last unit: exactly one wins (PostgreSQL and SQLite)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import create_engine, select, text

from medwms.auth.rules import SYSTEM
from medwms.core.errors import InsufficientStock
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Stock
from medwms.ledger.verify import verify
from tests.support.builders import make_item, make_lot, make_site


def test_twenty_threads_take_the_last_unit_exactly_once(db):
    with db.unit_of_work() as uow:
        site = make_site(uow.session)
        item = make_item(uow.session)
        lot = make_lot(uow.session, item)
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1", lines=[Line(
            kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
            quantity=1, to_location_id=site.locations[0].id, to_status="AVAILABLE")])
        uow.commit()
    pick = Line(kind="PICK", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
                quantity=1, from_location_id=site.locations[0].id, from_status="AVAILABLE",
                to_location_id=site.locations[1].id, to_status="AVAILABLE")
    start = threading.Barrier(20)
    outcomes: list[str] = []
    guard = threading.Lock()

    def scanner(n: int) -> None:
        start.wait()
        try:
            with db.unit_of_work() as uow:
                post(uow.session, actor=SYSTEM, doc_type="PICK", doc_no=f"P{n}", lines=[pick])
                uow.commit()
            result = "won"
        except InsufficientStock as refused:
            assert refused.code == "INSUFFICIENT_STOCK"
            result = "conflict"
        except Exception as unexpected:
            result = f"error: {unexpected!r}"
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=scanner, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["conflict"] * 19 + ["won"]
    with db.reading() as session:
        left = session.scalars(select(Stock.quantity).where(
            Stock.location_id == site.locations[0].id)).all()
        assert verify(session).ok
    assert left == []


def test_two_moves_into_a_balance_neither_found_both_add_to_it(db, world):
    """Two picks of one lot from two bins to one staging lane, where no row holds that lot
    yet: each finds nothing to lock, and the second must add to the row the first creates
    (it failed on the unique stock key, a 500 under load on PostgreSQL)."""
    site, item, lot = world
    with db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1", lines=[Line(
            kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
            quantity=2, to_location_id=where.id, to_status="AVAILABLE")
            for where in site.locations[:2]])
        uow.commit()
    staging = site.locations[2]

    def move(n: int) -> Line:
        return Line(kind="PICK", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
                    quantity=n, from_location_id=site.locations[n - 1].id,
                    from_status="AVAILABLE", to_location_id=staging.id, to_status="AVAILABLE")

    outcome: list[str] = []
    with db.unit_of_work() as first:
        post(first.session, actor=SYSTEM, doc_type="PICK", doc_no="P1", lines=[move(1)])

        def second() -> None:
            try:
                with db.unit_of_work() as uow:
                    post(uow.session, actor=SYSTEM, doc_type="PICK", doc_no="P2",
                         lines=[move(2)])
                    uow.commit()
                outcome.append("posted")
            except Exception as error:
                outcome.append(repr(error))

        thread = threading.Thread(target=second)
        thread.start()
        _until_waiting(db, thread)  # the second is at its insert of the new balance
        first.commit()
    thread.join(30)
    assert outcome == ["posted"]
    with db.reading() as s:
        at_staging = s.scalars(select(Stock.quantity).where(
            Stock.location_id == staging.id)).all()
        assert verify(s).ok
    assert at_staging == [3]


def _until_waiting(db, thread: threading.Thread) -> None:
    """On PostgreSQL, until another session waits on a lock; on SQLite (one writer at a
    time) until the thread has queued behind us."""
    if db.dialect != "postgresql":
        thread.join(0.3)
        return
    watcher = create_engine(db.engine.url)
    try:
        deadline = time.monotonic() + 10
        with watcher.connect() as conn:
            while time.monotonic() < deadline:
                if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE "
                                     "wait_event_type = 'Lock' AND datname = current_database()")
                                ).scalar():
                    return
                time.sleep(0.02)
        raise AssertionError("the second post never waited on the first")
    finally:
        watcher.dispose()
