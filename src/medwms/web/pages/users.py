"""Administration pages: the users (list, create, roles, warehouse scope, disable and
enable, password reset), their API tokens (issue, shown once; revoke), each user's history,
and the roles with their permissions.

Every form posts here with the CSRF token and calls the service the API's /users and
/auth/api-tokens routes and `medwms users` call; the services check the permission again
and write the audit record. A refusal comes back as the page with the problem beside the
field of the form that was sent. Users are never deleted: they are disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import StringConstraints
from starlette.datastructures import FormData

from medwms.auth import queries, service
from medwms.auth.errors import ApiTokenNotFound, BadApiToken
from medwms.auth.guard import reading_as, require_every_warehouse
from medwms.auth.rules import Perm, Role
from medwms.auth.scopes import DEFAULT_SCOPE, ApiScope
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.fields import SINGLE_LINE, Id
from medwms.masterdata import choices
from medwms.web import forms
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Reader, Refusal
from medwms.web.pages import user_words
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
MANAGE = Perm.USERS_MANAGE
PAGE_SIZE = 25
ACTIVE = {"yes": True, "no": False}
Username = Annotated[str, StringConstraints(max_length=60, pattern=SINGLE_LINE)]
# Where each problem column (or error code) is shown on the forms.
FIELDS = {"username": "username", "display_name": "display_name", "language": "language",
          "roles": "roles", "warehouses": "warehouses", "password": "password",
          "scope": "scope", "days": "days", "name": "name", "password_again": "password_again",
          "USERNAME_TAKEN": "username", "USER_NOT_FOUND": "username"}


# --- the pages -------------------------------------------------------------------------------

@router.get("/users", response_class=HTMLResponse, dependencies=[needs(MANAGE)])
def users_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The users, by username: search by name, filter by role and by enabled; a page of them."""
    wanted = {k: forms.query_text(request, k) for k in ("q", "role", "active", "page")}
    page = max(int(wanted["page"]), 1) if wanted["page"].isdigit() else 1
    filters = queries.UserFilter(search=wanted["q"],
                                 role=wanted["role"] if wanted["role"] in set(Role) else "",
                                 active=ACTIVE.get(wanted["active"]),
                                 offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    with reading_as(db, visitor.actor) as s:
        found = queries.find_users(s, actor=visitor.actor, filters=filters)
    pages = max((found.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render(request, "users/list.html", visitor=visitor, found=found, wanted=wanted,
                  page=page, pages=pages, roles=_role_choices(visitor.lang),
                  role_word=lambda code: user_words.role_word(code, visitor.lang))


@router.get("/roles", response_class=HTMLResponse, dependencies=[needs(MANAGE)])
def roles_page(request: Request, visitor: VisitorDep) -> HTMLResponse:
    """Each role with what it may do (the roles are fixed in the code)."""
    require_every_warehouse(visitor.actor, MANAGE)
    return render(request, "users/roles.html", visitor=visitor,
                  rows=user_words.role_table(visitor.lang))


@router.get("/users/new", response_class=HTMLResponse, dependencies=[needs(MANAGE)])
def new_user(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The form: username, name, language, roles, warehouse scope, first password."""
    require_every_warehouse(visitor.actor, MANAGE)
    return _new_form(request, db, visitor, values={"must_change": "yes"}, chosen={})


@router.post("/users/new", response_model=None, dependencies=[needs(MANAGE)])
def create_user(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep) -> Response:
    """Create the user and show their page; or the form again with the problems."""
    forms.check_csrf(request, visitor, form)

    def save() -> str:
        _same_passwords(form)
        view = service.create_user(
            db, actor=visitor.actor, username=forms.text(form, "username"),
            display_name=forms.text(form, "display_name"), password=_raw(form, "password"),
            roles=_strings(form, "roles"), language=forms.text(form, "language") or "zh-CN",
            warehouses=_strings(form, "warehouses"),
            must_change=forms.text(form, "must_change") == "yes",
            reason=forms.text(form, "reason"))
        return f"/users/{view.username}?done=created"

    return forms.submitted(
        save, lambda refused, status: _new_form(
            request, db, visitor, values=forms.values(form), chosen=_chosen(form),
            refusal=refused, status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


@router.get("/users/{username}", response_class=HTMLResponse, dependencies=[needs(MANAGE)])
def user_page(request: Request, username: Username, db: DbDep, visitor: VisitorDep,
              settings: SettingsDep) -> HTMLResponse:
    """One user: roles and scope (to change), enable or disable, a password reset, their API
    tokens (to issue and revoke), and their history in the audit log."""
    done = forms.query_text(request, "done")
    return _user_page(request, db, visitor, username, max_days=settings.api_token_max_days,
                      done=done)


# --- the forms of a user's page ----------------------------------------------------------------

@router.post("/users/{username}/roles", response_model=None, dependencies=[needs(MANAGE)])
def set_roles(request: Request, username: Username, db: DbDep, visitor: VisitorDep,
              form: FormDep, settings: SettingsDep) -> Response:
    """Replace the user's roles."""
    return _command(request, db, visitor, form, username, "roles", settings.api_token_max_days,
                    lambda name: service.set_roles(db, actor=visitor.actor, username=name,
                                                   roles=_strings(form, "roles"),
                                                   reason=forms.text(form, "reason")))


@router.post("/users/{username}/warehouses", response_model=None, dependencies=[needs(MANAGE)])
def set_warehouses(request: Request, username: Username, db: DbDep, visitor: VisitorDep,
                   form: FormDep, settings: SettingsDep) -> Response:
    """Limit the user's roles to the warehouses ticked (none ticked: every warehouse)."""
    return _command(request, db, visitor, form, username, "warehouses",
                    settings.api_token_max_days,
                    lambda name: service.set_warehouses(
                        db, actor=visitor.actor, username=name,
                        warehouses=_strings(form, "warehouses"),
                        reason=forms.text(form, "reason")))


@router.post("/users/{username}/profile", response_model=None, dependencies=[needs(MANAGE)])
def set_profile(request: Request, username: Username, db: DbDep, visitor: VisitorDep,
                form: FormDep, settings: SettingsDep) -> Response:
    """Change the user's display name and language."""
    return _command(request, db, visitor, form, username, "profile", settings.api_token_max_days,
                    lambda name: service.update_user(
                        db, actor=visitor.actor, username=name,
                        display_name=forms.text(form, "display_name"),
                        language=forms.text(form, "language") or None,
                        reason=forms.text(form, "reason")))


@router.post("/users/{username}/active", response_model=None, dependencies=[needs(MANAGE)])
def set_active(request: Request, username: Username, db: DbDep, visitor: VisitorDep,
               form: FormDep, settings: SettingsDep) -> Response:
    """Disable the user (no sign-in, their tokens refused at once) or enable them again."""
    command = service.enable_user if forms.text(form, "active") == "yes" \
        else service.disable_user
    return _command(request, db, visitor, form, username, "active", settings.api_token_max_days,
                    lambda name: command(db, actor=visitor.actor, username=name,
                                         reason=forms.text(form, "reason")))


@router.post("/users/{username}/password", response_model=None, dependencies=[needs(MANAGE)])
def reset_password(request: Request, username: Username, db: DbDep, visitor: VisitorDep,
                   form: FormDep, settings: SettingsDep) -> Response:
    """Set the user's password (to be changed at their next sign-in when ticked); their
    sessions and API tokens stop working."""
    def reset(name: str) -> object:
        _same_passwords(form)
        return service.reset_password(db, actor=visitor.actor, username=name,
                                      new_password=_raw(form, "password"),
                                      must_change=forms.text(form, "must_change") == "yes",
                                      reason=forms.text(form, "reason"))

    return _command(request, db, visitor, form, username, "password",
                    settings.api_token_max_days, reset)


@router.post("/users/{username}/tokens", response_model=None, dependencies=[needs(MANAGE)])
def issue_token(request: Request, username: Username, db: DbDep, visitor: VisitorDep,
                form: FormDep, settings: SettingsDep) -> Response:
    """Issue an API token: its secret is shown on the answer to this post, and never again."""
    forms.check_csrf(request, visitor, form)
    name, max_days = username, settings.api_token_max_days
    read = Reader()
    days = read.whole(forms.text(form, "days"), "days", empty=max_days)
    try:
        read.check(BadApiToken, scopes=", ".join(ApiScope), max_days=max_days)
        new = service.create_api_token(db, actor=visitor.actor, username=name,
                                       name=forms.text(form, "name"),
                                       scope=forms.text(form, "scope") or DEFAULT_SCOPE,
                                       days=days, max_days=max_days)
    except BadApiToken as error:
        shown = forms.refusal(error, visitor.lang, FIELDS)
        return _user_page(request, db, visitor, name, max_days=max_days, failed="token",
                          refusal=shown, values=forms.values(form), status_code=422)
    page = render(request, "users/token.html", visitor=visitor, new=new, username=name,
                  scope=user_words.say(user_words.SCOPE_WORDS, new.view.scope, visitor.lang))
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/users/{username}/tokens/{token_id}/revoke", response_model=None,
             dependencies=[needs(MANAGE)])
def revoke_token(request: Request, username: Username, token_id: Id, db: DbDep,
                 visitor: VisitorDep, form: FormDep, settings: SettingsDep) -> Response:
    """Revoke one of the user's API tokens: it is refused from now on."""
    def revoke(name: str) -> object:
        with reading_as(db, visitor.actor) as s:
            owned = {t.id for t in queries.list_api_tokens(s, actor=visitor.actor,
                                                           username=name)}
        if token_id not in owned:
            raise ApiTokenNotFound(key=token_id)
        return service.revoke_api_token(db, actor=visitor.actor, token_id=token_id,
                                        reason=forms.text(form, "reason"))

    return _command(request, db, visitor, form, username, "tokens", settings.api_token_max_days,
                    revoke, done="revoked")


# --- helpers -------------------------------------------------------------------------------

def _command(request: Request, db: Database, visitor: Visitor, form: FormData, username: str,
             which: str, max_days: int, run: Callable[[str], object], *,
             done: str = "saved") -> Response:
    """Run one form of a user's page and come back to it; a refusal shows it beside the
    fields of the form that was sent."""
    forms.check_csrf(request, visitor, form)
    name = username

    def save() -> str:
        run(name)
        return f"/users/{name}?done={done}#{which}"

    return forms.submitted(
        save, lambda refused, status: _user_page(
            request, db, visitor, name, max_days=max_days, failed=which, refusal=refused,
            values=forms.values(form), chosen=_chosen(form), status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


def _user_page(request: Request, db: Database, visitor: Visitor, username: str, *,
               max_days: int, done: str = "", failed: str = "", refusal: Refusal | None = None,
               values: dict[str, str] | None = None, chosen: dict[str, set[str]] | None = None,
               status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        user = queries.get_user(s, actor=visitor.actor, username=username)
        tokens = queries.list_api_tokens(s, actor=visitor.actor, username=username)
        records = queries.user_history(s, actor=visitor.actor, username=username)
        warehouses = choices.warehouses(s)
    settings = request.app.state.settings
    return render(request, "users/user.html", visitor=visitor, user=user, tokens=tokens,
                  history=user_words.history_rows(records, visitor.lang, settings.timezone),
                  roles=_role_choices(visitor.lang), warehouses=warehouses,
                  scopes=[(s.value, user_words.say(user_words.SCOPE_WORDS, s.value,
                                                   visitor.lang)) for s in ApiScope],
                  max_days=max_days, done=done, failed=failed, refusal=refusal,
                  values=values or {}, chosen=chosen or {}, status_code=status_code,
                  role_word=lambda code: user_words.role_word(code, visitor.lang),
                  scope_word=lambda code: user_words.say(user_words.SCOPE_WORDS, code,
                                                         visitor.lang), now=utc_now())


def _new_form(request: Request, db: Database, visitor: Visitor, *, values: dict[str, str],
              chosen: dict[str, set[str]], refusal: Refusal | None = None,
              status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        warehouses = choices.warehouses(s)
    return render(request, "users/new.html", visitor=visitor, values=values, chosen=chosen,
                  roles=_role_choices(visitor.lang), warehouses=warehouses, refusal=refusal,
                  status_code=status_code)


def _role_choices(lang: str) -> list[tuple[str, str]]:
    return [(role.value, user_words.role_word(role.value, lang)) for role in Role]


def _strings(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def _chosen(form: FormData) -> dict[str, set[str]]:
    """The boxes ticked, by field, to tick them again on a refused form."""
    return {name: set(_strings(form, name)) for name in ("roles", "warehouses")}


def _raw(form: FormData, name: str) -> str:
    """A password as typed (not trimmed: spaces may be part of it)."""
    value: Any = form.get(name)
    return value if isinstance(value, str) else ""


def _same_passwords(form: FormData) -> None:
    """A ValidationError at the second field unless both password fields say the same."""
    if _raw(form, "password") != _raw(form, "password_again"):
        read = Reader()
        read.require(False, "password_again", "The two new passwords are not the same.",
                     "两次输入的新密码不一致。")
        read.check()
