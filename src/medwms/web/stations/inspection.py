"""The inspection station: lots awaiting inspection, the check form, the signed conclusion."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Code
from medwms.quality import queries as quality
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/stations/inspection", response_class=HTMLResponse, dependencies=[needs(Perm.INSPECT)])
def pending(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The lots awaiting inspection; picking one opens its inspection."""
    require(visitor.actor, Perm.INSPECT)
    with reading_as(db, visitor.actor) as s:
        lots = quality.pending_lots(s)
    return render(request, "stations/inspection_list.html", visitor=visitor, lots=lots,
                  station=True)


@router.get("/stations/inspection/{inspection_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.INSPECT)])
def inspect(request: Request, inspection_no: Code, db: DbDep,
            visitor: VisitorDep) -> HTMLResponse:
    """The check form and the conclusion, signed by re-entering the password."""
    require(visitor.actor, Perm.INSPECT)
    with reading_as(db, visitor.actor) as s:
        record = quality.inspection_view(s, inspection_no.upper())
    return render(request, "stations/inspection.html", visitor=visitor, record=record)
