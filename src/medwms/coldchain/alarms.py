"""Alarm recipients, notifications, acknowledgements and escalation (K03).

An area is a zone (its sensors and its locations' sensors) or the transport list (loggers on
shipping units). When a breach opens, every FIRST recipient of its area gets a notice in the
same unit of work (an area with no list falls back to the quality managers and managers, and
shows on the compliance warnings). Nobody acknowledging within the escalation minutes sends a
notice to the ESCALATION list (else the quality managers); `escalate` does it, run by the job
in `medwms serve` and by `medwms coldchain escalate`. Lists are replaced, never deleted:
someone taken off is stamped `removed_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import SYSTEM, Actor, Perm
from medwms.auth.tables import User, UserRole
from medwms.coldchain import rules
from medwms.coldchain.errors import (
    AckNoteRequired,
    BreachNotFound,
    NotARecipient,
    TooFewRecipients,
    UnknownRecipient,
)
from medwms.coldchain.tables import AlarmAck, AlarmNotice, AlarmRecipient, Breach, Sensor
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import NotFound, Problem
from medwms.masterdata.tables import Location, Warehouse, Zone

FIRST, ESCALATION = "FIRST", "ESCALATION"
LEVELS = (FIRST, ESCALATION)
FALLBACK_FIRST = ("quality", "manager")
FALLBACK_ESCALATION = ("quality",)
TRANSPORT = "TRANSPORT"


@dataclass(frozen=True)
class Lists:
    """An area's recipients by username, after a change."""

    area: str
    first: tuple[str, ...]
    escalation: tuple[str, ...]


@dataclass(frozen=True)
class Acknowledged:
    breach_no: str
    status: str
    acknowledged_by: str
    acknowledged_at: datetime


def set_recipients(db: Database, *, actor: Actor, zone: str | None, warehouse: str | None = None,
                   first: Sequence[str], escalation: Sequence[str] = (),
                   now: datetime | None = None) -> Lists:
    """Replace an area's FIRST and ESCALATION lists (zone None: the transport list)."""
    require(actor, Perm.COLDCHAIN_MANAGE)
    now = now or utc_now()
    wanted = {FIRST: _names(first), ESCALATION: _names(escalation)}
    with db.unit_of_work() as uow:
        s = uow.session
        zone_id, area = _area(s, zone, warehouse)
        problems = rules.recipient_problems(wanted[FIRST], wanted[ESCALATION])
        if problems:
            raise TooFewRecipients([Problem(en, column="first", message_zh=zh)
                                    for en, zh in problems], area=area,
                                   count=len(set(wanted[FIRST])))
        users = _users(s, [*wanted[FIRST], *wanted[ESCALATION]], area)
        before = _current(s, zone_id, lock=True)
        for level in LEVELS:
            _replace(s, actor, zone_id, level, before, {users[n] for n in wanted[level]}, now)
        record_audit(s, actor=actor, action="update", entity="alarm_recipients",
                     entity_key=area, before=_by_name(s, before),
                     after={level: sorted(wanted[level]) for level in LEVELS})
        uow.commit()
    return Lists(area, tuple(sorted(wanted[FIRST])), tuple(sorted(wanted[ESCALATION])))


def _names(names: Sequence[str]) -> list[str]:
    return [n.strip() for n in names if n.strip()]


def _area(s: Session, zone: str | None, warehouse: str | None) -> tuple[int | None, str]:
    if not zone or zone.strip().upper() == TRANSPORT:
        return None, TRANSPORT
    query = (select(Zone.id, Warehouse.code, Zone.code)
             .join(Warehouse, Warehouse.id == Zone.warehouse_id)
             .where(Zone.code == zone.strip().upper()))
    if warehouse:
        query = query.where(Warehouse.code == warehouse.strip().upper())
    rows = s.execute(query).all()
    if len(rows) != 1:
        raise NotFound(what="zone", key=f"{warehouse or '*'}/{zone}")
    return rows[0][0], f"{rows[0][1]}/{rows[0][2]}"


def _users(s: Session, names: list[str], area: str) -> dict[str, int]:
    found = dict(s.execute(select(User.username, User.id).where(
        User.username.in_(names), User.active)).all())
    for name in names:
        if name not in found:
            raise UnknownRecipient(user=name, area=area)
    return found


def _zone_is(zone_id: int | None) -> ColumnElement[bool]:
    if zone_id is None:
        return AlarmRecipient.zone_id.is_(None)
    return AlarmRecipient.zone_id == zone_id


def _current(s: Session, zone_id: int | None, *, lock: bool = False) -> list[AlarmRecipient]:
    query = select(AlarmRecipient).where(_zone_is(zone_id), AlarmRecipient.removed_at.is_(None))
    return list(s.scalars(query.with_for_update() if lock else query))


def _replace(s: Session, actor: Actor, zone_id: int | None, level: str,
             before: list[AlarmRecipient], wanted: set[int], now: datetime) -> None:
    kept = set()
    for row in before:
        if row.level != level:
            continue
        if row.user_id in wanted:
            kept.add(row.user_id)
        else:
            row.removed_at, row.removed_by = now, actor.user_id
    s.add_all([AlarmRecipient(zone_id=zone_id, level=level, user_id=user_id,
                              added_by=actor.user_id, added_at=now)
               for user_id in sorted(wanted - kept)])


def _by_name(s: Session, rows: list[AlarmRecipient]) -> dict[str, list[str]]:
    names = dict(s.execute(select(User.id, User.username).where(
        User.id.in_({r.user_id for r in rows}))).all()) if rows else {}
    return {level: sorted(names[r.user_id] for r in rows if r.level == level)
            for level in LEVELS}


