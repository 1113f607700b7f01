"""Expiry control and nonconforming goods: near-expiry and expired lists, the expiry job,
holds on doubt and their signed QA decisions, destruction records, in-stock checks (养护).

The person and the time of every record are the signed-in user and the server clock (R03):
no body carries them (unknown fields are refused).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, LangDep, SettingsDep, needs
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.clock import utc_now
from medwms.core.fields import Code, Id, Line, Note, Quantity
from medwms.documents.destruction_record import destruction_pdf
from medwms.documents.near_expiry import near_expiry_xlsx
from medwms.quality import expiry, expiry_queries, hold_queries, maintenance
from medwms.quality.destruction import DestructionIn, record_destruction
from medwms.quality.nonconforming import Doubt, decide_hold, hold_on_doubt
from medwms.quality.stock_rules import Decision

router = APIRouter(prefix="/quality", tags=["quality"])
Lang = Literal["zh-CN", "en"]
Days = Query(default=None, ge=0, le=3650,
             description="warning days for every item of this view (default: each item's own "
                         "days, else the setting)")


@router.get("/near-expiry", dependencies=[needs(Perm.STOCK_READ)])
def near_expiry(db: DbDep, actor: ActorDep, settings: SettingsDep,
                days: int | None = Days) -> list[dict[str, Any]]:
    """Usable or pending stock expiring within its warning days, earliest first."""
    with reading_as(db, actor) as session:
        lines = expiry_queries.near_expiry_stock(
            session, now=utc_now(), days=settings.near_expiry_days, asked=days)
    return [line.as_row() for line in lines]


@router.get("/near-expiry.xlsx", dependencies=[needs(Perm.STOCK_READ)])
def near_expiry_export(db: DbDep, actor: ActorDep, settings: SettingsDep, language: LangDep,
                       days: int | None = Days, lang: Lang | None = None) -> Response:
    """The near-expiry list as a spreadsheet."""
    with reading_as(db, actor) as session:
        lines = expiry_queries.near_expiry_stock(
            session, now=utc_now(), days=settings.near_expiry_days, asked=days)
    return Response(near_expiry_xlsx(lines, language=lang or language),
                    media_type="application/vnd.openxmlformats-officedocument."
                               "spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="near-expiry.xlsx"'})


@router.get("/expired-to-move", dependencies=[needs(Perm.STOCK_READ)])
def expired_to_move(db: DbDep, actor: ActorDep) -> list[dict[str, Any]]:
    """EXPIRED stock not yet in a red zone: the moves to the nonconforming area still due."""
    with reading_as(db, actor) as session:
        return [ln.as_row() for ln in expiry_queries.expired_to_move(session, now=utc_now())]


@router.post("/expiry/run", dependencies=[needs(Perm.STOCK_STATUS)])
def run_expiry(db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Run the expiry job now (it also runs in the background): what it locked."""
    run = expiry.lock_expired(db, actor=actor)
    return {"doc_no": run.doc_no, "quantity": run.quantity,
            "locked": [asdict(unit) for unit in run.locked]}


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_location: Code = Field(min_length=1, description="a location of a red (REJECTED) zone")


