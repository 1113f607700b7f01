"""Ingest readings from MQTT, the API or a logger file: validate, store once, then detect.

One batch = one unit of work for the readings (a bad reading is refused and counted in
`rejected_reading`; the good ones of the same batch are stored). Storage is idempotent: a
reading already stored for (sensor, time) is skipped, and the insert itself ignores a
conflict, so two processes storing the same reading never fail. Detection runs after the
commit, sensor by sensor, each in its own unit of work — a detection failure never loses
readings — and only for sensors whose new readings could change a breach.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, cast

from sqlalchemy import Table, and_, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from medwms.auth.guard import require, seeing_as
from medwms.auth.rules import Actor, Perm
from medwms.coldchain import detection, queries, rules
from medwms.coldchain.rules import Point, RejectedInput
from medwms.coldchain.tables import Breach, Reading, RejectedReading, Sensor
from medwms.core.clock import utc_now
from medwms.core.db import Database

log = logging.getLogger(__name__)
READING = cast(Table, Reading.__table__)
INGEST = Perm.MASTERDATA_WRITE  # until the lead adds a coldchain.ingest permission
CHUNK = 2000


@dataclass(frozen=True)
class RawReading:
    """A reading as it arrived: nothing checked yet."""

    sensor: str
    time: object
    celsius: object
    humidity: object = None
    payload: str = ""


@dataclass(frozen=True)
class Refused:
    """Input refused before it could become a reading (malformed JSON, no sensor code)."""

    sensor: str
    payload: str
    reason: str


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"stored": self.stored, "duplicates": self.duplicates,
                "rejected": self.rejected, "problems": self.problems[:100],
                "breaches_opened": self.opened}


@dataclass
class _Batch:
    rows: dict[tuple[int, datetime], dict[str, Any]] = field(default_factory=dict)
    refused: list[Refused] = field(default_factory=list)
    duplicates: int = 0


def ingest(db: Database, *, actor: Actor, source: str, readings: Sequence[RawReading],
           refused: Sequence[Refused] = (), now: datetime | None = None,
           local: tzinfo = UTC, detect: bool = True) -> IngestResult:
    """Store the good readings of a batch, count the bad ones, then run detection."""
    require(actor, INGEST)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        with seeing_as(s, actor):  # another warehouse's sensor is refused as unknown
            sensors = _sensors(s, {r.sensor.strip().upper() for r in readings})
        batch = _check(readings, sensors, now, local)
        batch.refused[:0] = list(refused)
        previous = _previous(s, {sid for sid, _ in batch.rows})
        new = _new_rows(s, batch)
        _store(s, new, batch.refused, source, now)
        uow.commit()
    result = IngestResult(stored=len(new), duplicates=batch.duplicates + len(batch.rows)
                          - len(new), rejected=len(batch.refused),
                          problems=[f"{r.sensor}: {r.reason}" for r in batch.refused])
    if detect and new:
        result.opened = _detect(db, new, previous, now)
    return result


def _sensors(s: Session, codes: set[str]) -> dict[str, tuple[int, bool]]:
    rows = s.execute(select(Sensor.code, Sensor.id, Sensor.active).where(Sensor.code.in_(codes)))
    return {code: (id_, active) for code, id_, active in rows}


def _check(readings: Sequence[RawReading], sensors: dict[str, tuple[int, bool]],
           now: datetime, local: tzinfo) -> _Batch:
    batch = _Batch()
    for raw in readings:
        code = raw.sensor.strip().upper()
        try:
            if code not in sensors:
                raise RejectedInput(f"unknown sensor {raw.sensor!r}")
            sensor_id, active = sensors[code]
            if not active:
                raise RejectedInput(f"sensor {code} is inactive")
            good = rules.check_reading(raw.time, raw.celsius, raw.humidity, now=now, local=local)
        except RejectedInput as error:
            batch.refused.append(Refused(raw.sensor, raw.payload or _shown(raw), str(error)))
            continue
        key = (sensor_id, good.at)
        if key in batch.rows:
            batch.duplicates += 1
            continue
        batch.rows[key] = {"sensor_id": sensor_id, "at": good.at, "centi_celsius": good.centi,
                           "humidity_permille": good.humidity_permille, "received_at": now}
    return batch


def _shown(raw: RawReading) -> str:
    return f"time={raw.time!r} celsius={raw.celsius!r} humidity={raw.humidity!r}"[:1000]


def _previous(s: Session, sensor_ids: set[int]) -> dict[int, Point]:
    """Each sensor's latest stored reading before this batch (one query)."""
    if not sensor_ids:
        return {}
    query = (select(Reading.sensor_id, Reading.at, Reading.centi_celsius)
             .join(Sensor, and_(Sensor.id == Reading.sensor_id,
                                Sensor.last_reading_at == Reading.at))
             .where(Sensor.id.in_(sensor_ids)))
    return {sid: Point(at, value) for sid, at, value in s.execute(query)}


