"""Read-only questions about users, API tokens and the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, column, func, or_, select, table
from sqlalchemy.orm import Session

from medwms.auth.audit import parse_snapshot
from medwms.auth.errors import UserNotFound
from medwms.auth.guard import require_every_warehouse
from medwms.auth.rules import Actor, Perm
from medwms.auth.tables import ApiToken, AuditRecord, User, UserRole, UserWarehouse


@dataclass(frozen=True)
class UserView:
    """A user as pages, API and CLI show them (never the password hash)."""

    id: int
    username: str
    display_name: str
    active: bool
    language: str
    roles: tuple[str, ...]
    created_at: datetime
    password_changed_at: datetime
    warehouses: tuple[str, ...] = ()  # the codes the roles apply to; () = every warehouse
    must_change_password: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None  # the end of a lockout (it may have passed)


@dataclass(frozen=True)
class ApiTokenView:
    """An API token's metadata (never the token itself)."""

    id: int
    user_id: int
    username: str
    name: str
    scope: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class AuditView:
    """One audit record, with before/after parsed back into dicts."""

    id: int
    seq: int | None  # None until the sealer has chained it
    at: datetime
    actor_name: str
    action: str
    entity: str
    entity_key: str
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str


def roles_of(session: Session, user_id: int) -> tuple[str, ...]:
    """The role names of one user, sorted."""
    return tuple(sorted(session.scalars(
        select(UserRole.role).where(UserRole.user_id == user_id))))


_WAREHOUSE = table("warehouse", column("id"), column("code"))  # masterdata's, by name only


def warehouses_of(session: Session, user_id: int) -> frozenset[int] | None:
    """The ids of the warehouses a user's roles apply to; None: every warehouse."""
    ids = frozenset(session.scalars(
        select(UserWarehouse.warehouse_id).where(UserWarehouse.user_id == user_id)))
    return ids or None


def warehouse_codes_of(session: Session, user_id: int) -> tuple[str, ...]:
    """The codes of the warehouses a user's roles apply to, sorted; () for every warehouse."""
    return tuple(session.scalars(
        select(_WAREHOUSE.c.code)
        .join(UserWarehouse, UserWarehouse.warehouse_id == _WAREHOUSE.c.id)
        .where(UserWarehouse.user_id == user_id).order_by(_WAREHOUSE.c.code)))


def warehouse_ids_by_code(session: Session, codes: Iterable[str]) -> dict[str, int]:
    """The ids of the warehouses named by `codes` (the unknown ones are missing)."""
    wanted = sorted(set(codes))
    return {code: id_ for id_, code in session.execute(
        select(_WAREHOUSE.c.id, _WAREHOUSE.c.code).where(_WAREHOUSE.c.code.in_(wanted)))}


def user_view(session: Session, user: User) -> UserView:
    """The view of a loaded user."""
    return _view(user, roles_of(session, user.id), warehouse_codes_of(session, user.id))


def _view(user: User, roles: tuple[str, ...], warehouses: tuple[str, ...]) -> UserView:
    return UserView(id=user.id, username=user.username, display_name=user.display_name,
                    active=user.active, language=user.language, roles=roles,
                    created_at=user.created_at, password_changed_at=user.password_changed_at,
                    warehouses=warehouses, must_change_password=user.must_change_password,
                    failed_logins=user.failed_logins, locked_until=user.locked_until)


def user_snapshot(view: UserView) -> dict[str, Any]:
    """What the audit log keeps of a user (no password hash)."""
    return {"username": view.username, "display_name": view.display_name,
            "active": view.active, "language": view.language, "roles": list(view.roles),
            "warehouses": list(view.warehouses) or "all"}


def token_view(token: ApiToken, username: str) -> ApiTokenView:
    """The view of a loaded API token."""
    return ApiTokenView(id=token.id, user_id=token.user_id, username=username, name=token.name,
                        scope=token.scope, created_at=token.created_at,
                        expires_at=token.expires_at, revoked_at=token.revoked_at)


def token_snapshot(view: ApiTokenView) -> dict[str, Any]:
    """What the audit log keeps of an API token (never the token)."""
    return {"user": view.username, "name": view.name, "scope": view.scope,
            "expires_at": view.expires_at, "revoked_at": view.revoked_at}


def find_user(session: Session, username: str) -> User:
    """The user named `username`; UserNotFound otherwise."""
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise UserNotFound(key=username)
    return user


def get_user(session: Session, *, actor: Actor, username: str) -> UserView:
    """One user, for managers of users or the user themself."""
    user = find_user(session, username)
    if user.id != actor.user_id:
        require_every_warehouse(actor, Perm.USERS_MANAGE)
    return user_view(session, user)


