"""Stocktakes and cycle counts over HTTP.

Counter endpoints (blind — no expected quantity or balance is ever sent):
  GET  /counting/tasks                       my open locations
  POST /counting/plans/{plan_no}/start       {location_raw} → the task being counted
  POST /counting/tasks/{id}/scans            {raw, quantity?, scan_id?} (Idempotency-Key)
  GET  /counting/tasks/{id}/scans            my scans at this location
  DELETE /counting/tasks/{id}/scans/{entry}  take a scan back
  POST /counting/tasks/{id}/close            close the location
Manager endpoints: plans, variances, reasons, signed approval, reports, KPI, ABC, policies;
a running plan gets a counter added, a recount assigned, or is cancelled (with a reason).
Refusals are problem+json with a stable `code` (see medwms.counting.errors).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response, status
from pydantic import BaseModel, Field

from medwms.api.deps import ActorDep, DbDep, LangDep, needs
from medwms.api.idempotency import respond
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.fields import Code, Count, Day, Id, Line, Moment, Offset, ScanText
from medwms.counting import approval, counting, plans, queries, report, running
from medwms.counting.rules import AbcShares, CycleRule
from medwms.documents.count_report import count_report_pdf

router = APIRouter(tags=["counting"])
MANAGE = Perm.STOCK_ADJUST


# ---------------------------------------------------------------- counter (blind)

class StartIn(BaseModel):
    location_raw: ScanText = Field(min_length=1, max_length=200,
                              description="the location scan (#L:<CODE>) or its code")


class ScanIn(BaseModel):
    raw: ScanText = Field(min_length=1, max_length=300, description="the unit scan")
    quantity: Count | None = Field(None, gt=0, description="keyed units for a pack (not serials)")
    scan_id: Line | None = Field(None, max_length=64,
                                description="default: the Idempotency-Key header")


@router.get("/counting/tasks", dependencies=[needs(counting.COUNT)])
def my_tasks(db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Open locations (and recounts) the signed-in counter may count — no quantities."""
    require(actor, counting.COUNT)
    with reading_as(db, actor) as session:
        return {"tasks": [asdict(t) for t in queries.counter_tasks(session, actor.user_id)]}