@router.post("/expired/{stock_id}/move", dependencies=[needs(Perm.STOCK_MOVE)])
def move_expired(stock_id: Id, body: MoveIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Move one expired balance whole into the nonconforming area."""
    return {"doc_no": expiry.move_to_nonconforming(db, actor=actor, stock_id=stock_id,
                                                   to_location=body.to_location)}


class DoubtIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: Code = Field(min_length=1, description="item code")
    lot: Line | None = Field(default=None, max_length=20)
    serial: Line | None = Field(default=None, max_length=20)
    location: Code | None = Field(default=None, description="only this location")
    reason: Line = Field(min_length=1, max_length=300)
    check_no: Code = Field(default="", description="the in-stock check that found it")


@router.get("/holds", dependencies=[needs(Perm.STOCK_READ)])
def holds(db: DbDep, actor: ActorDep,
          status: Literal["OPEN", "DECIDED"] | None = None) -> list[dict[str, Any]]:
    """Holds on doubt, newest first (OPEN: waiting for the QA decision)."""
    with reading_as(db, actor) as session:
        return [h.as_dict() for h in hold_queries.list_holds(session, status=status)]


@router.post("/holds", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def open_hold(body: DoubtIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Put a doubted lot or serial on HOLD and open its QA decision task."""
    return hold_on_doubt(db, actor=actor, doubt=Doubt(
        item=body.item, lot=body.lot, serial=body.serial, location=body.location,
        reason=body.reason, check_no=body.check_no)).as_dict()


@router.get("/holds/{hold_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_hold(hold_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One hold with its decision."""
    with reading_as(db, actor) as session:
        return hold_queries.hold_view(session, hold_no).as_dict()


class DecideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Decision
    note: Line = Field(default="", max_length=300)
    red_location: Code | None = Field(default=None, description="all but RELEASE")
    password: Line = Field(min_length=1, max_length=1000,
                           description="the quality manager's password: the signature")


@router.post("/holds/{hold_no}/decide", dependencies=[needs(Perm.QUALITY_APPROVE)])
def decide(hold_no: Code, body: DecideIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """QA's signed decision: release, nonconforming, return to supplier or destroy."""
    return decide_hold(db, actor=actor, hold_no=hold_no, decision=body.decision,
                       note=body.note, password=body.password,
                       red_location=body.red_location).as_dict()


class DestructionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: Code = Field(min_length=1)
    lot: Line | None = Field(default=None, max_length=20)
    serial: Line | None = Field(default=None, max_length=20)
    location: Code = Field(min_length=1)
    quantity: Quantity
    method: Line = Field(min_length=1, max_length=200, description="how it is destroyed")
    place: Line = Field(min_length=1, max_length=200, description="where it is destroyed")
    reason: Line = Field(default="", max_length=300)
    hold_no: Code = Field(default="")
    password: Line = Field(min_length=1, max_length=1000, description="the operator's")
    witness: Code = Field(min_length=1, description="the witness's user name")
    witness_password: Line = Field(min_length=1, max_length=1000)


@router.get("/destructions", dependencies=[needs(Perm.STOCK_READ)])
def destructions(db: DbDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Destruction records, newest first."""
    with reading_as(db, actor) as session:
        return [d.as_dict() for d in hold_queries.list_destructions(session)]


@router.post("/destructions", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def destroy(body: DestructionBody, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Destroy REJECTED or EXPIRED units, signed by the operator and a quality witness."""
    return record_destruction(
        db, actor=actor, password=body.password, witness=body.witness,
        witness_password=body.witness_password,
        destruction=DestructionIn(item=body.item, lot=body.lot, serial=body.serial,
                                  location=body.location, quantity=body.quantity,
                                  method=body.method, place=body.place, reason=body.reason,
                                  hold_no=body.hold_no)).as_dict()


@router.get("/destructions/{destruction_no}", dependencies=[needs(Perm.STOCK_READ)])
def get_destruction(destruction_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """One destruction record."""
    with reading_as(db, actor) as session:
        return hold_queries.destruction_view(session, destruction_no).as_dict()


@router.get("/destructions/{destruction_no}/record.pdf", dependencies=[needs(Perm.STOCK_READ)])
def destruction_record_pdf(destruction_no: Code, db: DbDep, actor: ActorDep,
                           settings: SettingsDep, language: LangDep,
                           lang: Lang | None = None) -> Response:
    """The destruction record as PDF (?lang=zh-CN|en)."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as session:
        record = hold_queries.destruction_view(session, destruction_no)
    pdf = destruction_pdf(record, language=lang or language, timezone=settings.timezone,
                          font_path=settings.cjk_font_path)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{destruction_no}.pdf"'})


@router.get("/checks/tasks", dependencies=[needs(Perm.STOCK_READ)])
def check_tasks(db: DbDep, actor: ActorDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """Each zone's next in-stock check, the overdue first."""
    with reading_as(db, actor) as session:
        tasks = maintenance.check_tasks(session, now=utc_now(),
                                        default_days=settings.stock_check_days)
    return [{**asdict(t), "due_on": t.due_on.isoformat(),
             "last_checked": t.last_checked.isoformat() if t.last_checked else None}
            for t in tasks]


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    warehouse: Code = Field(min_length=1)
    zone: Code = Field(min_length=1)
    storage_ok: bool
    conditions_ok: bool
    monitoring_ok: bool
    stock_ok: bool
    notes: Note = Field(default="", max_length=2000)


@router.post("/checks", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def record_check(body: CheckIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Record an in-stock check of a zone with its findings."""
    view = maintenance.record_check(db, actor=actor, warehouse=body.warehouse, zone=body.zone,
                                    findings=maintenance.Findings(
                                        body.storage_ok, body.conditions_ok,
                                        body.monitoring_ok, body.stock_ok, body.notes))
    return {**asdict(view), "checked_on": view.checked_on.isoformat(),
            "checked_at": view.checked_at.isoformat()}


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    warehouse: Code = Field(min_length=1)
    zone: Code = Field(min_length=1)
    every_days: int = Field(ge=1, le=366)


@router.put("/checks/plans", status_code=status.HTTP_204_NO_CONTENT,
            dependencies=[needs(Perm.QUALITY_APPROVE)])
def set_plan(body: PlanIn, db: DbDep, actor: ActorDep) -> Response:
    """Set how often a zone is checked, in days."""
    maintenance.set_check_plan(db, actor=actor, warehouse=body.warehouse, zone=body.zone,
                               every_days=body.every_days)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
