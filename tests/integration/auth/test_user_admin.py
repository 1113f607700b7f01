"""What the administration pages ask of the users' services and queries: a user created
with a warehouse scope and a first password to change, the user list's search, filters and
pages, and a user's history in the audit log (old and new values, their tokens' records)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from medwms.auth import queries, service
from medwms.auth.errors import UnknownWarehouse
from medwms.auth.rules import SYSTEM, Actor
from medwms.auth.tables import AuditRecord, User
from medwms.core.db import Database
from medwms.core.errors import EveryWarehouseNeeded, PermissionDenied
from tests.support.builders import make_site
from tests.support.users import PASSWORD, actor_of, make_user


@pytest.fixture
def sites(db: Database) -> None:
    with db.unit_of_work() as uow:
        make_site(uow.session, "WH1")
        make_site(uow.session, "WH2")
        uow.commit()


def history(db: Database, username: str) -> list[queries.AuditView]:
    with db.reading() as s:
        return queries.user_history(s, actor=SYSTEM, username=username)


def found(db: Database, actor: Actor = SYSTEM, **filters: object) -> queries.UserPage:
    with db.reading() as s:
        return queries.find_users(s, actor=actor, filters=queries.UserFilter(**filters))


def names(page: queries.UserPage) -> list[str]:
    return [u.username for u in page.users]


def test_a_user_created_with_a_scope_and_a_first_password_must_change_it(db, sites):
    view = service.create_user(db, actor=SYSTEM, username="wang", display_name="王伟",
                               password=PASSWORD, roles=["picker"], warehouses=["WH2"],
                               must_change=True, reason="new picker in Beijing")
    assert (view.warehouses, view.must_change_password) == (("WH2",), True)
    [created] = history(db, "wang")
    assert created.action == "user.create" and created.reason == "new picker in Beijing"
    assert created.after["warehouses"] == ["WH2"]
    assert created.after["must_change_password"] is True
    assert actor_of(view, db).warehouses is not None


def test_a_user_named_with_an_unknown_warehouse_is_not_created(db, sites):
    with pytest.raises(UnknownWarehouse) as refused:
        service.create_user(db, actor=SYSTEM, username="wang", display_name="", roles=["picker"],
                            password=PASSWORD, warehouses=["WH1", "WH9"])
    assert refused.value.problems[0].column == "warehouses"
    assert refused.value.problems[0].value == "WH9"
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == 0


def test_every_change_of_a_user_lands_in_their_history_with_old_and_new_values(db, sites):
    make_user(db, "alice", "picker")
    service.set_roles(db, actor=SYSTEM, username="alice", roles=["picker", "verifier"],
                      reason="covers review")
    service.set_warehouses(db, actor=SYSTEM, username="alice", warehouses=["WH1"],
                           reason="Shanghai only")
    service.disable_user(db, actor=SYSTEM, username="alice", reason="on leave")
    disable, scope, roles, created = history(db, "alice")
    assert created.action == "user.create"
    assert (roles.action, roles.before["roles"], roles.after["roles"]) == \
        ("user.roles", ["picker"], ["picker", "verifier"])
    assert (scope.before["warehouses"], scope.after["warehouses"]) == ("all", ["WH1"])
    assert (disable.before["active"], disable.after["active"]) == (True, False)
    assert [r.reason for r in (roles, scope, disable)] == ["covers review", "Shanghai only",
                                                           "on leave"]


def test_a_users_history_holds_their_tokens_records_and_nobody_elses(db):
    make_user(db, "alice", "integrator")
    make_user(db, "bob", "integrator")
    mine = service.create_api_token(db, actor=SYSTEM, username="alice", name="erp")
    theirs = service.create_api_token(db, actor=SYSTEM, username="bob", name="erp")
    service.revoke_api_token(db, actor=SYSTEM, token_id=mine.view.id, reason="leaked")
    service.revoke_api_token(db, actor=SYSTEM, token_id=theirs.view.id)
    revoked, issued, created = history(db, "alice")
    assert (revoked.action, revoked.entity_key, revoked.reason) == \
        ("api_token.revoke", str(mine.view.id), "leaked")
    assert revoked.before["revoked_at"] is None and revoked.after["revoked_at"] is not None
    assert (issued.action, issued.after["name"]) == ("api_token.create", "erp")
    assert created.entity_key == "alice"
    assert mine.token not in str([r.after for r in (revoked, issued)])


def test_the_user_list_searches_username_and_display_name_ignoring_case(db):
    make_user(db, "wang.li", display_name="王丽")
    make_user(db, "li_na", display_name="Li Na")
    make_user(db, "bob", display_name="Bob Chen")
    assert names(found(db, search="LI")) == ["li_na", "wang.li"]
    assert names(found(db, search="王")) == ["wang.li"]
    assert names(found(db, search="_")) == ["li_na"]  # a wildcard is a plain character
    assert names(found(db, search="%")) == []


def test_the_user_list_filters_by_role_and_by_enabled(db):
    make_user(db, "ann", "picker", "verifier")
    make_user(db, "ben", "verifier")
    make_user(db, "cao", "receiver")
    service.disable_user(db, actor=SYSTEM, username="ben")
    assert names(found(db, role="verifier")) == ["ann", "ben"]
    assert names(found(db, role="verifier", active=True)) == ["ann"]
    assert names(found(db, active=False)) == ["ben"]
    [ann] = found(db, role="verifier", active=True).users
    assert ann.roles == ("picker", "verifier")


def test_the_user_list_comes_in_pages_with_the_total(db, sites):
    for n in range(7):
        make_user(db, f"user{n}")
    service.set_warehouses(db, actor=SYSTEM, username="user5", warehouses=["WH2", "WH1"])
    first, last = found(db, limit=3), found(db, offset=3 * 2, limit=3)
    assert (first.total, names(first)) == (7, ["user0", "user1", "user2"])
    assert names(last) == ["user6"]
    assert found(db, offset=3, limit=3).users[2].warehouses == ("WH1", "WH2")


def test_only_a_manager_of_users_of_every_warehouse_lists_users_or_reads_a_history(db, sites):
    picker = actor_of(make_user(db, "pete", "picker"))
    with pytest.raises(PermissionDenied):
        found(db, picker)
    service.create_user(db, actor=SYSTEM, username="ada", display_name="", roles=["admin"],
                        password=PASSWORD, warehouses=["WH1"])
    scoped_admin = actor_of(found(db, search="ada").users[0], db)
    with pytest.raises(EveryWarehouseNeeded), db.reading() as s:
        queries.user_history(s, actor=scoped_admin, username="pete")
    with pytest.raises(EveryWarehouseNeeded):
        found(db, scoped_admin)
