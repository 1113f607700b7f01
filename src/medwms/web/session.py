"""The browser session: an HttpOnly login-token cookie, a CSRF token derived from it, the language.

The session cookie holds a signed login token (HttpOnly, SameSite=Lax) whose end slides:
each use of the cookie, by a page or by a station's API call, may have the token issued
again with a later end (`auth.sessions.refreshed_session`); `SessionRefresh` puts the new
cookie on the response. Every state-changing request authenticated by that cookie must also
carry the CSRF token — an HMAC, under the secret key, of what stays the same while the token
is issued again (user, sign-in moment, session generation) — in the `X-CSRF-Token` header
(fetch) or a `csrf_token` form field. The page receives it in a <meta> tag; another site can
neither read it nor compute it, and a page open for hours keeps a valid one.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medwms.auth.actors import ActorCache, verify
from medwms.auth.sessions import Verified, refreshed_session
from medwms.auth.tokens import session_key
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import DomainError
from medwms.web.i18n import normalise

SESSION_COOKIE = "medwms_session"
LANG_COOKIE = "medwms_lang"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFRESH_KEY = "medwms.session_refresh"
_YEAR = 365 * 24 * 3600


class CsrfRefused(DomainError):
    code = "CSRF_REFUSED"
    status = 403
    message_en = "The page is out of date or the request did not come from it: reload the page."
    message_zh = "页面已过期或请求不是来自本页面：请刷新页面。"


def session_token(request: Request) -> str | None:
    """The login token in the session cookie, if any."""
    return request.cookies.get(SESSION_COOKIE) or None


def csrf_token(settings: Settings, token: str) -> str:
    """The CSRF token that belongs to session `token` (and to its re-issued tokens)."""
    key = session_key(token, secret=settings.secret_key)
    digest = hmac.new(settings.secret_key.encode(), b"csrf\0" + key.encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def check_csrf(settings: Settings, token: str, given: str | None) -> None:
    """Raise CsrfRefused unless `given` is the CSRF token of session `token`."""
    if not given or not hmac.compare_digest(given, csrf_token(settings, token)):
        raise CsrfRefused()


def cookie_session(request: Request, db: Database, settings: Settings, token: str
                   ) -> Verified:
    """Who the session cookie stands for (through the app's short-lived cache of verified
    actors), its token's re-issue scheduled when due; NotAuthenticated if it no longer
    holds."""
    cache: ActorCache = request.app.state.actors
    verified = verify(db, settings, cache, token)
    schedule_refresh(request, settings, token)
    return verified


def schedule_refresh(request: Request, settings: Settings, token: str) -> None:
    """Have `SessionRefresh` send the session token issued again, if it is due."""
    fresh = refreshed_session(settings, token, now=utc_now())
    if fresh is not None:
        request.scope[REFRESH_KEY] = fresh


def set_session(response: Response, token: str, *, max_age: int, secure: bool) -> None:
    """Store the login token in the HttpOnly session cookie."""
    response.set_cookie(SESSION_COOKIE, token, max_age=max(0, max_age), httponly=True,
                        samesite="lax", secure=secure, path="/")


class SessionRefresh:
    """Pure ASGI middleware: put the re-issued session token (`REFRESH_KEY` in the request
    scope, left there by `schedule_refresh`) on the response as the new session cookie —
    unless the response sets or clears the session cookie itself (sign-in, sign-out)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            fresh = scope.get(REFRESH_KEY)
            if message["type"] == "http.response.start" and fresh is not None:
                message = _with_cookie(message, scope, *fresh)
            await send(message)

        await self.app(scope, receive, sending)


def _with_cookie(message: Message, scope: Scope, token: str, expires_at: datetime) -> Message:
    headers = list(message.get("headers", []))
    prefix = f"{SESSION_COOKIE}=".encode()
    if any(name.lower() == b"set-cookie" and value.startswith(prefix)
           for name, value in headers):
        return message
    carrier = Response()
    set_session(carrier, token, max_age=int((expires_at - utc_now()).total_seconds()),
                secure=scope.get("scheme") == "https")
    headers += [(n, v) for n, v in carrier.raw_headers if n.lower() == b"set-cookie"]
    return {**message, "headers": headers}


def clear_session(response: Response) -> None:
    """Forget the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def language(request: Request, settings: Settings) -> str:
    """The UI language: the language cookie, else the configured default (zh-CN)."""
    return normalise(request.cookies.get(LANG_COOKIE) or settings.language)


def set_language(response: Response, lang: str) -> None:
    """Remember the chosen UI language for a year."""
    response.set_cookie(LANG_COOKIE, normalise(lang), max_age=_YEAR, samesite="lax", path="/")
