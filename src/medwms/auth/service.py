"""Users, passwords and API tokens: one public function per action.

Signing in is in `auth.signin`, sessions and token checks in `auth.sessions`.

Each opens one unit of work, checks the permission, changes what it must, appends an
audit record (before/after without password hashes) and commits. A user's rows are locked
FOR NO KEY UPDATE before they change; the last-admin check first locks every active admin's row,
so two admins disabling each other at once cannot leave the system without one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.errors import (
    ApiTokenNotFound,
    BadApiToken,
    BadUsername,
    LastAdmin,
    UnknownRole,
    UnknownWarehouse,
    UsernameTaken,
    WeakPassword,
    WrongPassword,
)
from medwms.auth.guard import require_every_warehouse
from medwms.auth.passwords import (
    MIN_LENGTH,
    check_policy,
    hash_password,
    password_matches,
    policy_problems,
)
from medwms.auth.queries import (
    ApiTokenView,
    UserView,
    find_user,
    token_snapshot,
    token_view,
    user_snapshot,
    user_view,
    warehouse_ids_by_code,
)
from medwms.auth.rules import Actor, Perm, Role
from medwms.auth.scopes import DEFAULT_SCOPE, ApiScope, known_scopes
from medwms.auth.sessions import revoke_credentials
from medwms.auth.tables import ApiToken, User, UserRole, UserWarehouse
from medwms.auth.tokens import new_api_token, rights_changed
from medwms.core.clock import utc_now
from medwms.core.db import Database, UnitOfWork
from medwms.core.errors import NotAuthenticated, Problem, ValidationError

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,59}")
LANGUAGES = ("zh-CN", "en")


@dataclass(frozen=True)
class NewApiToken:
    """A freshly created API token: `token` is shown this once and never stored."""

    token: str
    view: ApiTokenView


# --- users ---------------------------------------------------------------------------------

def create_user(db: Database, *, actor: Actor, username: str, display_name: str,
                password: str, roles: Iterable[str], language: str = "zh-CN",
                warehouses: Iterable[str] = (), must_change: bool = False,
                reason: str = "") -> UserView:
    """Create a user with a password, roles and warehouse scope (codes; none: every
    warehouse); `must_change`: they must change the password at their first sign-in."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    username = _check_username(username)
    role_set = _check_roles(roles)
    check_policy(password, username=username)
    _check_language(language)
    with db.unit_of_work() as uow:
        s = uow.session
        if s.scalars(select(User.id).where(User.username == username)).first() is not None:
            raise UsernameTaken(username=username)
        scope = _warehouse_ids(s, warehouses)
        now = utc_now()
        user = User(username=username, display_name=display_name.strip() or username,
                    password_hash=hash_password(password), active=True, language=language,
                    created_at=now, password_changed_at=now, must_change_password=must_change)
        s.add(user)
        try:
            s.flush()
        except IntegrityError as error:  # created by a concurrent command since the check
            raise UsernameTaken(username=username) from error
        s.add_all(UserRole(user_id=user.id, role=r) for r in sorted(role_set))
        s.add_all(UserWarehouse(user_id=user.id, warehouse_id=i) for i in scope)
        s.flush()
        view = user_view(s, user)
        after = user_snapshot(view) | {"password": "set", "must_change_password": must_change}
        record_audit(s, actor=actor, action="user.create", entity="user", entity_key=username,
                     after=after, reason=reason)
        uow.commit()
    return view


def update_user(db: Database, *, actor: Actor, username: str, display_name: str | None = None,
                language: str | None = None, reason: str = "") -> UserView:
    """Change a user's display name or language."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    with db.unit_of_work() as uow:
        s = uow.session
        user = _lock_user(s, username)
        before = user_view(s, user)
        if display_name is not None and display_name.strip():
            user.display_name = display_name.strip()
        if language is not None:
            user.language = _check_language(language)
        return _finish(uow, actor=actor, user=user, before=before,
                       action="user.update", reason=reason)


def set_roles(db: Database, *, actor: Actor, username: str, roles: Iterable[str],
              reason: str = "") -> UserView:
    """Replace a user's roles; the last active admin keeps the admin role."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    role_set = _check_roles(roles)
    with db.unit_of_work() as uow:
        s = uow.session
        admins = _lock_admins(s)
        user = _lock_user(s, username)
        before = user_view(s, user)
        if Role.ADMIN not in role_set:
            _keep_an_admin(admins, user)
        uow.after_commit(rights_changed)
        s.execute(delete(UserRole).where(UserRole.user_id == user.id))
        s.add_all(UserRole(user_id=user.id, role=r) for r in sorted(role_set))
        s.flush()
        return _finish(uow, actor=actor, user=user, before=before,
                       action="user.roles", reason=reason)


