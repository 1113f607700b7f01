"""Typed dependencies for routes, declared once: the database, settings, the actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import OAuth2PasswordBearer

from medwms.auth.rules import Actor
from medwms.auth.service import actor_from_token
from medwms.config import Settings
from medwms.core.db import Database
from medwms.core.errors import NotAuthenticated
from medwms.web import session as web_session

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_actor(request: Request, db: DbDep, settings: SettingsDep,
              token: Annotated[str | None, Depends(oauth2)]) -> Actor:
    """The user behind the bearer token, else the web session cookie (with its CSRF token)."""
    if not token:
        token = _cookie_token(request, settings)
    with db.reading() as session:
        return actor_from_token(session, settings, token)


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
