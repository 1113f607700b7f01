"""Sign-in (OAuth2 password flow), sign-out, the signed-in user, users and API tokens.

Routes parse and render only: every rule and permission check is in medwms.auth.service,
medwms.auth.signin (sign-in, throttling, unlock) and medwms.auth.sessions (sign-out).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, SettingsDep, needs, public, signed_in
from medwms.auth import queries, service, sessions, signin
from medwms.auth.guard import reading_as
from medwms.auth.rules import Perm, Role
from medwms.core.fields import Code, Count, Id, Line

router = APIRouter(tags=["auth"])

Language = Literal["zh-CN", "en"]
Scope = Literal["read-only", "stations", "integration"]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 — the OAuth2 token type
    expires_in: int


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    active: bool
    language: str
    roles: list[str]
    warehouses: list[str] = Field(
        default_factory=list, description="warehouse codes the roles apply to; empty: all")
    created_at: datetime
    password_changed_at: datetime
    must_change_password: bool = Field(
        description="While true, the user may only change their password (and sign out)")
    failed_logins: int = Field(description="Failed sign-ins in a row")
    locked_until: datetime | None = Field(
        description="The end of the username's lockout (it may have passed)")


class UserIn(BaseModel):
    username: Line = Field(min_length=1, max_length=60)
    display_name: Line = Field(default="", max_length=100)
    password: Line = Field(min_length=1, max_length=1000)
    roles: list[Code] = Field(default_factory=list)
    language: Language = "zh-CN"
    warehouses: list[Code] = Field(
        default_factory=list, description="warehouse codes the roles apply to; empty: every "
                                          "warehouse")
    must_change_password: bool = Field(
        default=False, description="true: they must change the password at their first sign-in")
    reason: Line = Field(default="", max_length=300)


class UserPatch(BaseModel):
    display_name: Line | None = Field(default=None, max_length=100)
    language: Language | None = None
    reason: Line = Field(default="", max_length=300)


class RolesIn(BaseModel):
    roles: list[Code]
    reason: Line = Field(default="", max_length=300)


class WarehousesIn(BaseModel):
    warehouses: list[Code] = Field(description="warehouse codes; empty: every warehouse")
    reason: Line = Field(default="", max_length=300)


class ReasonIn(BaseModel):
    reason: Line = Field(default="", max_length=300)


class PasswordResetIn(BaseModel):
    new_password: Line = Field(min_length=1, max_length=1000)
    must_change_password: bool = Field(
        default=False, description="The user must change it at their next sign-in")
    reason: Line = Field(default="", max_length=300)


class AddressUnlockIn(BaseModel):
    address: Line = Field(min_length=1, max_length=100,
                         description="The client address (IPv6: any address of its /64)")
    reason: Line = Field(default="", max_length=300)


class AddressUnlockOut(BaseModel):
    address: str
    was_counted: bool = Field(description="Whether the address had failures (or a lock)")


class PasswordChangeIn(BaseModel):
    old_password: Line = Field(max_length=1000)
    new_password: Line = Field(min_length=1, max_length=1000)


class ApiTokenIn(BaseModel):
    name: Line = Field(min_length=1, max_length=100)
    username: Code | None = Field(default=None, description="Whose token; yourself if absent")
    scope: Scope = Field(default="read-only", description=(
        "read-only: GET requests only; stations: reads and the scanning stations' writes; "
        "integration: reads and the writes of an ERP or hospital system (master data, "
        "advance notices, orders, sensor readings). The user's roles still apply."))
    days: Count | None = Field(default=None, ge=1, le=3650, description=(
        "Lifetime in days, at most the server's api_token_max_days; null for that most"))


class ApiTokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    username: str
    name: str
    scope: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class NewApiTokenOut(ApiTokenOut):
    token: str = Field(description="Shown this once: store it now, it cannot be read again")


# --- sign-in -------------------------------------------------------------------------------

@router.post("/auth/token", response_model=TokenOut, dependencies=[public()], responses={
    429: {"description": "Too many failed sign-ins (LOGIN_DELAYED, ACCOUNT_LOCKED, "
                         "ADDRESS_LOCKED): try again after Retry-After seconds"}})
def issue_token(username: Annotated[Line, Form(max_length=60)],
                password: Annotated[Line, Form(max_length=1000)], request: Request,
                db: DbDep, settings: SettingsDep) -> TokenOut:
    """Sign in with username and password; returns a bearer token and its lifetime.

    Failed sign-ins are throttled per username and per client address: waits that double,
    then a lockout (429 with Retry-After) during which even the right password is refused.
    The OAuth2 password flow's other fields (grant_type, scope, client_id) are ignored."""
    result = signin.login(db, settings=settings, username=username, password=password,
                          address=request.client.host if request.client else None)
    return TokenOut(access_token=result.access_token, expires_in=result.expires_in)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT,
             dependencies=[signed_in()])
