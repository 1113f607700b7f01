"""Read-only alarm questions: the recipient lists, a person's notices and their count, one
alarm's log (who was told, who acknowledged what), and the cold-chain compliance warnings
(an area with fewer than 2 recipients, a cold room with fewer than 2 active sensors,
equipment out of calibration or validation, a manual reading not taken in its slot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from medwms.auth.tables import User
from medwms.coldchain import manual_queries
from medwms.coldchain.alarms import ESCALATION, FIRST, TRANSPORT
from medwms.coldchain.errors import BreachNotFound
from medwms.coldchain.manual_rules import SlotTimes
from medwms.coldchain.tables import AlarmAck, AlarmNotice, AlarmRecipient, Breach, Sensor
from medwms.equipment import queries as equipment
from medwms.equipment import rules as equipment_rules
from medwms.masterdata.tables import Location, Warehouse, Zone


@dataclass(frozen=True)
class Area:
    """An area's recipient lists (usernames)."""

    area: str
    warehouse: str
    zone: str
    name: str
    first: tuple[str, ...]
    escalation: tuple[str, ...]
    sensed: bool = True  # it has sensors, so its alarms fire


@dataclass(frozen=True)
class NoticeView:
    id: int
    breach_no: str
    level: str
    message_en: str
    message_zh: str
    created_at: datetime
    acknowledged_at: datetime | None
    breach_status: str


@dataclass(frozen=True)
class AckView:
    user: str
    acknowledged_at: datetime
    note: str
    action: str


@dataclass(frozen=True)
class AlarmLog:
    breach_no: str
    opened_at: datetime
    notices: tuple[tuple[str, str, datetime, datetime | None], ...]  # user, level, sent, ack
    acks: tuple[AckView, ...]


@dataclass(frozen=True)
class Warning:
    """A compliance warning: its code, what it is about, and words in both languages."""

    code: str
    subject: str
    message_en: str
    message_zh: str


def _lists(session: Session) -> dict[int | None, dict[str, list[str]]]:
    found: dict[int | None, dict[str, list[str]]] = {}
    rows = session.execute(select(AlarmRecipient.zone_id, AlarmRecipient.level, User.username)
                           .join(User, User.id == AlarmRecipient.user_id)
                           .where(AlarmRecipient.removed_at.is_(None))
                           .order_by(User.username))
    for zone_id, level, username in rows:
        found.setdefault(zone_id, {FIRST: [], ESCALATION: []})[level].append(username)
    return found


def areas(session: Session) -> list[Area]:
    """Every monitored area (a zone with a range or a sensor) and the transport list."""
    lists = _lists(session)
    sensed = select(Sensor.zone_id).where(Sensor.zone_id.is_not(None))
    located = select(Location.zone_id).join(Sensor, Sensor.location_id == Location.id)
    with_sensors = set(session.scalars(sensed)) | set(session.scalars(located))
    rows = session.execute(select(Zone.id, Warehouse.code, Zone.code, Zone.name)
                           .join(Warehouse, Warehouse.id == Zone.warehouse_id)
                           .where(or_(Zone.temp_max.is_not(None), Zone.temp_min.is_not(None),
                                      Zone.id.in_(with_sensors)))
                           .order_by(Warehouse.code, Zone.code))
    found = [Area(f"{wh}/{code}", wh, code, name, *_pair(lists.get(zid)),
                  sensed=zid in with_sensors) for zid, wh, code, name in rows]
    transport = session.scalar(select(Sensor.id).where(Sensor.kind == "TRANSPORT").limit(1))
    found.append(Area(TRANSPORT, "", TRANSPORT, "", *_pair(lists.get(None)),
                      sensed=transport is not None))
    return found


