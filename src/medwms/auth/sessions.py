"""Sessions and bearer tokens: verify one, slide a browser session along, log out, revoke.

A browser session is a login token in the session cookie. It ends `session_idle_minutes`
after its last use and `session_absolute_minutes` after the password was typed, whichever
comes first: its `exp` is min(now + idle, auth_time + absolute), and each use of the cookie
(a page, a station's API call) more than a minute after the token was issued gets the token
issued again with the same `auth_time` (`refreshed_session`). A bearer token from
POST /auth/token does not slide: it lives `token_minutes`, never past the absolute limit.

Logout and a password change end every session and login token of the user at once: they
move the user's session generation, which every login token carries and `verify_token`
compares. A password change (or an admin's reset) also revokes the user's API tokens —
whoever knew the old password could have made some. Logout leaves API tokens alone: they are
a machine's credential (an ERP, a handheld), with their own expiry and their own revocation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.queries import roles_of, token_snapshot, token_view, warehouses_of
from medwms.auth.rules import Actor
from medwms.auth.tables import ApiToken, User
from medwms.auth.tokens import (
    api_token_digest,
    is_api_token,
    issue_login_token,
    password_stamp,
    read_login_token,
    reissue_login_token,
    rights_changed,
)
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import NotAuthenticated

REFRESH_AFTER = timedelta(minutes=1)  # a session's token is issued again at most this often


@dataclass(frozen=True)
class Verified:
    """The actor a bearer token stands for, when the token itself runs out (if ever), an API
    token's scope (None for a login token), and whether the user must change their password
    before anything else."""

    actor: Actor
    expires_at: datetime | None
    scope: str | None = None
    must_change_password: bool = False


def verify_token(session: Session, settings: Settings, token: str) -> Verified:
    """Check a bearer token against the database: its user exists and is active; a login
    token's password stamp and session generation still hold and its absolute lifetime has
    not run out; an API token is neither revoked nor expired."""
    user, expires_at, scope = _api_token_user(session, token) if is_api_token(token) \
        else _login_token_user(session, settings, token)
    if not user.active:
        raise NotAuthenticated()
    actor = Actor(user_id=user.id, username=user.username,
                  roles=frozenset(roles_of(session, user.id)),
                  warehouses=warehouses_of(session, user.id))
    return Verified(actor=actor, expires_at=expires_at, scope=scope,
                    must_change_password=user.must_change_password)


def actor_from_token(session: Session, settings: Settings, token: str) -> Actor:
    """The actor behind a bearer token (login token or API token); NotAuthenticated else."""
    return verify_token(session, settings, token).actor


def token_expiry(settings: Settings, *, auth_time: datetime, now: datetime,
                 sliding: bool) -> datetime:
    """When a login token issued at `now` runs out: a session's after the idle time, a
    bearer token's after `token_minutes`; never past the absolute limit."""
    minutes = settings.session_idle_minutes if sliding else settings.token_minutes
    last = auth_time + timedelta(minutes=settings.session_absolute_minutes)
    return min(now + timedelta(minutes=minutes), last)


def issue_for(settings: Settings, user: User, *, now: datetime, sliding: bool
              ) -> tuple[str, datetime]:
    """A login token for `user`, who typed their password at `now`, and its expiry."""
    expires_at = token_expiry(settings, auth_time=now, now=now, sliding=sliding)
    token = issue_login_token(secret=settings.secret_key, user_id=user.id,
                              password_changed_at=user.password_changed_at, now=now,
                              expires_at=expires_at, auth_time=now,
                              generation=user.session_generation)
    return token, expires_at


def refreshed_session(settings: Settings, token: str, *, now: datetime
                      ) -> tuple[str, datetime] | None:
    """The session token issued again with its end moved on (and that end), or None when
    it is not due yet (issued less than a minute ago), not a login token, or already over.

    Only the signature and the clock are checked here: the caller has just verified the
    token against the database."""
    if is_api_token(token):
        return None
    try:
        claims = read_login_token(token, secret=settings.secret_key)
    except NotAuthenticated:
        return None
    if now - claims.issued_at < REFRESH_AFTER:
        return None
    expires_at = token_expiry(settings, auth_time=claims.auth_time, now=now, sliding=True)
    if expires_at <= now:
        return None
    token = reissue_login_token(claims, secret=settings.secret_key, now=now,
                                expires_at=expires_at)
    return token, expires_at


def logout(db: Database, *, actor: Actor, reason: str = "") -> None:
    """End every session and login token of the actor (every browser, every bearer token)."""
    if actor.user_id is None:
        raise NotAuthenticated()
    with db.unit_of_work() as uow:
        s = uow.session
        user = s.scalars(select(User).where(User.id == actor.user_id)
                         .with_for_update(key_share=True)).one_or_none()
        if user is None:
            raise NotAuthenticated()
        end_sessions(user)
        uow.after_commit(rights_changed)
        record_audit(s, actor=actor, action="logout", entity="user", entity_key=user.username,
                     after={"sessions": "ended"}, reason=reason or "signed out")
        uow.commit()


def end_sessions(user: User) -> None:
    """Refuse every session and login token issued to `user` so far (the caller commits
    and calls rights_changed after)."""
    user.session_generation += 1


def revoke_credentials(session: Session, *, actor: Actor, user: User, reason: str) -> int:
    """End every session and login token of `user` and revoke their API tokens, each
    revocation audited; how many API tokens were revoked. The caller commits."""
    end_sessions(user)
    now = utc_now()
    tokens = session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
        .with_for_update()).all()
    for token in tokens:
        before = token_view(token, user.username)
        token.revoked_at = now
        record_audit(session, actor=actor, action="api_token.revoke", entity="api_token",
                     entity_key=str(token.id), before=token_snapshot(before),
                     after=token_snapshot(token_view(token, user.username)), reason=reason)
    return len(tokens)


# --- helpers -------------------------------------------------------------------------------

def _login_token_user(session: Session, settings: Settings, token: str
                      ) -> tuple[User, datetime | None, str | None]:
    claims = read_login_token(token, secret=settings.secret_key)
    user = session.get(User, claims.user_id)
    if user is None or password_stamp(user.password_changed_at) != claims.password_stamp \
            or user.session_generation != claims.generation:
        raise NotAuthenticated()
    last = claims.auth_time + timedelta(minutes=settings.session_absolute_minutes)
    if last <= utc_now():
        raise NotAuthenticated()
    return user, min(claims.expires_at, last), None


def _api_token_user(session: Session, token: str
                    ) -> tuple[User, datetime | None, str | None]:
    row = session.scalars(select(ApiToken).where(
        ApiToken.token_hash == api_token_digest(token))).one_or_none()
    now: datetime = utc_now()
    if row is None or row.revoked_at is not None or (
            row.expires_at is not None and row.expires_at <= now):
        raise NotAuthenticated()
    return session.get_one(User, row.user_id), row.expires_at, row.scope