def set_warehouses(db: Database, *, actor: Actor, username: str, warehouses: Iterable[str],
                   reason: str = "") -> UserView:
    """Limit a user's roles to the warehouses named by code (none: every warehouse)."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    with db.unit_of_work() as uow:
        s = uow.session
        user = _lock_user(s, username)
        before = user_view(s, user)
        scope = _warehouse_ids(s, warehouses)
        uow.after_commit(rights_changed)
        s.execute(delete(UserWarehouse).where(UserWarehouse.user_id == user.id))
        s.add_all(UserWarehouse(user_id=user.id, warehouse_id=i) for i in scope)
        s.flush()
        return _finish(uow, actor=actor, user=user, before=before,
                       action="user.warehouses", reason=reason)


def disable_user(db: Database, *, actor: Actor, username: str, reason: str = "") -> UserView:
    """Disable a user: no more logins, and their tokens stop working at once."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    with db.unit_of_work() as uow:
        s = uow.session
        admins = _lock_admins(s)
        user = _lock_user(s, username)
        before = user_view(s, user)
        _keep_an_admin(admins, user)
        user.active = False
        uow.after_commit(rights_changed)
        return _finish(uow, actor=actor, user=user, before=before,
                       action="user.disable", reason=reason)


def enable_user(db: Database, *, actor: Actor, username: str, reason: str = "") -> UserView:
    """Enable a disabled user again."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    with db.unit_of_work() as uow:
        s = uow.session
        user = _lock_user(s, username)
        before = user_view(s, user)
        user.active = True
        return _finish(uow, actor=actor, user=user, before=before,
                       action="user.enable", reason=reason)


def reset_password(db: Database, *, actor: Actor, username: str, new_password: str,
                   must_change: bool = False, reason: str = "") -> UserView:
    """Set another user's password (`must_change`: they must change it at their next
    sign-in); their sessions, login tokens and API tokens stop working."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    check_policy(new_password, username=username)
    with db.unit_of_work() as uow:
        s = uow.session
        user = _lock_user(s, username)
        _set_password(user, new_password)
        user.must_change_password = must_change
        revoke_credentials(s, actor=actor, user=user, reason="password reset")
        uow.after_commit(rights_changed)
        s.flush()
        view = user_view(s, user)
        record_audit(s, actor=actor, action="user.password_reset", entity="user",
                     entity_key=user.username,
                     after={"password": "changed", "must_change_password": must_change},
                     reason=reason)
        uow.commit()
    return view


def change_own_password(db: Database, *, actor: Actor, old_password: str,
                        new_password: str) -> None:
    """Change one's own password, confirming the old one; every session, login token and
    API token of the user stops working (sign in again with the new password)."""
    if actor.user_id is None:
        raise NotAuthenticated()
    with db.unit_of_work() as uow:
        s = uow.session
        user = _lock_user_id(s, actor.user_id)
        if not password_matches(user.password_hash, old_password):
            raise WrongPassword(user=user.username)
        _check_new_password(new_password, old_password, username=user.username)
        _set_password(user, new_password)
        user.must_change_password = False
        revoke_credentials(s, actor=actor, user=user, reason="password changed")
        uow.after_commit(rights_changed)
        record_audit(s, actor=actor, action="user.password_change", entity="user",
                     entity_key=user.username, after={"password": "changed"},
                     reason="changed by the user")
        uow.commit()


def ensure_admin(db: Database, *, username: str, password: str, actor: Actor) -> bool:
    """Create admin `username` unless a user of that name exists; True if created."""
    with db.reading() as session:
        if session.scalars(select(User.id).where(User.username == username)).first():
            return False
    create_user(db, actor=actor, username=username, display_name=username, password=password,
                roles=[Role.ADMIN], reason="initial administrator")
    return True


# --- API tokens ----------------------------------------------------------------------

def create_api_token(db: Database, *, actor: Actor, username: str, name: str,
                     scope: str = DEFAULT_SCOPE, days: int | None = None,
                     max_days: int = 365) -> NewApiToken:
    """Create an API token with a scope and an expiry (`days`, at most `max_days` — the
    doors pass settings.api_token_max_days; None: the most); the plaintext is returned once."""
    chosen_scope, lifetime = _check_api_token(scope, days, max_days)
    plaintext, digest = new_api_token()
    with db.unit_of_work() as uow:
        s = uow.session
        user = find_user(s, username)
        _require_token_rights(actor, user.id)
        now = utc_now()
        token = ApiToken(user_id=user.id, name=name.strip()[:100] or "api", token_hash=digest,
                         scope=chosen_scope, created_at=now,
                         expires_at=now + timedelta(days=lifetime), revoked_at=None)
        s.add(token)
        s.flush()
        view = token_view(token, user.username)
        record_audit(s, actor=actor, action="api_token.create", entity="api_token",
                     entity_key=str(token.id), after=token_snapshot(view))
        uow.commit()
    return NewApiToken(token=plaintext, view=view)


def revoke_api_token(db: Database, *, actor: Actor, token_id: int,
                     reason: str = "") -> ApiTokenView:
    """Revoke an API token: it is refused from now on."""
    with db.unit_of_work() as uow:
        s = uow.session
        token = s.scalars(select(ApiToken).where(ApiToken.id == token_id).with_for_update()
                          ).one_or_none()
        if token is None:
            raise ApiTokenNotFound(key=token_id)
        _require_token_rights(actor, token.user_id)
        username = s.get_one(User, token.user_id).username
        before = token_view(token, username)
        if token.revoked_at is None:
            token.revoked_at = utc_now()
            uow.after_commit(rights_changed)
        after = token_view(token, username)
        record_audit(s, actor=actor, action="api_token.revoke", entity="api_token",
                     entity_key=str(token.id), before=token_snapshot(before),
                     after=token_snapshot(after), reason=reason)
        uow.commit()
    return after


