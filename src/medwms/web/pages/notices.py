"""Advance notice pages: the list, the form to make one by hand, and one notice.

The form posts here (CSRF token in the form) and calls the same service the API's
POST /notices calls; a refusal comes back as the form with each problem beside its line and
field. A created notice waits for the receiving station: scan its #D: barcode there, or press
"Receive now" on its page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.masterdata import choices
from medwms.receiving import notices, queries, service
from medwms.receiving.notices import NoticeLineIn
from medwms.web import forms
from medwms.web.deps import DbDep, Visitor, VisitorDep, needs
from medwms.web.forms import FormDep, Reader, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
LINE_FIELDS = ("product", "lot", "expiry", "serials", "quantity")
BLANK_ROWS = 3
STATUS_WORDS = (N_("OPEN"), N_("RECEIVING"), N_("CLOSED"))
# Where each problem column of the notice service is shown on the form.
FIELDS = {"supplier": "supplier", "warehouse": "warehouse", "owner": "warehouse",
          "expected_on": "expected_on", "gtin": "product",
          "item": "product", "lot": "lot", "expiry": "expiry", "serials": "serials",
          "quantity": "quantity"}


@router.get("/notices", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def notices_page(request: Request, db: DbDep, visitor: VisitorDep,
                 status: str | None = None) -> HTMLResponse:
    """Advance notices, newest first; open ones wait for the receiving station."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        rows = queries.list_notices(s, status=status or None, limit=200)
    return render(request, "notices/list.html", visitor=visitor, rows=rows,
                  status=status or "", statuses=STATUS_WORDS,
                  can_create=visitor.actor.can(Perm.RECEIVE))


@router.get("/notices/new", response_class=HTMLResponse, dependencies=[needs(Perm.RECEIVE)])
def new_notice(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The form: supplier, warehouse, expected date, PO, and lines to add or remove."""
    require(visitor.actor, Perm.RECEIVE)
    rows = [dict.fromkeys(LINE_FIELDS, "") for _ in range(BLANK_ROWS)]
    return _form(request, db, visitor, values={}, rows=rows)


@router.post("/notices/new", response_model=None, dependencies=[needs(Perm.RECEIVE)])
def create_notice(request: Request, db: DbDep, visitor: VisitorDep, form: FormDep) -> Response:
    """Create the notice and show it; or the form again with every problem beside its field."""
    forms.check_csrf(request, visitor, form)
    require(visitor.actor, Perm.RECEIVE)
    rows = forms.line_rows(form, LINE_FIELDS)
    return forms.submitted(
        lambda: f"/notices/{_create(db, visitor, form, rows).header.notice_no}?created=1",
        lambda refused, status: _form(request, db, visitor, values=forms.values(form),
                                      rows=rows, refusal=refused, status_code=status),
        lang=visitor.lang, fields=FIELDS, form=form)


def _create(db: Database, visitor: Visitor, form: FormData,
            rows: list[dict[str, str]]) -> queries.NoticeDetail:
    read = Reader()
    expected_on = read.day(forms.text(form, "expected_on"), "expected_on")
    lines = [_line(read, row, n) for n, row in enumerate(rows, start=1)
             if not forms.is_blank(row)]
    read.check()
    return notices.create_notice(db, actor=visitor.actor, supplier=forms.text(form, "supplier"),
                                 warehouse=forms.text(form, "warehouse"), lines=lines,
                                 po_no=forms.text(form, "po_no"), expected_on=expected_on)


def _line(read: Reader, row: dict[str, str], n: int) -> NoticeLineIn:
    """A line row as the service's line: an all-digit product is a GTIN, else an item code."""
    serials = forms.words(row["serials"])
    product = row["product"]
    by_gtin = product.isdigit() or not product
    return NoticeLineIn(gtin=product if by_gtin else "", item=None if by_gtin else product,
                        quantity=read.whole(row["quantity"], "quantity", n, empty=len(serials)),
                        lot=row["lot"] or None, expiry=read.day(row["expiry"], "expiry", n),
                        serials=serials, row=n)


def _form(request: Request, db: Database, visitor: Visitor, *, values: dict[str, str],
          rows: list[dict[str, str]], refusal: Refusal | None = None,
          status_code: int = 200) -> HTMLResponse:
    with reading_as(db, visitor.actor) as s:
        offer = {"suppliers": choices.suppliers(s), "warehouses": choices.warehouses(s),
                 "products": choices.products(s, visitor.lang, in_use_only=True)}
    return render(request, "notices/new.html", visitor=visitor, choices=offer, values=values,
                  rows=rows, refusal=refusal, status_code=status_code)


@router.get("/notices/{notice_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def notice_page(request: Request, notice_no: Code, db: DbDep, visitor: VisitorDep,
                created: bool = False) -> HTMLResponse:
    """One notice: its lines, expected against received, its receipts, its barcode."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        detail = queries.get_notice(s, notice_no)
    return render(request, "notices/detail.html", visitor=visitor, detail=detail,
                  header=detail.header, created=created,
                  can_receive=visitor.actor.can(Perm.RECEIVE))


@router.post("/notices/{notice_no}/receive", dependencies=[needs(Perm.RECEIVE)])
def receive_notice(request: Request, notice_no: Code, db: DbDep, visitor: VisitorDep,
                   form: FormDep) -> RedirectResponse:
    """Open the notice's receipt (its open one, if any) and go to the receiving station."""
    forms.check_csrf(request, visitor, form)
    header = service.open_receipt(db, actor=visitor.actor, notice_no=notice_no)
    return RedirectResponse(f"/stations/receiving/{header.receipt_no}", status_code=303)
