"""Property: any sequence of posts, moves and status changes keeps the ledger consistent."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from medwms.auth.rules import SYSTEM
from medwms.core.errors import InsufficientStock
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Stock
from medwms.ledger.verify import verify
from tests.support.builders import make_item, make_lot, make_site
from tests.support.databases import empty_all_tables

STATUSES = ["QUARANTINE", "AVAILABLE", "HOLD"]

steps = st.lists(st.tuples(
    st.sampled_from(["receive", "move", "status", "ship"]),
    st.integers(0, 2), st.integers(0, 2),          # from / to location index
    st.integers(0, 2), st.integers(0, 2),          # from / to status index
    st.integers(0, 1),                             # lot index
    st.integers(1, 12),                            # quantity
), min_size=1, max_size=25)


def line_for(step, site, item, lots) -> Line:
    action, a, b, s1, s2, lot, qty = step
    common = dict(owner_id=site.owner.id, item_id=item.id, lot_id=lots[lot].id, quantity=qty)
    source = dict(from_location_id=site.locations[a].id, from_status=STATUSES[s1])
    target = dict(to_location_id=site.locations[b].id, to_status=STATUSES[s2])
    if action == "receive":
        return Line(kind="RECEIVE", **common, **target)
    if action == "ship":
        return Line(kind="SHIP", **common, **source)
    if action == "status":
        return Line(kind="STATUS", **common, **source, to_location_id=site.locations[a].id,
                    to_status=STATUSES[(s1 + 1) % 3])
    return Line(kind="MOVE", **common, **source, to_location_id=site.locations[(a + 1) % 3].id,
                to_status=STATUSES[s1])


@pytest.mark.parametrize("examples", [40])
def test_random_sequences_keep_stock_equal_to_movements_and_never_negative(database, examples):
    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(steps)
    def run(sequence):
        empty_all_tables(database)
        with database.unit_of_work() as uow:
            site = make_site(uow.session)
            item = make_item(uow.session)
            lots = [make_lot(uow.session, item, "L1"), make_lot(uow.session, item, "L2")]
            uow.commit()
        expected: dict[str, int] = {}
        for step in sequence:
            line = line_for(step, site, item, lots)
            try:
                with database.unit_of_work() as uow:
                    post(uow.session, actor=SYSTEM, doc_type="T", doc_no="T", lines=[line])
                    uow.commit()
            except InsufficientStock:
                assert expected.get(line.source.text, 0) < line.quantity
                continue
            if line.source:
                expected[line.source.text] -= line.quantity
            if line.target:
                expected[line.target.text] = expected.get(line.target.text, 0) + line.quantity
        with database.reading() as session:
            actual = {k: q for k, q in session.execute(select(Stock.key, Stock.quantity))}
            report = verify(session)
        assert report.ok, report.problems
        assert all(q > 0 for q in actual.values())
        assert actual == {k: q for k, q in expected.items() if q}

    try:
        run()
    finally:
        empty_all_tables(database)
