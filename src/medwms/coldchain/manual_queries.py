"""Read-only questions of the manual readings (G17): today's slots per manual zone, the
overdue list, one zone's month day by day (the gaps), and the warnings they give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.tables import User
from medwms.coldchain import manual_rules as rules
from medwms.coldchain.manual_rules import SlotTimes, State, Window
from medwms.coldchain.tables import ManualReading, ManualZone
from medwms.core.clock import local_date, local_text
from medwms.core.errors import NotFound
from medwms.masterdata.tables import Warehouse, Zone


@dataclass(frozen=True)
class ManualArea:
    """A zone with manual readings switched on."""

    zone_id: int
    area: str
    warehouse: str
    zone: str
    name: str
    timezone: str
    since: datetime
    temp_min: float | None
    temp_max: float | None


@dataclass(frozen=True)
class Taken:
    at: datetime
    celsius: float
    humidity: float | None
    out_of_range: bool
    note: str
    recorded_by: str


@dataclass(frozen=True)
class SlotRow:
    """One slot of one zone and day, and the reading that filled it (if any)."""

    area: str
    zone_name: str
    day: date
    slot: str
    due_from: datetime
    due_by: datetime
    state: str
    reading: Taken | None
    timezone: str


def manual_areas(session: Session) -> list[ManualArea]:
    """Every zone with manual readings on."""
    rows = session.execute(select(ManualZone, Zone, Warehouse)
                           .join(Zone, Zone.id == ManualZone.zone_id)
                           .join(Warehouse, Warehouse.id == Zone.warehouse_id)
                           .where(ManualZone.active).order_by(Warehouse.code, Zone.code))
    return [ManualArea(z.id, f"{w.code}/{z.code}", w.code, z.code, z.name, w.timezone, m.since,
                       _f(z.temp_min), _f(z.temp_max)) for m, z, w in rows]


def _f(value: object) -> float | None:
    return None if value is None else float(str(value))


def _readings(session: Session, zone_ids: list[int], first: date,
              last: date) -> dict[tuple[int, date, str], Taken]:
    rows = session.execute(select(ManualReading, User.username)
                           .join(User, User.id == ManualReading.recorded_by)
                           .where(ManualReading.zone_id.in_(zone_ids),
                                  ManualReading.day >= first, ManualReading.day <= last)
                           .order_by(ManualReading.at))
    found: dict[tuple[int, date, str], Taken] = {}
    for r, username in rows:  # the first reading of a slot fills it
        found.setdefault((r.zone_id, r.day, r.slot), Taken(
            r.at, float(r.celsius), _f(r.humidity), r.out_of_range, r.note, username))
    return found


def _rows(area: ManualArea, windows: list[Window], taken: dict[tuple[int, date, str], Taken],
          now: datetime) -> list[SlotRow]:
    rows = []
    for w in windows:
        reading = taken.get((area.zone_id, w.day, w.slot.value))
        if w.end <= area.since and reading is None:
            continue  # before the zone was switched to manual readings
        rows.append(SlotRow(area.area, area.name, w.day, w.slot.value, w.start, w.end,
                            rules.state(w, now, done=reading is not None).value, reading,
                            area.timezone))
    return rows


def slots(session: Session, *, now: datetime, times: SlotTimes,
          days: int = 1) -> list[SlotRow]:
    """The slots of the last `days` local days (today included) of every manual zone."""
    found: list[SlotRow] = []
    areas = manual_areas(session)
    for area in areas:
        last = local_date(now, area.timezone)
        first = max(last - timedelta(days=days - 1), local_date(area.since, area.timezone))
        taken = _readings(session, [area.zone_id], first, last)
        windows = [w for d in rules.days(first, last)
                   for w in rules.windows(d, times, area.timezone)]
        found += _rows(area, windows, taken, now)
    return found


def overdue(session: Session, *, now: datetime, times: SlotTimes,
            days: int = 7) -> list[SlotRow]:
    """The slots of the last `days` days that ended without a reading, newest first."""
    rows = [r for r in slots(session, now=now, times=times, days=days)
            if r.state == State.OVERDUE]
    return sorted(rows, key=lambda r: (r.due_by, r.area), reverse=True)


def month_days(session: Session, *, warehouse: str, zone: str, first: date, last: date,
               now: datetime, times: SlotTimes) -> list[SlotRow]:
    """One manual zone's slots from `first` to `last` (local days): its daily record."""
    area = next((a for a in manual_areas(session)
                 if a.warehouse == warehouse.upper() and a.zone == zone.upper()), None)
    if area is None:
        raise NotFound(what="manual zone", key=f"{warehouse}/{zone}")
    taken = _readings(session, [area.zone_id], first, last)
    windows = [w for d in rules.days(first, last)
               for w in rules.windows(d, times, area.timezone)]
    return _rows(area, windows, taken, now)


def is_manual(session: Session, *, warehouse: str, zone: str) -> bool:
    """True when the zone has manual readings on."""
    return any(a.warehouse == warehouse.upper() and a.zone == zone.upper()
               for a in manual_areas(session))


def overdue_words(row: SlotRow) -> tuple[str, str]:
    """An overdue slot in both languages."""
    by = local_text(row.due_by, row.timezone)
    slot_zh = "上午" if row.slot == rules.Slot.MORNING else "下午"
    return (f"Area {row.area}: the {row.slot.lower()} manual temperature reading of "
            f"{row.day.isoformat()} (due by {by}) was not taken.",
            f"区域 {row.area}：{row.day.isoformat()} {slot_zh}人工温湿度记录（应在 {by} "
            "前完成）未记录。")
