"""Read-only cold-chain questions: limits, sensors, readings, the board, breaches."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from medwms.coldchain import calibration, rules
from medwms.coldchain.errors import BreachNotFound, SensorNotFound
from medwms.coldchain.rules import Limits, Point
from medwms.coldchain.tables import Breach, BreachLot, Reading, RejectedReading, Sensor
from medwms.core.clock import utc_now
from medwms.ledger.tables import Lot, Movement
from medwms.masterdata.tables import Item, Location, Warehouse, Zone

OPEN = ("OPEN", "ACKNOWLEDGED")


def centi(value: Decimal | None) -> int | None:
    """A Numeric(5, 1) degree as hundredths of a degree."""
    return None if value is None else int(value * 100)


def limits_of(session: Session, sensor_ids: set[int]) -> dict[int, Limits]:
    """Each sensor's range (its own, else its zone's or its location's zone's) and thresholds."""
    located = aliased(Zone)
    query = (select(Sensor, Zone.temp_min, Zone.temp_max, located.temp_min, located.temp_max)
             .outerjoin(Zone, Zone.id == Sensor.zone_id)
             .outerjoin(Location, Location.id == Sensor.location_id)
             .outerjoin(located, located.id == Location.zone_id)
             .where(Sensor.id.in_(sensor_ids)))
    found = {}
    for sensor, zmin, zmax, lmin, lmax in session.execute(query):
        low = sensor.temp_min if sensor.temp_min is not None else (zmin if zmin is not None
                                                                    else lmin)
        high = sensor.temp_max if sensor.temp_max is not None else (zmax if zmax is not None
                                                                     else lmax)
        found[sensor.id] = Limits(centi(low), centi(high), sensor.single_minutes,
                                  sensor.cumulative_minutes, sensor.window_minutes,
                                  interval_of(sensor), rules.EXCURSION_INTERVAL)
    return found


def interval_of(sensor: Sensor) -> int:
    """The longest gap allowed between the sensor's readings (its own, capped by the duty)."""
    return rules.allowed_interval(sensor.interval_minutes, transport=sensor.kind == "TRANSPORT")


def sensor_by_code(session: Session, code: str) -> Sensor:
    sensor = session.scalar(select(Sensor).where(Sensor.code == code.upper()))
    if sensor is None:
        raise SensorNotFound(sensor=code)
    return sensor


def points(session: Session, sensor_id: int, start: datetime,
           end: datetime | None = None) -> list[Point]:
    """The sensor's readings from `start` (to `end`), in time order."""
    query = select(Reading.at, Reading.centi_celsius).where(
        Reading.sensor_id == sensor_id, Reading.at >= start)
    if end is not None:
        query = query.where(Reading.at <= end)
    return [Point(at, value) for at, value in session.execute(query.order_by(Reading.at))]


@dataclass(frozen=True)
class SensorView:
    code: str
    name: str
    kind: str
    zone: str | None
    location: str | None
    shipping_unit_id: int | None
    interval_minutes: int
    temp_min: float | None
    temp_max: float | None
    single_minutes: int
    cumulative_minutes: int
    window_minutes: int
    active: bool
    last_reading_at: datetime | None


def sensor_view(session: Session, sensor: Sensor) -> SensorView:
    """A sensor with its place named by codes and its effective range."""
    limits = limits_of(session, {sensor.id})[sensor.id]
    zone = session.get(Zone, sensor.zone_id) if sensor.zone_id else None
    location = session.get(Location, sensor.location_id) if sensor.location_id else None
    return SensorView(
        code=sensor.code, name=sensor.name, kind=sensor.kind, zone=zone.code if zone else None,
        location=location.code if location else None, shipping_unit_id=sensor.shipping_unit_id,
        interval_minutes=sensor.interval_minutes, temp_min=_degrees(limits.low),
        temp_max=_degrees(limits.high), single_minutes=sensor.single_minutes,
        cumulative_minutes=sensor.cumulative_minutes, window_minutes=sensor.window_minutes,
        active=sensor.active, last_reading_at=sensor.last_reading_at)


def _degrees(value: int | None) -> float | None:
    return None if value is None else value / 100


def sensors(session: Session) -> list[SensorView]:
    """Every sensor, by code."""
    return [sensor_view(session, s) for s in session.scalars(select(Sensor).order_by(Sensor.code))]


@dataclass(frozen=True)
class Tile:
    """One sensor on the live board: where, latest reading, colour."""

    sensor: str
    name: str
    place: str
    celsius: float | None
    humidity: float | None
    at: datetime | None
    temp_min: float | None
    temp_max: float | None
    colour: str
    reason: str
    uncalibrated: bool = False


