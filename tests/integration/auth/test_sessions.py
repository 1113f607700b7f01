"""Sessions, logout, the forced password change and API token scopes, as the services see
them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from medwms.auth import service, sessions, signin
from medwms.auth.errors import BadApiToken, WeakPassword
from medwms.auth.rules import SYSTEM
from medwms.auth.tables import ApiToken
from medwms.auth.tokens import issue_login_token, read_login_token
from medwms.core.clock import utc_now
from medwms.core.errors import NotAuthenticated
from tests.support.logins import (
    WEAK,
    audit_actions,
    login_settings,
    user_row,
    user_with_old_password,
)
from tests.support.users import PASSWORD, actor_of, make_user


def verified(db, settings, token):
    with db.reading() as s:
        return sessions.verify_token(s, settings, token)


def test_a_sign_in_with_a_password_the_policy_now_refuses_must_change_it(db):
    settings = login_settings(db)
    user_with_old_password(db, "alice", WEAK)
    result = signin.login(db, settings=settings, username="alice", password=WEAK)
    assert result.user.must_change_password
    assert verified(db, settings, result.access_token).must_change_password
    assert "user.must_change_password" in audit_actions(db, "alice")
    make_user(db, "bob")  # a user with a good password is untouched
    bob = signin.login(db, settings=settings, username="bob", password=PASSWORD)
    assert not verified(db, settings, bob.access_token).must_change_password


def test_changing_the_password_clears_the_flag_and_refuses_the_same_one(db):
    settings = login_settings(db)
    user_with_old_password(db, "alice", WEAK)
    alice = actor_of(signin.login(db, settings=settings, username="alice",
                                  password=WEAK).user)
    with pytest.raises(WeakPassword) as refused:
        service.change_own_password(db, actor=alice, old_password=WEAK, new_password=WEAK)
    assert {p.message_zh for p in refused.value.problems} >= {"与当前密码相同"}
    service.change_own_password(db, actor=alice, old_password=WEAK,
                                new_password="vireo-lantern-42")
    result = signin.login(db, settings=settings, username="alice",
                          password="vireo-lantern-42")
    assert not result.user.must_change_password


def test_an_admin_reset_may_ask_for_a_change_at_the_next_sign_in(db):
    settings = login_settings(db)
    make_user(db, "alice")
    service.reset_password(db, actor=SYSTEM, username="alice", new_password="temporary-pass-1",
                           must_change=True, reason="forgot it")
    result = signin.login(db, settings=settings, username="alice",
                          password="temporary-pass-1")
    assert result.user.must_change_password


def test_logout_ends_every_session_and_login_token_but_not_api_tokens(db):
    settings = login_settings(db)
    make_user(db, "erp", "integrator")
    browser = signin.login(db, settings=settings, username="erp", password=PASSWORD,
                           sliding=True).access_token
    script = signin.login(db, settings=settings, username="erp", password=PASSWORD).access_token
    api = service.create_api_token(db, actor=SYSTEM, username="erp", name="ERP").token
    sessions.logout(db, actor=verified(db, settings, browser).actor)
    for token in (browser, script):
        with pytest.raises(NotAuthenticated):
            verified(db, settings, token)
    assert verified(db, settings, api).actor.username == "erp"
    fresh = signin.login(db, settings=settings, username="erp", password=PASSWORD).access_token
    assert verified(db, settings, fresh).actor.username == "erp"
    assert "logout" in audit_actions(db, "erp")


@pytest.mark.parametrize("how", ["own change", "admin reset"])
def test_a_password_change_ends_sessions_and_revokes_api_tokens(db, how):
    settings = login_settings(db)
    erp = actor_of(make_user(db, "erp", "integrator"))
    session = signin.login(db, settings=settings, username="erp", password=PASSWORD,
                           sliding=True).access_token
    api = service.create_api_token(db, actor=SYSTEM, username="erp", name="ERP").token
    if how == "own change":
        service.change_own_password(db, actor=erp, old_password=PASSWORD,
                                    new_password="vireo-lantern-42")
    else:
        service.reset_password(db, actor=SYSTEM, username="erp",
                               new_password="vireo-lantern-42")
    for token in (session, api):
        with pytest.raises(NotAuthenticated):
            verified(db, settings, token)
    with db.reading() as s:
        assert s.scalars(select(ApiToken.revoked_at)).one() is not None
    assert "api_token.revoke" in audit_actions(db)


def test_a_session_slides_with_use_but_never_past_the_absolute_limit(db):
    settings = login_settings(db, session_idle_minutes=30, session_absolute_minutes=60)
    user = make_user(db, "alice")
    now = utc_now()
    typed = now - timedelta(minutes=45)
    token = issue_login_token(secret=settings.secret_key, user_id=user.id,
                              password_changed_at=user_row(db, "alice").password_changed_at,
                              now=now - timedelta(minutes=5), minutes=30, auth_time=typed)
    fresh, expires_at = sessions.refreshed_session(settings, token, now=now)
    claims = read_login_token(fresh, secret=settings.secret_key)
    assert claims.auth_time == typed.replace(microsecond=0)
    assert expires_at == typed.replace(microsecond=0) + timedelta(minutes=60)
    assert verified(db, settings, fresh).actor.username == "alice"
    assert sessions.refreshed_session(settings, fresh, now=now) is None  # not due yet


def test_a_session_past_the_absolute_limit_is_refused_whatever_its_expiry(db):
    settings = login_settings(db, session_absolute_minutes=60)
    user = make_user(db, "alice")
    now = utc_now()
    token = issue_login_token(secret=settings.secret_key, user_id=user.id,
                              password_changed_at=user_row(db, "alice").password_changed_at,
                              now=now, minutes=30, auth_time=now - timedelta(minutes=61))
    with pytest.raises(NotAuthenticated):
        verified(db, settings, token)


def test_a_bearer_token_lives_its_minutes_but_not_past_the_absolute_limit(db):
    make_user(db, "alice")
    settings = login_settings(db, token_minutes=600, session_absolute_minutes=120)
    result = signin.login(db, settings=settings, username="alice", password=PASSWORD)
    assert result.expires_in == 120 * 60
    session = signin.login(db, settings=settings, username="alice", password=PASSWORD,
                           sliding=True)
    assert session.expires_in == settings.session_idle_minutes * 60


def test_an_api_token_has_a_scope_and_always_an_expiry_within_the_most(db):
    make_user(db, "erp", "integrator")
    new = service.create_api_token(db, actor=SYSTEM, username="erp", name="ERP",
                                   scope="stations", max_days=90)
    assert new.view.scope == "stations"
    assert new.view.expires_at is not None
    assert timedelta(days=89) < new.view.expires_at - utc_now() <= timedelta(days=90)
    with db.reading() as s:
        assert sessions.verify_token(s, login_settings(db), new.token).scope == "stations"


@pytest.mark.parametrize(("scope", "days", "column"), [
    ("everything", 30, "scope"), ("read-only", 91, "days"), ("read-only", 0, "days")])
def test_a_token_with_an_unknown_scope_or_too_long_a_life_is_refused(db, scope, days, column):
    make_user(db, "erp", "integrator")
    with pytest.raises(BadApiToken) as refused:
        service.create_api_token(db, actor=SYSTEM, username="erp", name="ERP", scope=scope,
                                 days=days, max_days=90)
    assert [p.column for p in refused.value.problems] == [column]
    assert refused.value.message("zh-CN").startswith("无法创建 API 令牌")
