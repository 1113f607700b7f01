"""The quality team's 首营 pages: the files with their state, one file with its credentials,
scanned papers and what approval lacks (forms to record, upload, submit, and — for quality —
approve or reject with the password), and the credentials expiring soon.

Each form posts here with the CSRF token and calls the service the API calls; a refusal
shows the page again with the problem beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from medwms.attachments.service import Upload
from medwms.attachments.store import store_of
from medwms.auth.errors import WrongPassword
from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.config import Settings
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.qualification import queries, service
from medwms.qualification.errors import BadCredential, kind_words
from medwms.qualification.rules import CustomerType, FileState, Kind, Subject, warning_window
from medwms.web import forms, uploads
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Reader, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
BASE = "/quality/qualification"
SUBJECTS = {Subject.SUPPLIER: N_("Supplier"), Subject.CUSTOMER: N_("Customer"),
            Subject.ITEM: N_("Product"), Subject.SALESPERSON: N_("Salesperson")}
STATES = {FileState.DRAFT: N_("Draft"), FileState.SUBMITTED: N_("Submitted for review"),
          FileState.APPROVED: N_("Approved"), FileState.REJECTED: N_("Sent back")}
CUSTOMERS = {CustomerType.MEDICAL: N_("Medical institution"),
             CustomerType.DISTRIBUTOR: N_("Device distributor"),
             CustomerType.MANUFACTURER: N_("Manufacturer"),
             CustomerType.OTHER: N_("Other unit (use statement)")}
DONE = {"credential": N_("The credential is recorded."), "paper": N_("The paper is kept."),
        "submit": N_("The file is submitted to quality."),
        "approve": N_("The file is approved and signed."),
        "reject": N_("The file is sent back, signed.")}
FIELDS = {"subject": "subject", "code": "code", "customer_type": "customer_type",
          "kind": "kind", "number": "number", "scope": "scope", "valid_until": "valid_until",
          "valid_from": "valid_from", "person": "person_id_no", "replaces": "replaces",
          "purpose": "purpose", "file": "file", "reason": "reason", "password": "password",
          WrongPassword.code: "password", "missing": "password"}


def _today(settings: Settings) -> date:
    return local_date(utc_now(), settings.timezone)


@router.get(BASE, response_class=HTMLResponse, dependencies=[needs(Perm.MASTERDATA_READ)])
def files_page(request: Request, db: DbDep, visitor: VisitorDep, state: Code = ""
               ) -> HTMLResponse:
    """The qualification files with their state, and the form to open one."""
    return _list(request, db, visitor, state=state)


def _list(request: Request, db: Database, visitor: Visitor, *, state: str = "",
          refusal: Refusal | None = None, values: dict[str, str] | None = None,
          status_code: int = 200) -> HTMLResponse:
    rows = queries.file_list(db, actor=visitor.actor, state=state)
    return render(request, "qualification/list.html", visitor=visitor, rows=rows,
                  subjects=SUBJECTS, states=STATES, customers=CUSTOMERS, state=state,
                  can_open=visitor.actor.can(Perm.QUALITY_RECORD), refusal=refusal,
                  values=values or {}, status_code=status_code)


@router.post(BASE, response_model=None, dependencies=[needs(Perm.QUALITY_RECORD)])
def open_form(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep) -> Response:
    """Open a file (DRAFT) and go to it."""
    forms.check_csrf(request, visitor, form)
    require(visitor.actor, Perm.QUALITY_RECORD)

    def save() -> str:
        number = service.open_file(db, actor=visitor.actor, file=service.FileIn(
            subject=forms.text(form, "subject"), code=forms.text(form, "code"),
            person_name=forms.text(form, "person_name"),
            customer_type=forms.text(form, "customer_type"),
            catalogue_code=forms.text(form, "catalogue_code"),
            customers=" ".join(str(v) for v in form.getlist("customers")),
            note=forms.text(form, "note")))
        return f"{BASE}/{number}"
    return forms.submitted(save, lambda refused, status: _list(
        request, db, visitor, refusal=refused, values=forms.values(form), status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


@router.get(f"{BASE}/expiring", response_class=HTMLResponse,
            dependencies=[needs(Perm.MASTERDATA_READ)])
def expiring_page(request: Request, db: DbDep, visitor: VisitorDep, settings: SettingsDep,
                  days: int | None = None) -> HTMLResponse:
    """Credentials lapsing within the warning window (the setting unless chosen), or lapsed."""
    window = warning_window(days, settings.credential_warning_days)
    rows = queries.expiring(db, actor=visitor.actor, today=_today(settings), days=window)
    return render(request, "qualification/expiring.html", visitor=visitor, rows=rows,
                  days=window, subjects=SUBJECTS)


@router.get(f"{BASE}/{{file_no}}", response_class=HTMLResponse,
            dependencies=[needs(Perm.MASTERDATA_READ)])
def file_page(request: Request, file_no: Code, db: DbDep, visitor: VisitorDep,
              settings: SettingsDep, done: str = "") -> HTMLResponse:
    """One file: particulars, credentials, papers, what is missing, and its forms."""
    return _page(request, db, visitor, settings, file_no, done=DONE.get(done))


def _page(request: Request, db: Database, visitor: Visitor, settings: Settings, file_no: str,
          *, failed: str = "", refusal: Refusal | None = None,
          values: dict[str, str] | None = None, status_code: int = 200,
          done: str | None = None) -> HTMLResponse:
    view = queries.file_view(db, actor=visitor.actor, file_no=file_no,
                             today=_today(settings), warn_days=settings.credential_warning_days)
    actor = visitor.actor
    editable = view.state in (FileState.DRAFT, FileState.REJECTED)
    return render(request, "qualification/file.html", visitor=visitor, view=view,
                  subjects=SUBJECTS, states=STATES, customers=CUSTOMERS, kinds=list(Kind),
                  papers=service.PURPOSES, kind_words=kind_words, done=done, failed=failed,
                  refusal=refusal,
                  values=values or {}, status_code=status_code, editable=editable,
                  can_record=actor.can(Perm.QUALITY_RECORD),
                  can_decide=actor.can(Perm.QUALITY_APPROVE)
                  and view.state == FileState.SUBMITTED,
                  can_renew=actor.can(Perm.QUALITY_APPROVE) and view.state == FileState.APPROVED)


def _submitted(request: Request, db: Database, visitor: Visitor, settings: Settings,
               form: FormData, file_no: str, name: str, save: Callable[[], None]) -> Response:
    forms.check_csrf(request, visitor, form)

    def run() -> str:
        save()
        return f"{BASE}/{file_no.upper()}?done={name}#{name}"
    return forms.submitted(run, lambda refused, status: _page(
        request, db, visitor, settings, file_no, failed=name, refusal=refused,
        values=forms.values(form), status_code=status), lang=visitor.lang, fields=FIELDS,
        form=form)


@router.post(f"{BASE}/{{file_no}}/credentials", response_model=None,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def credential_form(request: Request, file_no: Code, db: DbDep, visitor: VisitorDep,
                    settings: SettingsDep, form: FormDep) -> Response:
    """Record a credential (a renewal on an approved file, signed with the password)."""
    def save() -> None:
        read = Reader()
        until = read.day(forms.text(form, "valid_until"), "valid_until")
        since = read.day(forms.text(form, "valid_from"), "valid_from")
        replaces = forms.text(form, "replaces")
        read.require(not replaces or replaces.isdigit(), "replaces", "choose a credential",
                     "请选择证照")
        read.check()
        service.add_credential(
            db, actor=visitor.actor, file_no=file_no, password=_password(form),
            replaces=int(replaces) if replaces else None,
            credential=service.CredentialIn(
                kind=forms.text(form, "kind"), number=forms.text(form, "number"),
                valid_until=until, valid_from=since, scope=forms.text(form, "scope"),
                person_name=forms.text(form, "person_name"),
                person_id_no=forms.text(form, "person_id_no"),
                region=forms.text(form, "region")))
    return _submitted(request, db, visitor, settings, form, file_no, "credential", save)


@router.post(f"{BASE}/{{file_no}}/papers", response_model=None,
             dependencies=[needs(Perm.QUALITY_RECORD)], openapi_extra=uploads.UPLOAD_FORM)
def paper_form(request: Request, file_no: Code, db: DbDep, visitor: VisitorDep,
               settings: SettingsDep, form: FormDep) -> Response:
    """Keep a scanned paper (PDF, JPEG, PNG) with the file."""
    def save() -> None:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise BadCredential(field="file", value="—", problem_en="choose a file",
                                problem_zh="请选择文件")
        store = store_of(settings.attachments_dir, settings.max_attachment_bytes)
        service.attach_paper(db, actor=visitor.actor, store=store, file_no=file_no,
                             purpose=forms.text(form, "purpose"),
                             upload=Upload(upload.filename, upload.file.read()))
    return _submitted(request, db, visitor, settings, form, file_no, "paper", save)


@router.post(f"{BASE}/{{file_no}}/submit", response_model=None,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def submit_form(request: Request, file_no: Code, db: DbDep, visitor: VisitorDep,
                settings: SettingsDep, form: FormDep) -> Response:
    """Hand the file to quality for review."""
    return _submitted(request, db, visitor, settings, form, file_no, "submit",
                      lambda: service.submit_file(db, actor=visitor.actor, file_no=file_no))


@router.post(f"{BASE}/{{file_no}}/approve", response_model=None,
             dependencies=[needs(Perm.QUALITY_APPROVE)])
def approve_form(request: Request, file_no: Code, db: DbDep, visitor: VisitorDep,
                 settings: SettingsDep, form: FormDep) -> Response:
    """Approve the file, signed with the password."""
    return _submitted(request, db, visitor, settings, form, file_no, "approve",
                      lambda: service.approve_file(db, actor=visitor.actor, file_no=file_no,
                                                   password=_password(form)))


@router.post(f"{BASE}/{{file_no}}/reject", response_model=None,
             dependencies=[needs(Perm.QUALITY_APPROVE)])
def reject_form(request: Request, file_no: Code, db: DbDep, visitor: VisitorDep,
                settings: SettingsDep, form: FormDep) -> Response:
    """Send the file back with the reason, signed with the password."""
    return _submitted(request, db, visitor, settings, form, file_no, "reject",
                      lambda: service.reject_file(db, actor=visitor.actor, file_no=file_no,
                                                  reason=forms.text(form, "reason"),
                                                  password=_password(form)))


def _password(form: FormData) -> str:
    """The password as typed (not trimmed: a space may be part of it)."""
    value = form.get("password")
    return value if isinstance(value, str) else ""
