"""The equipment register: sensors, cold rooms, fridges, cold boxes, vehicles; their
calibration and validation records with the certificate scan (multipart upload)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, UploadFile, status
from pydantic import BaseModel, ConfigDict, Field

from medwms.api.deps import ActorDep, DbDep, SettingsDep, needs
from medwms.attachments.service import Upload
from medwms.attachments.store import store_of
from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.fields import Code, Day, Line, Note
from medwms.equipment import queries, service
from medwms.equipment.rules import CheckSpec

router = APIRouter(prefix="/equipment", tags=["equipment"])
KindName = Literal["SENSOR", "COLD_ROOM", "FRIDGE", "COLD_BOX", "VEHICLE"]


class EquipmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Line = Field(min_length=1, max_length=40)
    kind: KindName
    name: Line = Field(default="", max_length=100)
    warehouse: Line | None = Field(default=None, max_length=20)
    zone: Line | None = Field(default=None, max_length=20)


class ActiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    active: bool
    reason: Line = Field(min_length=1, max_length=300)


def _today(settings: Any) -> date:
    return local_date(utc_now(), settings.timezone)


@router.get("", dependencies=[needs(Perm.STOCK_READ)])
def register(db: DbDep, actor: ActorDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """Every register entry with whether it is in date today and its due date."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return [asdict(v) for v in queries.register(
            s, on=_today(settings), warn_days=settings.equipment_due_warning_days)]


@router.post("", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.COLDCHAIN_MANAGE)])
def add(body: EquipmentIn, db: DbDep, actor: ActorDep, settings: SettingsDep) -> dict[str, Any]:
    """Add equipment to the register (a cold room or fridge names its zone)."""
    code = service.register_equipment(db, actor=actor, spec=service.EquipmentSpec(
        **body.model_dump()))
    return _one(db, actor, settings, code)


@router.get("/{code}", dependencies=[needs(Perm.STOCK_READ)])
def one(code: Code, db: DbDep, actor: ActorDep, settings: SettingsDep) -> dict[str, Any]:
    """One entry with its checks, newest first, and their certificate scans."""
    require(actor, Perm.STOCK_READ)
    return _one(db, actor, settings, code)


def _one(db: Any, actor: Any, settings: Any, code: str) -> dict[str, Any]:
    with reading_as(db, actor) as s:
        return asdict(queries.equipment(s, code, on=_today(settings),
                                        warn_days=settings.equipment_due_warning_days))


@router.post("/{code}/checks", status_code=status.HTTP_201_CREATED,
             dependencies=[needs(Perm.COLDCHAIN_MANAGE)])
async def record_check(
        code: Code, db: DbDep, actor: ActorDep, settings: SettingsDep,
        check_kind: Annotated[Literal["CALIBRATION", "VALIDATION"], Form()],
        performed_on: Annotated[Day, Form()],
        certificate_no: Annotated[Line, Form(min_length=1, max_length=60)],
        body: Annotated[Line, Form(min_length=1, max_length=120)],
        result: Annotated[Literal["PASS", "FAIL"], Form()],
        next_due: Annotated[Day | None, Form()] = None,
        note: Annotated[Note, Form(max_length=2000)] = "",
        certificate: Annotated[UploadFile | None, File(description="PDF, JPEG or PNG")] = None,
) -> dict[str, Any]:
    """Record a calibration or validation; the certificate scan is kept beside it."""
    upload = None
    if certificate is not None and certificate.filename:
        upload = Upload(certificate.filename, await certificate.read())
    done = service.record_check(
        db, actor=actor, equipment=code,
        spec=CheckSpec(check_kind, performed_on, certificate_no, body, result, next_due, note),
        certificate=upload,
        store=store_of(settings.attachments_dir, settings.max_attachment_bytes),
        timezone=settings.timezone)
    return asdict(done)


@router.put("/{code}/active", dependencies=[needs(Perm.COLDCHAIN_MANAGE)])
def set_active(code: Code, body: ActiveIn, db: DbDep, actor: ActorDep,
               settings: SettingsDep) -> dict[str, Any]:
    """Take equipment out of use, or back into it, with a reason."""
    service.set_active(db, actor=actor, equipment=code, active=body.active, reason=body.reason)
    return _one(db, actor, settings, code)
