"""Twenty scanners race for the last unit: exactly one wins (PostgreSQL and SQLite)."""

from __future__ import annotations

import threading

from sqlalchemy import select

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