def _new_rows(s: Session, batch: _Batch) -> list[dict[str, Any]]:
    """The batch's readings not stored yet."""
    if not batch.rows:
        return []
    sensor_ids = {sid for sid, _ in batch.rows}
    moments = [at for _, at in batch.rows]
    stored = {tuple(r) for r in s.execute(select(Reading.sensor_id, Reading.at).where(
        Reading.sensor_id.in_(sensor_ids), Reading.at >= min(moments),
        Reading.at <= max(moments)))}
    return [row for key, row in batch.rows.items() if key not in stored]


def _store(s: Session, rows: list[dict[str, Any]], refused: list[Refused], source: str,
           now: datetime) -> None:
    statement = _insert_ignoring_duplicates(s)
    for start in range(0, len(rows), CHUNK):
        s.execute(statement, rows[start:start + CHUNK])
    latest: dict[int, datetime] = {}
    for row in rows:
        latest[row["sensor_id"]] = max(latest.get(row["sensor_id"], row["at"]), row["at"])
    for sensor_id, at in latest.items():
        s.execute(update(Sensor).where(Sensor.id == sensor_id, (
            Sensor.last_reading_at.is_(None)) | (Sensor.last_reading_at < at))
            .values(last_reading_at=at))
    if refused:
        s.execute(insert(RejectedReading), [
            {"source": source, "sensor_code": r.sensor[:40], "payload": r.payload[:4000],
             "reason": r.reason[:300], "received_at": now} for r in refused])


def _insert_ignoring_duplicates(s: Session) -> Any:
    if s.get_bind().dialect.name == "postgresql":
        return postgresql.insert(READING).on_conflict_do_nothing(
            index_elements=["sensor_id", "at"])
    if s.get_bind().dialect.name == "sqlite":
        return sqlite.insert(READING).on_conflict_do_nothing(index_elements=["sensor_id", "at"])
    return insert(READING)


def _detect(db: Database, rows: list[dict[str, Any]], previous: dict[int, Point],
            now: datetime) -> list[str]:
    """Evaluate each sensor whose new readings could change a breach."""
    by_sensor: dict[int, list[Point]] = {}
    for row in rows:
        by_sensor.setdefault(row["sensor_id"], []).append(
            Point(row["at"], row["centi_celsius"]))
    with db.reading() as s:
        limits = queries.limits_of(s, set(by_sensor))
        open_ = set(s.scalars(select(Breach.sensor_id).where(
            Breach.sensor_id.in_(by_sensor), Breach.ended_at.is_(None))))
    opened: list[str] = []
    for sensor_id, new in by_sensor.items():
        if not rules.needs_evaluation(new, limits[sensor_id], previous=previous.get(sensor_id),
                                      open_breach=sensor_id in open_):
            continue
        try:
            done = detection.evaluate_sensor(db, sensor_id=sensor_id,
                                             since=min(p.at for p in new), now=now)
            opened.extend(done.opened)
        except Exception:  # readings are stored; the next batch or check re-evaluates
            log.exception("breach detection failed for sensor %s", sensor_id)
    return opened
