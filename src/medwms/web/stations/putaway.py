"""The putaway station: scan the unit, see the suggested location, scan the location."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.putaway import queries
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/stations/putaway", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_MOVE)])
def putaway_station(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The worklist of stock waiting at the docks, and the two-scan putaway field."""
    require(visitor.actor, Perm.STOCK_MOVE)
    with reading_as(db, visitor.actor) as session:
        tasks = queries.tasks(session)
    return render(request, "stations/putaway.html", visitor=visitor, tasks=tasks)
