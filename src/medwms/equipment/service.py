"""Equipment register commands: register equipment, record a calibration or validation (with
its certificate scan), take equipment out of use. Each is one unit of work, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.attachments.service import Upload, attach
from medwms.attachments.store import AttachmentStore
from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import Problem
from medwms.core.ids import new_doc_no
from medwms.equipment import rules
from medwms.equipment.errors import BadEquipment, EquipmentExists, EquipmentNotFound
from medwms.equipment.rules import CheckSpec, Kind
from medwms.equipment.tables import Equipment, EquipmentCheck
from medwms.masterdata.tables import Warehouse, Zone

MANAGE = Perm.COLDCHAIN_MANAGE
ENTITY = rules.ENTITY
PURPOSE = "certificate"


@dataclass(frozen=True)
class EquipmentSpec:
    """A register entry as a person gives it; a cold room or fridge names its zone."""

    code: str
    kind: str
    name: str = ""
    warehouse: str | None = None
    zone: str | None = None


@dataclass(frozen=True)
class CheckRecorded:
    """A recorded check: its number, the equipment and the attached certificate (if any)."""

    check_no: str
    equipment: str
    check_kind: str
    result: str
    attachment_id: int | None


def register_equipment(db: Database, *, actor: Actor, spec: EquipmentSpec,
                       now: datetime | None = None) -> str:
    """Add a piece of equipment to the register; its code is returned."""
    require(actor, MANAGE)
    code = spec.code.strip().upper()
    with db.unit_of_work() as uow:
        s = uow.session
        if s.scalar(select(Equipment.id).where(Equipment.code == code)) is not None:
            raise EquipmentExists(equipment=code)
        row = Equipment(code=code, kind=_kind(spec, code), name=spec.name.strip()[:100],
                        zone_id=_zone_of(s, spec, code), active=True,
                        created_by=actor.user_id, created_at=now or utc_now())
        s.add(row)
        s.flush()
        record_audit(s, actor=actor, action="create", entity="equipment", entity_key=code,
                     after={"kind": row.kind, "name": row.name, "zone_id": row.zone_id})
        uow.commit()
    return code


def _kind(spec: EquipmentSpec, code: str) -> str:
    problems = []
    if not code or len(code) > 40:
        problems.append(Problem("a code of 1–40 characters is required", column="code",
                                value=code, message_zh="编码须为 1–40 个字符"))
    if spec.kind not in set(Kind):
        problems.append(Problem(f"kind must be one of {', '.join(Kind)}", column="kind",
                                value=spec.kind, message_zh=f"类型须为 {', '.join(Kind)} 之一"))
    if problems:
        raise BadEquipment(problems, equipment=code)
    return spec.kind


def _zone_of(s: Session, spec: EquipmentSpec, code: str) -> int | None:
    if spec.kind not in rules.ZONE_KINDS:
        return None
    query = (select(Zone.id).join(Warehouse, Warehouse.id == Zone.warehouse_id)
             .where(Zone.code == (spec.zone or "").strip().upper()))
    if spec.warehouse:
        query = query.where(Warehouse.code == spec.warehouse.strip().upper())
    found = list(s.scalars(query))
    if len(found) != 1:
        raise BadEquipment([Problem("a cold room or fridge names exactly one existing zone",
                                    column="zone", value=spec.zone or "",
                                    message_zh="冷库或冷柜须指定一个已存在的库区")],
                           equipment=code)
    return found[0]


def record_check(db: Database, *, actor: Actor, equipment: str, spec: CheckSpec,
                 certificate: Upload | None = None, store: AttachmentStore | None = None,
                 timezone: str = "Asia/Shanghai", now: datetime | None = None) -> CheckRecorded:
    """Record a calibration or validation, with the certificate scan kept beside it."""
    require(actor, MANAGE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        row = _equipment(s, equipment, lock=True)
        _refuse_bad(spec, row, local_date(now, timezone))
        check = EquipmentCheck(
            check_no=new_doc_no("CAL", now), equipment_id=row.id, check_kind=spec.check_kind,
            performed_on=spec.performed_on, certificate_no=spec.certificate_no.strip()[:60],
            body=spec.body.strip()[:120], result=spec.result, next_due=spec.next_due,
            note=spec.note.strip(), recorded_by=actor.user_id, recorded_at=now)
        s.add(check)
        s.flush()
        record_audit(s, actor=actor, action="record", entity=ENTITY, entity_key=check.check_no,
                     after={"equipment": row.code, "check_kind": check.check_kind,
                            "performed_on": str(check.performed_on),
                            "certificate_no": check.certificate_no, "body": check.body,
                            "result": check.result, "next_due": str(check.next_due)})
        attached = None
        if certificate is not None and store is not None:
            attached = attach(s, store=store, actor=actor, upload=certificate, entity=ENTITY,
                              entity_key=check.check_no, purpose=PURPOSE).id
        uow.commit()
    return CheckRecorded(check.check_no, row.code, check.check_kind, check.result, attached)


def _refuse_bad(spec: CheckSpec, row: Equipment, today: date) -> None:
    problems = [Problem(en, column=name, message_zh=zh)
                for name, en, zh in rules.check_problems(spec, kind=row.kind, today=today)]
    if problems:
        raise BadEquipment(problems, equipment=row.code)


def set_active(db: Database, *, actor: Actor, equipment: str, active: bool,
               reason: str) -> str:
    """Take equipment out of use (or back into it), with a reason."""
    require(actor, MANAGE)
    with db.unit_of_work() as uow:
        s = uow.session
        row = _equipment(s, equipment, lock=True)
        if not reason.strip():
            raise BadEquipment([Problem("a reason is required", column="reason",
                                        message_zh="必须填写原因")], equipment=row.code)
        before = row.active
        row.active = active
        record_audit(s, actor=actor, action="update", entity="equipment", entity_key=row.code,
                     before={"active": before}, after={"active": active}, reason=reason.strip())
        uow.commit()
        return row.code


def _equipment(s: Session, code: str, *, lock: bool = False) -> Equipment:
    query = select(Equipment).where(Equipment.code == code.strip().upper())
    row = s.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise EquipmentNotFound(equipment=code)
    return row
