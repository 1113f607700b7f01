"""Manager pages of the inbound flow: receipts (list, detail) and lots awaiting inspection."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from medwms.attachments.service import Upload
from medwms.attachments.store import store_of
from medwms.auth.errors import WrongPassword
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.barcode import document_number
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.quality import queries as quality
from medwms.receiving import handover, handover_queries, rules, service
from medwms.receiving import queries as receiving
from medwms.web import forms, uploads
from medwms.web.deps import DbDep, SettingsDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
FIELDS = {"deliverer_name": "deliverer_name", "signed_by": "signed_by",
          "deliverer_signature": "deliverer_signature", "file": "delivery_note",
          "password": "password", WrongPassword.code: "password",
          "HANDOVER_INCOMPLETE": "delivery_note"}
WORDS = (N_("DELIVERY_NOTE"), N_("WAYBILL"), N_("TEMPERATURE_RECORD"),
         N_("DELIVERER_SIGNATURE"))  # the kept papers' purposes, as the receipt page names them
PAPER_FIELDS = ((rules.DELIVERY_NOTE, "delivery_note"), (rules.WAYBILL, "waybill"),
                (rules.TEMPERATURE_RECORD, "temperature_record"))


@router.get("/receipts", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def receipts_page(request: Request, db: DbDep, visitor: VisitorDep,
                  status: str | None = None, archived: str = "") -> HTMLResponse:
    """Receipts, newest first (filter: OPEN or CLOSED; archived ones when asked)."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        receipts = receiving.list_receipts(s, status=status or None, limit=200,
                                           include_archived=archived == "1")
    return render(request, "receipts.html", visitor=visitor, status=status or "",
                  receipts=receipts, archived=archived == "1")


@router.get("/receipts/{receipt_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def receipt_page(request: Request, receipt_no: Code, db: DbDep,
                 visitor: VisitorDep) -> HTMLResponse:
    """One receipt: header, scanned lines, progress against the notice, inspections."""
    return _receipt(request, db, visitor, receipt_no)


def _receipt(request: Request, db: Database, visitor: Visitor, receipt_no: str, *,
             failed: str = "", refusal: Refusal | None = None, status_code: int = 200,
             values: dict[str, str] | None = None) -> HTMLResponse:
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        detail = receiving.get_receipt(s, document_number(receipt_no))
        inspections = quality.inspections_of_receipt(s, detail.header.receipt_no)
        signed = handover_queries.receipt_handover(s, detail.header.receipt_no)
    return render(request, "receipt.html", visitor=visitor, detail=detail, header=detail.header,
                  inspections=inspections, handover=signed, failed=failed, refusal=refusal,
                  values=values or {}, can_receive=visitor.actor.can(Perm.RECEIVE),
                  status_code=status_code)


def _file(form: FormData, name: str) -> Upload | None:
    upload = form.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return Upload(upload.filename, upload.file.read())


@router.post("/receipts/{receipt_no}/handover", response_model=None,
             dependencies=[needs(Perm.RECEIVE)], openapi_extra=uploads.UPLOAD_FORM)
def handover_form(request: Request, receipt_no: Code, db: DbDep, visitor: VisitorDep,
                  settings: SettingsDep, form: FormDep) -> Response:
    """The handover at the dock: the papers, the deliverer's signature, the receiver's
    password; the receipt may then be completed."""
    forms.check_csrf(request, visitor, form)
    number = document_number(receipt_no)

    def save() -> str:
        password = form.get("password")
        handover.record_handover(
            db, store=store_of(settings.attachments_dir, settings.max_attachment_bytes),
            actor=visitor.actor, receipt_no=number,
            deliverer_name=forms.text(form, "deliverer_name"),
            deliverer_signature=_file(form, "deliverer_signature") or Upload("signature", b""),
            signed_by=forms.text(form, "signed_by") or "DRAWN",
            papers=[(purpose, upload) for purpose, name in PAPER_FIELDS
                    if (upload := _file(form, name)) is not None],
            password=password if isinstance(password, str) else "")
        return f"/receipts/{number}#handover"
    return _again(request, db, visitor, form, number, "handover", save)


@router.post("/receipts/{receipt_no}/close", response_model=None,
             dependencies=[needs(Perm.RECEIVE)])
def close_form(request: Request, receipt_no: Code, db: DbDep, visitor: VisitorDep,
               form: FormDep) -> Response:
    """Complete the receipt (refused until its handover is signed and its papers kept)."""
    forms.check_csrf(request, visitor, form)
    number = document_number(receipt_no)

    def save() -> str:
        service.close_receipt(db, actor=visitor.actor, receipt_no=number)
        return f"/receipts/{number}"
    return _again(request, db, visitor, form, number, "close", save)


def _again(request: Request, db: Database, visitor: Visitor, form: FormData, number: str,
           name: str, save: Callable[[], str]) -> Response:
    values = {k: v for k, v in forms.values(form).items() if k != "password"}
    return forms.submitted(
        save, lambda refused, code: _receipt(request, db, visitor, number, failed=name,
                                             refusal=refused, status_code=code, values=values),
        lang=visitor.lang, fields=FIELDS, form=form)


@router.get("/inspections", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def awaiting_inspection(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Lots awaiting inspection (read-only; inspectors work at the inspection station)."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        lots = quality.pending_lots(s)
    return render(request, "stations/inspection_list.html", visitor=visitor, lots=lots,
                  station=False)
