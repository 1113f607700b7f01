"""Read-only equipment questions: the register, one entry's checks, and whether a cold room,
a cold box or a sensor is in date — the last raise the refusal putaway and shipping give."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from medwms.attachments.queries import AttachmentRef, attachments_of
from medwms.equipment import rules
from medwms.equipment.errors import ColdBoxNotValidated, ColdRoomNotValidated, EquipmentNotFound
from medwms.equipment.rules import Check, Kind, Validity
from medwms.equipment.tables import Equipment, EquipmentCheck
from medwms.masterdata.tables import Warehouse, Zone


@dataclass(frozen=True)
class CheckView:
    check_no: str
    check_kind: str
    performed_on: date
    certificate_no: str
    body: str
    result: str
    next_due: date | None
    note: str
    recorded_by: int | None
    recorded_at: datetime
    attachments: tuple[AttachmentRef, ...] = ()


@dataclass(frozen=True)
class EquipmentView:
    code: str
    kind: str
    name: str
    zone: str | None
    active: bool
    in_date: bool
    due: date | None
    reason: str
    due_soon: bool
    checks: tuple[CheckView, ...] = ()


def checks_of(session: Session, equipment_ids: Iterable[int]) -> dict[int, list[Check]]:
    """Each equipment's checks as the rules take them (one query)."""
    ids = list(equipment_ids)
    found: dict[int, list[Check]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.execute(select(EquipmentCheck.equipment_id, EquipmentCheck.check_kind,
                                  EquipmentCheck.performed_on, EquipmentCheck.result,
                                  EquipmentCheck.next_due)
                           .where(EquipmentCheck.equipment_id.in_(ids)))
    for equipment_id, kind, performed_on, result, next_due in rows:
        found[equipment_id].append(Check(kind, performed_on, result, next_due))
    return found


def register(session: Session, *, on: date, warn_days: int = 30) -> list[EquipmentView]:
    """Every register entry with its state on `on`, by kind and code."""
    rows = list(session.scalars(select(Equipment).order_by(Equipment.kind, Equipment.code)))
    checks = checks_of(session, [r.id for r in rows])
    zones = _zone_names(session, {r.zone_id for r in rows if r.zone_id})
    return [_view(r, checks[r.id], zones.get(r.zone_id or 0), on, warn_days) for r in rows]


def _view(row: Equipment, checks: list[Check], zone: str | None, on: date, warn_days: int,
          shown: tuple[CheckView, ...] = ()) -> EquipmentView:
    valid = rules.validity(checks, kind=row.kind, on=on)
    return EquipmentView(row.code, row.kind, row.name, zone, row.active, valid.in_date,
                         valid.due, valid.reason,
                         rules.due_soon(valid, on=on, warn_days=warn_days), shown)


def _zone_names(session: Session, zone_ids: set[int]) -> dict[int, str]:
    if not zone_ids:
        return {}
    rows = session.execute(select(Zone.id, Warehouse.code, Zone.code)
                           .join(Warehouse, Warehouse.id == Zone.warehouse_id)
                           .where(Zone.id.in_(zone_ids)))
    return {zid: f"{wh}/{zone}" for zid, wh, zone in rows}


def equipment(session: Session, code: str, *, on: date, warn_days: int = 30) -> EquipmentView:
    """One register entry with its checks (newest first) and their certificate scans."""
    row = session.scalar(select(Equipment).where(Equipment.code == code.strip().upper()))
    if row is None:
        raise EquipmentNotFound(equipment=code)
    rows = session.scalars(select(EquipmentCheck).where(EquipmentCheck.equipment_id == row.id)
                           .order_by(EquipmentCheck.performed_on.desc(),
                                     EquipmentCheck.id.desc()))
    shown = tuple(CheckView(c.check_no, c.check_kind, c.performed_on, c.certificate_no, c.body,
                            c.result, c.next_due, c.note, c.recorded_by, c.recorded_at,
                            tuple(attachments_of(session, entity=rules.ENTITY,
                                                 entity_key=c.check_no)))
                  for c in rows)
    checks = [Check(c.check_kind, c.performed_on, c.result, c.next_due) for c in shown]
    zone = _zone_names(session, {row.zone_id}).get(row.zone_id) if row.zone_id else None
    return _view(row, checks, zone, on, warn_days, shown)


def sensor_checks(session: Session, codes: Iterable[str]) -> dict[str, list[Check]]:
    """The calibration records of the registered sensors among `codes` (by code)."""
    rows = {r.code: r.id for r in session.scalars(select(Equipment).where(
        Equipment.kind == Kind.SENSOR, Equipment.code.in_(list(codes))))}
    checks = checks_of(session, rows.values())
    return {code: checks[i] for code, i in rows.items()}


def calibrated(checks: list[Check] | None, on: date) -> bool:
    """Whether a sensor with these calibration records (None: not registered) is in date."""
    return checks is not None and rules.validity(checks, kind=Kind.SENSOR, on=on).in_date


def _lapsed(session: Session, query: Select[Equipment],
            on: date) -> tuple[Equipment, Validity] | None:
    rows = list(session.scalars(query))
    checks = checks_of(session, [r.id for r in rows])
    for row in rows:
        valid = rules.validity(checks[row.id], kind=row.kind, on=on)
        if not row.active:
            valid = Validity(False, valid.due, "OUT_OF_USE")
        if not valid.in_date:
            return row, valid
    return None


def refuse_lapsed_zone(session: Session, *, zone_id: int | None, zone: str, on: date) -> None:
    """Raise ColdRoomNotValidated if a registered cold room or fridge of it is not in date
    (or taken out of use: it is validated again before it takes cold goods)."""
    if zone_id is None:
        return
    query = select(Equipment).where(Equipment.zone_id == zone_id,
                                    Equipment.kind.in_(list(rules.ZONE_KINDS)))
    found = _lapsed(session, query, on)
    if found is not None:
        row, valid = found
        raise ColdRoomNotValidated(equipment=row.code, zone=zone, day=str(on),
                                   reason=valid.reason, due=str(valid.due or "-"))


def refuse_lapsed_box(session: Session, *, box_id: str, on: date) -> None:
    """Raise ColdBoxNotValidated if the registered cold box `box_id` is not in date or retired."""
    row = session.scalar(select(Equipment).where(Equipment.code == box_id.strip().upper(),
                                                 Equipment.kind == Kind.COLD_BOX))
    if row is None:
        return
    found = _lapsed(session, select(Equipment).where(Equipment.id == row.id), on)
    if found is not None:
        valid = found[1]
        raise ColdBoxNotValidated(equipment=row.code, day=str(on), reason=valid.reason,
                                  due=str(valid.due or "-"))


def room_codes_by_zone(session: Session) -> dict[int, list[str]]:
    """The active cold rooms and fridges of the register, by zone."""
    found: dict[int, list[str]] = {}
    for zone_id, code in session.execute(select(Equipment.zone_id, Equipment.code).where(
            Equipment.active, Equipment.kind.in_(list(rules.ZONE_KINDS)),
            Equipment.zone_id.is_not(None))):
        if zone_id is not None:
            found.setdefault(zone_id, []).append(code)
    return found
