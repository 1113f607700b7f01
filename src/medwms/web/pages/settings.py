"""The settings page: every setting an administrator may change while the server runs, its
effective value, the environment's (or default) value and where the effective one comes from;
each changed with a reason (audited with the old and new value), through the service the API's
PUT /settings and `medwms settings set` call."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from medwms.auth.rules import Perm
from medwms.core.db import Database
from medwms.runtime import queries, service
from medwms.runtime.effective import EffectiveSettings
from medwms.web import forms
from medwms.web.deps import DbDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
PATH = "/settings"
FIELDS = {"name": "value", "value": "value", "reason": "reason",
          "SETTING_UNKNOWN": "value"}
# A title per setting; one not listed (a tunable added later) is shown by its description.
TITLES = {
    "login_max_failures": N_("Failed sign-ins before a username is locked"),
    "login_lockout_minutes": N_("Minutes a locked username or address stays locked"),
    "login_free_failures": N_("Failed sign-ins answered without a wait"),
    "login_delay_seconds": N_("First wait after the free failures (seconds)"),
    "login_delay_max_seconds": N_("Longest wait between two tries (seconds)"),
    "login_failure_window_minutes": N_("Minutes after which failures are counted afresh"),
    "login_address_free_failures": N_("Failed sign-ins from one address without a wait"),
    "login_address_max_failures": N_("Failed sign-ins from one address before it is locked"),
    "session_idle_minutes": N_("Minutes an unused browser session lasts"),
    "session_absolute_minutes": N_("Minutes a session lasts after the password was typed"),
    "token_minutes": N_("Minutes a login token lasts"),
    "api_token_max_days": N_("Longest lifetime of an API token (days)"),
    "idempotency_hours": N_("Hours an Idempotency-Key's answer is kept"),
    "unsealed_max_age_seconds": N_("Seconds after which an unsealed row is a problem"),
    "pick_serial_substitution": N_("A picker may take another serial of the allocated lot"),
    "max_upload_bytes": N_("Largest file upload (bytes)"),
    "max_attachment_bytes": N_("Largest scan or photo kept with a record (bytes)"),
    "near_expiry_days": N_("Days before expiry that stock is listed as near expiry"),
    "stock_check_days": N_("Days between in-stock maintenance checks of a zone"),
    "credential_warning_days": N_("Days before a licence or certificate lapses that it is listed"),
    "alarm_escalation_minutes": N_("Minutes an alarm may go unacknowledged before escalation"),
    "equipment_due_warning_days": N_("Days before a calibration or validation is due that it "
                                     "is shown"),
    "manual_morning_end": N_("End of the morning manual reading (local time)"),
    "manual_afternoon_end": N_("End of the afternoon manual reading (local time)"),
    "manual_overdue_days": N_("Days of missed manual readings listed as overdue"),
}
SOURCES = {queries.Source.RUNTIME: N_("Changed here"),
           queries.Source.ENVIRONMENT: N_("Environment"),
           queries.Source.DEFAULT: N_("Default")}


def _runtime(request: Request) -> EffectiveSettings:
    runtime: EffectiveSettings = request.app.state.runtime
    return runtime


@router.get(PATH, response_class=HTMLResponse, dependencies=[needs(Perm.SETTINGS_MANAGE)])
def settings_page(request: Request, db: DbDep, visitor: VisitorDep,
                  done: str = "") -> HTMLResponse:
    """Every runtime setting with its values and source, each with a change form."""
    return _page(request, db, visitor, done=done)


@router.post(PATH, response_model=None, dependencies=[needs(Perm.SETTINGS_MANAGE)])
def change_setting(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep) -> Response:
    """Change one setting (or give it back to the environment's); the page again if refused."""
    forms.check_csrf(request, visitor, form)
    return forms.submitted(
        lambda: _change(request, db, visitor, form),
        lambda refused, status: _page(request, db, visitor, values=forms.values(form),
                                      refusal=refused, status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


def _change(request: Request, db: Database, visitor: Visitor, form: FormData) -> str:
    runtime = _runtime(request)
    name = forms.text(form, "name")
    back = forms.text(form, "environment") == "yes"
    service.set_setting(db=db, actor=visitor.actor, base=runtime.base, name=name,
                        value=None if back else forms.text(form, "value"),
                        reason=forms.text(form, "reason"))
    runtime.expire()
    return f"{PATH}?done={name}#{name}"


def _page(request: Request, db: Database, visitor: Visitor, *, done: str = "",
          values: dict[str, str] | None = None, refusal: Refusal | None = None,
          status_code: int = 200) -> HTMLResponse:
    rows = queries.setting_rows(db, actor=visitor.actor, base=_runtime(request).base)
    return render(request, "settings.html", visitor=visitor, rows=rows, titles=TITLES,
                  sources=SOURCES, done=done, values=values or {}, refusal=refusal,
                  status_code=status_code)