def logout(actor: ActorDep, db: DbDep) -> Response:
    """Sign out everywhere: every session and login token of yours stops working (API
    tokens do not: revoke those one by one)."""
    sessions.logout(db, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/me", response_model=UserOut, dependencies=[signed_in()])
def me(actor: ActorDep, db: DbDep) -> UserOut:
    """The signed-in user."""
    with reading_as(db, actor) as session:
        view = queries.get_user(session, actor=actor, username=actor.username)
    return UserOut.model_validate(view)


@router.post("/auth/password", status_code=status.HTTP_204_NO_CONTENT, dependencies=[signed_in()])
def change_password(body: PasswordChangeIn, actor: ActorDep, db: DbDep) -> Response:
    """Change your own password; your sessions, login tokens and API tokens stop working."""
    service.change_own_password(db, actor=actor, old_password=body.old_password,
                                new_password=body.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- users ---------------------------------------------------------------------------------

@router.get("/users", response_model=list[UserOut], dependencies=[needs(Perm.USERS_MANAGE)])
def list_users(actor: ActorDep, db: DbDep, include_disabled: bool = True) -> list[UserOut]:
    """Every user (managers of users only)."""
    with reading_as(db, actor) as session:
        views = queries.list_users(session, actor=actor, include_disabled=include_disabled)
    return [UserOut.model_validate(v) for v in views]


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.USERS_MANAGE)])
def create_user(body: UserIn, actor: ActorDep, db: DbDep) -> UserOut:
    """Create a user with roles, an initial password and a warehouse scope."""
    view = service.create_user(db, actor=actor, username=body.username,
                               display_name=body.display_name, password=body.password,
                               roles=body.roles, language=body.language,
                               warehouses=body.warehouses,
                               must_change=body.must_change_password, reason=body.reason)
    return UserOut.model_validate(view)


@router.get("/users/{username}", response_model=UserOut, dependencies=[needs(Perm.USERS_MANAGE)])
def get_user(username: Code, actor: ActorDep, db: DbDep) -> UserOut:
    """One user (managers of users; everyone reads themself at /auth/me)."""
    with reading_as(db, actor) as session:
        return UserOut.model_validate(queries.get_user(session, actor=actor, username=username))


@router.patch("/users/{username}", response_model=UserOut, dependencies=[needs(Perm.USERS_MANAGE)])
def update_user(username: Code, body: UserPatch, actor: ActorDep, db: DbDep) -> UserOut:
    """Change a user's display name or language."""
    return UserOut.model_validate(service.update_user(
        db, actor=actor, username=username, display_name=body.display_name,
        language=body.language, reason=body.reason))


@router.put("/users/{username}/roles", response_model=UserOut,
            dependencies=[needs(Perm.USERS_MANAGE)])
def set_roles(username: Code, body: RolesIn, actor: ActorDep, db: DbDep) -> UserOut:
    """Replace a user's roles."""
    return UserOut.model_validate(service.set_roles(
        db, actor=actor, username=username, roles=body.roles, reason=body.reason))


@router.put("/users/{username}/warehouses", response_model=UserOut,
            dependencies=[needs(Perm.USERS_MANAGE)])
