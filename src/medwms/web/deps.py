"""Dependencies of the web pages: database, settings, the signed-in user, the language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from medwms.auth.rules import Actor
from medwms.config import Settings
from medwms.core.db import Database
from medwms.core.errors import NotAuthenticated
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
    settings: Settings = request.app.state.settings
    return settings


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
