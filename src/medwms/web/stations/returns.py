"""Customer returns and transfer receipts: scan units back in against the original shipment."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.core.fields import Code
from medwms.shipping import outbound
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
WORDS = (N_("SHORT"), N_("LOST"))


@router.get("/stations/returns", response_class=HTMLResponse, dependencies=[needs(Perm.RECEIVE)])
def open_return(request: Request, visitor: VisitorDep) -> HTMLResponse:
    """Step 1: scan the shipment (#D:SHP-…) the customer sends back, give the reason."""
    require(visitor.actor, Perm.RECEIVE)
    return render(request, "stations/returns_open.html", visitor=visitor)


@router.get("/stations/returns/{return_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.RECEIVE)])
def scan_return(request: Request, return_no: Code, db: DbDep,
                visitor: VisitorDep) -> HTMLResponse:
    """Step 2: scan each returned unit into quarantine (a unit never shipped is flagged)."""
    require(visitor.actor, Perm.RECEIVE)
    return render(request, "stations/returns.html", visitor=visitor,
                  record=outbound.customer_return(db, visitor.actor, return_no))


@router.get("/stations/transfers", response_class=HTMLResponse, dependencies=[needs(Perm.RECEIVE)])
def incoming(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 1: transfers on their way; scanning the shipping list barcode opens one."""
    require(visitor.actor, Perm.RECEIVE)
    return render(request, "stations/transfers_open.html", visitor=visitor,
                  docs=outbound.incoming_transfers(db, visitor.actor))


@router.get("/stations/transfers/{shipment_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.RECEIVE)])
def receive(request: Request, shipment_no: Code, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 2: scan units (or SSCCs) in; close; a manager settles what is missing."""
    require(visitor.actor, Perm.RECEIVE)
    return render(request, "stations/transfers.html", visitor=visitor,
                  shipment=outbound.transfer(db, visitor.actor, shipment_no),
                  can_resolve=visitor.actor.can(Perm.RESOLVE_DISCREPANCY))
