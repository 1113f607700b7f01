"""Typed dependencies for routes, declared once: the database, settings, the actor.

The actor comes from the bearer token, else the web session cookie (with its CSRF header;
its use slides the session along), through the process's short-lived cache of verified
actors (`auth.actors`): on a hit, authentication reads nothing from the database. The
Idempotency-Key middleware authenticates before the route runs and leaves what it verified
in the request scope, so the route's `get_actor` finds it there. `get_actor` refuses what
an API token's scope does not cover and, while the user must change their password,
everything else (`api.scopes`).

Every route declares who may call it on its decorator — `dependencies=[needs(Perm.X)]`,
`[signed_in()]` or `[public()]` (auth.access) — and `declared_access` reads it back, for the
role-matrix test and anyone inspecting the route table. The permission check runs as the
route's first dependency: an actor without the permission is refused (403
PERMISSION_DENIED) before the path, query and body are validated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request, params
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer
from fastapi.security.utils import get_authorization_scheme_param
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.routing import Mount

from medwms.api.scopes import check_request
from medwms.auth.access import PUBLIC, SIGNED_IN, Access, needing
from medwms.auth.actors import ActorCache, verify
from medwms.auth.rules import Actor, Perm, Role
from medwms.auth.sessions import Verified
from medwms.config import Settings
from medwms.core.db import Database
from medwms.core.errors import NotAuthenticated
from medwms.runtime.effective import EffectiveSettings
from medwms.web import session as web_session

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
ACTOR_SCOPE_KEY = "medwms.actor"
VERIFIED_SCOPE_KEY = "medwms.verified"


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings(request: Request) -> Settings:
    """The effective settings: the environment's with the runtime values on top (cached for
    a few seconds; read off the event loop when the cache is stale)."""
    runtime: EffectiveSettings = request.app.state.runtime
    if runtime.fresh():
        return runtime.cached
    return await run_in_threadpool(runtime.current)


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_actor(request: Request,
                    token: Annotated[str | None, Depends(oauth2)]) -> Actor:
    """The user behind the bearer token, else the web session cookie (with its CSRF token),
    for what the token's scope and the user's password state allow."""
    verified: Verified | None = request.scope.get(VERIFIED_SCOPE_KEY)
    if verified is None:
        known: Actor | None = request.scope.get(ACTOR_SCOPE_KEY)
        if known is not None:
            return known
        verified = await _verify(request, token)
        request.scope[VERIFIED_SCOPE_KEY] = verified
    check_request(verified, request)
    return verified.actor


async def _verify(request: Request, token: str | None) -> Verified:
    settings = await get_settings(request)
    from_cookie = token is None
    token = token or _cookie_token(request, settings)
    cache: ActorCache = request.app.state.actors
    verified = cache.verified(token)
    if verified is None:
        verified = await run_in_threadpool(verify, request.app.state.db, settings, cache, token)
    if from_cookie:
        web_session.schedule_refresh(request, settings, token)
    return verified


async def request_actor(request: Request) -> Actor:
    """The actor the route will see, before routing: for the Idempotency-Key middleware.

    A test that replaces `get_actor` (app.dependency_overrides, a callable without
    arguments) is honoured here too, so its actor is also the idempotency principal.
    """
    override = request.app.dependency_overrides.get(get_actor)
    if override is not None:
        actor: Actor = override()
        return actor
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
    return await get_actor(request, token if scheme.lower() == "bearer" else None)


def _cookie_token(request: Request, settings: Settings) -> str:
    """The session cookie's token; a state-changing request must carry the CSRF header."""
    token = web_session.session_token(request)
    if not token:
        raise NotAuthenticated()
    if request.method not in web_session.SAFE_METHODS:
        web_session.check_csrf(settings, token, request.headers.get(web_session.CSRF_HEADER))
    return token


ActorDep = Annotated[Actor, Depends(get_actor)]


def get_language(settings: SettingsDep,
                 accept_language: Annotated[str | None, Header()] = None) -> str:
    """zh-CN or en: from Accept-Language, else the configured default."""
    if accept_language:
        first = accept_language.split(",")[0].strip().lower()
        if first.startswith("en"):
            return "en"
        if first.startswith("zh"):
            return "zh-CN"
    return settings.language


LangDep = Annotated[str, Depends(get_language)]


@dataclass(frozen=True)
class Gate:
    """A route's declared access, checked as soon as the actor is known."""

    access: Access

    async def __call__(self, actor: ActorDep) -> None:
        self.access.check(actor)


@dataclass(frozen=True)
class OpenGate:
    """The declaration of a public route: nothing to check, no sign-in asked."""

    access: Access = PUBLIC

    async def __call__(self) -> None:
        return None


def needs(*perms: Perm, roles: Iterable[Role] = ()) -> params.Depends:
    """For the holders of any of `perms` (or of `roles`); 403 PERMISSION_DENIED for others."""
    return params.Depends(Gate(needing(*perms, roles=roles)))


def signed_in() -> params.Depends:
    """For any signed-in user (themself, their password, their session)."""
    return params.Depends(Gate(SIGNED_IN))


def public() -> params.Depends:
    """For anyone, signed in or not (sign-in, health, the API documentation)."""
    return params.Depends(OpenGate())


def declared_access(app: FastAPI, route: Any) -> Access | None:
    """The access `route` (an item of fastapi.routing.iter_route_contexts) declares; None if
    it declares none, or more than one.

    Static files and the OpenAPI document are public by nature: the login page needs its
    style and script before anyone signs in, and the API description holds no data.
    """
    original = getattr(route, "original_route", route)
    if isinstance(original, Mount):
        return PUBLIC if isinstance(original.app, StaticFiles) else None
    if not isinstance(original, APIRoute):
        return PUBLIC if getattr(original, "path", None) == app.openapi_url else None
    found = [dep.dependency.access for dep in route.dependencies
             if isinstance(getattr(dep.dependency, "access", None), Access)]
    return found[0] if len(found) == 1 else None