def list_users(session: Session, *, actor: Actor, include_disabled: bool = True
               ) -> list[UserView]:
    """Every user, by username."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    query = select(User).order_by(User.username)
    if not include_disabled:
        query = query.where(User.active.is_(True))
    users = session.scalars(query).all()
    roles: dict[int, list[str]] = {}
    for user_id, role in session.execute(select(UserRole.user_id, UserRole.role)):
        roles.setdefault(user_id, []).append(role)
    scopes: dict[int, list[str]] = {}
    for user_id, code in session.execute(
            select(UserWarehouse.user_id, _WAREHOUSE.c.code)
            .join(_WAREHOUSE, _WAREHOUSE.c.id == UserWarehouse.warehouse_id)):
        scopes.setdefault(user_id, []).append(code)
    return [_view(u, tuple(sorted(roles.get(u.id, []))), tuple(sorted(scopes.get(u.id, []))))
            for u in users]


@dataclass(frozen=True)
class UserFilter:
    """The user list's filters: text in the username or display name, one role, active or
    disabled (None: both); a page of `limit` users from `offset`."""

    search: str = ""
    role: str = ""
    active: bool | None = None
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True)
class UserPage:
    """One page of users and how many match in all."""

    total: int
    users: list[UserView]


def find_users(session: Session, *, actor: Actor, filters: UserFilter = UserFilter()
               ) -> UserPage:
    """The users matching `filters`, by username, one page of them, with roles and scopes."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    conditions = _user_conditions(filters)
    total = session.scalar(select(func.count(User.id)).where(*conditions)) or 0
    users = session.scalars(select(User).where(*conditions).order_by(User.username)
                            .offset(max(filters.offset, 0)).limit(filters.limit)).all()
    ids = [u.id for u in users]
    roles: dict[int, list[str]] = {}
    for user_id, role in session.execute(select(UserRole.user_id, UserRole.role)
                                         .where(UserRole.user_id.in_(ids))):
        roles.setdefault(user_id, []).append(role)
    scopes: dict[int, list[str]] = {}
    for user_id, code in session.execute(
            select(UserWarehouse.user_id, _WAREHOUSE.c.code)
            .join(_WAREHOUSE, _WAREHOUSE.c.id == UserWarehouse.warehouse_id)
            .where(UserWarehouse.user_id.in_(ids))):
        scopes.setdefault(user_id, []).append(code)
    return UserPage(total, [_view(u, tuple(sorted(roles.get(u.id, []))),
                                  tuple(sorted(scopes.get(u.id, [])))) for u in users])


def _user_conditions(filters: UserFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    text = filters.search.strip().lower()
    if text:
        pattern = f"%{_escaped(text)}%"
        found.append(or_(func.lower(User.username).like(pattern, escape="\\"),
                         func.lower(User.display_name).like(pattern, escape="\\")))
    if filters.role:
        found.append(User.id.in_(select(UserRole.user_id).where(UserRole.role == filters.role)))
    if filters.active is not None:
        found.append(User.active.is_(filters.active))
    return found


def _escaped(text: str) -> str:
    """`text` with LIKE's wildcards taken literally (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def user_history(session: Session, *, actor: Actor, username: str, limit: int = 200
                 ) -> list[AuditView]:
    """The audit records about one user, newest first: changes to the user, their sign-ins
    and lockouts, and what was done to their API tokens."""
    require_every_warehouse(actor, Perm.USERS_MANAGE)
    user = find_user(session, username)
    token_keys = select(cast(ApiToken.id, String)) \
        .where(ApiToken.user_id == user.id)
    about = or_(and_(AuditRecord.entity == "user", AuditRecord.entity_key == user.username),
                and_(AuditRecord.entity == "api_token", AuditRecord.entity_key.in_(token_keys)))
    query = select(AuditRecord).where(about).order_by(AuditRecord.id.desc()).limit(limit)
    return [_audit_view(r) for r in session.scalars(query)]


def list_api_tokens(session: Session, *, actor: Actor, username: str | None = None
                    ) -> list[ApiTokenView]:
    """API tokens: the actor's own, or anyone's (or one user's) for managers of users."""
    query = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
    if actor.can(Perm.USERS_MANAGE):
        if username is not None:
            query = query.where(User.username == username)
    else:
        query = query.where(ApiToken.user_id == actor.user_id)
    rows = session.execute(query.order_by(ApiToken.id)).all()
    return [token_view(token, name) for token, name in rows]


def audit_trail(session: Session, *, actor: Actor, entity: str | None = None,
                entity_key: str | None = None, limit: int = 200) -> list[AuditView]:
    """The latest audit records, newest first, optionally of one entity."""
    require_every_warehouse(actor, Perm.AUDIT_READ)
    query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditRecord.entity == entity)
    if entity_key is not None:
        query = query.where(AuditRecord.entity_key == entity_key)
    return [_audit_view(r) for r in session.scalars(query)]


def _audit_view(record: AuditRecord) -> AuditView:
    return AuditView(id=record.id, seq=record.seq, at=record.at, actor_name=record.actor_name,
                     action=record.action, entity=record.entity, entity_key=record.entity_key,
                     before=parse_snapshot(record.before), after=parse_snapshot(record.after),
                     reason=record.reason)
