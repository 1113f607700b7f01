"""Complaints and suspected adverse-event reports for the quality team: the filtered list with
its XLSX export, the form that logs a report, and one report with the forms that work it
(lots and serials, findings, notifications) and close it.

Each form posts here (CSRF token in the form) and calls the service the API calls; the
person and the time of every step are the session's and the server's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from medwms.auth.guard import reading_as, require
from medwms.complaints import queries, service
from medwms.complaints.export import complaints_xlsx
from medwms.complaints.rules import CHANNELS
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.masterdata import choices
from medwms.web import forms
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
BASE = "/quality/complaints"
RECORD, APPROVE = service.RECORD, service.APPROVE
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {"COMPLAINT": N_("Complaint"), "ADVERSE_EVENT": N_("Suspected adverse event")}
SEVERITIES = {"SERIOUS": N_("Serious"), "NOT_SERIOUS": N_("Not serious")}
STATES = {"OPEN": N_("Open"), "INVESTIGATING": N_("Under investigation"),
          "CLOSED": N_("Closed")}
PARTIES = {"REGISTRANT": N_("Registrant told"), "SUPPLIER": N_("Supplier told"),
           "REGULATOR": N_("Reported to the adverse-event system")}
CHANNEL_WORDS = {"PHONE": N_("Phone"), "EMAIL": N_("E-mail"), "FAX": N_("Fax"),
                 "LETTER": N_("Letter"), "IN_PERSON": N_("In person"),
                 "ONLINE": N_("Online system")}
FILTERS = ("kind", "status", "item", "lot", "customer", "incomplete")
# Where each problem column (or error code) of the service is shown on the forms.
FIELDS = {"kind": "kind", "severity": "severity", "description": "description",
          "gtin": "gtin", "scans": "scans", "units": "lots", "cause": "cause",
          "actions": "actions", "reply": "reply", "party": "party", "channel": "channel",
          "reference": "reference", "COMPLAINT_UNKNOWN_CUSTOMER": "customer",
          "COMPLAINT_UNKNOWN_UNIT": "lots", "UNKNOWN_GTIN": "gtin", "SCAN_REFUSED": "scans"}
WORDS: dict[str, Any] = {"kinds": KINDS, "severities": SEVERITIES, "states": STATES,
                         "parties": PARTIES,
                         "channels": {c: CHANNEL_WORDS[c] for c in CHANNELS}}


def _filters(request: Request) -> tuple[dict[str, str], queries.Filters]:
    params = {name: forms.query_text(request, name) for name in FILTERS}
    incomplete = {"yes": True, "no": False}.get(params["incomplete"])
    return params, queries.Filters(kind=params["kind"], status=params["status"],
                                   item=params["item"], lot=params["lot"],
                                   customer=params["customer"], incomplete=incomplete)


@router.get(BASE, response_class=HTMLResponse, dependencies=[needs(RECORD)])
def complaints_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The reports, newest first, with filters; incomplete ones marked."""
    require(visitor.actor, RECORD)
    params, filters = _filters(request)
    with reading_as(db, visitor.actor) as session:
        rows = queries.list_complaints(session, filters)
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return render(request, "complaints/list.html", visitor=visitor, rows=rows, params=params,
                  export=f"{BASE}/export.xlsx" + (f"?{query}" if query else ""), **WORDS)


