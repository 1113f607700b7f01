"""Sign-in and sign-out pages, the password change, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medwms.auth import service, sessions, signin
from medwms.auth.errors import LoginFailed, LoginThrottled, WrongPassword
from medwms.auth.passwords import MIN_LENGTH
from medwms.core.errors import ValidationError
from medwms.core.fields import Code
from medwms.web import session
from medwms.web.deps import (
    PASSWORD_PAGE,
    DbDep,
    SettingsDep,
    SignedInDep,
    Visitor,
    public,
    signed_in_to_change_password,
)
from medwms.web.forms import Refusal, refusal
from medwms.web.i18n import gettext_for, normalise
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)

CHANGED = N_("Your password was changed and every session was signed out: sign in with "
             "the new password.")
NOT_THE_SAME = N_("The two new passwords are not the same.")
PASSWORD_FIELDS = {"password": "new_password", "old_password": "old_password",
                   WrongPassword.code: "old_password"}


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in: never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse, dependencies=[public()])
def login_page(request: Request, settings: SettingsDep, next: str = "/",
               changed: bool = False) -> HTMLResponse:
    """The sign-in form (after a password change, with a word that it worked)."""
    notice = gettext_for(session.language(request, settings), CHANGED) if changed else None
    return render(request, "login.html", next=safe_next(next), error=None, username="",
                  notice=notice)


@router.post("/login", response_model=None, dependencies=[public()])
def login(request: Request, db: DbDep, settings: SettingsDep,
          username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/") -> Response:
    """Check the password; on success store the session token in the cookie. Throttled
    tries are answered 429 with Retry-After and the time to try again."""
    lang = session.language(request, settings)
    try:
        result = signin.login(db, settings=settings, username=username, password=password,
                              address=request.client.host if request.client else None,
                              sliding=True)
    except (LoginFailed, LoginThrottled) as error:
        page = render(request, "login.html", next=safe_next(next), username=username,
                      error=error.message(lang), code=error.code, status_code=error.status,
                      notice=None)
        if isinstance(error, LoginThrottled):
            page.headers["Retry-After"] = str(error.fields["retry_after"])
        return page
    target = PASSWORD_PAGE if result.user.must_change_password else safe_next(next)
    response = RedirectResponse(target, status_code=303)
    session.set_session(response, result.access_token, max_age=result.expires_in,
                        secure=request.url.scheme == "https")
    if session.LANG_COOKIE not in request.cookies:
        session.set_language(response, result.user.language)
    return response


@router.post("/logout", dependencies=[signed_in_to_change_password()])
def logout(request: Request, db: DbDep, visitor: SignedInDep, settings: SettingsDep,
           csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:
    """Sign out: every session and login token of the user ends (the form carries the CSRF
    token)."""
    session.check_csrf(settings, visitor.token, csrf_token)
    sessions.logout(db, actor=visitor.actor)
    response = RedirectResponse("/login", status_code=303)
    session.clear_session(response)
    return response


@router.get(PASSWORD_PAGE, response_class=HTMLResponse,
            dependencies=[signed_in_to_change_password()])
def password_page(request: Request, visitor: SignedInDep) -> HTMLResponse:
    """The password change form (the only page while the password must be changed)."""
    return _password_form(request, visitor, None, 200)


@router.post(PASSWORD_PAGE, response_model=None, dependencies=[signed_in_to_change_password()])
def change_password(request: Request, db: DbDep, visitor: SignedInDep, settings: SettingsDep,
                    old_password: Annotated[str, Form()] = "",
                    new_password: Annotated[str, Form()] = "",
                    new_password_again: Annotated[str, Form()] = "",
                    csrf_token: Annotated[str, Form()] = "") -> Response:
    """Change one's password; every session ends, so the user signs in again with it."""
    session.check_csrf(settings, visitor.token, csrf_token)
    if new_password != new_password_again:
        shown = Refusal(gettext_for(visitor.lang, NOT_THE_SAME))
        shown.place("new_password_again", None, shown.message)
        return _password_form(request, visitor, shown, 422)
    try:
        service.change_own_password(db, actor=visitor.actor, old_password=old_password,
                                    new_password=new_password)
    except (WrongPassword, ValidationError) as error:
        return _password_form(request, visitor,
                              refusal(error, visitor.lang, PASSWORD_FIELDS), error.status)
    response = RedirectResponse("/login?changed=1", status_code=303)
    session.clear_session(response)
    return response


@router.get("/lang/{lang}", dependencies=[public()])
def switch_language(lang: Code, next: str = "/") -> RedirectResponse:
    """Switch the UI language (zh-CN or en) and go back to the page."""
    response = RedirectResponse(safe_next(next), status_code=303)
    session.set_language(response, normalise(lang))
    return response


def _password_form(request: Request, visitor: Visitor, shown: Refusal | None,
                   status_code: int) -> HTMLResponse:
    return render(request, "account_password.html", visitor=visitor, refusal=shown,
                  min_length=MIN_LENGTH, forced=visitor.must_change_password,
                  status_code=status_code)
