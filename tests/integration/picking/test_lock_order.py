"""One lock order everywhere: picks out of a bin and putaways into the same bin and lot,
at the same time, never deadlock, and every unit is where the ledger says it is."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import select

from medwms.core.errors import DomainError
from medwms.ledger.tables import Stock
from medwms.ledger.verify import verify
from medwms.picking import picks
from medwms.putaway import service as putaway
from tests.support.picks import STENT_GTIN, at, standard, unit
from tests.support.putaway import receive
from tests.support.users import actor_of, make_user

ROUNDS = 12


def test_concurrent_picks_and_putaways_into_one_bin_and_lot_never_deadlock(db):
    std = standard(db)
    floor = std.floor
    with db.unit_of_work() as uow:
        s = uow.session
        receive(s, floor.yard, floor.items["STENT"], s.merge(floor.lots["L1"]), ROUNDS)
        uow.commit()
    picker = actor_of(make_user(db, "pat", "picker"))
    manager = actor_of(make_user(db, "max", "manager"))
    start = threading.Barrier(2)
    failures: list[BaseException] = []
    done: list[str] = []

    def picking() -> None:
        start.wait()
        for n in range(5):
            try:
                picks.pick_unit(db, actor=picker, wave_no="WAV-1", location_raw=at("A-01"),
                                raw=unit(STENT_GTIN, "L1"), scan_id=f"p{n}",
                                now=datetime.now(UTC))
                done.append("pick")
            except (DomainError, Exception) as error:
                failures.append(error)

    def putting_away() -> None:
        start.wait()
        for _ in range(ROUNDS):
            try:
                putaway.confirm(db, actor=manager, location_raw=at("A-01"),
                                raw=unit(STENT_GTIN, "L1"), quantity=1,
                                override_reason="lock-order test")
                done.append("putaway")
            except (DomainError, Exception) as error:
                failures.append(error)

    threads = [threading.Thread(target=picking), threading.Thread(target=putting_away)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert sorted(done) == ["pick"] * 5 + ["putaway"] * ROUNDS
    with db.reading() as s:
        at_bin = s.scalar(select(Stock.quantity).where(
            Stock.location_id == floor.loc("A-01").id, Stock.lot_id == floor.lots["L1"].id,
            Stock.status == "AVAILABLE"))
        assert verify(s).ok
    assert at_bin == 10 - 5 + ROUNDS
