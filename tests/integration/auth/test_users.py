"""Managing users: permissions checked in the service, every change audited with before/after."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from medwms.auth import queries, service
from medwms.auth.errors import BadUsername, LastAdmin, UnknownRole, UsernameTaken, WeakPassword
from medwms.auth.rules import SYSTEM
from medwms.auth.tables import AuditRecord, User
from medwms.core.db import Database
from medwms.core.errors import PermissionDenied, ValidationError
from tests.support.sealing import sealed_report
from tests.support.users import PASSWORD, actor_of, make_user


def trail(db: Database, username: str) -> list[queries.AuditView]:
    with db.reading() as s:
        return list(reversed(queries.audit_trail(s, actor=SYSTEM, entity="user",
                                                 entity_key=username)))


def user_count(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0)


def test_creating_a_user_hashes_the_password_and_audits_without_it(db):
    user = make_user(db, "alice", "receiver", "inspector")
    assert user.roles == ("inspector", "receiver")
    [created] = trail(db, "alice")
    assert created.action == "user.create"
    assert created.actor_name == "system"
    assert created.before == {}
    assert created.after["roles"] == ["inspector", "receiver"]
    assert created.after["password"] == "set"
    with db.reading() as s:
        stored = s.scalars(select(User.password_hash)).one()
        raw = s.scalars(select(AuditRecord.after)).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in raw and stored not in raw


def test_a_picker_cannot_create_users_and_nothing_is_written(db):
    picker = actor_of(make_user(db, "pete", "picker"))
    with pytest.raises(PermissionDenied) as refused:
        service.create_user(db, actor=picker, username="mallory", display_name="M",
                            password=PASSWORD, roles=["admin"])
    assert refused.value.fields == {"user": "pete", "permission": "users.manage"}
    assert user_count(db) == 1


def test_a_picker_cannot_change_roles_even_their_own(db):
    picker = actor_of(make_user(db, "pete", "picker"))
    with pytest.raises(PermissionDenied):
        service.set_roles(db, actor=picker, username="pete", roles=["admin"])


@pytest.mark.parametrize("name", ["Alice", "a", "al ice", "_alice", "alice!", "李雷"])
def test_bad_usernames_are_refused(db, name):
    with pytest.raises(BadUsername):
        make_user(db, name)


def test_good_usernames_are_lower_case_letters_digits_dot_underscore_dash(db):
    assert make_user(db, "wang.li_02-b").username == "wang.li_02-b"


def test_a_username_is_unique(db):
    make_user(db, "alice")
    with pytest.raises(UsernameTaken):
        make_user(db, "alice")


def test_unknown_roles_are_refused_naming_them(db):
    with pytest.raises(UnknownRole) as refused:
        make_user(db, "alice", "picker", "wizard")
    assert refused.value.fields["role"] == "wizard"
    assert "wizard" in refused.value.message("zh-CN")


def test_a_weak_password_is_refused(db):
    with pytest.raises(WeakPassword):
        make_user(db, "alice", password="1234567")


def test_set_roles_records_before_and_after_with_the_reason(db):
    make_user(db, "alice", "picker")
    service.set_roles(db, actor=SYSTEM, username="alice", roles=["picker", "verifier"],
                      reason="covers outbound review")
    change = trail(db, "alice")[-1]
    assert change.action == "user.roles"
    assert change.before["roles"] == ["picker"]
    assert change.after["roles"] == ["picker", "verifier"]
    assert change.reason == "covers outbound review"


def test_disable_and_enable_are_audited(db):
    make_user(db, "alice")
    service.disable_user(db, actor=SYSTEM, username="alice", reason="left the company")
    service.enable_user(db, actor=SYSTEM, username="alice", reason="came back")
    disable, enable = trail(db, "alice")[-2:]
    assert (disable.before["active"], disable.after["active"]) == (True, False)
    assert (enable.before["active"], enable.after["active"]) == (False, True)
    assert disable.reason == "left the company"


def test_update_changes_the_display_name_and_audits_it(db):
    make_user(db, "alice", display_name="Alice")
    view = service.update_user(db, actor=SYSTEM, username="alice", display_name="李爱丽",
                               language="en")
    assert (view.display_name, view.language) == ("李爱丽", "en")
    change = trail(db, "alice")[-1]
    assert change.before["display_name"] == "Alice"
    assert change.after["display_name"] == "李爱丽"


def test_a_password_reset_is_audited_as_changed_without_any_hash(db):
    make_user(db, "alice")
    service.reset_password(db, actor=SYSTEM, username="alice", new_password="new-secret-77",
                           reason="forgot it")
    change = trail(db, "alice")[-1]
    assert change.action == "user.password_reset"
    assert change.after == {"password": "changed", "must_change_password": False}
    assert change.reason == "forgot it"


def test_the_last_active_admin_cannot_be_disabled_or_demoted(db):
    admin = actor_of(make_user(db, "root", "admin"))
    with pytest.raises(LastAdmin):
        service.disable_user(db, actor=admin, username="root")
    with pytest.raises(LastAdmin):
        service.set_roles(db, actor=admin, username="root", roles=["manager"])
    with db.reading() as s:
        assert queries.get_user(s, actor=admin, username="root").roles == ("admin",)


def test_an_admin_can_go_once_another_admin_is_active(db):
    make_user(db, "root", "admin")
    make_user(db, "second", "admin")
    service.set_roles(db, actor=SYSTEM, username="root", roles=["manager"])
    with pytest.raises(LastAdmin):
        service.disable_user(db, actor=SYSTEM, username="second")


def test_a_disabled_admin_does_not_count_as_the_remaining_admin(db):
    make_user(db, "root", "admin")
    make_user(db, "second", "admin")
    service.disable_user(db, actor=SYSTEM, username="second")
    with pytest.raises(LastAdmin):
        service.disable_user(db, actor=SYSTEM, username="root")


def test_ensure_admin_creates_the_admin_once(db):
    assert service.ensure_admin(db, username="admin", password=PASSWORD, actor=SYSTEM)
    assert not service.ensure_admin(db, username="admin", password="other-pass-1",
                                    actor=SYSTEM)
    with db.reading() as s:
        assert queries.get_user(s, actor=SYSTEM, username="admin").roles == ("admin",)


def test_every_user_change_keeps_the_audit_chain_verifiable(db, anchor):
    make_user(db, "alice")
    service.set_roles(db, actor=SYSTEM, username="alice", roles=["verifier"])
    service.disable_user(db, actor=SYSTEM, username="alice")
    report = sealed_report(db, anchor)
    assert report.ok, report.problems
    assert report.audit_records == 3


def test_listing_users_needs_the_right_to_manage_them(db):
    picker = actor_of(make_user(db, "pete", "picker"))
    make_user(db, "alice", "admin")
    with db.reading() as s:
        assert [u.username for u in queries.list_users(s, actor=SYSTEM)] == ["alice", "pete"]
        with pytest.raises(PermissionDenied):
            queries.list_users(s, actor=picker)
        assert queries.get_user(s, actor=picker, username="pete").username == "pete"
        with pytest.raises(PermissionDenied):
            queries.get_user(s, actor=picker, username="alice")


def test_a_user_language_is_zh_cn_or_en(db):
    make_user(db, "alice")
    with pytest.raises(ValidationError):
        service.update_user(db, actor=SYSTEM, username="alice", language="fr")
