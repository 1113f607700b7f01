"""The demo data set: what it promises, that the ledger verifies, and that it loads once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, func, select, update

from medwms.auth.passwords import password_matches
from medwms.auth.rules import SYSTEM, Role
from medwms.auth.tables import User, UserRole
from medwms.barcode.checkdigit import has_valid_check_digit
from medwms.core.db import Database
from medwms.demo import load_demo
from medwms.ledger.tables import Lot, Movement, Status, Stock
from medwms.masterdata.tables import Item, Location, Packaging, Partner, Warehouse, Zone
from tests.support.demo import NOW, TODAY
from tests.support.sealing import sealed_report


def count(db: Database, table: type) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(table)) or 0


def test_the_demo_has_two_warehouses_about_fifty_items_and_every_zone_kind(demo):
    db, summary = demo
    assert summary.already_loaded is False
    assert count(db, Warehouse) == 2
    assert 45 <= count(db, Item) <= 60
    with db.reading() as s:
        kinds = {(w, k) for w, k in s.execute(select(Zone.warehouse_id, Zone.kind))}
        located = s.execute(select(Location.warehouse_id, func.count()).group_by(
            Location.warehouse_id)).all()
    for warehouse_id, _ in located:
        assert {k for w, k in kinds if w == warehouse_id} >= {
            "RECEIVING", "QUARANTINE", "STORAGE", "REJECTED", "RETURNS", "SHIPPING"}
    assert all(n >= 20 for _, n in located)
    assert summary.counts["items"] == count(db, Item)


def test_every_item_has_two_or_more_packaging_levels_with_valid_gtins(demo):
    db, _ = demo
    with db.reading() as s:
        levels = dict(s.execute(select(Packaging.item_id, func.count()).group_by(
            Packaging.item_id)).all())
        gtins = s.scalars(select(Packaging.gtin)).all()
        items = s.scalars(select(Item.id)).all()
    assert all(levels.get(item, 0) >= 2 for item in items)
    assert all(len(g) == 14 and has_valid_check_digit(g) for g in gtins)


def test_items_carry_chinese_registration_numbers_and_risk_classes(demo):
    db, _ = demo
    with db.reading() as s:
        items = s.execute(select(Item.registration_no, Item.risk_class, Item.tracking)).all()
    assert all(i.registration_no for i in items)
    assert any(i.registration_no.startswith("国械注准") for i in items)
    assert any(i.registration_no.startswith("国械注进") for i in items)
    assert {i.risk_class for i in items} >= {"II", "III"}
    assert {i.tracking for i in items} == {"LOT", "SERIAL", "LOT_SERIAL"}


def test_a_supplier_licence_expires_within_thirty_days(demo):
    db, _ = demo
    with db.reading() as s:
        expiries = s.scalars(select(Partner.licence_expiry).where(
            Partner.kind == "SUPPLIER")).all()
        hospitals = s.execute(select(Partner.min_remaining_days).where(
            Partner.kind == "CUSTOMER")).all()
        departments = count(db, Partner) - len(expiries) - len(hospitals)
    assert any(e is not None and TODAY < e <= TODAY + timedelta(days=30) for e in expiries)
    assert all(h.min_remaining_days >= 90 for h in hospitals)
    assert departments >= len(hospitals)


def test_reagent_stock_sits_in_a_two_to_eight_degree_zone(demo):
    db, _ = demo
    with db.reading() as s:
        rows = s.execute(select(Item.code, Zone.temp_min, Zone.temp_max, Stock.quantity)
                         .join(Item, Item.id == Stock.item_id)
                         .join(Location, Location.id == Stock.location_id)
                         .join(Zone, Zone.id == Location.zone_id)
                         .where(Item.temp_max == Decimal(8))).all()
    assert rows
    assert all((t_min, t_max) == (Decimal(2), Decimal(8)) for _, t_min, t_max, _ in rows)


def test_some_stock_waits_in_quarantine_in_the_quarantine_zone(demo):
    db, _ = demo
    with db.reading() as s:
        statuses = s.execute(select(Stock.status, Zone.kind)
                             .join(Location, Location.id == Stock.location_id)
                             .join(Zone, Zone.id == Location.zone_id).distinct()).all()
    assert (Status.QUARANTINE, "QUARANTINE") in statuses
    assert (Status.AVAILABLE, "STORAGE") in statuses
    assert {status for status, _ in statuses} == {Status.QUARANTINE, Status.AVAILABLE}


def test_lot_expiries_are_spread_and_none_has_expired(demo):
    db, _ = demo
    with db.reading() as s:
        expiries = s.scalars(select(Lot.expiry)).all()
    days = [(e - TODAY).days for e in expiries]
    assert min(days) >= 30
    assert sum(30 <= d <= 90 for d in days) >= 3
    assert sum(d >= 365 for d in days) > len(days) / 2


def test_the_ledger_verifies_after_loading_and_the_day_it_lays_out(demo, anchor):
    db, summary = demo
    report = sealed_report(db, anchor)
    assert report.ok, report.problems
    assert report.movements == count(db, Movement) == summary.counts["movements"] > 100
    with db.reading() as s:
        kinds = set(s.scalars(select(Movement.kind).distinct()))
    assert kinds >= {"RECEIVE", "PICK", "SHIP"}
    assert report.audit_records > 10


def test_each_role_has_a_demo_user_whose_password_works(demo):
    db, summary = demo
    with db.reading() as s:
        users = {u.username: u for u in s.execute(
            select(User.id, User.username, User.password_hash))}
        roles = set(s.execute(select(UserRole.user_id, UserRole.role)).all())
    assert sorted(u.role for u in summary.users) == sorted(role.value for role in Role)
    for demo_user in summary.users:
        user = users[demo_user.username]
        assert (user.id, demo_user.role) in roles
        assert password_matches(user.password_hash, demo_user.password)
        assert demo_user.password == f"{demo_user.role}-demo-2026"


def test_a_second_load_changes_nothing_and_says_so(demo):
    db, summary = demo
    again = load_demo(db, actor=SYSTEM, now=NOW + timedelta(minutes=5))
    assert again.already_loaded is True
    assert again.counts == summary.counts
    assert again.documents == summary.documents


def test_a_demo_loaded_before_a_role_existed_gets_that_roles_user_on_the_next_load(demo):
    db, _ = demo
    with db.engine.begin() as conn:  # as if the shipper role came after the demo was loaded
        conn.execute(update(User).where(User.username == "shipper").values(username="was-ship"))
    try:
        again = load_demo(db, actor=SYSTEM, now=NOW + timedelta(minutes=5))
        made = [u for u in again.users if u.created]
        assert again.already_loaded is False
        assert [(u.username, u.role) for u in made] == [("shipper", "shipper")]
        with db.reading() as s:
            new = s.scalars(select(User).where(User.username == "shipper")).one()
            assert s.scalars(select(UserRole.role).where(UserRole.user_id == new.id)).all() \
                == ["shipper"]
            assert password_matches(new.password_hash, "shipper-demo-2026")
        assert load_demo(db, actor=SYSTEM, now=NOW + timedelta(minutes=6)).already_loaded
    finally:
        with db.engine.begin() as conn:
            new_id = select(User.id).where(User.username == "shipper").scalar_subquery()
            conn.execute(delete(UserRole).where(UserRole.user_id == new_id))
            conn.execute(delete(User).where(User.username == "shipper"))
            conn.execute(update(User).where(User.username == "was-ship")
                         .values(username="shipper"))
