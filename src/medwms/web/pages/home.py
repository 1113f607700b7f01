"""The home page: big tiles for what the signed-in user may do."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.web.deps import VisitorDep, signed_in
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse, dependencies=[signed_in()])
def home(request: Request, visitor: VisitorDep) -> HTMLResponse:
    """The stations and pages of the user's menu, as tiles."""
    return render(request, "home.html", visitor=visitor)
