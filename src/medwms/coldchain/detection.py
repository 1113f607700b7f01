"""Breach detection: run the rules over a sensor's readings and act on what they find.

`evaluate_sensor` locks the sensor row (two listeners never open the same breach twice),
reloads the readings around the new ones, matches the excursions the rules find to the
sensor's breaches (same kind, overlapping in time: extend; else open a new one) and, for a
new HIGH/LOW breach, puts the exposed stock on HOLD — breach, STATUS movements, affected-lot
rows, notifications and audit entry in ONE unit of work. `check_silence` opens NO_DATA
breaches for silent sensors; readings arriving again end them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.rules import SYSTEM
from medwms.coldchain import alarms, hold, queries, rules
from medwms.coldchain.rules import Excursion, Kind, Limits
from medwms.coldchain.tables import Breach, BreachLot, Sensor
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.ids import new_doc_no

LOOKBACK_CAP = timedelta(days=31)


@dataclass(frozen=True)
class Detected:
    """What one evaluation did: breaches opened, extended and closed (by number)."""

    opened: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    closed: tuple[str, ...] = ()


def evaluate_sensor(db: Database, *, sensor_id: int, since: datetime,
                    now: datetime | None = None) -> Detected:
    """Re-evaluate the sensor's readings from `since` (minus its window) and act, atomically."""
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        sensor = s.scalar(select(Sensor).where(Sensor.id == sensor_id).with_for_update())
        if sensor is None:
            return Detected()
        limits = queries.limits_of(s, {sensor_id})[sensor_id]
        start = _start(s, sensor_id, since, limits, now)
        found = rules.excursions(queries.points(s, sensor_id, start), limits)
        existing = queries.breaches_of_sensor(s, sensor_id, start, now + timedelta(days=1))
        done = _reconcile(s, sensor, found, existing, now)
        uow.commit()
    return done


def _start(s: Session, sensor_id: int, since: datetime, limits: Limits,
           now: datetime) -> datetime:
    """Far enough back to see whole runs and the rolling window around `since`."""
    back = timedelta(minutes=max(limits.window_minutes, limits.single_minutes,
                                 limits.interval_minutes))
    start = since - back
    earliest_open = s.scalar(select(Breach.started_at).where(
        Breach.sensor_id == sensor_id, Breach.ended_at.is_(None)).order_by(Breach.started_at))
    if earliest_open is not None:
        start = min(start, earliest_open)
    return max(start, now - LOOKBACK_CAP, since - LOOKBACK_CAP)


def _reconcile(s: Session, sensor: Sensor, found: list[Excursion], existing: list[Breach],
               now: datetime) -> Detected:
    opened, updated = [], []
    for excursion in found:
        match = next((b for b in existing if b.kind == excursion.kind
                      and excursion.overlaps(b.started_at, b.ended_at)), None)
        if match is None:
            breach = open_breach(s, sensor, excursion, now)
            existing.append(breach)
            opened.append(breach.breach_no)
        elif _extend(match, excursion):
            updated.append(match.breach_no)
    closed = [b.breach_no for b in existing if close_if_done(s, b)]
    return Detected(tuple(opened), tuple(dict.fromkeys(updated)), tuple(closed))


def _extend(breach: Breach, excursion: Excursion) -> bool:
    """Widen a breach to cover the excursion; True when anything changed."""
    before = (breach.started_at, breach.ended_at, breach.min_centi, breach.max_centi,
              breach.minutes_outside, breach.mode)
    breach.started_at = min(breach.started_at, excursion.started_at)
    if breach.ended_at is None or excursion.ended_at is None:
        breach.ended_at = excursion.ended_at if breach.ended_at is None else None
    else:
        breach.ended_at = max(breach.ended_at, excursion.ended_at)
    if breach.ended_at is None and breach.status == "CLOSED":
        breach.status = "OPEN"  # late readings show it went on
    breach.min_centi = _pick(min, breach.min_centi, excursion.min_centi)
    breach.max_centi = _pick(max, breach.max_centi, excursion.max_centi)
    breach.minutes_outside = max(breach.minutes_outside, excursion.minutes_outside)
    if excursion.mode == rules.Mode.SINGLE:
        breach.mode = rules.Mode.SINGLE
    return before != (breach.started_at, breach.ended_at, breach.min_centi, breach.max_centi,
                      breach.minutes_outside, breach.mode)


def _pick(choose: Callable[[list[int]], int], a: int | None, b: int | None) -> int | None:
    values = [v for v in (a, b) if v is not None]
    return choose(values) if values else None


def open_breach(s: Session, sensor: Sensor, excursion: Excursion, now: datetime) -> Breach:
    """Record a new breach; a HIGH/LOW one holds the exposed stock and alerts managers."""
    breach = Breach(breach_no=new_doc_no("CCH", now), sensor_id=sensor.id,
                    kind=excursion.kind, mode=excursion.mode,
                    started_at=excursion.started_at, ended_at=excursion.ended_at,
                    min_centi=excursion.min_centi, max_centi=excursion.max_centi,
                    minutes_outside=excursion.minutes_outside, status="OPEN", created_at=now)
    s.add(breach)
    s.flush()
    held = hold.hold_exposed(s, sensor, breach, now) if excursion.kind != Kind.NO_DATA else []
    en, zh = hold.notify(s, sensor, breach, held, now)
    alarms.raise_alarm(s, sensor, breach, (en, zh), now)
    record_audit(s, actor=SYSTEM, action="open", entity="breach", entity_key=breach.breach_no,
                 after={"sensor": sensor.code, "kind": breach.kind, "mode": breach.mode,
                        "started_at": breach.started_at.isoformat(), "lots": len(held)})
    return breach


def close_if_done(s: Session, breach: Breach) -> bool:
    """Close a breach that has ended and whose every affected lot is decided."""
    if breach.status == "CLOSED" or breach.ended_at is None:
        return False
    undecided = s.scalar(select(BreachLot.id).where(
        BreachLot.breach_id == breach.id, BreachLot.disposition == "").limit(1))
    if undecided is not None:
        return False
    breach.status = "CLOSED"
    return True


def check_silence(db: Database, *, now: datetime | None = None) -> list[str]:
    """Open a NO_DATA breach for each active sensor silent longer than its interval."""
    now = now or utc_now()
    opened = []
    with db.unit_of_work() as uow:
        s = uow.session
        silent = [sensor for sensor in s.scalars(select(Sensor).where(Sensor.active))
                  if rules.is_silent(sensor.last_reading_at, now, queries.interval_of(sensor))]
        already = set(s.scalars(select(Breach.sensor_id).where(
            Breach.kind == Kind.NO_DATA, Breach.ended_at.is_(None))))
        for sensor in silent:
            if sensor.id in already or sensor.last_reading_at is None:
                continue
            excursion = Excursion(Kind.NO_DATA, rules.Mode.GAP, sensor.last_reading_at, None,
                                  None, None, int((now - sensor.last_reading_at).total_seconds()
                                                  // 60))
            opened.append(open_breach(s, sensor, excursion, now).breach_no)
        uow.commit()
    return opened
