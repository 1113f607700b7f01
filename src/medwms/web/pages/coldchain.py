"""Cold-chain pages: the live board, a sensor's chart, the breach list and detail.

Server-rendered; the chart is the same server-side SVG the API serves, embedded inline.
The disposition form posts here (CSRF token in the form) and comes back to the breach.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.coldchain import alarm_queries, chart, disposition, queries
from medwms.coldchain.disposition import Decision
from medwms.coldchain.sensors import MANAGE as MANAGE_SENSORS
from medwms.core.clock import utc_now
from medwms.core.fields import Code, Id
from medwms.web import session
from medwms.web.deps import DbDep, SettingsDep, VisitorDep, needs
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
PERIODS = {"6": N_("6 hours"), "24": N_("24 hours"), "168": N_("7 days"), "720": N_("30 days")}


@router.get("/coldchain", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def board_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Every sensor's latest reading, green / yellow / red; refreshes itself every minute."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        tiles = queries.board(s, utc_now())
        open_ = queries.breaches(s, status="OPEN")
        waiting = alarm_queries.unacknowledged(s, visitor.actor.user_id)
    return render(request, "coldchain/board.html", visitor=visitor, tiles=tiles,
                  open_breaches=open_, can_register=visitor.actor.can(MANAGE_SENSORS),
                  alarm_count=waiting)


@router.get("/coldchain/sensors/{code}", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def sensor_page(request: Request, code: Code, db: DbDep, visitor: VisitorDep,
                settings: SettingsDep, hours: str = "24",
                end: str | None = None) -> HTMLResponse:
    """A sensor's chart over a chosen period, with the range band and breaches."""
    require(visitor.actor, Perm.STOCK_READ)
    span = int(hours) if hours in PERIODS else 24
    until = _moment(end, settings.timezone) or utc_now()
    with reading_as(db, visitor.actor) as s:
        view = queries.sensor_view(s, queries.sensor_by_code(s, code))
        svg = chart.sensor_chart(s, code, start=until - timedelta(hours=span), end=until,
                                 hours=span, timezone=settings.timezone)
    return render(request, "coldchain/sensor.html", visitor=visitor, sensor=view,
                  svg=Markup(svg), hours=str(span), periods=PERIODS,  # noqa: S704 — ours, escaped
                  end=end or "", can_edit=visitor.actor.can(MANAGE_SENSORS))


def _moment(text: str | None, timezone: str) -> datetime | None:
    """The "until" field (a datetime-local, no zone) read in the warehouse time zone."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment


@router.get("/coldchain/breaches", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def breaches_page(request: Request, db: DbDep, visitor: VisitorDep,
                  status: str = "OPEN") -> HTMLResponse:
    """Breaches, open ones first by default."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        rows = queries.breaches(s, status=status or None)
    return render(request, "coldchain/breaches.html", visitor=visitor, rows=rows,
                  status=status)


@router.get("/coldchain/breaches/{breach_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.STOCK_READ)])
def breach_page(request: Request, breach_no: Code, db: DbDep, visitor: VisitorDep,
                settings: SettingsDep, error: str = "") -> HTMLResponse:
    """One breach: its curve, the affected lots and the disposition form."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as s:
        view = queries.breach_view(s, breach_no)
        end = (view.ended_at or utc_now()) + timedelta(hours=2)
        svg = chart.sensor_chart(s, view.sensor, start=view.started_at - timedelta(hours=2),
                                 end=end, hours=0, timezone=settings.timezone)
    return render(request, "coldchain/breach.html", visitor=visitor, b=view,
                  svg=Markup(svg), error=error,  # noqa: S704 — our own escaped SVG
                  can_decide=visitor.actor.can(disposition.DECIDE))


@router.post("/coldchain/breaches/{breach_no}/lots/{line_id}",
             dependencies=[needs(disposition.DECIDE)])
def decide_form(breach_no: Code, line_id: Id, db: DbDep, visitor: VisitorDep,
                settings: SettingsDep, decision: Annotated[str, Form()],
                comment: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:
    """The signed decision on one lot, from the breach page."""
    session.check_csrf(settings, visitor.token, csrf_token)
    disposition.decide_lot(db, actor=visitor.actor, breach_no=breach_no,
                           decision=Decision(line_id, decision, comment), password=password)
    return RedirectResponse(f"/coldchain/breaches/{breach_no}", status_code=303)


@router.post("/coldchain/breaches/{breach_no}/acknowledge",
             dependencies=[needs(disposition.DECIDE)])
def acknowledge_form(breach_no: Code, db: DbDep, visitor: VisitorDep, settings: SettingsDep,
                     comment: Annotated[str, Form()] = "",
                     csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:
    """Acknowledge an ongoing breach from its page."""
    session.check_csrf(settings, visitor.token, csrf_token)
    disposition.acknowledge(db, actor=visitor.actor, breach_no=breach_no, comment=comment)
    return RedirectResponse(f"/coldchain/breaches/{breach_no}", status_code=303)
