"""coldchain_ingest: temperature readings through `coldchain.ingest.ingest()` (what the API's
readings endpoint and the MQTT listener call), and how soon a breach holds the stock.

The scenario makes a warehouse of its own: SENSORS cold zones (2–8 °C), each with a bin, a
zone sensor and one lot in stock. `api_ingest`: readings of every sensor (10 s apart) in
batches of BATCH — validation, de-duplication, the bulk insert, each sensor's last reading,
the detection check — readings/s per batch, commit included. Baseline in the same run, batch
for batch: the same number of reading rows written by a raw DBAPI executemany (no checks, no
detection) for sensors of their own; the ratio is what the checks and detection leave of the
bare write. `breach_hold`: the ingest call carrying the reading that makes a zone's excursion
longer than its single-excursion limit, until its HOLD is committed. `mqtt`: the same through
a broker and the listener (one message per reading, QoS 1), from the first publish until the
last reading is stored, then from the breaking publish until the HOLD shows — only when a
broker answers at MEDWMS_BENCH_BROKER (default 127.0.0.1:1883, as `medwms coldchain listen`).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from medwms.auth.rules import SYSTEM
from medwms.bench.scenarios.base import Context, Result, figure, optional, rate_figure, skipped
from medwms.core.db import Database, driver_time
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Stock
from medwms.masterdata.tables import Item, Location, Owner, Warehouse, Zone

WAREHOUSE = "BCC"
RAW_COLUMNS = ("sensor_id", "at", "centi_celsius", "humidity_permille", "received_at")


def run(ctx: Context) -> Result:
    """Set up the cold zones, then timed batches of ingest and of the raw insert."""
    ingest = optional("medwms.coldchain.ingest", "ingest", "RawReading")
    tables = optional("medwms.coldchain.tables", "Sensor", "Reading")
    if isinstance(ingest, str) or isinstance(tables, str):
        return skipped(ingest if isinstance(ingest, str) else str(tables))
    sensors, batch, batches = ctx.pick(20, 200), ctx.pick(500, 5000), ctx.pick(6, 20)
    codes, raw_ids = _setup(ctx.db, tables, sensors)
    start = datetime.now(UTC) - timedelta(days=20)
    rates, raw_rates = [], []
    for n in range(batches + 1):  # the first batch of each is a warm-up
        rows = _readings(ingest, codes, batch, start, offset=n * batch)
        began = time.perf_counter()
        ingest.ingest(ctx.db, actor=SYSTEM, source="API", readings=rows)
        seconds = time.perf_counter() - began
        raw_seconds = _raw(ctx.db, raw_ids, batch, start, offset=n * batch)
        if n:
            rates.append(batch / seconds)
            raw_rates.append(batch / raw_seconds)
    result: Result = {"api_ingest": rate_figure(
        rates, unit="readings/s", baseline=raw_rates, sensors=sensors, batch=batch)}
    result["breach_hold"] = _breach(ctx.db, ingest, codes[0])
    result["mqtt"] = _mqtt(ctx, ingest, tables, codes, start, offset=(batches + 1) * batch)
    return result


def _setup(db: Database, tables: Any, sensors: int) -> tuple[list[str], list[int]]:
    """The bench warehouse: cold zones with a bin, a sensor and a lot in stock each; and as
    many sensors without a zone whose readings the raw insert writes."""
    with db.unit_of_work() as uow:
        s = uow.session
        wh = Warehouse(code=WAREHOUSE, name="Bench cold chain")
        item = Item(code="BENCH-COLD", name_zh="冷链基准", updated_at=datetime.now(UTC))
        s.add_all([wh, item])
        s.flush()
        owner_id = s.scalar(select(Owner.id).order_by(Owner.id).limit(1))
        if owner_id is None:
            owner = Owner(code="BENCH-OWNER", name="Bench owner")
            s.add(owner)
            s.flush()
            owner_id = owner.id
        lot = Lot(item_id=item.id, lot_no="BENCH-COLD-1")
        s.add(lot)
        codes, lines = [], []
        for i in range(sensors):
            zone = Zone(warehouse_id=wh.id, code=f"BCC-Z{i}", kind="STORAGE",
                        temp_min=Decimal(2), temp_max=Decimal(8))
            s.add(zone)
            s.flush()
            location = Location(warehouse_id=wh.id, zone_id=zone.id, code=f"BCC-{i:03d}",
                                barcode=f"BCC-{i:03d}")
            s.add(location)
            s.flush()
            s.add(tables.Sensor(code=f"BCC-S{i}", kind="ZONE", warehouse_id=wh.id,
                                zone_id=zone.id, interval_minutes=60))
            lines.append(Line(kind="RECEIVE", owner_id=owner_id, item_id=item.id,
                              lot_id=lot.id, quantity=10, to_location_id=location.id,
                              to_status="AVAILABLE"))
            codes.append(f"BCC-S{i}")
        raw = [tables.Sensor(code=f"BCC-RAW{i}", kind="ZONE", warehouse_id=wh.id,
                             interval_minutes=60) for i in range(sensors)]
        s.add_all(raw)
        post(s, actor=SYSTEM, doc_type="RCV", doc_no="RCV-BENCH-COLD", lines=lines,
             now=datetime.now(UTC) - timedelta(days=30))
        s.flush()
        raw_ids = [sensor.id for sensor in raw]
        uow.commit()
    return codes, raw_ids


def _readings(ingest: Any, codes: list[str], count: int, start: datetime, *, offset: int,
              celsius: float = 5.0) -> list[Any]:
    """`count` in-range readings spread over the sensors, 10 s apart per sensor."""
    return [ingest.RawReading(codes[n % len(codes)], _moment(start, n, len(codes)).isoformat(),
                              celsius) for n in range(offset, offset + count)]


def _moment(start: datetime, n: int, sensors: int) -> datetime:
    """The time of the n-th reading of a run over `sensors` sensors: 10 s apart per sensor."""
    return start + timedelta(seconds=10 * (n // sensors))


def _raw(db: Database, sensor_ids: list[int], count: int, start: datetime, *,
         offset: int) -> float:
    """The same number of reading rows by hand: one executemany, one transaction."""
    now = driver_time(db.dialect, datetime.now(UTC))
    rows = [(sensor_ids[n % len(sensor_ids)],
             driver_time(db.dialect, _moment(start, n, len(sensor_ids))), 500, None, now)
            for n in range(offset, offset + count)]
    marker = "?" if db.dialect == "sqlite" else "%s"
    sql = (f"INSERT INTO reading ({', '.join(RAW_COLUMNS)}) "
           f"VALUES ({', '.join([marker] * len(RAW_COLUMNS))})")
    started = time.perf_counter()
    connection: Any = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if db.dialect == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany(sql, rows)
        connection.commit()
    finally:
        connection.close()
    return time.perf_counter() - started


def _breach(db: Database, ingest: Any, code: str) -> Result:
    """Ten minutes above the limit, then the reading that makes it too long: its ingest
    call, until the HOLD is committed."""
    start = datetime.now(UTC) - timedelta(days=1)
    warm = [ingest.RawReading(code, (start + timedelta(minutes=m)).isoformat(), 9.5)
            for m in range(11)]
    ingest.ingest(db, actor=SYSTEM, source="API", readings=warm)
    breaking = [ingest.RawReading(code, (start + timedelta(minutes=11)).isoformat(), 9.6)]
    began = time.perf_counter()
    found = ingest.ingest(db, actor=SYSTEM, source="API", readings=breaking)
    took = (time.perf_counter() - began) * 1000
    if not found.opened:
        raise RuntimeError("the breaking reading opened no breach")
    return figure([took], held_units=_held(db))


def _held(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.coalesce(func.sum(Stock.quantity), 0))
                            .join(Warehouse, Warehouse.id == Stock.warehouse_id)
                            .where(Warehouse.code == WAREHOUSE, Stock.status == "HOLD")) or 0)


def _broker() -> tuple[str, int]:
    host, _, port = os.environ.get("MEDWMS_BENCH_BROKER", "127.0.0.1:1883").rpartition(":")
    return host or "127.0.0.1", int(port or 1883)


def _stored(db: Database, tables: Any) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(tables.Reading)) or 0)


# Readings in flight at most: two windows, below mosquitto's default max_queued_messages (1000)
# per subscriber, beyond which the broker drops QoS 1 messages to a listener that lags.
WINDOW = 400


def _mqtt(ctx: Context, ingest: Any, tables: Any, codes: list[str], start: datetime, *,
          offset: int) -> Result:
    """Readings published one a message through a broker to the listener, then a breach."""
    host, port = _broker()
    try:
        with socket.create_connection((host, port), timeout=1):
            pass
    except OSError:
        return skipped(f"no MQTT broker at {host}:{port} (MEDWMS_BENCH_BROKER)")
    listening = optional("medwms.coldchain.listener", "Listener")
    if isinstance(listening, str):
        return skipped(listening)
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    db, count = ctx.db, ctx.pick(2000, 20_000)
    prefix = f"medwms-bench-{time.monotonic_ns()}/sensors"
    listener = listening.Listener(db, host=host, port=port, prefix=prefix, flush_seconds=0.1,
                                  client_id=f"bench-{time.monotonic_ns()}")
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    listener.connected.wait(10)
    time.sleep(0.3)
    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.max_inflight_messages_set(1000)
    client.connect(host, port)
    client.loop_start()
    try:
        before = _stored(db, tables)
        rows = _readings(ingest, codes, count, start, offset=offset)
        began = time.perf_counter()
        for first in range(0, len(rows), WINDOW):  # never more than the broker queues
            while _stored(db, tables) - before < first - WINDOW \
                    and time.perf_counter() - began < 120:
                time.sleep(0.01)
            sent = [client.publish(f"{prefix}/{r.sensor}", json.dumps(
                {"time": r.time, "celsius": r.celsius}), qos=1)
                for r in rows[first:first + WINDOW]]
            for info in sent:
                info.wait_for_publish(30)
        while _stored(db, tables) - before < len(rows) and time.perf_counter() - began < 120:
            time.sleep(0.05)
        seconds = time.perf_counter() - began
        result: Result = figure([len(rows) / seconds], unit="readings/s", readings=len(rows),
                                stored=_stored(db, tables) - before, publisher_qos=1)
        result["breach_hold_ms"] = _mqtt_breach(db, client, prefix, codes[-1])
    finally:
        client.loop_stop()
        client.disconnect()
        listener.stop()
        thread.join(10)
    return result


def _mqtt_breach(db: Database, client: Any, prefix: str, code: str) -> float | None:
    """From publishing the breaking reading until its HOLD is visible (ms); None: not in 30 s."""
    warm_start = datetime.now(UTC) - timedelta(hours=2)  # after every reading above
    for m in range(11):
        client.publish(f"{prefix}/{code}", json.dumps({"time": (warm_start + timedelta(
            minutes=m)).isoformat(), "celsius": 9.5}), qos=1).wait_for_publish(5)
    time.sleep(1.0)
    holds = _held(db)
    began = time.perf_counter()
    client.publish(f"{prefix}/{code}", json.dumps({"time": (warm_start + timedelta(
        minutes=11)).isoformat(), "celsius": 9.6}), qos=1).wait_for_publish(5)
    while _held(db) == holds:
        if time.perf_counter() - began > 30:
            return None
        time.sleep(0.01)
    return round((time.perf_counter() - began) * 1000, 1)
