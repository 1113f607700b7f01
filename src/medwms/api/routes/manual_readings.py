"""Manual temperature readings of areas without automatic monitoring (G17): which zones are
read by hand, record a reading (person from the session, time from the server clock: the
body cannot carry them), today's slots and the overdue list. Readings are append-only."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, SettingsDep, needs
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.coldchain import manual, manual_queries
from medwms.coldchain.manual_rules import SlotTimes
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.core.fields import Code, Note

router = APIRouter(prefix="/coldchain/manual", tags=["coldchain"])


class ManualIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    manual: bool = Field(description="True: the zone is read by hand twice a day")


class ReadingIn(BaseModel):
    """Only the values: the person and the time are the session's and the server's."""

    model_config = ConfigDict(extra="forbid")
    celsius: Decimal = Field(ge=-90, le=60, max_digits=4, decimal_places=1)
    humidity: Decimal | None = Field(default=None, ge=0, le=100, max_digits=4,
                                     decimal_places=1)
    note: Note = Field(default="", max_length=2000)


def slot_times(settings: Settings) -> SlotTimes:
    """The two daily slots from the settings."""
    return SlotTimes(settings.manual_morning_end, settings.manual_afternoon_end)


@router.get("/zones", dependencies=[needs(Perm.STOCK_READ)])
def zones(db: DbDep, actor: ActorDep) -> list[dict[str, Any]]:
    """The zones read by hand."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(a) for a in manual_queries.manual_areas(s)]


@router.put("/zones/{warehouse}/{zone}", dependencies=[needs(manual.MANAGE)])
def switch(warehouse: Code, zone: Code, body: ManualIn, db: DbDep,
           actor: ActorDep) -> dict[str, Any]:
    """Switch a zone's manual readings on or off."""
    done = manual.set_manual(db, actor=actor, warehouse=warehouse, zone=zone,
                             manual=body.manual)
    return {"area": f"{warehouse.upper()}/{zone.upper()}", "manual": done}


@router.post("/zones/{warehouse}/{zone}/readings", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(manual.RECORD)])
def record(warehouse: Code, zone: Code, body: ReadingIn, db: DbDep, actor: ActorDep,
           settings: SettingsDep) -> dict[str, Any]:
    """Record a hand reading now, as the signed-in person."""
    return asdict(manual.record_reading(db, actor=actor, warehouse=warehouse, zone=zone,
                                        celsius=body.celsius, humidity=body.humidity,
                                        note=body.note, times=slot_times(settings)))


@router.get("/slots", dependencies=[needs(Perm.STOCK_READ)])
def slots(db: DbDep, actor: ActorDep, settings: SettingsDep,
          days: Annotated[int, Query(ge=1, le=92)] = 1) -> list[dict[str, Any]]:
    """The slots of the last `days` days of every manual zone, with their state."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(r) for r in manual_queries.slots(s, now=utc_now(), times=slot_times(
            settings), days=days)]


@router.get("/overdue", dependencies=[needs(Perm.STOCK_READ)])
def overdue(db: DbDep, actor: ActorDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """Slots that ended without a reading (the gaps), newest first."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(r) for r in manual_queries.overdue(
            s, now=utc_now(), times=slot_times(settings), days=settings.manual_overdue_days)]

