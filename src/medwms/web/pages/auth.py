"""Sign-in and sign-out pages, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medwms.auth import service
from medwms.auth.errors import LoginFailed
from medwms.web import session
from medwms.web.deps import DbDep, SettingsDep, VisitorDep, public, signed_in
from medwms.web.i18n import normalise
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in: never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse, dependencies=[public()])
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form."""
    return render(request, "login.html", next=safe_next(next), error=None, username="")


@router.post("/login", response_model=None, dependencies=[public()])
def login(request: Request, db: DbDep, settings: SettingsDep,
          username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/") -> Response:
    """Check the password; on success store the login token in the session cookie."""
    lang = session.language(request, settings)
    try:
        result = service.login(db, settings=settings, username=username, password=password)
    except LoginFailed as error:
        return render(request, "login.html", next=safe_next(next), username=username,
                      error=error.message(lang), status_code=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    session.set_session(response, result.access_token, max_age=result.expires_in,
                        secure=request.url.scheme == "https")
    if session.LANG_COOKIE not in request.cookies:
        session.set_language(response, result.user.language)
    return response


@router.post("/logout", dependencies=[signed_in()])
def logout(request: Request, visitor: VisitorDep, settings: SettingsDep,
           csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:
    """Forget the session (the form carries the CSRF token)."""
    session.check_csrf(settings, visitor.token, csrf_token)
    response = RedirectResponse("/login", status_code=303)
    session.clear_session(response)
    return response


@router.get("/lang/{lang}", dependencies=[public()])
def switch_language(lang: str, next: str = "/") -> RedirectResponse:
    """Switch the UI language (zh-CN or en) and go back to the page."""
    response = RedirectResponse(safe_next(next), status_code=303)
    session.set_language(response, normalise(lang))
    return response
