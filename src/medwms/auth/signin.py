"""Signing in with a password, defended against guessing; and an administrator's unlock.

Each try is one unit of work. It locks, in this order, the row of the client address (if
any), then the user's row — or, for a username that names no user, a row of that name in
`login_throttle` — and refuses with 429 while either must wait (`auth.lockout`), before the
password is even looked at: so a lockout holds against the right password too, and
concurrent guesses queue on the rows instead of slipping past the count. A failed try is
counted, audited and committed before LoginFailed is raised; the try that locks is audited
as a lock and answered with the lock at once.

A username that names no user is counted exactly like one that does (same free failures,
same waits, same lockout, same messages), so neither the answer nor the wait tells whether
a user exists. Known users keep their count on `app_user`; addresses and unknown names in
`login_throttle`, pruned when stale and capped at `login_throttle_rows` (oldest first).

The password is checked while the rows are held (argon2, some 50 ms): sign-ins from one
address, or to one user, take turns — which is the point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from medwms.auth import lockout
from medwms.auth.audit import record_audit
from medwms.auth.errors import (
    AccountLocked,
    AddressLocked,
    LoginDelayed,
    LoginFailed,
    LoginThrottled,
    UserNotFound,
)
from medwms.auth.guard import require_every_warehouse
from medwms.auth.lockout import Failures, Policy
from medwms.auth.passwords import dummy_hash, meets_policy, password_matches
from medwms.auth.queries import UserView, user_view
from medwms.auth.rules import Actor, Perm
from medwms.auth.sessions import issue_for
from medwms.auth.tables import LoginThrottle, User
from medwms.config import Settings
from medwms.core.clock import local_text, utc_now
from medwms.core.db import Database, UnitOfWork

ANONYMOUS = Actor(user_id=None, username="anonymous")
ADDRESS = "address"
USERNAME = "username"


@dataclass(frozen=True)
class LoginResult:
    """A login token, its lifetime in seconds, and the user (must_change_password says
    whether they may do anything but change their password)."""

    access_token: str
    expires_in: int
    user: UserView


@dataclass
class _Try:
    """One sign-in try: who and where, and the rows it holds."""

    name: str
    address: str | None
    now: datetime
    user: User | None
    place: LoginThrottle | None  # the client address's row, if it has one yet
    stranger: LoginThrottle | None  # the unknown username's row, if it has one yet


def policies(settings: Settings) -> tuple[Policy, Policy]:
    """The throttling policies of a username and of a client address."""
    common: dict[str, Any] = {
        "delay": timedelta(seconds=settings.login_delay_seconds),
        "max_delay": timedelta(seconds=settings.login_delay_max_seconds),
        "lockout": timedelta(minutes=settings.login_lockout_minutes),
        "window": timedelta(minutes=settings.login_failure_window_minutes)}
    account = Policy(free_failures=settings.login_free_failures,
                     max_failures=settings.login_max_failures, **common)
    address = Policy(free_failures=settings.login_address_free_failures,
                     max_failures=settings.login_address_max_failures, **common)
    return account, address


def login(db: Database, *, settings: Settings, username: str, password: str,
          address: str | None = None, sliding: bool = False) -> LoginResult:
    """Check a username and password from client `address` and issue a login token (a
    browser session's when `sliding`); throttled, and every failure and lock audited."""
    account, place = policies(settings)
    with db.unit_of_work() as uow:
        attempt = _begin(uow.session, username, address)
        _refuse_while_waiting(settings, attempt, account, place)
        refusal = _login_refusal(attempt.user, password)
        if refusal or attempt.user is None:
            error = _count_failure(uow, settings, attempt, refusal, account, place)
            uow.commit()
            raise error
        return _succeed(uow, settings, attempt, password, sliding=sliding)


def unlock_user(db: Database, *, actor: Actor, username: str, reason: str = "") -> UserView:
    """Lift a username's lockout and forget its failures (audited)."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    with db.unit_of_work() as uow:
        s = uow.session
        user = _lock_login_user(s, username.strip().lower())
        if user is None:
            raise UserNotFound(key=username)
        before = _lock_snapshot(_failures_of_user(user))
        _forget_failures(user)
        record_audit(s, actor=actor, action="user.unlock", entity="user",
                     entity_key=user.username, before=before,
                     after=_lock_snapshot(Failures()), reason=reason)
        view = user_view(s, user)
        uow.commit()
    return view


def unlock_address(db: Database, *, actor: Actor, address: str, reason: str = "") -> bool:
    """Lift a client address's lockout and forget its failures (audited); False if it had
    none."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    key = lockout.address_key(address.strip()) or address.strip()
    with db.unit_of_work() as uow:
        s = uow.session
        row = _throttle_row(s, ADDRESS, key)
        before = _lock_snapshot(_failures_of_row(row))
        if row is not None:
            s.delete(row)
        record_audit(s, actor=actor, action="address.unlock", entity="client_address",
                     entity_key=key, before=before, after=_lock_snapshot(Failures()),
                     reason=reason)
        uow.commit()
    return row is not None


# --- one try -------------------------------------------------------------------------------

def _begin(session: Session, username: str, address: str | None) -> _Try:
    """Lock the try's rows: the address first, then the user (or the unknown name)."""
    name = username.strip().lower()
    key = lockout.address_key(address)
    place = _throttle_row(session, ADDRESS, key) if key else None
    user = _lock_login_user(session, name)
    stranger = None if user is not None else _throttle_row(session, USERNAME, name[:100])
    return _Try(name=name, address=key, now=utc_now(), user=user, place=place,
                stranger=stranger)


def _refuse_while_waiting(settings: Settings, attempt: _Try, account: Policy,
                          place: Policy) -> None:
    """Raise LoginThrottled while the address or the username must wait."""
    now = attempt.now
    for_place = lockout.wait(_failures_of_row(attempt.place), place, now)
    if for_place is not None and for_place.locked:
        raise _address_locked(settings, attempt, for_place)
    for_name = lockout.wait(_failures_of(attempt), account, now)
    waits = [w for w in (for_name, for_place) if w is not None]
    if for_name is not None and for_name.locked:
        raise _account_locked(settings, account, for_name, now)
    if waits:
        longest = max(waits, key=lambda w: w.until)
        raise LoginDelayed(retry_after=longest.seconds(now), until=_local(settings, longest))


def _count_failure(uow: UnitOfWork, settings: Settings, attempt: _Try, refusal: str,
                   account: Policy, place: Policy) -> LoginThrottled | LoginFailed:
    """Count a failed try against the username and the address, audit it (and a lock it
    causes); the error to answer with."""
    s, now = uow.session, attempt.now
    where = {"address": attempt.address} if attempt.address else None
    record_audit(s, actor=ANONYMOUS, action="login.failed", entity="user",
                 entity_key=attempt.name[:100] or "-", after=where, reason=refusal)
    name_before = _failures_of(attempt)
    name_after = lockout.failed(name_before, account, now)
    _store_name_failures(s, settings, attempt, name_after)
    place_after = None
    if attempt.address:
        place_before = _failures_of_row(attempt.place)
        place_after = lockout.failed(place_before, place, now)
        _store_row(s, settings, ADDRESS, attempt.address, place_after, now)
        if lockout.newly_locked(place_before, place_after, now):
            record_audit(s, actor=ANONYMOUS, action="address.lock", entity="client_address",
                         entity_key=attempt.address, after=_lock_snapshot(place_after),
                         reason=f"{place_after.count} failed sign-ins from this address")
    if lockout.newly_locked(name_before, name_after, now):
        entity = "user" if attempt.user is not None else "unknown_username"
        record_audit(s, actor=ANONYMOUS, action="user.lock", entity=entity,
                     entity_key=attempt.name[:100] or "-", after=_lock_snapshot(name_after),
                     reason=f"{name_after.count} failed sign-ins in a row")
        return _account_locked(settings, account, _lock_wait(name_after), now)
    if place_after is not None and lockout.newly_locked(place_before, place_after, now):
        return _address_locked(settings, attempt, _lock_wait(place_after))
    return LoginFailed()


def _succeed(uow: UnitOfWork, settings: Settings, attempt: _Try, password: str, *,
             sliding: bool) -> LoginResult:
    """Forget the user's failures, flag a password the policy now refuses, issue the token."""
    s, user, now = uow.session, attempt.user, attempt.now
    assert user is not None
    _forget_failures(user)
    actor = Actor(user_id=user.id, username=user.username)
    if not user.must_change_password and not meets_policy(password, username=user.username):
        user.must_change_password = True
        record_audit(s, actor=actor, action="user.must_change_password", entity="user",
                     entity_key=user.username, after={"must_change_password": True},
                     reason="the password does not meet today's password policy")
    token, expires_at = issue_for(settings, user, now=now, sliding=sliding)
    s.flush()
    view = user_view(s, user)
    record_audit(s, actor=actor, action="login", entity="user", entity_key=user.username,
                 after={"address": attempt.address} if attempt.address else None)
    uow.commit()
    return LoginResult(access_token=token, expires_in=int((expires_at - now).total_seconds()),
                       user=view)


def _login_refusal(user: User | None, password: str) -> str:
    """Why a login is refused ("" if it is not); the same work is done whoever asks."""
    if user is None:
        password_matches(dummy_hash(), password)
        return "unknown user"
    if not password_matches(user.password_hash, password):
        return "wrong password"
    return "" if user.active else "account disabled"


# --- the counts ----------------------------------------------------------------------------

def _lock_login_user(session: Session, name: str) -> User | None:
    """The user named `name`, its row locked (FOR NO KEY UPDATE: audit rows naming the user
    as actor, which take a key-share lock on it, do not wait for a sign-in)."""
    return session.scalars(select(User).where(User.username == name)
                           .with_for_update(key_share=True)).one_or_none()


def _throttle_row(session: Session, kind: str, key: str) -> LoginThrottle | None:
    return session.scalars(select(LoginThrottle).where(
        LoginThrottle.kind == kind, LoginThrottle.key == key).with_for_update()).one_or_none()


def _failures_of(attempt: _Try) -> Failures:
    if attempt.user is not None:
        return _failures_of_user(attempt.user)
    return _failures_of_row(attempt.stranger)


def _failures_of_user(user: User) -> Failures:
    return Failures(count=user.failed_logins, last_at=user.last_failed_login_at,
                    locked_until=user.locked_until)


def _failures_of_row(row: LoginThrottle | None) -> Failures:
    if row is None:
        return Failures()
    return Failures(count=row.failures, last_at=row.last_failure_at,
                    locked_until=row.locked_until)


def _store_name_failures(session: Session, settings: Settings, attempt: _Try,
                         failures: Failures) -> None:
    if attempt.user is None:
        _store_row(session, settings, USERNAME, attempt.name[:100], failures, attempt.now)
        return
    attempt.user.failed_logins = failures.count
    attempt.user.last_failed_login_at = failures.last_at
    attempt.user.locked_until = failures.locked_until


def _forget_failures(user: User) -> None:
    user.failed_logins = 0
    user.last_failed_login_at = None
    user.locked_until = None


def _store_row(session: Session, settings: Settings, kind: str, key: str, failures: Failures,
               now: datetime) -> None:
    """Write the failures of an address or unknown name, creating its row if need be (and
    then pruning: a new row is what could grow the table)."""
    row = _throttle_row(session, kind, key)
    if row is None:
        session.execute(_insert_ignoring_duplicates(session).values(
            kind=kind, key=key, failures=0, last_failure_at=now, locked_until=None))
        row = _throttle_row(session, kind, key)
        _prune(session, settings, now)
    assert row is not None
    row.failures = failures.count
    row.last_failure_at = failures.last_at or now
    row.locked_until = failures.locked_until


def _insert_ignoring_duplicates(session: Session) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING: a concurrent try may have made the row first."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(LoginThrottle).on_conflict_do_nothing()
    return sqlite.insert(LoginThrottle).on_conflict_do_nothing()


def _prune(session: Session, settings: Settings, now: datetime) -> None:
    """Delete stale rows, then the oldest beyond the cap; rows another try holds are
    skipped (SKIP LOCKED), so pruning never waits on a sign-in."""
    account, place = policies(settings)
    horizon = max(place.window, place.lockout, account.window, account.lockout)
    stale = select(LoginThrottle.kind, LoginThrottle.key).where(
        LoginThrottle.last_failure_at < now - horizon).limit(500)
    _delete_rows(session, stale)
    count = session.scalar(select(func.count()).select_from(LoginThrottle)) or 0
    if count > settings.login_throttle_rows:
        oldest = select(LoginThrottle.kind, LoginThrottle.key).order_by(
            LoginThrottle.last_failure_at).limit(count - settings.login_throttle_rows)
        _delete_rows(session, oldest)


def _delete_rows(session: Session, query: Any) -> None:
    keys = session.execute(query.with_for_update(skip_locked=True)).all()
    for kind, key in keys:
        session.execute(delete(LoginThrottle).where(LoginThrottle.kind == kind,
                                                    LoginThrottle.key == key))


# --- the answers ---------------------------------------------------------------------------

def _lock_wait(failures: Failures) -> lockout.Wait:
    assert failures.locked_until is not None
    return lockout.Wait(until=failures.locked_until, locked=True)


def _account_locked(settings: Settings, account: Policy, wait: lockout.Wait,
                    now: datetime) -> AccountLocked:
    return AccountLocked(retry_after=wait.seconds(now), until=_local(settings, wait),
                         failures=account.max_failures)


def _address_locked(settings: Settings, attempt: _Try, wait: lockout.Wait) -> AddressLocked:
    return AddressLocked(retry_after=wait.seconds(attempt.now), until=_local(settings, wait),
                         address=attempt.address)


def _local(settings: Settings, wait: lockout.Wait) -> str:
    return local_text(wait.until, settings.timezone, seconds=True)


def _lock_snapshot(failures: Failures) -> dict[str, Any]:
    return {"failed_logins": failures.count, "locked_until": failures.locked_until}