def set_warehouses(username: Code, body: WarehousesIn, actor: ActorDep, db: DbDep) -> UserOut:
    """Limit a user's roles to chosen warehouses (an empty list: every warehouse)."""
    return UserOut.model_validate(service.set_warehouses(
        db, actor=actor, username=username, warehouses=body.warehouses, reason=body.reason))


@router.post("/users/{username}/disable", response_model=UserOut,
             dependencies=[needs(Perm.USERS_MANAGE)])
def disable_user(username: Code, body: ReasonIn, actor: ActorDep, db: DbDep) -> UserOut:
    """Disable a user: no logins, their tokens stop working."""
    return UserOut.model_validate(service.disable_user(
        db, actor=actor, username=username, reason=body.reason))


@router.post("/users/{username}/enable", response_model=UserOut,
             dependencies=[needs(Perm.USERS_MANAGE)])
def enable_user(username: Code, body: ReasonIn, actor: ActorDep, db: DbDep) -> UserOut:
    """Enable a disabled user."""
    return UserOut.model_validate(service.enable_user(
        db, actor=actor, username=username, reason=body.reason))


@router.post("/users/{username}/password", response_model=UserOut,
             dependencies=[needs(Perm.USERS_MANAGE)])
def reset_password(username: Code, body: PasswordResetIn, actor: ActorDep,
                   db: DbDep) -> UserOut:
    """Set another user's password; their sessions, login and API tokens stop working."""
    return UserOut.model_validate(service.reset_password(
        db, actor=actor, username=username, new_password=body.new_password,
        must_change=body.must_change_password, reason=body.reason))


@router.post("/users/{username}/unlock", response_model=UserOut,
             dependencies=[needs(Perm.USERS_MANAGE)])
def unlock_user(username: Code, body: ReasonIn, actor: ActorDep, db: DbDep) -> UserOut:
    """Lift a username's sign-in lockout and forget its failures (audited)."""
    return UserOut.model_validate(signin.unlock_user(db, actor=actor, username=username,
                                                     reason=body.reason))


@router.post("/auth/unlock-address", response_model=AddressUnlockOut,
             dependencies=[needs(Perm.USERS_MANAGE)])
def unlock_address(body: AddressUnlockIn, actor: ActorDep, db: DbDep) -> AddressUnlockOut:
    """Lift a client address's sign-in lockout and forget its failures (audited)."""
    counted = signin.unlock_address(db, actor=actor, address=body.address, reason=body.reason)
    return AddressUnlockOut(address=body.address, was_counted=counted)


# --- API tokens ----------------------------------------------------------------------------

@router.post("/auth/api-tokens", response_model=NewApiTokenOut,
             status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.USERS_MANAGE, roles=[Role.INTEGRATOR])])
def create_api_token(body: ApiTokenIn, actor: ActorDep, db: DbDep,
                     settings: SettingsDep) -> NewApiTokenOut:
    """Create an API token with a scope and an expiry; the token is in this response only."""
    new = service.create_api_token(db, actor=actor, username=body.username or actor.username,
                                   name=body.name, scope=body.scope, days=body.days,
                                   max_days=settings.api_token_max_days)
    out = ApiTokenOut.model_validate(new.view)
    return NewApiTokenOut(**out.model_dump(), token=new.token)


@router.get("/auth/api-tokens", response_model=list[ApiTokenOut], dependencies=[signed_in()])
def list_api_tokens(actor: ActorDep, db: DbDep, username: Code | None = None
                    ) -> list[ApiTokenOut]:
    """Your API tokens, or everyone's for managers of users."""
    with reading_as(db, actor) as session:
        views = queries.list_api_tokens(session, actor=actor, username=username)
    return [ApiTokenOut.model_validate(v) for v in views]


@router.delete("/auth/api-tokens/{token_id}", response_model=ApiTokenOut,
               dependencies=[needs(Perm.USERS_MANAGE, roles=[Role.INTEGRATOR])])
def revoke_api_token(token_id: Id, actor: ActorDep, db: DbDep) -> ApiTokenOut:
    """Revoke an API token."""
    return ApiTokenOut.model_validate(service.revoke_api_token(db, actor=actor,
                                                               token_id=token_id))
