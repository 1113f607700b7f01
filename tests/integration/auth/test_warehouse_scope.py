"""A user's roles apply to chosen warehouses: set by an administrator, audited, carried by
the actor a token stands for, and checked by the guard."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from medwms.auth import guard, queries, service, sessions, signin
from medwms.auth.errors import UnknownWarehouse
from medwms.auth.rules import SYSTEM, Actor, Perm
from medwms.config import load_settings
from medwms.core.db import Database
from medwms.core.errors import PermissionDenied, WarehouseOutOfScope
from medwms.masterdata.tables import Location, Warehouse, Zone
from tests.support.builders import make_site
from tests.support.users import PASSWORD, actor_of, make_user


@pytest.fixture
def two_warehouses(db: Database) -> dict[str, int]:
    with db.unit_of_work() as uow:
        ids = {code: make_site(uow.session, code).warehouse.id for code in ("BJ1", "SH1")}
        uow.commit()
    return ids


def test_a_scoped_user_acts_only_in_their_warehouses(db, two_warehouses):
    make_user(db, "rita", "receiver")
    view = service.set_warehouses(db, actor=SYSTEM, username="rita", warehouses=["SH1"],
                                  reason="works in Shanghai")
    assert view.warehouses == ("SH1",)
    rita = actor_of(view, db)
    assert rita.warehouses == frozenset({two_warehouses["SH1"]})
    guard.require(rita, Perm.RECEIVE, warehouse_id=two_warehouses["SH1"])
    with pytest.raises(WarehouseOutOfScope) as refused:
        guard.require(rita, Perm.RECEIVE, warehouse_id=two_warehouses["BJ1"], warehouse="BJ1")
    assert refused.value.code == "WAREHOUSE_NOT_IN_SCOPE"
    assert "BJ1" in refused.value.message("en") and "BJ1" in refused.value.message("zh-CN")
    with pytest.raises(PermissionDenied):
        guard.require(rita, Perm.INSPECT, warehouse_id=two_warehouses["SH1"])


def test_the_scope_filter_keeps_a_list_to_the_users_warehouses(db, two_warehouses):
    make_user(db, "rita", "receiver")
    rita = actor_of(service.set_warehouses(db, actor=SYSTEM, username="rita",
                                           warehouses=["BJ1"]), db)
    with db.reading() as s:
        seen = s.scalars(select(Warehouse.code).where(
            guard.scope_filter(rita, Warehouse.id))).all()
        everything = s.scalars(select(Warehouse.code).where(
            guard.scope_filter(SYSTEM, Warehouse.id)).order_by(Warehouse.code)).all()
    assert seen == ["BJ1"]
    assert everything == ["BJ1", "SH1"]


def test_an_empty_scope_means_every_warehouse_and_each_change_is_audited(db, two_warehouses):
    make_user(db, "rita", "receiver")
    service.set_warehouses(db, actor=SYSTEM, username="rita", warehouses=["BJ1", "SH1"])
    view = service.set_warehouses(db, actor=SYSTEM, username="rita", warehouses=[],
                                  reason="moved to head office")
    assert view.warehouses == ()
    assert actor_of(view, db).warehouses is None
    with db.reading() as s:
        trail = queries.audit_trail(s, actor=SYSTEM, entity="user", entity_key="rita")
    latest = trail[0]
    assert latest.action == "user.warehouses"
    assert latest.before["warehouses"] == ["BJ1", "SH1"]
    assert latest.after["warehouses"] == "all"
    assert latest.reason == "moved to head office"


def test_an_unknown_warehouse_is_refused_and_nothing_changes(db, two_warehouses):
    make_user(db, "rita", "receiver")
    service.set_warehouses(db, actor=SYSTEM, username="rita", warehouses=["BJ1"])
    with pytest.raises(UnknownWarehouse) as refused:
        service.set_warehouses(db, actor=SYSTEM, username="rita", warehouses=["SH1", "XX9"])
    assert refused.value.problems[0].value == "XX9"
    with db.reading() as s:
        assert queries.warehouse_codes_of(s, queries.find_user(s, "rita").id) == ("BJ1",)


def test_only_a_manager_of_users_sets_a_scope(db, two_warehouses):
    make_user(db, "rita", "receiver")
    boss = actor_of(make_user(db, "boss", "manager"))
    with pytest.raises(PermissionDenied):
        service.set_warehouses(db, actor=boss, username="rita", warehouses=["BJ1"])


def test_the_token_carries_the_scope(db, two_warehouses):
    make_user(db, "rita", "receiver")
    service.set_warehouses(db, actor=SYSTEM, username="rita", warehouses=["SH1"])
    settings = load_settings(database_url="sqlite://")
    token = signin.login(db, settings=settings, username="rita", password=PASSWORD)
    with db.reading() as s:
        actor = sessions.actor_from_token(s, settings, token.access_token)
    assert actor.warehouses == frozenset({two_warehouses["SH1"]})


def test_a_scoped_reading_keeps_every_placed_table_to_the_users_warehouses(db, two_warehouses):
    rita = Actor(user_id=None, username="rita", roles=frozenset({"receiver"}),
                 warehouses=frozenset({two_warehouses["BJ1"]}))
    with guard.reading_as(db, rita) as s:
        codes = s.scalars(select(Location.code).order_by(Location.code)).all()
        joined = s.scalars(select(Location.code).join(Zone, Zone.id == Location.zone_id)
                           .join(Warehouse, Warehouse.id == Zone.warehouse_id)).all()
        one = s.scalars(select(Location).where(Location.code == "SH1-A-01")).one_or_none()
        counted = s.scalar(select(func.count()).select_from(Location))
    with guard.reading_as(db, SYSTEM) as s:
        every = s.scalar(select(func.count()).select_from(Location))
    with db.reading() as s:
        unscoped = s.scalar(select(func.count()).select_from(Location))
    assert codes == ["BJ1-A-01", "BJ1-A-02", "BJ1-A-03"]
    assert sorted(joined) == codes
    assert one is None and counted == 3 and every == unscoped == 6


def test_a_document_is_out_of_sight_when_none_of_its_warehouses_is_in_scope():
    rita = Actor(user_id=None, username="rita", roles=frozenset({"receiver"}),
                 warehouses=frozenset({1}))
    assert guard.out_of_sight(rita, 2) and guard.out_of_sight(rita, 2, None)
    assert not guard.out_of_sight(rita, 1, None) and not guard.out_of_sight(rita, 2, 1)
    assert not guard.out_of_sight(rita, None) and not guard.out_of_sight(SYSTEM, 2)


def test_every_table_placed_in_a_warehouse_is_filtered_by_a_scoped_reading():
    import medwms.schema  # noqa: F401  (every feature's tables)
    from medwms.auth.tables import UserWarehouse
    from medwms.core.db import Base

    placed = set(guard.placed_models())
    with_warehouse = {mapper.class_ for mapper in Base.registry.mappers
                      if "warehouse_id" in mapper.columns} - {UserWarehouse}
    assert with_warehouse - placed == set(), "declare them with guard.in_warehouse(…)"
