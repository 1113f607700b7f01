"""The shipping station: pack verified orders into SSCC units, then confirm the shipment."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Code
from medwms.masterdata import choices
from medwms.shipping import outbound
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
WORDS = (N_("PACKING"), N_("RECEIVED"))


@router.get("/stations/shipping", response_class=HTMLResponse, dependencies=[needs(Perm.SHIP)])
def choose_order(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 1: shipments being packed and verified orders waiting to be packed."""
    require(visitor.actor, Perm.SHIP)
    return render(request, "stations/shipping_open.html", visitor=visitor,
                  docs=outbound.to_ship(db, visitor.actor))


@router.get("/stations/shipping/{shipment_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.SHIP)])
def pack(request: Request, shipment_no: Code, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 2: shipping units (cold boxes with logger and temperature), pack scans, confirm
    (the carrier field offers the active carriers of master data, and takes any name)."""
    require(visitor.actor, Perm.STOCK_READ)
    shipment, to_pack = outbound.shipment(db, visitor.actor, shipment_no)
    with reading_as(db, visitor.actor) as s:  # offered, not imposed: the field stays free text
        carriers = choices.carriers(s) if shipment.status == "PACKING" else []
    return render(request, "stations/shipping.html", visitor=visitor, shipment=shipment,
                  carriers=carriers,
                  to_pack=to_pack, left=sum(p.left for p in to_pack),
                  cold_needed=any(p.cold and p.left for p in to_pack))
