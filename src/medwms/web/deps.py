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
from medwms.runtime.effective import EffectiveSettings
from medwms.web import session


class LoginRequired(Exception):
    """The page needs a signed-in user: the browser is sent to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PasswordChangeNeeded(Exception):
    """The user must change their password first: the browser is sent to that page."""


PASSWORD_PAGE = "/account/password"  # noqa: S105 — a page address, not a secret


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    """The effective settings: the environment's with the runtime values on top."""
    runtime: EffectiveSettings = request.app.state.runtime
    return runtime.current()


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Visitor:
    """Who is looking at a page: the actor, their session token, the UI language, and
    whether they must change their password before anything else."""

    actor: Actor
    token: str
    lang: str
    must_change_password: bool = False


def get_signed_in(request: Request, db: DbDep, settings: SettingsDep) -> Visitor:
    """The signed-in user behind the session cookie, or a redirect to the login page."""
    token = session.session_token(request)
    if not token:
        raise LoginRequired(_here(request))
    try:
        verified = session.cookie_session(request, db, settings, token)
    except NotAuthenticated as error:
        raise LoginRequired(_here(request)) from error
    return Visitor(actor=verified.actor, token=token, lang=session.language(request, settings),
                   must_change_password=verified.must_change_password)


def get_visitor(visitor: Annotated[Visitor, Depends(get_signed_in)]) -> Visitor:
    """The signed-in user, sent to the password page first if they must change it."""
    if visitor.must_change_password:
        raise PasswordChangeNeeded()
    return visitor


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


VisitorDep = Annotated[Visitor, Depends(get_visitor)]
SignedInDep = Annotated[Visitor, Depends(get_signed_in)]  # the password page and sign-out


@dataclass(frozen=True)
class PageGate:
    """A page's declared access, checked as soon as the visitor is known."""

    access: Access

    async def __call__(self, visitor: VisitorDep) -> None:
        self.access.check(visitor.actor)


@dataclass(frozen=True)
class PasswordPageGate:
    """The declaration of the pages a user who must change their password may still use
    (the password page, sign-out): signed in, not sent on to the password page."""

    access: Access = SIGNED_IN

    async def __call__(self, visitor: SignedInDep) -> None:
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


def signed_in_to_change_password() -> params.Depends:
    """For any signed-in visitor, even one who must change their password first."""
    return params.Depends(PasswordPageGate())


def public() -> params.Depends:
    """For anyone: the login page, the language switch."""
    return params.Depends(OpenPage())
