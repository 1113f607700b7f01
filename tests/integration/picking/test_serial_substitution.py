"""Another serial of the allocated lot at picking: taken and recorded where the rules allow it
(the order does not name the serial, the warehouse substitutes serials), refused elsewhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from medwms.core.errors import DomainError
from medwms.ledger.tables import Movement, SerialUnit
from medwms.ledger.verify import verify
from medwms.orders.tables import Allocation, OrderLine
from medwms.picking import picks
from medwms.picking.tables import Pick
from tests.support.builders import NOW
from tests.support.picks import PACER_GTIN, at, counts, standard, unit
from tests.support.users import actor_of, make_user


@pytest.fixture
def picker(db):
    return actor_of(make_user(db, "pat", "picker"))


@pytest.fixture
def std(db):
    """PACER lot PL1: P1 and P2 allocated to SO-1 line 2 at A-02; P3 there too, free."""
    return standard(db)


def pick_pacer(db, actor, serial, *, scan_id="s1", substitution=True):
    return picks.pick_unit(db, actor=actor, wave_no="WAV-1", location_raw=at("A-02"),
                           raw=unit(PACER_GTIN, "PL1", serial), scan_id=scan_id, now=NOW,
                           serial_substitution=substitution)


def refused(db, actor, code, serial, **kwargs):
    before = counts(db)
    with pytest.raises(DomainError) as caught:
        pick_pacer(db, actor, serial, scan_id="refused", **kwargs)
    assert caught.value.code == code
    assert counts(db) == before
    return caught.value


def serial_id(db, serial):
    with db.reading() as s:
        return s.scalar(select(SerialUnit.id).where(SerialUnit.serial == serial))


def test_another_serial_of_the_lot_is_picked_in_place_of_the_allocated_one_and_recorded(
        db, std, picker):
    result = pick_pacer(db, picker, "P3")
    assert (result.serial, result.swapped_from_serial, result.swapped_from_lot) == \
        ("P3", "P1", None)
    assert [w["code"] for w in result.warnings] == ["SERIAL_SUBSTITUTED"]
    assert "P3" in result.warnings[0]["message_zh"] and "P1" in result.warnings[0]["message_en"]
    with db.reading() as s:
        row = s.scalars(select(Pick)).one()
        assert (row.serial_id, row.swapped_from_serial_id) == \
            (serial_id(db, "P3"), serial_id(db, "P1"))
        moved = s.scalars(select(Movement).where(Movement.kind == "PICK")).one()
        assert moved.reason == "SERIAL SWAP from P1"
        assert moved.serial_id == serial_id(db, "P3")
        allocated = set(s.scalars(select(Allocation.serial_id).where(
            Allocation.serial_id.is_not(None))))
        assert allocated == {serial_id(db, "P3"), serial_id(db, "P2")}
        assert verify(s).ok


def test_a_replayed_substitution_answers_the_same_serial_and_warning(db, std, picker):
    first = pick_pacer(db, picker, "P3", scan_id="same")
    again = pick_pacer(db, picker, "P3", scan_id="same")
    assert again.replayed and again.swapped_from_serial == first.swapped_from_serial == "P1"
    assert again.warnings == first.warnings
    assert counts(db).picks == 1


def test_the_allocated_serial_is_picked_without_a_substitution(db, std, picker):
    result = pick_pacer(db, picker, "P2")
    assert result.swapped_from_serial is None and result.warnings == ()
    with db.reading() as s:
        assert s.scalars(select(Pick.swapped_from_serial_id)).one() is None
        assert s.scalars(select(Movement.reason).where(Movement.kind == "PICK")).one() == ""


def test_without_serial_substitution_another_serial_is_refused_naming_the_allocated_one(
        db, std, picker):
    error = refused(db, picker, "ALLOCATED_SERIAL", "P3", substitution=False)
    assert (error.fields["serial"], error.fields["expected"]) == ("P3", "P1")
    assert "P1" in error.message("zh-CN") and "P3" in error.message("en")
    assert pick_pacer(db, picker, "P1", substitution=False).swapped_from_serial is None


def test_a_serial_the_order_names_is_never_substituted(db, std, picker):
    with db.unit_of_work() as uow:
        uow.session.execute(update(OrderLine).where(OrderLine.line_no == 2).values(serial="P1"))
        uow.commit()
    error = refused(db, picker, "REQUIRED_SERIAL", "P3")
    assert (error.fields["serial"], error.fields["expected"]) == ("P3", "P1")
