"""post(): the only writer of stock — balances, refusals, rollback, hash chain."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.core.errors import InsufficientStock, NotFound
from medwms.ledger.errors import BadMovement, CrossWarehouseMovement, LocationBlocked
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Movement, Stock
from medwms.ledger.verify import verify
from tests.support.builders import NOW, make_serial, make_site
from tests.support.sealing import seal_all, sealed_report


def receive(site, item, lot, qty, loc=0, status="AVAILABLE"):
    return Line(kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
                quantity=qty, to_location_id=site.locations[loc].id, to_status=status)


def move(site, item, lot, qty, a, b, status="AVAILABLE"):
    return Line(kind="MOVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
                quantity=qty, from_location_id=site.locations[a].id, from_status=status,
                to_location_id=site.locations[b].id, to_status=status)


def balances(db: Database) -> dict[str, int]:
    with db.reading() as s:
        return {r.key: r.quantity for r in s.execute(select(Stock.key, Stock.quantity))}


def test_receive_then_move_keeps_balances_equal_to_movements(db, world, anchor):
    site, item, lot = world
    with db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 10)], now=NOW)
        post(uow.session, actor=SYSTEM, doc_type="MOV", doc_no="M1",
             lines=[move(site, item, lot, 4, 0, 1)], now=NOW)
        uow.commit()
    assert sorted(balances(db).values()) == [4, 6]
    with db.reading() as s:
        unsealed = verify(s)
    assert unsealed.ok, unsealed.problems
    assert (unsealed.movements, unsealed.unsealed_movements) == (0, 2)
    report = sealed_report(db, anchor)
    assert report.ok, report.problems
    assert (report.movements, report.unsealed_movements, report.checkpoints) == (2, 0, 1)


def test_a_move_that_empties_a_balance_removes_its_row(db, world):
    site, item, lot = world
    with db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 5), move(site, item, lot, 5, 0, 2)])
        uow.commit()
    assert list(balances(db).values()) == [5]


def test_driving_a_balance_negative_is_refused_and_nothing_is_written(db, world):
    site, item, lot = world
    with db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 3)])
        uow.commit()
    with pytest.raises(InsufficientStock) as refused, db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="MOV", doc_no="M1",
             lines=[move(site, item, lot, 2, 0, 1), move(site, item, lot, 2, 0, 2)])
        uow.commit()
    assert refused.value.fields["available"] == 3
    assert refused.value.fields["requested"] == 4
    assert "ITEM1" in refused.value.message("en")
    assert list(balances(db).values()) == [3]
    with db.reading() as s:
        assert s.scalar(select(Movement.id).where(Movement.doc_no == "M1")) is None


def test_a_status_change_is_a_movement(db, world):
    site, item, lot = world
    with db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 7, status="QUARANTINE")])
        post(uow.session, actor=SYSTEM, doc_type="QC", doc_no="Q1", lines=[Line(
            kind="STATUS", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id, quantity=7,
            from_location_id=site.locations[0].id, from_status="QUARANTINE",
            to_location_id=site.locations[0].id, to_status="AVAILABLE")])
        uow.commit()
    with db.reading() as s:
        statuses = s.scalars(select(Stock.status)).all()
        kinds = s.scalars(select(Movement.kind).order_by(Movement.seq)).all()
    assert statuses == ["AVAILABLE"]
    assert kinds == ["RECEIVE", "STATUS"]


def test_the_same_serial_cannot_be_in_stock_twice(db, world):
    site, item, lot = world
    with db.unit_of_work() as uow:
        unit = make_serial(uow.session, item, "SN1", lot)
        uow.commit()
    line = Line(kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
                serial_id=unit.id, quantity=1, to_location_id=site.locations[0].id,
                to_status="AVAILABLE")
    with pytest.raises(BadMovement), db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1", lines=[line, line])


@pytest.mark.parametrize("bad", [
    {"quantity": 0}, {"quantity": -2}, {"to_status": None}, {"to_status": "SOLD"},
    {"to_location_id": None, "to_status": None},
])
def test_malformed_lines_are_refused_with_the_line_number(db, world, bad):
    site, item, lot = world
    fields = dict(kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
                  quantity=1, to_location_id=site.locations[0].id, to_status="AVAILABLE")
    fields.update(bad)
    with pytest.raises(BadMovement) as refused, db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 1), Line(**fields)])
    assert refused.value.fields["line"] == 2


def test_unknown_and_blocked_locations_are_refused(db, world):
    site, item, lot = world
    with pytest.raises(NotFound), db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1", lines=[Line(
            kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
            quantity=1, to_location_id=99999, to_status="AVAILABLE")])
    with db.unit_of_work() as uow:
        uow.session.merge(site.locations[1]).blocked = True
        uow.commit()
    with pytest.raises(LocationBlocked), db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 1, loc=1)])


def test_a_line_may_not_cross_warehouses(db, world):
    site, item, lot = world
    with db.unit_of_work() as uow:
        other = make_site(uow.session, "WH2", owner=uow.session.merge(site.owner))
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 2)])
        uow.commit()
    with pytest.raises(CrossWarehouseMovement), db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="MOV", doc_no="M1", lines=[Line(
            kind="MOVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id, quantity=1,
            from_location_id=site.locations[0].id, from_status="AVAILABLE",
            to_location_id=other.locations[0].id, to_status="AVAILABLE")])


def test_each_warehouse_has_its_own_chain(db, world, anchor):
    site, item, lot = world
    with db.unit_of_work() as uow:
        other = make_site(uow.session, "WH2", owner=uow.session.merge(site.owner))
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1", lines=[
            receive(site, item, lot, 2), receive(other, item, lot, 3),
            receive(site, item, lot, 4, loc=1)])
        uow.commit()
    assert sealed_report(db, anchor).ok
    with db.reading() as s:
        seqs = s.execute(select(Movement.warehouse_id, Movement.seq)
                         .order_by(Movement.id)).all()
    assert [seq for _, seq in seqs] == [1, 1, 2]


def test_a_thousand_line_document_posts_in_a_bounded_number_of_statements(db, world):
    site, item, lot = world
    lines = [receive(site, item, lot, 1, loc=i % 3) for i in range(1000)]
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    from sqlalchemy import event
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.unit_of_work() as uow:
            post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="BIG", lines=lines)
            uow.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) < 40
    assert sum(balances(db).values()) == 1000


def test_tampering_with_a_movement_is_found_and_named(db, world, anchor):
    site, item, lot = world
    with db.unit_of_work() as uow:
        for n in range(3):
            post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no=f"R{n}",
                 lines=[receive(site, item, lot, 5)])
        uow.commit()
    seal_all(db, anchor)
    with db.engine.begin() as conn:
        victim = conn.execute(text("SELECT id FROM movement WHERE seq = 2")).scalar_one()
        conn.execute(text("UPDATE movement SET quantity = 50 WHERE seq = 2"))
        conn.execute(text("UPDATE stock SET quantity = 60"))
    with db.reading() as s:
        report = verify(s)
    assert not report.ok
    assert any(f"movement (warehouse {site.warehouse.id}) id={victim} seq=2" in p
               and "altered" in p for p in report.problems)


def test_a_balance_edited_by_hand_is_found(db, world):
    site, item, lot = world
    with db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 5)])
        uow.commit()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE stock SET quantity = 6"))
    with db.reading() as s:
        report = verify(s)
    assert any("quantity 6 but its movements sum to 5" in p for p in report.problems)


def test_deleting_the_last_movement_is_found(db, world, anchor):
    site, item, lot = world
    with db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 5), receive(site, item, lot, 1, loc=1)])
        uow.commit()
    seal_all(db, anchor)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM movement WHERE seq = 2"))
        conn.execute(text("DELETE FROM stock WHERE quantity = 1"))
    with db.reading() as s:
        report = verify(s)
    assert any("chain head" in p for p in report.problems)


def test_packing_loose_units_into_a_handling_unit_at_the_same_place(db, world):
    from medwms.ledger.tables import HandlingUnit

    site, item, lot = world
    with db.unit_of_work() as uow:
        box = HandlingUnit(sscc="069012340000000017", warehouse_id=site.warehouse.id,
                           created_at=NOW)
        uow.session.add(box)
        uow.session.flush()
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1",
             lines=[receive(site, item, lot, 5)])
        post(uow.session, actor=SYSTEM, doc_type="SHP", doc_no="S1", lines=[Line(
            kind="MOVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id, quantity=3,
            from_location_id=site.locations[0].id, from_status="AVAILABLE",
            to_location_id=site.locations[0].id, to_status="AVAILABLE", to_hu_id=box.id)])
        uow.commit()
    with db.reading() as s:
        rows = sorted((r.hu_id is not None, r.quantity)
                      for r in s.execute(select(Stock.hu_id, Stock.quantity)))
        assert verify(s).ok
    assert rows == [(False, 2), (True, 3)]
