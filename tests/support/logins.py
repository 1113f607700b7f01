"""Builders for sign-in tests: settings, a user with an old (weak) password, time moved on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from medwms.auth import queries
from medwms.auth.passwords import hash_password
from medwms.auth.rules import SYSTEM
from medwms.auth.tables import LoginThrottle, User
from medwms.config import Settings
from medwms.core.db import Database
from tests.support.users import make_user

SECRET = "login-test-secret-0123456789abcdef0123456"
WEAK = "alice12345"  # ten characters, but the username with five digits


def login_settings(db: Database, **overrides: Any) -> Settings:
    """Settings on `db` with the sign-in defaults unless overridden."""
    return Settings(database_url=db.url, secret_key=SECRET, **overrides)


def user_with_old_password(db: Database, username: str = "alice", password: str = WEAK,
                           *roles: str) -> None:
    """A user whose password was set before today's policy (written past the service)."""
    make_user(db, username, *roles)
    with db.unit_of_work() as uow:
        uow.session.execute(update(User).where(User.username == username).values(
            password_hash=hash_password(password)))
        uow.commit()


def time_passes(db: Database, seconds: float) -> None:
    """Move every recorded failure and lockout `seconds` into the past."""
    back = timedelta(seconds=seconds)
    with db.unit_of_work() as uow:
        s = uow.session
        for user in s.scalars(select(User)):
            if user.last_failed_login_at is not None:
                user.last_failed_login_at -= back
            if user.locked_until is not None:
                user.locked_until -= back
        for row in s.scalars(select(LoginThrottle)):
            row.last_failure_at -= back
            if row.locked_until is not None:
                row.locked_until -= back
        uow.commit()


def audit_actions(db: Database, entity_key: str | None = None) -> list[str]:
    """The audit actions, oldest first (of one entity key, if given)."""
    with db.reading() as s:
        trail = queries.audit_trail(s, actor=SYSTEM, entity_key=entity_key)
    return [a.action for a in reversed(trail)]


def throttle_rows(db: Database) -> list[tuple[str, str, int]]:
    """(kind, key, failures) of every row of login_throttle, sorted."""
    with db.reading() as s:
        return sorted((r.kind, r.key, r.failures) for r in s.scalars(select(LoginThrottle)))


def user_row(db: Database, username: str) -> User:
    with db.reading() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
        return user