def area_of(s: Session, sensor: Sensor) -> int | None:
    """The zone whose lists a sensor's alarms go to (None: the transport list)."""
    if sensor.zone_id is not None:
        return sensor.zone_id
    if sensor.location_id is not None:
        return s.scalar(select(Location.zone_id).where(Location.id == sensor.location_id))
    return None


def recipients(s: Session, zone_id: int | None, level: str) -> list[int]:
    """The active users on an area's list, else those of the fallback roles."""
    listed = [r.user_id for r in _current(s, zone_id) if r.level == level]
    active = set(s.scalars(select(User.id).where(User.id.in_(listed), User.active)))
    chosen = [u for u in listed if u in active]
    if chosen:
        return sorted(set(chosen))
    roles = FALLBACK_FIRST if level == FIRST else FALLBACK_ESCALATION
    for role in roles:  # the first role with anyone in it
        found = sorted(set(s.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id)
                                     .where(UserRole.role == role, User.active))))
        if found:
            return found
    return []


def raise_alarm(s: Session, sensor: Sensor, breach: Breach, words: tuple[str, str],
                now: datetime) -> list[int]:
    """Notify the area's FIRST recipients of a new breach (caller's unit of work)."""
    users = recipients(s, area_of(s, sensor), FIRST)
    _notify(s, breach, users, FIRST, words, now)
    return users


def _notify(s: Session, breach: Breach, users: list[int], level: str,
            words: tuple[str, str], now: datetime) -> None:
    s.add_all([AlarmNotice(breach_id=breach.id, user_id=user_id, level=level,
                           message_en=words[0][:500], message_zh=words[1][:500], created_at=now)
               for user_id in users])
    s.flush()
    record_audit(s, actor=SYSTEM, action="notify", entity="breach", entity_key=breach.breach_no,
                 after={"level": level, "users": users, "at": now.isoformat()})


def acknowledge(db: Database, *, actor: Actor, breach_no: str, note: str, action: str = "",
                now: datetime | None = None) -> Acknowledged:
    """Acknowledge an alarm one was notified of, noting what was found and done."""
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        breach = s.scalar(select(Breach).where(Breach.breach_no == breach_no.strip().upper())
                          .with_for_update())
        if breach is None:
            raise BreachNotFound(breach=breach_no)
        mine = list(s.scalars(select(AlarmNotice).where(AlarmNotice.breach_id == breach.id,
                                                        AlarmNotice.user_id == actor.user_id)))
        if not mine and not actor.can(Perm.COLDCHAIN_MANAGE):
            raise NotARecipient(user=actor.username, breach=breach.breach_no)
        if not note.strip():
            raise AckNoteRequired([Problem("a note is required", column="note",
                                           message_zh="必须填写说明")], breach=breach.breach_no)
        record_ack(s, breach, actor, note=note, action=action, now=now)
        _stamp(breach, actor, now)
        record_audit(s, actor=actor, action="acknowledge", entity="breach",
                     entity_key=breach.breach_no,
                     after={"note": note.strip(), "action": action.strip(),
                            "status": breach.status})
        uow.commit()
        return Acknowledged(breach.breach_no, breach.status, actor.username, now)


def record_ack(s: Session, breach: Breach, actor: Actor, *, note: str, action: str,
               now: datetime) -> None:
    """Keep an acknowledgement and mark the actor's notices of it (caller's unit of work)."""
    if actor.user_id is None:  # the shell or a job: the audit entry names it
        return
    s.add(AlarmAck(breach_id=breach.id, user_id=actor.user_id, acknowledged_at=now,
                   note=note.strip(), action=action.strip()))
    for notice in s.scalars(select(AlarmNotice).where(AlarmNotice.breach_id == breach.id,
                                                      AlarmNotice.user_id == actor.user_id)):
        notice.acknowledged_at = notice.acknowledged_at or now


def _stamp(breach: Breach, actor: Actor, now: datetime) -> None:
    if breach.acknowledged_at is None:
        breach.acknowledged_at, breach.acknowledged_by = now, actor.user_id
    if breach.status == "OPEN":
        breach.status = "ACKNOWLEDGED"


def escalate(db: Database, *, after_minutes: int, now: datetime | None = None) -> list[str]:
    """Notify the escalation lists of every alarm nobody acknowledged within `after_minutes`."""
    now = now or utc_now()
    done = []
    with db.unit_of_work() as uow:
        s = uow.session
        escalated = select(AlarmNotice.breach_id).where(AlarmNotice.level == ESCALATION)
        waiting = list(s.scalars(select(Breach).where(
            Breach.status == "OPEN", Breach.id.not_in(escalated))
            .order_by(Breach.id).with_for_update()))
        for breach in waiting:
            if not rules.escalation_due(breach.created_at, now, minutes=after_minutes,
                                        acknowledged=breach.acknowledged_at is not None,
                                        escalated=False):
                continue
            _escalate_one(s, breach, after_minutes, now)
            done.append(breach.breach_no)
        uow.commit()
    return done


def _escalate_one(s: Session, breach: Breach, after_minutes: int, now: datetime) -> None:
    sensor = s.get(Sensor, breach.sensor_id)
    zone_id = area_of(s, sensor) if sensor is not None else None
    first = s.scalar(select(AlarmNotice).where(AlarmNotice.breach_id == breach.id)
                     .order_by(AlarmNotice.id).limit(1))
    en = (f"ESCALATED: not acknowledged within {after_minutes} min. "
          f"{first.message_en if first else breach.breach_no}")
    zh = (f"升级通知：{after_minutes} 分钟内无人确认。"
          f"{first.message_zh if first else breach.breach_no}")
    _notify(s, breach, recipients(s, zone_id, ESCALATION), ESCALATION, (en, zh), now)
