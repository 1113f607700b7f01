"""The receiving station: open a receipt (scan #D: or pick), then scan cartons into it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.barcode import document_number
from medwms.core.fields import Code
from medwms.masterdata import choices
from medwms.receiving import queries as receiving
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/stations/receiving", response_class=HTMLResponse, dependencies=[needs(Perm.RECEIVE)])
def choose_receipt(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 1: scan the receipt's (or notice's) document barcode, or pick an open receipt."""
    require(visitor.actor, Perm.RECEIVE)
    with reading_as(db, visitor.actor) as s:
        receipts = receiving.list_receipts(s, status="OPEN", limit=200)
    with reading_as(db, visitor.actor) as s:
        offer = choices.receiving_choices(s, visitor.lang)
    return render(request, "stations/receiving_open.html", visitor=visitor, receipts=receipts,
                  choices=offer)


@router.get("/stations/receiving/{receipt_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.RECEIVE)])
def receive(request: Request, receipt_no: Code, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 2: scan each carton or unit into the open receipt."""
    require(visitor.actor, Perm.RECEIVE)
    with reading_as(db, visitor.actor) as s:
        detail = receiving.get_receipt(s, document_number(receipt_no))
    return render(request, "stations/receiving.html", visitor=visitor, detail=detail,
                  header=detail.header)
