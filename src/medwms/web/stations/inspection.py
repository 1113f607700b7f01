"""The inspection station: lots awaiting inspection, the check form, the signed conclusion."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.core.fields import Code
from medwms.web import inbound
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/stations/inspection", response_class=HTMLResponse, dependencies=[needs(Perm.INSPECT)])
def pending(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The lots awaiting inspection; picking one opens its inspection."""
    require(visitor.actor, Perm.INSPECT)
    return render(request, "stations/inspection_list.html", visitor=visitor,
                  lots=inbound.pending_lots(db, visitor.actor), station=True)


@router.get("/stations/inspection/{inspection_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.INSPECT)])
def inspect(request: Request, inspection_no: Code, db: DbDep,
            visitor: VisitorDep) -> HTMLResponse:
    """The check form and the conclusion, signed by re-entering the password."""
    require(visitor.actor, Perm.INSPECT)
    return render(request, "stations/inspection.html", visitor=visitor,
                  record=inbound.inspection(db, visitor.actor, inspection_no))