def board(session: Session, now: datetime) -> list[Tile]:
    """Every active sensor's latest reading and its green/yellow/red status."""
    active = list(session.scalars(select(Sensor).where(Sensor.active).order_by(Sensor.code)))
    limits = limits_of(session, {s.id for s in active})
    latest = _latest(session, active)
    breached = set(session.scalars(select(Breach.sensor_id).where(
        Breach.status.in_(OPEN), Breach.kind != rules.Kind.NO_DATA)))
    flags = calibration.flagger(session, [s.code for s in active])
    return [replace(_tile(session, s, limits[s.id], latest.get(s.id), s.id in breached, now),
                    uncalibrated=flags.uncalibrated(s.code, now)) for s in active]


def _latest(session: Session, active: list[Sensor]) -> dict[int, Reading]:
    pairs = [(s.id, s.last_reading_at) for s in active if s.last_reading_at]
    if not pairs:
        return {}
    rows = session.scalars(select(Reading).where(
        Reading.sensor_id.in_([p[0] for p in pairs]),
        Reading.at.in_({p[1] for p in pairs})))
    wanted = set(pairs)
    return {r.sensor_id: r for r in rows if (r.sensor_id, r.at) in wanted}


def _tile(session: Session, sensor: Sensor, limits: Limits, reading: Reading | None,
          breached: bool, now: datetime) -> Tile:
    silent = rules.is_silent(sensor.last_reading_at, now, interval_of(sensor))
    shown = rules.board_colour(reading.centi_celsius if reading else None, limits,
                               silent=silent, open_breach=breached)
    return Tile(sensor=sensor.code, name=sensor.name, place=place_of(session, sensor),
                celsius=reading.centi_celsius / 100 if reading else None,
                humidity=(reading.humidity_permille / 10
                          if reading and reading.humidity_permille is not None else None),
                at=reading.at if reading else None, temp_min=_degrees(limits.low),
                temp_max=_degrees(limits.high), colour=shown.colour, reason=shown.reason)


def place_of(session: Session, sensor: Sensor) -> str:
    """Where a sensor is: zone code, location code or shipping unit."""
    if sensor.location_id:
        location = session.get(Location, sensor.location_id)
        return location.code if location else ""
    if sensor.zone_id:
        zone = session.get(Zone, sensor.zone_id)
        warehouse = session.get(Warehouse, zone.warehouse_id) if zone else None
        return f"{warehouse.code if warehouse else ''}/{zone.code if zone else ''}"
    return f"shipping unit {sensor.shipping_unit_id}"


@dataclass(frozen=True)
class LotLine:
    id: int
    item: str
    item_name: str
    lot: str | None
    location: str
    quantity: int
    item_temp_min: float | None
    item_temp_max: float | None
    disposition: str
    comment: str
    decided_by: int | None
    decided_at: datetime | None
    item_name_en: str = ""


@dataclass(frozen=True)
class BreachView:
    breach_no: str
    sensor: str
    place: str
    kind: str
    mode: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    min_celsius: float | None
    max_celsius: float | None
    minutes_outside: int
    comment: str
    acknowledged_at: datetime | None
    created_at: datetime
    lots: list[LotLine]


def breaches(session: Session, *, status: str | None = None,
             limit: int = 200) -> list[BreachView]:
    """Breaches, newest first; `status` OPEN also lists acknowledged ones."""
    query = select(Breach).order_by(Breach.started_at.desc(), Breach.id.desc()).limit(limit)
    if status == "OPEN":
        query = query.where(Breach.status.in_(OPEN))
    elif status:
        query = query.where(Breach.status == status)
    return [breach_view(session, b) for b in session.scalars(query)]


def breach_row(session: Session, breach_no: str) -> Breach:
    breach = session.scalar(select(Breach).where(Breach.breach_no == breach_no))
    if breach is None:
        raise BreachNotFound(breach=breach_no)
    return breach


def breach_view(session: Session, breach: Breach | str) -> BreachView:
    """A breach with its affected lots and their allowed ranges."""
    if isinstance(breach, str):
        breach = breach_row(session, breach)
    sensor = session.get(Sensor, breach.sensor_id)
    assert sensor is not None
    return BreachView(
        breach_no=breach.breach_no, sensor=sensor.code, place=place_of(session, sensor),
        kind=breach.kind, mode=breach.mode, status=breach.status,
        started_at=breach.started_at, ended_at=breach.ended_at,
        min_celsius=_degrees(breach.min_centi), max_celsius=_degrees(breach.max_centi),
        minutes_outside=breach.minutes_outside, comment=breach.comment,
        acknowledged_at=breach.acknowledged_at, created_at=breach.created_at,
        lots=lot_lines(session, breach.id))


