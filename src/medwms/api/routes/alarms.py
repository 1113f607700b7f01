"""Cold-chain alarms: recipient lists per area, my notices, acknowledgement, escalation,
the alarm log and the compliance warnings."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from medwms.api.deps import ActorDep, DbDep, SettingsDep, needs, signed_in
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.coldchain import alarm_queries, alarms
from medwms.core.clock import local_date, utc_now
from medwms.core.fields import SINGLE_LINE, Code, Line, Note

router = APIRouter(prefix="/coldchain/alarms", tags=["coldchain"])
Username = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=SINGLE_LINE)]


class RecipientsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    warehouse: Line | None = Field(default=None, max_length=20)
    zone: Line | None = Field(default=None, max_length=20, description="None: transport")
    first: list[Username] = Field(max_length=50)
    escalation: list[Username] = Field(default=[], max_length=50)


class AckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Note = Field(min_length=1, max_length=2000)
    action: Note = Field(default="", max_length=2000)


@router.get("/recipients", dependencies=[needs(Perm.STOCK_READ)])
def recipients(db: DbDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Every monitored area with its FIRST and ESCALATION lists."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(a) for a in alarm_queries.areas(s)]


@router.put("/recipients", dependencies=[needs(Perm.COLDCHAIN_MANAGE)])
def set_recipients(body: RecipientsIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Replace an area's lists; fewer than 2 first recipients is refused."""
    return asdict(alarms.set_recipients(db, actor=actor, zone=body.zone,
                                        warehouse=body.warehouse, first=body.first,
                                        escalation=body.escalation))


@router.get("/mine", dependencies=[signed_in()])
def mine(db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """My alarm notices and how many wait for my acknowledgement."""
    with reading_as(db, actor) as s:
        return {"unacknowledged": alarm_queries.unacknowledged(s, actor.user_id),
                "notices": [asdict(n) for n in alarm_queries.my_notices(s, actor.user_id)]}


@router.post("/{breach_no}/acknowledge", dependencies=[signed_in()])
def acknowledge(breach_no: Code, body: AckIn, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Acknowledge an alarm I was notified of, with what I found and did."""
    return asdict(alarms.acknowledge(db, actor=actor, breach_no=breach_no, note=body.note,
                                     action=body.action))


@router.get("/{breach_no}", dependencies=[needs(Perm.STOCK_READ)])
def log(breach_no: Code, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """Who was told of the alarm, when, and every acknowledgement."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return asdict(alarm_queries.alarm_log(s, breach_no))


@router.post("/escalate", dependencies=[needs(Perm.COLDCHAIN_MANAGE)])
def escalate(db: DbDep, actor: ActorDep, settings: SettingsDep) -> dict[str, Any]:
    """Escalate now the alarms nobody acknowledged in time (the job does it every minute)."""
    require(actor, Perm.COLDCHAIN_MANAGE)
    return {"escalated": alarms.escalate(db, after_minutes=settings.alarm_escalation_minutes)}


@router.get("/warnings/all", dependencies=[needs(Perm.STOCK_READ)])
def warnings(db: DbDep, actor: ActorDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """The cold-chain compliance warnings today."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(w) for w in alarm_queries.warnings(
            s, on=local_date(utc_now(), settings.timezone))]
