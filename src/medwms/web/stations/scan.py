"""The scan check station: scan anything and see what it says (POST /api/v1/scan/parse)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.web.deps import VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/stations/scan", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def scan_station(request: Request, visitor: VisitorDep) -> HTMLResponse:
    """The scan check page."""
    require(visitor.actor, Perm.STOCK_READ)
    return render(request, "stations/scan.html", visitor=visitor)