def lot_lines(session: Session, breach_id: int) -> list[LotLine]:
    query = (select(BreachLot, Item, Lot.lot_no, Location.code)
             .join(Item, Item.id == BreachLot.item_id)
             .outerjoin(Lot, Lot.id == BreachLot.lot_id)
             .join(Location, Location.id == BreachLot.location_id)
             .where(BreachLot.breach_id == breach_id).order_by(BreachLot.id))
    return [LotLine(id=bl.id, item=item.code, item_name=item.name_zh, lot=lot_no,
                    location=location, quantity=bl.quantity,
                    item_temp_min=_float(item.temp_min), item_temp_max=_float(item.temp_max),
                    disposition=bl.disposition, comment=bl.comment, decided_by=bl.decided_by,
                    decided_at=bl.decided_at, item_name_en=item.name_en)
            for bl, item, lot_no, location in session.execute(query)]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def rejected_counts(session: Session, since: datetime | None = None) -> dict[str, Any]:
    """How many readings were refused, by source, and the latest reasons."""
    query = select(RejectedReading.source, func.count()).group_by(RejectedReading.source)
    latest = select(RejectedReading).order_by(RejectedReading.id.desc()).limit(20)
    if since is not None:
        query = query.where(RejectedReading.received_at >= since)
        latest = latest.where(RejectedReading.received_at >= since)
    counts = {source: count for source, count in session.execute(query)}
    return {"total": sum(counts.values()), "by_source": counts,
            "latest": [{"source": r.source, "sensor": r.sensor_code, "reason": r.reason,
                        "payload": r.payload[:200], "received_at": r.received_at.isoformat()}
                       for r in session.scalars(latest)]}


def breaches_of_sensor(session: Session, sensor_id: int, start: datetime,
                       end: datetime) -> list[Breach]:
    """The sensor's breaches that overlap [start, end]."""
    return list(session.scalars(select(Breach).where(
        Breach.sensor_id == sensor_id, Breach.started_at <= end,
        (Breach.ended_at.is_(None)) | (Breach.ended_at >= start)).order_by(Breach.started_at)))


@dataclass(frozen=True)
class Stay:
    """A time a lot spent at a location, and what its sensors saw then."""

    location: str
    zone: str
    arrived_at: datetime
    left_at: datetime | None
    sensors: list[str]
    readings: int
    min_celsius: float | None
    max_celsius: float | None
    mkt_celsius: float | None
    breaches: list[str]


def lot_temperatures(session: Session, *, item: str, lot: str,
                     now: datetime | None = None) -> list[Stay]:
    """The temperature history on a lot's trace, stay by stay (from its movements)."""
    now = now or utc_now()
    lot_id = session.scalar(select(Lot.id).join(Item, Item.id == Lot.item_id).where(
        Item.code == item.upper(), Lot.lot_no == lot))
    if lot_id is None:
        return []
    balance: dict[int, int] = {}
    opened: dict[int, datetime] = {}
    spans: list[tuple[int, datetime, datetime | None]] = []
    for m in session.scalars(select(Movement).where(Movement.lot_id == lot_id)
                             .order_by(Movement.created_at, Movement.id)):
        for loc, delta in ((m.from_location_id, -m.quantity), (m.to_location_id, m.quantity)):
            if loc is None or m.from_location_id == m.to_location_id:
                continue  # a status change stays where it is
            before = balance.get(loc, 0)
            balance[loc] = before + delta
            if before <= 0 < balance[loc]:
                opened[loc] = m.created_at
            elif before > 0 >= balance[loc]:
                spans.append((loc, opened.pop(loc), m.created_at))
    spans += [(loc, at, None) for loc, at in opened.items()]
    return [_stay(session, loc, start, end, now) for loc, start, end in
            sorted(spans, key=lambda span: span[1])]


def _stay(session: Session, location_id: int, start: datetime, end: datetime | None,
          now: datetime) -> Stay:
    location = session.get(Location, location_id)
    assert location is not None
    zone = session.get(Zone, location.zone_id)
    found = list(session.scalars(select(Sensor).where(
        (Sensor.location_id == location_id) | (Sensor.zone_id == location.zone_id))))
    values = [p.centi / 100 for s in found for p in points(session, s.id, start, end or now)]
    hits = [b.breach_no for s in found for b in breaches_of_sensor(session, s.id, start,
                                                                    end or now)]
    mkt = rules.mkt(values)
    return Stay(location=location.code, zone=zone.code if zone else "", arrived_at=start,
                left_at=end, sensors=[s.code for s in found], readings=len(values),
                min_celsius=min(values) if values else None,
                max_celsius=max(values) if values else None,
                mkt_celsius=round(mkt, 2) if mkt is not None else None, breaches=hits)
