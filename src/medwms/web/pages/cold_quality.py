"""Quality pages of the cold chain: the equipment register (calibration and validation records
with the certificate scan), the alarm recipients per area, and my alarms with acknowledgement.

Forms post here (CSRF token in the form); a refusal shows the page again with the message
beside its field, and nothing is kept.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from medwms.attachments.service import Upload
from medwms.attachments.store import store_of
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.coldchain import alarm_queries, alarms
from medwms.coldchain.manual_rules import SlotTimes
from medwms.config import Settings
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.equipment import queries as register
from medwms.equipment import service as equipment
from medwms.equipment.rules import CheckKind, CheckSpec, Kind, Result
from medwms.web import forms, uploads
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.forms import Reader, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
MANAGE = Perm.COLDCHAIN_MANAGE
KIND_WORDS = {Kind.SENSOR: N_("Sensor"), Kind.COLD_ROOM: N_("Cold storage room"),
              Kind.FRIDGE: N_("Fridge"), Kind.COLD_BOX: N_("Cold box"),
              Kind.VEHICLE: N_("Refrigerated vehicle")}
STATE_WORDS = {"OK": N_("In date"), "NEVER_CHECKED": N_("Never checked"),
               "LAPSED": N_("Lapsed"), "FAILED": N_("Failed")}
CHECK_WORDS = {CheckKind.CALIBRATION: N_("Calibration"), CheckKind.VALIDATION: N_("Validation")}
RESULT_WORDS = {Result.PASS: N_("Pass"), Result.FAIL: N_("Fail")}
WORDS = {"kinds": KIND_WORDS, "states": STATE_WORDS, "checks": CHECK_WORDS,
         "results": RESULT_WORDS}


def _today(settings: Settings) -> date:
    return local_date(utc_now(), settings.timezone)


@router.get("/quality/equipment", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def register_page(request: Request, db: DbDep, visitor: VisitorDep,
                  settings: SettingsDep) -> HTMLResponse:
    """The register: every entry, in date or not, the compliance warnings, the add form."""
    return _register(request, db, visitor, settings)


def _register(request: Request, db: Database, visitor: Visitor, settings: Settings,
              refusal: Refusal | None = None, values: dict[str, str] | None = None,
              status_code: int = 200) -> HTMLResponse:
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        rows = register.register(s, on=_today(settings),
                                 warn_days=settings.equipment_due_warning_days)
        warnings = alarm_queries.warnings(
            s, on=_today(settings), now=utc_now(), overdue_days=settings.manual_overdue_days,
            slots=SlotTimes(settings.manual_morning_end, settings.manual_afternoon_end))
    return render(request, "quality/equipment.html", visitor=visitor, rows=rows,
                  warnings=warnings, words=WORDS, can_manage=visitor.actor.can(MANAGE),
                  refusal=refusal, values=values or {}, status_code=status_code)


@router.post("/quality/equipment", response_model=None, dependencies=[needs(MANAGE)])
def add_equipment(request: Request, db: DbDep, visitor: VisitorDep, settings: SettingsDep,
                  form: forms.FormDep) -> Response:
    """Add equipment to the register, then show it."""
    forms.check_csrf(request, visitor, form)
    spec = equipment.EquipmentSpec(
        code=forms.text(form, "code"), kind=forms.text(form, "kind"),
        name=forms.text(form, "name"), warehouse=forms.text(form, "warehouse") or None,
        zone=forms.text(form, "zone") or None)
    def save() -> str:
        code = equipment.register_equipment(db, actor=visitor.actor, spec=spec)
        return f"/quality/equipment/{code}"

    return forms.submitted(
        save,
        lambda refused, status: _register(request, db, visitor, settings, refused,
                                          forms.values(form), status),
        lang=visitor.lang, fields={"code": "code", "kind": "kind", "zone": "zone",
                                   "EQUIPMENT_EXISTS": "code"}, form=form)


@router.get("/quality/equipment/{code}", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def equipment_page(request: Request, code: Code, db: DbDep, visitor: VisitorDep,
                   settings: SettingsDep) -> HTMLResponse:
    """One entry: its checks with their certificate scans, and the record form."""
    return _equipment(request, code, db, visitor, settings)


def _equipment(request: Request, code: str, db: Database, visitor: Visitor, settings: Settings,
               refusal: Refusal | None = None, values: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        view = register.equipment(s, code, on=_today(settings),
                                  warn_days=settings.equipment_due_warning_days)
    return render(request, "quality/equipment_one.html", visitor=visitor, e=view, words=WORDS,
                  can_manage=visitor.actor.can(MANAGE), refusal=refusal,
                  values=values or {}, today=_today(settings), status_code=status_code)


@router.post("/quality/equipment/{code}/checks", response_model=None,
             dependencies=[needs(MANAGE)], openapi_extra=uploads.UPLOAD_FORM)
def record_check(request: Request, code: Code, db: DbDep, visitor: VisitorDep,
                 settings: SettingsDep, form: forms.FormDep) -> Response:
    """Record a calibration or validation with its certificate scan."""
    forms.check_csrf(request, visitor, form)
    return forms.submitted(
        lambda: _record(db, visitor, settings, code, form),
        lambda refused, status: _equipment(request, code, db, visitor, settings, refused,
                                           forms.values(form), status),
        lang=visitor.lang, form=form,
        fields={name: name for name in ("check_kind", "performed_on", "certificate_no", "body",
                                        "result", "next_due", "certificate")}
        | {"ATTACHMENT_TYPE_REFUSED": "certificate", "ATTACHMENT_TOO_LARGE": "certificate"})


def _record(db: Database, visitor: Visitor, settings: Settings, code: str,
            form: FormData) -> str:
    read = Reader()
    performed_on = read.day(forms.text(form, "performed_on"), "performed_on")
    next_due = read.day(forms.text(form, "next_due"), "next_due")
    read.require(performed_on is not None, "performed_on", "is required", "必填")
    read.check()
    assert performed_on is not None
    scan = form.get("certificate")
    upload = (Upload(scan.filename, scan.file.read())
              if isinstance(scan, UploadFile) and scan.filename else None)
    equipment.record_check(
        db, actor=visitor.actor, equipment=code,
        spec=CheckSpec(forms.text(form, "check_kind"), performed_on,
                       forms.text(form, "certificate_no"), forms.text(form, "body"),
                       forms.text(form, "result"), next_due, forms.text(form, "note")),
        certificate=upload, timezone=settings.timezone,
        store=store_of(settings.attachments_dir, settings.max_attachment_bytes))
    return f"/quality/equipment/{code}?recorded=1"


@router.get("/quality/alarm-recipients", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def recipients_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Every monitored area with its two lists; a cold-chain manager changes them here."""
    return _recipients(request, db, visitor)


