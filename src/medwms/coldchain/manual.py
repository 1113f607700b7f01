"""Manual readings (G17): switch a zone to hand readings, record one reading.

    DomainError
    ├── NotFound (zone)                     the warehouse/zone codes name no zone
    ├── Conflict
    │   └── NotManuallyMonitored            a reading for a zone not set for manual readings
    ├── PermissionDenied                    no right, another warehouse, or not a person
    └── ValidationError
        └── BadManualReading                a temperature or humidity beyond what is possible

The reading's person is the session's user and its time the server clock; neither is ever
typed. A reading outside the zone's range is kept, flagged, and notifies the quality staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.coldchain import manual_rules as rules
from medwms.coldchain.errors import BadManualReading, NotManuallyMonitored
from medwms.coldchain.hold import NOTIFIED_ROLES
from medwms.coldchain.manual_rules import SlotTimes
from medwms.coldchain.tables import ManualReading, ManualZone, Notification
from medwms.core.clock import local_text, utc_now
from medwms.core.db import Database
from medwms.core.errors import NotFound, PermissionDenied, Problem
from medwms.masterdata.tables import Warehouse, Zone

MANAGE = Perm.COLDCHAIN_MANAGE
RECORD = Perm.QUALITY_RECORD


@dataclass(frozen=True)
class Recorded:
    """A stored manual reading, as the doors show it."""

    id: int
    area: str
    day: str
    slot: str
    at: datetime
    celsius: float
    humidity: float | None
    out_of_range: bool
    note: str
    recorded_by: str


def set_manual(db: Database, *, actor: Actor, warehouse: str, zone: str, manual: bool,
               now: datetime | None = None) -> bool:
    """Switch a zone's twice-daily manual readings on or off (audited); returns the state."""
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        wh, zn = _zone(s, warehouse, zone)
        require(actor, MANAGE, warehouse_id=wh.id, warehouse=wh.code)
        row = s.scalar(select(ManualZone).where(ManualZone.zone_id == zn.id).with_for_update())
        before = None if row is None else {"active": row.active}
        if row is None:
            row = ManualZone(zone_id=zn.id, active=manual, since=now)
            s.add(row)
        elif manual and not row.active:
            row.since = now
        row.active, row.changed_by, row.changed_at = manual, actor.user_id, now
        record_audit(s, actor=actor, action="update" if before else "create",
                     entity="manual_zone", entity_key=f"{wh.code}/{zn.code}", before=before,
                     after={"active": manual})
        uow.commit()
    return manual


def record_reading(db: Database, *, actor: Actor, warehouse: str, zone: str,
                   celsius: Decimal, humidity: Decimal | None = None, note: str = "",
                   times: SlotTimes, now: datetime | None = None) -> Recorded:
    """Record one hand reading of a manual zone, at the server's time, by the session's user."""
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        wh, zn = _zone(s, warehouse, zone)
        require(actor, RECORD, warehouse_id=wh.id, warehouse=wh.code)
        if actor.user_id is None:
            raise PermissionDenied(user=actor.username, permission=RECORD.value)
        area = f"{wh.code}/{zn.code}"
        if not s.scalar(select(ManualZone.active).where(ManualZone.zone_id == zn.id)):
            raise NotManuallyMonitored(zone=area)
        problems = rules.value_problems(celsius, humidity)
        if problems:
            raise BadManualReading([Problem("out of bounds", column=c, value=v)
                                    for c, v in problems], zone=area)
        day, slot = rules.slot_of(now, times, wh.timezone)
        row = ManualReading(zone_id=zn.id, day=day, slot=slot.value, at=now, celsius=celsius,
                            humidity=humidity, note=note.strip(), recorded_by=actor.user_id,
                            out_of_range=rules.out_of_range(celsius, zn.temp_min, zn.temp_max))
        s.add(row)
        s.flush()
        if row.out_of_range:
            _notify(s, area, zn, row, wh.timezone)
        record_audit(s, actor=actor, action="create", entity="manual_reading",
                     entity_key=f"{area}/{row.id}",
                     after={"celsius": str(celsius), "humidity": str(humidity),
                            "slot": slot.value, "day": day.isoformat(),
                            "out_of_range": row.out_of_range})
        uow.commit()
        return Recorded(row.id, area, day.isoformat(), slot.value, now, float(celsius),
                        None if humidity is None else float(humidity), row.out_of_range,
                        row.note, actor.username)


def _zone(s: Session, warehouse: str, zone: str) -> tuple[Warehouse, Zone]:
    found = s.execute(select(Warehouse, Zone).join(Zone, Zone.warehouse_id == Warehouse.id)
                      .where(Warehouse.code == warehouse.strip().upper(),
                             Zone.code == zone.strip().upper())).first()
    if found is None:
        raise NotFound(what="zone", key=f"{warehouse}/{zone}")
    return found[0], found[1]


def _notify(s: Session, area: str, zn: Zone, row: ManualReading, timezone: str) -> None:
    shown = local_text(row.at, timezone)
    en = (f"Manual reading {row.celsius} °C in {area} at {shown} is outside the required "
          f"range {zn.temp_min} … {zn.temp_max} °C: check the area and the goods.")
    zh = (f"库区 {area} 人工读数 {row.celsius} °C（{shown}）超出规定范围 "
          f"{zn.temp_min} … {zn.temp_max} °C：请检查库区及货物。")
    s.add_all([Notification(kind="MANUAL_RANGE", role=role, ref=f"{area}/{row.id}",
                            message_en=en[:500], message_zh=zh[:500], created_at=row.at)
               for role in (*NOTIFIED_ROLES, "quality")])
