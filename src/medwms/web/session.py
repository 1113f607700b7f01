"""The browser session: an HttpOnly login-token cookie, a CSRF token derived from it, the language.

The session cookie holds the same signed login token the API issues as a bearer token
(HttpOnly, SameSite=Lax). Every state-changing request authenticated by that cookie must
also carry the CSRF token — an HMAC of the session token under the secret key — in the
`X-CSRF-Token` header (fetch) or a `csrf_token` form field. The page receives it in a
<meta> tag; another site can neither read it nor compute it.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request, Response

from medwms.auth.actors import ActorCache, authenticate
from medwms.auth.rules import Actor
from medwms.config import Settings
from medwms.core.db import Database
from medwms.core.errors import DomainError
from medwms.web.i18n import normalise

SESSION_COOKIE = "medwms_session"
LANG_COOKIE = "medwms_lang"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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
    """The CSRF token that belongs to session `token`."""
    digest = hmac.new(settings.secret_key.encode(), b"csrf\0" + token.encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def check_csrf(settings: Settings, token: str, given: str | None) -> None:
    """Raise CsrfRefused unless `given` is the CSRF token of session `token`."""
    if not given or not hmac.compare_digest(given, csrf_token(settings, token)):
        raise CsrfRefused()


def cookie_actor(request: Request, db: Database, settings: Settings, token: str) -> Actor:
    """The actor behind the session cookie (through the app's short-lived cache of verified
    actors); NotAuthenticated if it no longer holds."""
    cache: ActorCache = request.app.state.actors
    return authenticate(db, settings, cache, token)


def set_session(response: Response, token: str, *, max_age: int, secure: bool) -> None:
    """Store the login token in the HttpOnly session cookie."""
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True,
                        samesite="lax", secure=secure, path="/")


def clear_session(response: Response) -> None:
    """Forget the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def language(request: Request, settings: Settings) -> str:
    """The UI language: the language cookie, else the configured default (zh-CN)."""
    return normalise(request.cookies.get(LANG_COOKIE) or settings.language)


def set_language(response: Response, lang: str) -> None:
    """Remember the chosen UI language for a year."""
    response.set_cookie(LANG_COOKIE, normalise(lang), max_age=_YEAR, samesite="lax", path="/")