# --- helpers -------------------------------------------------------------------------------

def _check_username(username: str) -> str:
    name = username.strip()
    if not USERNAME.fullmatch(name):
        raise BadUsername([Problem("not allowed", column="username", value=username)],
                          username=username)
    return name


def _warehouse_ids(session: Session, warehouses: Iterable[str]) -> list[int]:
    """The ids of the warehouses named by code, in code order; UnknownWarehouse names the
    codes that name none."""
    codes = sorted({code.strip() for code in warehouses if code.strip()})
    ids = warehouse_ids_by_code(session, codes)
    unknown = [code for code in codes if code not in ids]
    if unknown:
        raise UnknownWarehouse([Problem("unknown warehouse", column="warehouses", value=c)
                                for c in unknown], warehouse=", ".join(unknown))
    return [ids[code] for code in codes]


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationError([Problem(f"use one of {', '.join(LANGUAGES)}", column="language",
                                       value=language)])
    return language


def _check_roles(roles: Iterable[str]) -> frozenset[str]:
    known = {r.value for r in Role}
    chosen = frozenset(str(r).strip().lower() for r in roles)
    unknown = sorted(chosen - known)
    if unknown:
        raise UnknownRole([Problem("unknown role", column="roles", value=r) for r in unknown],
                          role=", ".join(unknown), known=", ".join(sorted(known)))
    return chosen


# A user's row is locked FOR NO KEY UPDATE (SQLAlchemy: `key_share=True` without `read`), not
# FOR UPDATE: every audited command's insert takes a key-share lock on its actor's row, and
# FOR UPDATE would make two admins editing each other at once deadlock.


def _lock_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)
                           .with_for_update(key_share=True)).one_or_none()
    return user if user is not None else find_user(session, username)


def _lock_user_id(session: Session, user_id: int) -> User:
    user = session.scalars(select(User).where(User.id == user_id)
                           .with_for_update(key_share=True)).one_or_none()
    if user is None:
        raise NotAuthenticated()
    return user


def _lock_admins(session: Session) -> list[int]:
    """The ids of the active admins, their rows locked in id order.

    Taken before the target user's row, so that two admins demoting each other wait for
    one another in one order (no deadlock) and the second sees the first one's change.
    """
    return list(session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN.value, User.active.is_(True))
        .order_by(User.id).with_for_update(of=User, key_share=True)).all())


def _keep_an_admin(admins: list[int], user: User) -> None:
    """Refuse if `user` is the last active admin."""
    if admins == [user.id]:
        raise LastAdmin(username=user.username)


def _check_new_password(new_password: str, old_password: str, *, username: str) -> None:
    """The policy, and: a change must change something (a forced change above all)."""
    problems = policy_problems(new_password, username=username)
    if new_password == old_password:
        problems.append(Problem("the same as the current password", column="password",
                                message_zh="与当前密码相同"))
    if problems:
        raise WeakPassword(problems, min_length=MIN_LENGTH)


def _check_api_token(scope: str, days: int | None, max_days: int) -> tuple[str, int]:
    """The scope and lifetime in days of a new API token; BadApiToken if either is wrong."""
    problems = []
    if scope not in {s.value for s in ApiScope}:
        problems.append(Problem(f"unknown scope; use one of {known_scopes()}", column="scope",
                                value=scope, message_zh=f"未知范围，可用：{known_scopes()}"))
    lifetime = max_days if days is None else days
    if not 1 <= lifetime <= max_days:
        problems.append(Problem(f"a lifetime of 1 to {max_days} days", column="days",
                                value=str(days), message_zh=f"有效期须为 1 至 {max_days} 天"))
    if problems:
        raise BadApiToken(problems, scopes=known_scopes(), max_days=max_days)
    return scope, lifetime


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utc_now()


def _finish(uow: UnitOfWork, *, actor: Actor, user: User, before: UserView, action: str,
            reason: str) -> UserView:
    """Audit a user change (before/after) and commit it."""
    session = uow.session
    session.flush()
    after = user_view(session, user)
    record_audit(session, actor=actor, action=action, entity="user", entity_key=user.username,
                 before=user_snapshot(before), after=user_snapshot(after), reason=reason)
    uow.commit()
    return after


def _actor(view: UserView) -> Actor:
    return Actor(user_id=view.id, username=view.username, roles=frozenset(view.roles))


def _require_token_rights(actor: Actor, user_id: int) -> None:
    """Managers of users handle anyone's tokens; an integrator handles their own."""
    if actor.user_id == user_id and Role.INTEGRATOR.value in actor.roles:
        return
    require_every_warehouse(actor, Perm.USERS_MANAGE)
