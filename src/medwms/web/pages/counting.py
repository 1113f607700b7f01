"""Count plan pages for managers: the plans and accuracy KPI, a new plan, one plan's variances.

Creating, setting reasons, approving — and, on a running plan, adding a counter, assigning a
recount or cancelling — go through the JSON API (/api/v1/counting/...); these pages only read.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.fields import Code
from medwms.counting import queries
from medwms.counting.running import RUNNING
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
MANAGE = Perm.STOCK_ADJUST
KPI_DAYS = 30
KINDS = {"FULL": N_("Full stocktake"), "ZONES": N_("Zones"), "CYCLE": N_("Cycle count")}
REASONS = {"DAMAGED": N_("Damaged"), "FOUND": N_("Found"), "MISCOUNTED": N_("Miscounted"),
           "THEFT": N_("Theft"), "UNRECORDED_MOVE": N_("Unrecorded move"), "OTHER": N_("Other")}
STATUS_WORDS = (N_("OPEN"), N_("COUNTING"), N_("APPROVED"), N_("CANCELLED"), N_("CLOSED"))


def plan_choices(db: Database, actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """Warehouses, zones ("WH1", "S", name) and counters for the new plan form."""
    with reading_as(db, actor) as s:
        return {**queries.plan_places(s), "counters": queries.counter_choices(s)}  # type: ignore[dict-item]


@router.get("/counting", response_class=HTMLResponse, dependencies=[needs(MANAGE)])
def plans_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Count plans, newest first, and the stocktake accuracy of the last 30 days."""
    require(visitor.actor, MANAGE)
    until = utc_now()
    with reading_as(db, visitor.actor) as s:
        rows = queries.plan_rows(s)
        kpi = queries.count_kpi(s, since=until - timedelta(days=KPI_DAYS), until=until)
    return render(request, "counting/plans.html", visitor=visitor, plans=rows, kpi=kpi,
                  kinds=KINDS, days=KPI_DAYS)


@router.get("/counting/new", response_class=HTMLResponse, dependencies=[needs(MANAGE)])
def new_plan(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """The form: warehouse, full / zones / cycle rule, counters and a deadline."""
    require(visitor.actor, MANAGE)
    return render(request, "counting/new.html", visitor=visitor, kinds=KINDS,
                  choices=plan_choices(db, visitor.actor))


@router.get("/counting/plans/{plan_no}", response_class=HTMLResponse, dependencies=[needs(MANAGE)])
def plan_page(request: Request, plan_no: Code, db: DbDep, visitor: VisitorDep,
              all_lines: bool = False) -> HTMLResponse:
    """Progress, the variance list with value and reasons, signed approval, reports."""
    require(visitor.actor, MANAGE)
    with reading_as(db, visitor.actor) as s:
        plan = queries.plan_view(s, plan_no)
        lines = queries.variances(s, plan.plan_no, only_variances=not all_lines, limit=2000)
        times = queries.location_times(s, plan.plan_no)
        recounts = queries.open_recounts(s, plan.plan_no)
        choices = queries.counter_choices(s)
        cancelled = queries.cancellation(s, plan.plan_no)
    seconds = [t.seconds for t in times if t.seconds is not None]
    return render(request, "counting/plan.html", visitor=visitor, plan=plan, lines=lines,
                  times=times, all_lines=all_lines, kinds=KINDS, reasons=REASONS,
                  mean_seconds=sum(seconds) / len(seconds) if seconds else None,
                  counted_by_me=visitor.actor.username in {t.counter for t in times},
                  running=plan.status in RUNNING, recounts=recounts, choices=choices,
                  cancelled=cancelled)