@router.get(f"{BASE}/export.xlsx", dependencies=[needs(RECORD)])
def export_page(request: Request, db: DbDep, visitor: VisitorDep,
                settings: SettingsDep) -> Response:
    """The filtered list as an XLSX workbook for the registrant."""
    require(visitor.actor, RECORD)
    _params, filters = _filters(request)
    with reading_as(db, visitor.actor) as session:
        rows = queries.list_complaints(session, filters)
    return Response(complaints_xlsx(rows, timezone=settings.timezone), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="complaints.xlsx"'})


@router.get(f"{BASE}/new", response_class=HTMLResponse, dependencies=[needs(RECORD)])
def new_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The form that logs a report: kind, customer, product, lots/serials or UDIs, what
    happened."""
    require(visitor.actor, RECORD)
    return _new_form(request, db, visitor, values={
        "gtin": forms.query_text(request, "gtin"), "lots": forms.query_text(request, "lot")})


@router.post(f"{BASE}/new", response_model=None, dependencies=[needs(RECORD)])
def log_page(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep,
             settings: SettingsDep) -> Response:
    """Log the report and show it; or the form again with every problem beside its field."""
    forms.check_csrf(request, visitor, form)
    require(visitor.actor, RECORD)
    return forms.submitted(
        lambda: f"{BASE}/{_log(db, visitor, form, settings.scanner_gs_substitutes)}",
        lambda refused, status: _new_form(request, db, visitor, values=forms.values(form),
                                          refusal=refused, status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


def _units(form: FormData, gs_substitutes: tuple[str, ...]) -> service.Units:
    scans = tuple(line.strip() for line in forms.text(form, "scans").splitlines()
                  if line.strip())
    return service.Units(forms.words(forms.text(form, "lots")),
                         forms.words(forms.text(form, "serials")), scans, gs_substitutes)


def _log(db: Database, visitor: Visitor, form: FormData,
         gs_substitutes: tuple[str, ...]) -> str:
    view = service.log_report(db, actor=visitor.actor, report=service.ReportIn(
        kind=forms.text(form, "kind"), customer=forms.text(form, "customer"),
        gtin=forms.text(form, "gtin"), description=forms.text(form, "description"),
        severity=forms.text(form, "severity") or None, units=_units(form, gs_substitutes)))
    return view.complaint_no


def _new_form(request: Request, db: Database, visitor: Visitor, *, values: dict[str, str],
              refusal: Refusal | None = None, status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as session:
        products = choices.products(session, visitor.lang)
    return render(request, "complaints/new.html", visitor=visitor, values=values,
                  products=products, refusal=refusal, status_code=status_code, **WORDS)


@router.get(BASE + "/{complaint_no}", response_class=HTMLResponse,
            dependencies=[needs(RECORD)])
def report_page(request: Request, complaint_no: Code, db: DbDep,
                visitor: VisitorDep) -> HTMLResponse:
    """One report: what was reported, its lots and serials, findings, notifications."""
    require(visitor.actor, RECORD)
    return _report(request, db, visitor, complaint_no)


def _report(request: Request, db: Database, visitor: Visitor, complaint_no: str, *,
            refusal: Refusal | None = None, form_name: str = "", values: dict[str, str] | None
            = None, status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as session:
        view = queries.complaint_view(session, complaint_no)
    return render(request, "complaints/report.html", visitor=visitor, r=view,
                  refusal=refusal, form_name=form_name, values=values or {},
                  can_close=visitor.actor.can(APPROVE), status_code=status_code, **WORDS)


def _step(request: Request, db: Database, visitor: Visitor, form: FormData, complaint_no: str,
          name: str, act: Callable[[], object]) -> Response:
    forms.check_csrf(request, visitor, form)

    def save() -> str:
        act()
        return f"{BASE}/{complaint_no}"

    return forms.submitted(
        save, lambda refused, status: _report(request, db, visitor, complaint_no,
                                              refusal=refused, form_name=name,
                                              values=forms.values(form), status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


@router.post(BASE + "/{complaint_no}/units", response_model=None,
             dependencies=[needs(RECORD)])
def units_page(request: Request, complaint_no: Code, db: DbDep, visitor: VisitorDep,
               form: FormDep, settings: SettingsDep) -> Response:
    """Add lots, serials or scanned UDIs to the report."""
    require(visitor.actor, RECORD)
    return _step(request, db, visitor, form, complaint_no, "units", lambda: service.add_units(
        db, actor=visitor.actor, complaint_no=complaint_no,
        units=_units(form, settings.scanner_gs_substitutes)))


@router.post(BASE + "/{complaint_no}/findings", response_model=None,
             dependencies=[needs(RECORD)])
def findings_page(request: Request, complaint_no: Code, db: DbDep, visitor: VisitorDep,
                  form: FormDep) -> Response:
    """Record the cause found, the actions taken and the reply to the customer."""
    require(visitor.actor, RECORD)
    findings = service.Findings(forms.text(form, "cause"), forms.text(form, "actions"),
                                forms.text(form, "reply"))
    return _step(request, db, visitor, form, complaint_no, "findings",
                 lambda: service.record_findings(db, actor=visitor.actor,
                                                 complaint_no=complaint_no, findings=findings,
                                                 reason=forms.text(form, "reason")))


@router.post(BASE + "/{complaint_no}/notify", response_model=None,
             dependencies=[needs(RECORD)])
def notify_page(request: Request, complaint_no: Code, db: DbDep, visitor: VisitorDep,
                form: FormDep) -> Response:
    """Record that the registrant, the supplier or the regulator was told, now, by you."""
    require(visitor.actor, RECORD)
    return _step(request, db, visitor, form, complaint_no, "notify",
                 lambda: service.record_notification(
                     db, actor=visitor.actor, complaint_no=complaint_no,
                     party=forms.text(form, "party"), channel=forms.text(form, "channel"),
                     reference=forms.text(form, "reference")))


@router.post(BASE + "/{complaint_no}/close", response_model=None,
             dependencies=[needs(APPROVE)])
def close_page(request: Request, complaint_no: Code, db: DbDep, visitor: VisitorDep,
               form: FormDep) -> Response:
    """Close the report (quality approval)."""
    require(visitor.actor, APPROVE)
    return _step(request, db, visitor, form, complaint_no, "close",
                 lambda: service.close_report(db, actor=visitor.actor,
                                              complaint_no=complaint_no))