def _pair(lists: dict[str, list[str]] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    lists = lists or {}
    return tuple(lists.get(FIRST, [])), tuple(lists.get(ESCALATION, []))


def my_notices(session: Session, user_id: int | None, *, limit: int = 100) -> list[NoticeView]:
    """A person's alarm notices, unacknowledged first, newest first."""
    rows = session.execute(select(AlarmNotice, Breach.breach_no, Breach.status)
                           .join(Breach, Breach.id == AlarmNotice.breach_id)
                           .where(AlarmNotice.user_id == user_id)
                           .order_by(AlarmNotice.acknowledged_at.is_not(None),
                                     AlarmNotice.created_at.desc(), AlarmNotice.id.desc())
                           .limit(limit))
    return [NoticeView(n.id, no, n.level, n.message_en, n.message_zh, n.created_at,
                       n.acknowledged_at, status) for n, no, status in rows]


def unacknowledged(session: Session, user_id: int | None) -> int:
    """How many of a person's notices wait for acknowledgement (the badge)."""
    if user_id is None:
        return 0
    return int(session.scalar(select(func.count()).select_from(AlarmNotice).where(
        AlarmNotice.user_id == user_id, AlarmNotice.acknowledged_at.is_(None))) or 0)


def alarm_log(session: Session, breach_no: str) -> AlarmLog:
    """Who was told of an alarm and when, and every acknowledgement with its note."""
    breach = session.scalar(select(Breach).where(Breach.breach_no == breach_no.upper()))
    if breach is None:
        raise BreachNotFound(breach=breach_no)
    notices = session.execute(select(User.username, AlarmNotice.level, AlarmNotice.created_at,
                                     AlarmNotice.acknowledged_at)
                              .join(User, User.id == AlarmNotice.user_id)
                              .where(AlarmNotice.breach_id == breach.id)
                              .order_by(AlarmNotice.id))
    acks = session.execute(select(User.username, AlarmAck.acknowledged_at, AlarmAck.note,
                                  AlarmAck.action).join(User, User.id == AlarmAck.user_id)
                           .where(AlarmAck.breach_id == breach.id).order_by(AlarmAck.id))
    return AlarmLog(breach.breach_no, breach.created_at,
                    tuple((u, lv, at, ack) for u, lv, at, ack in notices),
                    tuple(AckView(*row) for row in acks))


def warnings(session: Session, *, on: date, now: datetime | None = None,
             slots: SlotTimes | None = None, overdue_days: int = 7) -> list[Warning]:
    """The cold-chain compliance warnings on `on` (with `now` and `slots`: also the manual
    readings overdue in the last `overdue_days` days)."""
    found = [_few(a) for a in areas(session) if a.sensed and len(set(a.first)) < 2]
    if now is not None and slots is not None:
        found += [Warning("MANUAL_READING_OVERDUE", f"{r.area} {r.day} {r.slot}",
                          *manual_queries.overdue_words(r))
                  for r in manual_queries.overdue(session, now=now, times=slots,
                                                  days=overdue_days)]
    found += _thin_rooms(session)
    found += [_lapsed(e) for e in equipment.register(session, on=on)
              if e.active and not e.in_date]
    return found


def _few(area: Area) -> Warning:
    return Warning("TOO_FEW_ALARM_RECIPIENTS", area.area,
                   f"Area {area.area}: {len(area.first)} alarm recipient(s), at least 2 named "
                   "people are needed (until then the managers are notified).",
                   f"区域 {area.area}：报警接收人 {len(area.first)} 人，至少需要 2 名指定人员"
                   "（在此之前通知管理人员）。")


def _thin_rooms(session: Session) -> list[Warning]:
    rooms = equipment.room_codes_by_zone(session)
    counts = _active_sensors(session)
    zones = dict(session.execute(select(Zone.id, Warehouse.code + "/" + Zone.code)
                                 .join(Warehouse, Warehouse.id == Zone.warehouse_id)
                                 .where(Zone.id.in_(list(rooms)))).all()) if rooms else {}
    return [Warning("TOO_FEW_SENSORS", zones.get(zid, str(zid)),
                    f"Cold room {', '.join(codes)} ({zones.get(zid)}): {counts.get(zid, 0)} "
                    "active sensor(s), at least 2 are needed.",
                    f"冷库 {', '.join(codes)}（{zones.get(zid)}）：有效探头 "
                    f"{counts.get(zid, 0)} 个，至少需要 2 个。")
            for zid, codes in sorted(rooms.items())
            if equipment_rules.too_few_sensors(counts.get(zid, 0))]


def _active_sensors(session: Session) -> dict[int, int]:
    counts: dict[int, int] = {}
    direct = session.execute(select(Sensor.zone_id, func.count()).where(
        Sensor.active, Sensor.zone_id.is_not(None)).group_by(Sensor.zone_id))
    located = session.execute(select(Location.zone_id, func.count())
                              .join(Sensor, Sensor.location_id == Location.id)
                              .where(Sensor.active).group_by(Location.zone_id))
    for zone_id, count in [*direct, *located]:
        if zone_id is not None:
            counts[zone_id] = counts.get(zone_id, 0) + int(count)
    return counts


def _lapsed(view: equipment.EquipmentView) -> Warning:
    due = view.due or "-"
    return Warning("EQUIPMENT_NOT_IN_DATE", view.code,
                   f"{view.kind} {view.code}: {view.reason} (due {due}) — out of use until a "
                   "passed calibration or validation is recorded.",
                   f"{view.kind} {view.code}：{view.reason}（到期 {due}）——登记合格的校准或验证"
                   "记录之前停止使用。")