def _recipients(request: Request, db: Database, visitor: Visitor,
                refusal: Refusal | None = None, failed: str = "",
                status_code: int = 200) -> HTMLResponse:
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        areas = alarm_queries.areas(s)
    return render(request, "quality/recipients.html", visitor=visitor, areas=areas,
                  can_manage=visitor.actor.can(MANAGE), refusal=refusal, failed=failed,
                  status_code=status_code)


@router.post("/quality/alarm-recipients", response_model=None, dependencies=[needs(MANAGE)])
def set_recipients(request: Request, db: DbDep, visitor: VisitorDep,
                   form: forms.FormDep) -> Response:
    """Replace one area's lists (usernames, comma- or space-separated)."""
    forms.check_csrf(request, visitor, form)
    area = forms.text(form, "area")
    warehouse, _, zone = area.rpartition("/")

    def save() -> str:
        alarms.set_recipients(db, actor=visitor.actor, zone=zone, warehouse=warehouse or None,
                              first=forms.words(forms.text(form, "first")),
                              escalation=forms.words(forms.text(form, "escalation")))
        return "/quality/alarm-recipients?saved=1"

    return forms.submitted(
        save, lambda refused, status: _recipients(request, db, visitor, refused, area, status),
        lang=visitor.lang, fields={"first": "first"}, form=form)


@router.get("/alarms", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def my_alarms(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """My alarm notices, those waiting for me first, each with its acknowledge form."""
    return _alarms(request, db, visitor)


def _alarms(request: Request, db: Database, visitor: Visitor, refusal: Refusal | None = None,
            failed: str = "", status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        notices = alarm_queries.my_notices(s, visitor.actor.user_id)
        waiting = alarm_queries.unacknowledged(s, visitor.actor.user_id)
    return render(request, "quality/alarms.html", visitor=visitor, notices=notices,
                  alarm_count=waiting, refusal=refusal, failed=failed,
                  status_code=status_code)


@router.post("/alarms/{breach_no}/acknowledge", response_model=None,
             dependencies=[needs(Perm.STOCK_READ)])
def acknowledge(request: Request, breach_no: Code, db: DbDep, visitor: VisitorDep,
                form: forms.FormDep) -> Response:
    """Acknowledge one alarm with a note (and what was done)."""
    forms.check_csrf(request, visitor, form)

    def save() -> str:
        alarms.acknowledge(db, actor=visitor.actor, breach_no=breach_no,
                           note=forms.text(form, "note"), action=forms.text(form, "action"))
        return "/alarms?acknowledged=1"

    return forms.submitted(
        save, lambda refused, status: _alarms(request, db, visitor, refused, breach_no, status),
        lang=visitor.lang, fields={"note": "note"}, form=form)
