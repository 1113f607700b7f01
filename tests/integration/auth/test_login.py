"""Login, login tokens and API tokens, as `actor_from_token` sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from medwms.auth import queries, service, sessions, signin
from medwms.auth.errors import LoginFailed, WrongPassword
from medwms.auth.rules import SYSTEM, Perm
from medwms.auth.tables import ApiToken
from medwms.auth.tokens import issue_login_token
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import NotAuthenticated, PermissionDenied
from tests.support.users import PASSWORD, actor_of, make_user

SETTINGS = Settings(database_url="sqlite://", secret_key="integration-test-secret-0123456789ab")


def actor(db: Database, token: str):
    with db.reading() as s:
        return sessions.actor_from_token(s, SETTINGS, token)


def log_in(db: Database, username: str = "alice", password: str = PASSWORD) -> str:
    return signin.login(db, settings=SETTINGS, username=username,
                         password=password).access_token


def actions(db: Database) -> list[str]:
    with db.reading() as s:
        return [a.action for a in reversed(queries.audit_trail(s, actor=SYSTEM))]


def test_a_login_token_gives_the_user_with_their_current_roles(db):
    make_user(db, "alice", "receiver")
    result = signin.login(db, settings=SETTINGS, username="alice", password=PASSWORD)
    assert result.expires_in == SETTINGS.token_minutes * 60
    who = actor(db, result.access_token)
    assert (who.username, who.roles) == ("alice", frozenset({"receiver"}))
    service.set_roles(db, actor=SYSTEM, username="alice", roles=["inspector"])
    assert actor(db, result.access_token).can(Perm.INSPECT)
    assert actions(db)[-2] == "login"


def test_a_wrong_password_and_an_unknown_user_fail_alike_and_are_audited(db):
    make_user(db, "alice")
    with pytest.raises(LoginFailed) as wrong:
        log_in(db, password="not-the-password")
    with pytest.raises(LoginFailed) as unknown:
        log_in(db, username="nobody")
    assert wrong.value.to_dict() == unknown.value.to_dict()
    assert actions(db)[-2:] == ["login.failed", "login.failed"]
    with db.reading() as s:
        failed = queries.audit_trail(s, actor=SYSTEM, entity_key="nobody")[0]
    assert failed.actor_name == "anonymous"


def test_a_disabled_user_cannot_log_in_and_their_token_stops_working(db):
    make_user(db, "alice")
    token = log_in(db)
    service.disable_user(db, actor=SYSTEM, username="alice", reason="left")
    with pytest.raises(NotAuthenticated):
        actor(db, token)
    with pytest.raises(LoginFailed):
        log_in(db)


def test_a_password_change_refuses_older_tokens_but_not_newer_ones(db):
    alice = actor_of(make_user(db, "alice"))
    old = log_in(db)
    service.change_own_password(db, actor=alice, old_password=PASSWORD,
                                new_password="brand-new-pass-1")
    with pytest.raises(NotAuthenticated):
        actor(db, old)
    new = log_in(db, password="brand-new-pass-1")
    assert actor(db, new).username == "alice"
    with pytest.raises(LoginFailed):
        log_in(db)


def test_an_admin_reset_refuses_older_tokens(db):
    make_user(db, "alice")
    old = log_in(db)
    service.reset_password(db, actor=SYSTEM, username="alice", new_password="reset-pass-22")
    with pytest.raises(NotAuthenticated):
        actor(db, old)


def test_changing_ones_own_password_needs_the_old_one(db):
    alice = actor_of(make_user(db, "alice"))
    with pytest.raises(WrongPassword):
        service.change_own_password(db, actor=alice, old_password="guess-guess",
                                    new_password="brand-new-pass-1")
    assert log_in(db)


def test_an_expired_login_token_is_refused(db):
    user = make_user(db, "alice")
    expired = issue_login_token(secret=SETTINGS.secret_key, user_id=user.id,
                                password_changed_at=user.password_changed_at,
                                now=utc_now() - timedelta(hours=13), minutes=12 * 60)
    with pytest.raises(NotAuthenticated):
        actor(db, expired)


def test_a_token_for_a_user_that_does_not_exist_is_refused(db):
    user = make_user(db, "alice")
    stranger = issue_login_token(secret=SETTINGS.secret_key, user_id=user.id + 99,
                                 password_changed_at=user.password_changed_at,
                                 now=utc_now(), minutes=5)
    with pytest.raises(NotAuthenticated):
        actor(db, stranger)


def test_an_api_token_works_until_revoked(db):
    make_user(db, "erp", "integrator")
    new = service.create_api_token(db, actor=SYSTEM, username="erp", name="ERP sync")
    assert new.token.startswith("mwk_")
    assert actor(db, new.token).roles == frozenset({"integrator"})
    service.revoke_api_token(db, actor=SYSTEM, token_id=new.view.id, reason="rotated")
    with pytest.raises(NotAuthenticated):
        actor(db, new.token)
    assert actions(db)[-2:] == ["api_token.create", "api_token.revoke"]


def test_an_expired_api_token_is_refused(db):
    make_user(db, "erp", "integrator")
    new = service.create_api_token(db, actor=SYSTEM, username="erp", name="ERP", days=1)
    with db.unit_of_work() as uow:
        uow.session.execute(update(ApiToken).values(expires_at=utc_now() - timedelta(1)))
        uow.commit()
    with pytest.raises(NotAuthenticated):
        actor(db, new.token)


def test_an_unknown_api_token_is_refused(db):
    with pytest.raises(NotAuthenticated):
        actor(db, "mwk_not-a-real-token")


def test_an_api_token_stops_working_when_its_user_is_disabled(db):
    make_user(db, "erp", "integrator")
    new = service.create_api_token(db, actor=SYSTEM, username="erp", name="ERP")
    service.disable_user(db, actor=SYSTEM, username="erp")
    with pytest.raises(NotAuthenticated):
        actor(db, new.token)


def test_an_integrator_manages_their_own_tokens_but_a_picker_cannot(db):
    erp = actor_of(make_user(db, "erp", "integrator"))
    picker = actor_of(make_user(db, "pete", "picker"))
    mine = service.create_api_token(db, actor=erp, username="erp", name="mine")
    with pytest.raises(PermissionDenied):
        service.create_api_token(db, actor=picker, username="pete", name="x")
    with pytest.raises(PermissionDenied):
        service.revoke_api_token(db, actor=picker, token_id=mine.view.id)
    with db.reading() as s:
        assert [t.name for t in queries.list_api_tokens(s, actor=erp)] == ["mine"]
        assert queries.list_api_tokens(s, actor=picker) == []
