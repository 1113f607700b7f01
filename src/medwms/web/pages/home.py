"""The home page: big tiles for what the signed-in user may do."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as
from medwms.coldchain.alarm_queries import unacknowledged
from medwms.web.deps import DbDep, VisitorDep, signed_in
from medwms.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse, dependencies=[signed_in()])
def home(request: Request, visitor: VisitorDep, db: DbDep) -> HTMLResponse:
    """The stations and pages of the user's menu, as tiles; the badge of my open alarms."""
    with reading_as(db, visitor.actor) as s:
        waiting = unacknowledged(s, visitor.actor.user_id)
    return render(request, "home.html", visitor=visitor, alarm_count=waiting)
