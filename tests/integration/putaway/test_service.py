"""The putaway station service: suggest, confirm, override, and every refusal changes nothing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from medwms.auth.rules import Actor
from medwms.core.errors import NotFound, PermissionDenied
from medwms.ledger.tables import Lot, Movement, Stock
from medwms.ledger.verify import verify
from medwms.masterdata.tables import Item, Location
from medwms.putaway import errors, service
from medwms.putaway.selection import StockIdentity
from tests.support.builders import make_lot
from tests.support.putaway import (
    AMBIENT_GTIN,
    COLD_GTIN,
    ambient_item,
    cold_item,
    location_scan,
    make_yard,
    receive,
    unit_scan,
)
from tests.support.users import actor_of, make_user

AUDITOR = Actor(None, "abe", frozenset({"auditor"}))


@pytest.fixture
def people(db) -> SimpleNamespace:
    """A receiver (may move stock) and a manager (may also override)."""
    return SimpleNamespace(receiver=actor_of(make_user(db, "rita", "receiver")),
                           manager=actor_of(make_user(db, "mona", "manager")))


@pytest.fixture
def yard(db):
    """Ambient STENT lot L1 (10 AVAILABLE) and cold REAGENT lot C1 (4 AVAILABLE) at the dock."""
    with db.unit_of_work() as uow:
        s = uow.session
        built = make_yard(s)
        stent, reagent = ambient_item(s), cold_item(s)
        receive(s, built, stent, make_lot(s, stent, "L1"), 10)
        receive(s, built, reagent, make_lot(s, reagent, "C1"), 4)
        uow.commit()
    return built


def snapshot(db) -> tuple[int, list[tuple[str, int]]]:
    with db.reading() as s:
        count = s.scalar(select(func.count()).select_from(Movement))
        stock = sorted((row.key, row.quantity) for row in s.scalars(select(Stock)))
    return count, stock


def balances(db) -> dict[str, int]:
    with db.reading() as s:
        rows = s.execute(select(Location.code, Stock.status, func.sum(Stock.quantity))
                         .join(Location, Location.id == Stock.location_id)
                         .group_by(Location.code, Stock.status)).all()
    return {f"{code}:{status}": qty for code, status, qty in rows}


def test_the_suggestion_names_the_stock_and_the_nearest_fitting_location(db, yard, people):
    proposal = service.suggest(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"))
    assert (proposal.item, proposal.lot, proposal.quantity) == ("STENT", "L1", 10)
    assert (proposal.from_location, proposal.status) == ("WH1-DOCK-1", "AVAILABLE")
    assert proposal.suggested_location == "WH1-A-01"
    assert proposal.reason == "NEAREST_FREE" and proposal.item_range == "≤25 °C"


def test_a_cold_item_is_suggested_the_cold_room(db, yard, people):
    proposal = service.suggest(db, actor=people.receiver, raw=unit_scan(COLD_GTIN, "C1"))
    assert proposal.suggested_location == "WH1-C-01"


def test_confirming_the_suggested_location_posts_one_putaway(db, yard, people):
    done = service.confirm(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"),
                           location_raw=location_scan("A-01"))
    assert done.doc_no.startswith("PUT-") and done.movements == 1
    assert (done.to_location, done.quantity, done.overridden) == ("WH1-A-01", 10, False)
    with db.reading() as s:
        moved = s.scalars(select(Movement).where(Movement.doc_type == "PUT")).one()
        assert (moved.kind, moved.reason, moved.to_status) == ("PUTAWAY", "", "AVAILABLE")
        assert verify(s).ok
    assert balances(db)["WH1-A-01:AVAILABLE"] == 10


def test_a_partial_quantity_leaves_the_rest_at_the_dock_and_then_consolidates(db, yard, people):
    service.confirm(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"), quantity=4,
                    location_raw=location_scan("A-01"))
    proposal = service.suggest(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"))
    assert (proposal.quantity, proposal.suggested_location) == (6, "WH1-A-01")
    assert proposal.reason == "CONSOLIDATE"


def test_a_repeated_confirm_is_refused_not_moved_twice(db, yard, people):
    args = dict(actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"),
                location_raw=location_scan("A-01"))
    service.confirm(db, **args)
    before = snapshot(db)
    with pytest.raises(errors.NothingToPutAway):
        service.confirm(db, **args)
    assert snapshot(db) == before


def test_another_location_is_refused_without_a_reason(db, yard, people):
    before = snapshot(db)
    with pytest.raises(errors.LocationNotSuggested) as refused:
        service.confirm(db, actor=people.manager, raw=unit_scan(AMBIENT_GTIN, "L1"),
                        location_raw=location_scan("A-02"))
    assert refused.value.fields["suggested"] == "WH1-A-01"
    assert refused.value.fields["can_override"] is True
    assert snapshot(db) == before


def test_another_location_with_a_reason_needs_the_override_permission(db, yard, people):
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        service.confirm(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"),
                        location_raw=location_scan("A-02"), override_reason="A-01 is full")
    assert snapshot(db) == before


def test_an_override_with_permission_and_reason_is_recorded_in_the_movement(db, yard, people):
    done = service.confirm(db, actor=people.manager, raw=unit_scan(AMBIENT_GTIN, "L1"),
                           location_raw=location_scan("A-02"), override_reason="A-01 damaged")
    assert done.overridden and done.suggested_location == "WH1-A-01"
    with db.reading() as s:
        moved = s.scalars(select(Movement).where(Movement.doc_type == "PUT")).one()
        assert moved.reason == "OVERRIDE: A-01 damaged"


def test_a_temperature_mismatch_is_refused_even_with_an_override(db, yard, people):
    before = snapshot(db)
    with pytest.raises(errors.TemperatureMismatch) as refused:
        service.confirm(db, actor=people.manager, raw=unit_scan(COLD_GTIN, "C1"),
                        location_raw=location_scan("A-01"), override_reason="cold room full")
    message = refused.value.message("en")
    assert "WH1-A-01" in message and "15–25 °C" in message and "2–8 °C" in message
    assert "WH1-A-01" in refused.value.message("zh-CN")
    assert snapshot(db) == before


def test_quarantined_stock_is_refused_as_not_released_yet(db, yard, people):
    with db.unit_of_work() as uow:
        stent = uow.session.scalars(select(Item).where(Item.code == "STENT")).one()
        receive(uow.session, yard, stent, make_lot(uow.session, stent, "Q9"), 3,
                status="QUARANTINE")
        uow.commit()
    before = snapshot(db)
    with pytest.raises(errors.NotReleasedYet):
        service.suggest(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "Q9"))
    with pytest.raises(errors.NotReleasedYet):
        service.confirm(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "Q9"),
                        location_raw=location_scan("A-01"))
    assert snapshot(db) == before


def rejected_stent(db, yard) -> None:
    with db.unit_of_work() as uow:
        stent = uow.session.scalars(select(Item).where(Item.code == "STENT")).one()
        receive(uow.session, yard, stent, make_lot(uow.session, stent, "BAD"), 2,
                status="REJECTED")
        uow.commit()


def test_rejected_stock_goes_to_the_red_zone_and_nowhere_else(db, yard, people):
    rejected_stent(db, yard)
    scan = unit_scan(AMBIENT_GTIN, "BAD")
    assert service.suggest(db, actor=people.receiver, raw=scan).suggested_location == "WH1-R-01"
    with pytest.raises(errors.RejectedNeedsRedZone):
        service.confirm(db, actor=people.manager, raw=scan, location_raw=location_scan("A-01"),
                        override_reason="no room")
    done = service.confirm(db, actor=people.receiver, raw=scan, location_raw=location_scan("R-01"))
    assert (done.status, done.to_location) == ("REJECTED", "WH1-R-01")


def test_a_blocked_or_full_location_is_refused_with_its_own_code(db, yard, people):
    with db.unit_of_work() as uow:
        uow.session.merge(yard.loc("A-02")).blocked = True
        uow.session.merge(yard.loc("A-01")).capacity = 5
        uow.session.merge(yard.loc("C-01")).capacity = 5
        uow.commit()
    scan = unit_scan(AMBIENT_GTIN, "L1")
    with pytest.raises(errors.PutawayLocationBlocked):
        service.confirm(db, actor=people.manager, raw=scan, location_raw=location_scan("A-02"),
                        override_reason="x")
    with pytest.raises(errors.OverCapacity) as refused:
        service.confirm(db, actor=people.manager, raw=scan, location_raw=location_scan("A-01"),
                        override_reason="x")
    assert refused.value.fields["capacity"] == 5
    with pytest.raises(errors.NoLocationFits) as nothing:
        service.suggest(db, actor=people.receiver, raw=scan)
    assert "LOCATION_BLOCKED" in nothing.value.fields["why"]  # the codes stay in the fields
    assert "blocked ×1" in nothing.value.message("en")
    assert "库位已锁定 ×1" in nothing.value.message("zh-CN")


def test_a_dock_or_another_warehouse_is_refused(db, yard, people):
    scan = unit_scan(AMBIENT_GTIN, "L1")
    with pytest.raises(errors.NotStorageZone):
        service.confirm(db, actor=people.manager, raw=scan, location_raw=location_scan("DOCK-1"),
                        override_reason="x")
    with db.unit_of_work() as uow:
        make_yard(uow.session, "WH2")
        uow.commit()
    with pytest.raises(errors.OtherWarehouse):
        service.confirm(db, actor=people.manager, raw=scan, location_raw="#L:WH2-A-01",
                        override_reason="x")


def test_scans_in_the_wrong_field_have_their_own_codes(db, yard, people):
    before = snapshot(db)
    with pytest.raises(errors.LocationScannedForUnit):
        service.suggest(db, actor=people.receiver, raw=location_scan("A-01"))
    with pytest.raises(errors.UnitScannedForLocation):
        service.confirm(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"),
                        location_raw=unit_scan(AMBIENT_GTIN, "L1"))
    with pytest.raises(errors.NotALocation):
        service.confirm(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"),
                        location_raw="#D:RCV-1")
    with pytest.raises(NotFound):
        service.confirm(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"),
                        location_raw="#L:NOWHERE")
    assert snapshot(db) == before


def test_a_typed_location_code_is_accepted(db, yard, people):
    done = service.confirm(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"),
                           location_raw="wh1-a-01")
    assert done.to_location == "WH1-A-01"


def test_a_quantity_above_the_dock_balance_is_refused(db, yard, people):
    with pytest.raises(errors.QuantityTooLarge):
        service.suggest(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "L1"), quantity=11)


def test_a_lot_split_between_available_and_rejected_must_be_named(db, yard, people):
    with db.unit_of_work() as uow:
        stent = uow.session.scalars(select(Item).where(Item.code == "STENT")).one()
        lot = uow.session.scalars(select(Lot)
                                  .where(Lot.lot_no == "L1")).one()
        receive(uow.session, yard, stent, lot, 2, status="REJECTED")
        uow.commit()
    scan = unit_scan(AMBIENT_GTIN, "L1")
    with pytest.raises(errors.StockAmbiguous):
        service.suggest(db, actor=people.receiver, raw=scan)
    named = StockIdentity(status="REJECTED")
    assert service.suggest(db, actor=people.receiver, raw=scan, identity=named).quantity == 2


def test_stock_can_be_named_by_codes_instead_of_a_scan(db, yard, people):
    identity = StockIdentity(item="stent", lot="L1", from_location="WH1-DOCK-1")
    done = service.confirm(db, actor=people.receiver, identity=identity,
                           location_raw=location_scan("A-01"))
    assert done.quantity == 10


def test_a_handling_unit_moves_whole_and_keeps_its_sscc(db, yard, people):
    with db.unit_of_work() as uow:
        stent = uow.session.scalars(select(Item).where(Item.code == "STENT")).one()
        receive(uow.session, yard, stent, make_lot(uow.session, stent, "H1"), 6,
                sscc="106141411234567897")
        uow.commit()
    done = service.confirm(db, actor=people.receiver, raw="]C100106141411234567897",
                           location_raw=location_scan("A-01"))
    assert (done.lot, done.quantity) == ("H1", 6)
    with db.reading() as s:
        moved = s.scalars(select(Movement).where(Movement.doc_type == "PUT")).one()
        assert moved.to_hu_id is not None and moved.to_hu_id == moved.from_hu_id


def test_a_serialised_unit_is_put_away_alone(db, yard, people):
    with db.unit_of_work() as uow:
        stent = uow.session.scalars(select(Item).where(Item.code == "STENT")).one()
        lot = make_lot(uow.session, stent, "S1")
        receive(uow.session, yard, stent, lot, 1, serial="SN1")
        receive(uow.session, yard, stent, lot, 1, serial="SN2")
        uow.commit()
    proposal = service.suggest(db, actor=people.receiver, raw=unit_scan(AMBIENT_GTIN, "S1", "SN2"))
    assert (proposal.quantity, proposal.serial) == (1, "SN2")


def test_someone_without_stock_move_may_not_put_away(db, yard, people):
    with pytest.raises(PermissionDenied):
        service.suggest(db, actor=AUDITOR, raw=unit_scan(AMBIENT_GTIN, "L1"))
