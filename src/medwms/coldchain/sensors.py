"""Sensor register commands: add, change, deactivate (audited). Readings are append-only."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import reading_as, require, seeing_as
from medwms.auth.rules import Actor, Perm
from medwms.coldchain import queries, rules
from medwms.coldchain.errors import BadSensor, SensorExists
from medwms.coldchain.queries import SensorView
from medwms.coldchain.tables import Sensor
from medwms.core.db import Database
from medwms.core.errors import NotFound, Problem
from medwms.masterdata.fields import bilingual
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Location, Warehouse, Zone
from medwms.shipping.tables import ShippingUnit

MANAGE = Perm.MASTERDATA_WRITE


@dataclass(frozen=True)
class SensorSpec:
    """What a person gives for a sensor: its place by codes, its range and thresholds."""

    code: str
    name: str = ""
    warehouse: str | None = None
    zone: str | None = None
    location: str | None = None
    shipping_unit_id: int | None = None
    interval_minutes: int = 5
    temp_min: Decimal | None = None
    temp_max: Decimal | None = None
    single_minutes: int = 10
    cumulative_minutes: int = 60
    window_minutes: int = 24 * 60
    active: bool = True


def save_sensor(db: Database, *, actor: Actor, spec: SensorSpec, create: bool) -> SensorView:
    """Add a sensor (create) or change an existing one, audited."""
    require(actor, MANAGE)
    code = spec.code.strip().upper()
    with db.unit_of_work() as uow:
        s = uow.session
        with seeing_as(s, actor):  # another warehouse's sensor is not found
            existing = s.scalar(select(Sensor).where(Sensor.code == code))
        if create and existing is None and s.scalar(select(Sensor.id).where(Sensor.code == code)):
            raise SensorExists(sensor=code)
        if create and existing is not None:
            raise SensorExists(sensor=code)
        sensor = existing if existing is not None and not create else Sensor(code=code)
        if not create and existing is None:
            with seeing_as(s, actor):
                queries.sensor_by_code(s, code)
        before = _snapshot(sensor) if existing is not None else None
        _apply(s, sensor, spec)
        require_warehouses(s, actor, sensor.warehouse_id)
        s.add(sensor)
        s.flush()
        record_audit(s, actor=actor, action="create" if create else "update", entity="sensor",
                     entity_key=code, before=before, after=_snapshot(sensor))
        uow.commit()
    with reading_as(db, actor) as s:
        return queries.sensor_view(s, queries.sensor_by_code(s, code))


def _apply(s: Session, sensor: Sensor, spec: SensorSpec) -> None:
    problems = _problems(spec)
    if problems:
        raise BadSensor(problems, sensor=spec.code)
    sensor.name, sensor.active = spec.name, spec.active
    sensor.zone_id = sensor.location_id = sensor.shipping_unit_id = None
    sensor.warehouse_id = None
    if spec.location:
        location = s.scalar(select(Location).where(Location.code == spec.location.upper()))
        if location is None:
            raise NotFound(what="location", key=spec.location)
        sensor.kind, sensor.location_id = "LOCATION", location.id
        sensor.warehouse_id = location.warehouse_id
    elif spec.zone:
        sensor.kind, sensor.zone_id, sensor.warehouse_id = "ZONE", *_zone(s, spec)
    else:
        if s.get(ShippingUnit, spec.shipping_unit_id) is None:
            raise NotFound(what="shipping unit", key=spec.shipping_unit_id)
        sensor.kind, sensor.shipping_unit_id = "TRANSPORT", spec.shipping_unit_id
    for name in ("interval_minutes", "temp_min", "temp_max", "single_minutes",
                 "cumulative_minutes", "window_minutes"):
        setattr(sensor, name, getattr(spec, name))


def _zone(s: Session, spec: SensorSpec) -> tuple[int, int]:
    query = select(Zone.id, Zone.warehouse_id).join(Warehouse, Warehouse.id == Zone.warehouse_id)
    query = query.where(Zone.code == (spec.zone or "").upper())
    if spec.warehouse:
        query = query.where(Warehouse.code == spec.warehouse.upper())
    rows = s.execute(query).all()
    if len(rows) != 1:
        raise NotFound(what="zone", key=f"{spec.warehouse or '*'}/{spec.zone}")
    return rows[0][0], rows[0][1]


def _problems(spec: SensorSpec) -> list[Problem]:
    found = []
    places = [p for p in (spec.zone, spec.location, spec.shipping_unit_id) if p]
    if len(places) != 1:
        found.append(Problem(bilingual("name exactly one of zone, location or shipping unit",
                                       "请只填写库区、库位或运输单元中的一项"), column="zone"))
    for name in ("interval_minutes", "single_minutes", "cumulative_minutes", "window_minutes"):
        if getattr(spec, name) <= 0:
            found.append(Problem(bilingual("must be above zero", "必须大于零"), column=name,
                                 value=str(getattr(spec, name))))
    allowed = rules.allowed_interval(spec.interval_minutes,
                                     transport=bool(spec.shipping_unit_id))
    if spec.interval_minutes > allowed:
        found.append(Problem(bilingual(f"readings are recorded at least every {allowed} min",
                                       f"至少每 {allowed} 分钟记录一次"),
                             column="interval_minutes", value=str(spec.interval_minutes)))
    if spec.temp_min is not None and spec.temp_max is not None and spec.temp_min >= spec.temp_max:
        found.append(Problem(bilingual("the minimum must be below the maximum",
                                       "下限必须低于上限"), column="temp_min"))
    if spec.cumulative_minutes > spec.window_minutes:
        found.append(Problem(bilingual("cannot exceed the rolling window", "不能超过滚动时间窗"),
                             column="cumulative_minutes"))
    return found


def _snapshot(sensor: Sensor) -> dict[str, Any]:
    return {name: getattr(sensor, name) for name in (
        "code", "name", "kind", "zone_id", "location_id", "shipping_unit_id", "interval_minutes",
        "temp_min", "temp_max", "single_minutes", "cumulative_minutes", "window_minutes",
        "active")}


def spec_of(view: SensorView) -> dict[str, Any]:
    """A sensor view as a dict for JSON."""
    return asdict(view)
