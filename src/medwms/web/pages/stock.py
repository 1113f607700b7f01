"""Manager pages on the ledger: the stock browser and the lot page."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Code
from medwms.ledger import queries
from medwms.quality import queries as quality
from medwms.web import forms
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
FILTERS = [f.name for f in fields(queries.StockFilter) if f.name not in ("warehouse", "owner")]
PAGE_ROWS = 500


def stock_filter(request: Request) -> queries.StockFilter:
    """The filters the form sent; empty ones are left out, a bad date is ignored."""
    given = {name: forms.query_text(request, name) or None for name in FILTERS}
    expiring = given.pop("expiring_before")
    try:
        before = date.fromisoformat(expiring) if expiring else None
    except ValueError:
        before = None
    return queries.StockFilter(**given, expiring_before=before)


@router.get("/stock", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def stock_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Stock on hand, filtered, with GSP colours."""
    require(visitor.actor, Perm.STOCK_READ)
    flt = stock_filter(request)
    with reading_as(db, visitor.actor) as session:
        rows = queries.stock(session, flt, limit=PAGE_ROWS)
        total = queries.stock_total(session, flt)
    return render(request, "stock.html", visitor=visitor, rows=rows, total=total, flt=flt,
                  statuses=list(queries.STATUSES), limit=PAGE_ROWS)


@router.get("/lots/{item}/{lot}", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def lot_page(request: Request, item: Code, lot: Code, db: DbDep,
             visitor: VisitorDep) -> HTMLResponse:
    """One lot: its stock, its movements and its inspection record (404 for no such lot)."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as session:
        queries.require_lot(session, item, lot)
        rows = queries.stock(session, queries.StockFilter(item=item, lot=lot))
        moves = queries.movements(session, queries.MovementFilter(item=item, lot=lot))
    with reading_as(db, visitor.actor) as session:
        inspections = quality.inspections_of_lot(session, item=item, lot=lot)
    return render(request, "lot.html", visitor=visitor, item=item.upper(), lot=lot,
                  rows=rows, moves=moves, inspections=inspections)
