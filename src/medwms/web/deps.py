"""Dependencies of the web pages: database, settings, the signed-in user, the language.

Every page and station declares who may open it on its decorator, as the API routes do
(api.deps): `dependencies=[needs(Perm.X)]`, `[signed_in()]` or `[public()]`. A visitor who
is not signed in is sent to the login page; one without the permission gets the error page
(403 PERMISSION_DENIED) before the form or the query is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, params

from medwms.auth.access import PUBLIC, SIGNED_IN, Access, needing
from medwms.auth.rules import Actor, Perm, Role
from medwms.config import Settings
from medwms.core.db import Database
from medwms.core.errors import NotAuthenticated
from medwms.web import session


class LoginRequired(Exception):
    """The page needs a signed-in user: the browser is sent to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Visitor:
    """Who is looking at a page: the actor, their session token, and the UI language."""

    actor: Actor
    token: str
    lang: str


def get_visitor(request: Request, db: DbDep, settings: SettingsDep) -> Visitor:
    """The signed-in user behind the session cookie, or a redirect to the login page."""
    token = session.session_token(request)
    if not token:
        raise LoginRequired(_here(request))
    try:
        actor = session.cookie_actor(request, db, settings, token)
    except NotAuthenticated as error:
        raise LoginRequired(_here(request)) from error
    return Visitor(actor=actor, token=token, lang=session.language(request, settings))


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


VisitorDep = Annotated[Visitor, Depends(get_visitor)]


@dataclass(frozen=True)
class PageGate:
    """A page's declared access, checked as soon as the visitor is known."""

    access: Access

    async def __call__(self, visitor: VisitorDep) -> None:
        self.access.check(visitor.actor)


@dataclass(frozen=True)
class OpenPage:
    """The declaration of a public page: nothing to check, no sign-in asked."""

    access: Access = PUBLIC

    async def __call__(self) -> None:
        return None


def needs(*perms: Perm, roles: Iterable[Role] = ()) -> params.Depends:
    """For the holders of any of `perms` (or of `roles`); the error page for others."""
    return params.Depends(PageGate(needing(*perms, roles=roles)))


def signed_in() -> params.Depends:
    """For any signed-in visitor."""
    return params.Depends(PageGate(SIGNED_IN))


def public() -> params.Depends:
    """For anyone: the login page, the language switch."""
    return params.Depends(OpenPage())
