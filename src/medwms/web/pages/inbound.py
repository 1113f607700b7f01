"""Manager pages of the inbound flow: receipts (list, detail) and lots awaiting inspection."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.barcode import document_number
from medwms.core.fields import Code
from medwms.quality import queries as quality
from medwms.receiving import queries as receiving
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


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
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        detail = receiving.get_receipt(s, document_number(receipt_no))
        inspections = quality.inspections_of_receipt(s, detail.header.receipt_no)
    return render(request, "receipt.html", visitor=visitor, detail=detail, header=detail.header,
                  inspections=inspections)


@router.get("/inspections", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def awaiting_inspection(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Lots awaiting inspection (read-only; inspectors work at the inspection station)."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        lots = quality.pending_lots(s)
    return render(request, "stations/inspection_list.html", visitor=visitor, lots=lots,
                  station=False)