@router.post("/counting/plans/{plan_no}/start", dependencies=[needs(counting.COUNT)])
def start(plan_no: Code, body: StartIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Begin (or resume) counting the scanned location."""
    return asdict(counting.start_location(db, actor=actor, plan_no=plan_no,
                                          location_raw=body.location_raw))


@router.post("/counting/tasks/{task_id}/scans", status_code=status.HTTP_201_CREATED,
             response_model=dict[str, Any], dependencies=[needs(counting.COUNT)])
def scan(task_id: Id, body: ScanIn, db: DbDep, actor: ActorDep,
         idempotency_key: Annotated[Code | None, Header()] = None) -> Response:
    """Count one unit (or a pack with its keyed quantity) at the open location."""
    scan_id = body.scan_id or idempotency_key or uuid.uuid4().hex
    return respond(status.HTTP_201_CREATED, asdict(counting.scan_unit(
        db, actor=actor, task_id=task_id, raw=body.raw, scan_id=scan_id,
        quantity=body.quantity)))


@router.get("/counting/tasks/{task_id}/scans", dependencies=[needs(counting.COUNT)])
def scans(task_id: Id, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """The counter's own scans at the location (what they counted, nothing expected)."""
    task, rows = counting.my_scans(db, actor=actor, task_id=task_id)
    return {**asdict(task), "entries": [asdict(r) for r in rows]}


@router.delete("/counting/tasks/{task_id}/scans/{entry_id}", dependencies=[needs(counting.COUNT)])
def take_back(task_id: Id, entry_id: Id, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Take one scan back; returns the number of scans left."""
    return {"task_id": task_id,
            "scans": counting.remove_entry(db, actor=actor, task_id=task_id, entry_id=entry_id)}


@router.post("/counting/tasks/{task_id}/close", dependencies=[needs(counting.COUNT)])
def close(task_id: Id, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Close the location (it may be empty): the count is compared with stock now."""
    return asdict(counting.close_location(db, actor=actor, task_id=task_id))


# ---------------------------------------------------------------- manager

class CycleIn(BaseModel):
    abc_due: list[Literal["A", "B", "C"]] = []
    not_counted_days: Count | None = Field(None, ge=0)
    variance_days: Count | None = Field(None, ge=0)
    pick_error_days: Count | None = Field(None, ge=0)


class PlanIn(BaseModel):
    warehouse: Code
    kind: Literal["FULL", "ZONES", "CYCLE"]
    zones: list[Code] = []
    cycle: CycleIn | None = None
    counters: list[Code] = Field([], description="usernames; none: anyone who may count")
    deadline: Day | None = None
    accept_one_counter: bool = Field(
        False, description="create it although fewer than two people could count it (a "
                           "variance's recount will need a manager to add a counter)")


@router.post("/counting/plans", status_code=status.HTTP_201_CREATED, dependencies=[needs(MANAGE)])
def create_plan(body: PlanIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Open a full, zone or cycle count: one task per location, counters, deadline."""
    cycle = None if body.cycle is None else CycleRule(
        abc_due=tuple(body.cycle.abc_due), not_counted_days=body.cycle.not_counted_days,
        variance_days=body.cycle.variance_days, pick_error_days=body.cycle.pick_error_days)
    made = plans.create_plan(db, actor=actor, warehouse=body.warehouse, kind=body.kind,
                             zones=tuple(body.zones), cycle=cycle,
                             counters=tuple(body.counters), deadline=body.deadline,
                             accept_one_counter=body.accept_one_counter)
    return asdict(made)


@router.get("/counting/plans/{plan_no}", dependencies=[needs(MANAGE)])
def plan(plan_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """A plan's progress: tasks by status, open recounts, lines, missing reasons."""
    require(actor, MANAGE)
    with reading_as(db, actor) as session:
        return asdict(queries.plan_view(session, plan_no))


class CounterIn(BaseModel):
    username: Line = Field(min_length=1, max_length=60)


@router.post("/counting/plans/{plan_no}/counters", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(MANAGE)])
def add_counter(plan_no: Code, body: CounterIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Name one more counter on a running plan."""
    return asdict(running.add_counter(db, actor=actor, plan_no=plan_no, username=body.username))


@router.get("/counting/plans/{plan_no}/recounts", dependencies=[needs(MANAGE)])
def recounts(plan_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """The recounts still to do: location, first counter, who has it."""
    require(actor, MANAGE)
    with reading_as(db, actor) as session:
        return {"recounts": [asdict(r) for r in queries.open_recounts(session, plan_no)]}


class RecountIn(BaseModel):
    location: Line = Field(min_length=1, max_length=60, description="the location code")
    counter: Line = Field(min_length=1, max_length=60, description="the username")


@router.post("/counting/plans/{plan_no}/recounts", dependencies=[needs(MANAGE)])
def assign_recount(plan_no: Code, body: RecountIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Give a location's waiting recount to a named counter (not its first counter)."""
    return asdict(running.assign_recount(db, actor=actor, plan_no=plan_no,
                                         location=body.location, username=body.counter))


class CancelIn(BaseModel):
    reason: Line = Field(min_length=1, max_length=300)


@router.post("/counting/plans/{plan_no}/cancel", dependencies=[needs(MANAGE)])
def cancel(plan_no: Code, body: CancelIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Cancel a running plan with its reason (audited); nothing is posted to the ledger."""
    return asdict(running.cancel_plan(db, actor=actor, plan_no=plan_no, reason=body.reason))


@router.get("/counting/plans/{plan_no}/variances", dependencies=[needs(MANAGE)])
def variance_list(plan_no: Code, db: DbDep, actor: ActorDep, only_variances: bool = False,
                  limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
                  offset: Offset = 0) -> dict[str, Any]:
    """Expected, counted, recounted, variance, value and reason per line (managers only)."""
    require(actor, MANAGE)
    with reading_as(db, actor) as session:
        rows = queries.variances(session, plan_no, only_variances=only_variances,
                                 limit=limit, offset=offset)
    return {"plan_no": plan_no.upper(), "lines": [asdict(r) for r in rows]}


class ReasonIn(BaseModel):
    line_id: Id
    reason_code: Literal["DAMAGED", "FOUND", "MISCOUNTED", "THEFT", "UNRECORDED_MOVE", "OTHER"]


class ReasonsIn(BaseModel):
    reasons: list[ReasonIn] = Field(min_length=1)


@router.post("/counting/plans/{plan_no}/reasons", dependencies=[needs(approval.APPROVE)])
def set_reasons(plan_no: Code, body: ReasonsIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Set reason codes on variance lines."""
    updated = approval.set_reasons(db, actor=actor, plan_no=plan_no,
                                   reasons={r.line_id: r.reason_code for r in body.reasons})
    return {"plan_no": plan_no.upper(), "updated": updated}


class ApproveIn(BaseModel):
    password: Line = Field(min_length=1, max_length=200, description="the signature")


@router.post("/counting/plans/{plan_no}/approve", dependencies=[needs(approval.APPROVE)])
def approve(plan_no: Code, body: ApproveIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Approve with an electronic signature: all adjustments post in one transaction."""
    return asdict(approval.approve(db, actor=actor, plan_no=plan_no, password=body.password))


@router.get("/counting/plans/{plan_no}/times", dependencies=[needs(MANAGE)])
def times(plan_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Time per location (closed − started) for every task of the plan."""
    require(actor, MANAGE)
    with reading_as(db, actor) as session:
        return {"times": [asdict(t) for t in queries.location_times(session, plan_no)]}


@router.get("/counting/plans/{plan_no}/report.pdf", dependencies=[needs(MANAGE)])
def report_pdf(plan_no: Code, db: DbDep, actor: ActorDep, language: LangDep,
               lang: Literal["zh-CN", "en"] | None = None) -> Response:
    """The count report as PDF (zh-CN or English)."""
    require(actor, MANAGE)
    with reading_as(db, actor) as session:
        content = count_report_pdf(session, plan_no, language=lang or language)
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{plan_no.upper()}.pdf"'})


@router.get("/counting/plans/{plan_no}/report.xlsx", dependencies=[needs(MANAGE)])
def report_xlsx(plan_no: Code, db: DbDep, actor: ActorDep) -> Response:
    """The count report as an Excel workbook (plan, lines, times)."""
    require(actor, MANAGE)
    with reading_as(db, actor) as session:
        content = report.count_xlsx(session, plan_no)
    return Response(content, media_type="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={
                        "Content-Disposition": f'attachment; filename="{plan_no.upper()}.xlsx"'})


@router.get("/counting/kpi", dependencies=[needs(Perm.STOCK_READ)])
def kpi(db: DbDep, actor: ActorDep, since: Moment, until: Moment,
        warehouse: Code | None = None) -> dict[str, Any]:
    """Stocktake accuracy and seconds per location over locations closed in [since, until)."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        return asdict(queries.count_kpi(session, since=since, until=until, warehouse=warehouse))


class AbcIn(BaseModel):
    since: Moment
    until: Moment
    a_share: Decimal = Field(Decimal("0.80"), gt=0, le=1)
    b_share: Decimal = Field(Decimal("0.15"), ge=0, le=1)
    basis: Literal["value", "picks"] = "value"


@router.post("/counting/abc", dependencies=[needs(MANAGE)])
def compute_abc(body: AbcIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Classify items A/B/C by shipped value (or picks) over the period."""
    shares = AbcShares(a=body.a_share, b=body.b_share, basis=body.basis)
    return asdict(plans.compute_abc(db, actor=actor, since=body.since, until=body.until,
                                    shares=shares))


class PolicyIn(BaseModel):
    interval_days: Count = Field(gt=0)
    tolerance_units: Count = Field(0, ge=0)
    tolerance_pct: Decimal = Field(Decimal(0), ge=0, le=100)


@router.get("/counting/policies", dependencies=[needs(Perm.STOCK_READ)])
def policies(db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Count interval and tolerance per ABC class."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        return {"policies": [asdict(p) for p in queries.policies(session).values()]}


@router.put("/counting/policies/{abc}", dependencies=[needs(MANAGE)])
def set_policy(abc: Literal["A", "B", "C"], body: PolicyIn, db: DbDep,
               actor: ActorDep) -> dict[str, Any]:
    """Set a class's interval and tolerance (units and percent of expected)."""
    return asdict(plans.set_policy(db, actor=actor, abc=abc, interval_days=body.interval_days,
                                   tolerance_units=body.tolerance_units,
                                   tolerance_pct=body.tolerance_pct))
