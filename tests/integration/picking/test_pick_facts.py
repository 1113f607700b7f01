"""The pick's facts read in one joined statement (allocations with the stock rows they
change) or, when the join cannot hold every allocation, in the two statements it joins:
both read the same facts."""

from __future__ import annotations

from sqlalchemy import select

from medwms.masterdata.tables import Owner
from medwms.orders.tables import Allocation, Wave
from medwms.picking import picks
from tests.support.builders import NOW
from tests.support.picks import STENT_GTIN, at, order, order_line, standard, unit
from tests.support.statements import count_statements
from tests.support.users import actor_of, make_user


def test_an_allocation_without_the_scanned_stock_is_still_among_the_facts(db):
    std = standard(db)
    floor = std.floor
    with db.unit_of_work() as uow:  # another owner's allocation of L1 at A-01, no stock of it
        s = uow.session
        other = Owner(code="OTHER", name="Another owner")
        s.add(other)
        s.flush()
        made = s.scalars(select(Wave).where(Wave.wave_no == "WAV-1")).one()
        line = order_line(s, floor, order(s, floor, "SO-2", made), 1, "STENT", 2)
        s.add(Allocation(order_line_id=line.id, wave_id=made.id, owner_id=other.id,
                         item_id=line.item_id, lot_id=floor.lots["L1"].id,
                         location_id=floor.loc("A-01").id, quantity=2, created_at=NOW))
        uow.commit()
    pat = actor_of(make_user(db, "pat", "picker"))
    with count_statements(db) as seen:
        result = picks.pick_unit(db, actor=pat, wave_no="WAV-1", location_raw=at("A-01"),
                                 raw=unit(STENT_GTIN, "L1"), scan_id="a")
    assert (result.order_no, result.location_remaining) == ("SO-1", 6)
    # the join held one allocation of two: the stock rows were read apart
    assert any(sql.startswith("SELECT stock.id") for sql in seen.sql), seen.report()
