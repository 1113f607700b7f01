"""Cold-chain ingest and detection speed.

    python bench/coldchain_bench.py [--database URL] [--sensors 200] [--readings 100000]
                                    [--mqtt 20000] [--broker 127.0.0.1:1883]

Prints JSON:
- api_path: readings/s through `ingest()` (the function behind POST /coldchain/readings), in
  batches of 5,000 readings from `--sensors` sensors (validation, de-duplication, bulk
  insert, last-reading update, detection check) — the bulk path;
- mqtt: readings/s from the first publish until the last reading is stored, through a real
  broker and the listener (one message per reading, QoS 1);
- detection: seconds from ingesting the breaking reading to the committed HOLD (ingest call)
  and, over MQTT, from publishing it to the HOLD being visible.
A fresh database is made for each run (SQLite file in a temp dir, or a PostgreSQL database).
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from medwms.auth.rules import SYSTEM
from medwms.coldchain.ingest import RawReading, ingest
from medwms.coldchain.listener import Listener
from medwms.coldchain.tables import Reading, Sensor
from medwms.core import migrate
from medwms.core.db import Database, normalise_url
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Stock
from medwms.masterdata.tables import Item, Location, Owner, Warehouse, Zone


def fresh_database(url: str | None, tmp: Path) -> Database:
    """A new migrated database: SQLite in `tmp`, or database medwms_cc_bench on `url`."""
    if url is None:
        db = Database(f"sqlite:///{tmp / 'bench.db'}")
    else:
        base = normalise_url(url)
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "medwms_cc_bench" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "medwms_cc_bench"'))
        admin.dispose()
        db = Database(make_url(base).set(database="medwms_cc_bench").render_as_string(False))
    migrate.upgrade(db.engine)
    return db


def setup(db: Database, sensors: int) -> list[str]:
    """One warehouse, `sensors` cold zones each with a bin, a sensor and one lot in stock."""
    with db.unit_of_work() as uow:
        s = uow.session
        wh = Warehouse(code="B", name="Bench")
        owner = Owner(code="SELF", name="Self")
        item = Item(code="REAGENT", name_zh="试剂", updated_at=datetime.now(UTC))
        s.add_all([wh, owner, item])
        s.flush()
        lot = Lot(item_id=item.id, lot_no="L1")
        s.add(lot)
        codes, lines = [], []
        for i in range(sensors):
            zone = Zone(warehouse_id=wh.id, code=f"Z{i}", kind="STORAGE",
                        temp_min=Decimal(2), temp_max=Decimal(8))
            s.add(zone)
            s.flush()
            loc = Location(warehouse_id=wh.id, zone_id=zone.id, code=f"B-{i}", barcode=f"B-{i}")
            s.add(loc)
            s.flush()
            s.add(Sensor(code=f"S{i}", kind="ZONE", warehouse_id=wh.id, zone_id=zone.id,
                         interval_minutes=60))
            lines.append(Line(kind="RECEIVE", owner_id=owner.id, item_id=item.id, lot_id=lot.id,
                              quantity=10, to_location_id=loc.id, to_status="AVAILABLE"))
            codes.append(f"S{i}")
        post(s, actor=SYSTEM, doc_type="RCV", doc_no="R", lines=lines,
             now=datetime.now(UTC) - timedelta(days=30))
        uow.commit()
    return codes


def readings(codes: list[str], count: int, start: datetime, celsius: float = 5.0,
             offset: int = 0) -> list[RawReading]:
    per = -(-count // len(codes))
    return [RawReading(code, (start + timedelta(seconds=10 * (offset + n))).isoformat(), celsius)
            for n in range(per) for code in codes][:count]


def api_path(db: Database, codes: list[str], count: int, start: datetime) -> dict[str, Any]:
    batch = 5000
    rows = readings(codes, count, start)
    began = time.perf_counter()
    for i in range(0, len(rows), batch):
        ingest(db, actor=SYSTEM, source="API", readings=rows[i:i + batch])
    seconds = time.perf_counter() - began
    return {"readings": len(rows), "batch": batch, "seconds": round(seconds, 2),
            "readings_per_s": round(len(rows) / seconds)}


def breach_time(db: Database, code: str, start: datetime) -> float:
    """Seconds for the ingest call that carries the breaking reading (hold committed)."""
    warm = [RawReading(code, (start + timedelta(minutes=m)).isoformat(), 9.5) for m in range(11)]
    ingest(db, actor=SYSTEM, source="API", readings=warm)
    breaking = [RawReading(code, (start + timedelta(minutes=11)).isoformat(), 9.6)]
    began = time.perf_counter()
    result = ingest(db, actor=SYSTEM, source="API", readings=breaking)
    assert result.opened, "no breach opened"
    return time.perf_counter() - began


def stored(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Reading)) or 0)


def held(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Stock)
                            .where(Stock.status == "HOLD")) or 0)


def mqtt_path(db: Database, codes: list[str], count: int, start: datetime, host: str,
              port: int, qos: int = 1) -> dict[str, Any]:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    prefix = f"medwms-bench-{time.monotonic_ns()}/sensors"
    listener = Listener(db, host=host, port=port, prefix=prefix, flush_seconds=0.1,
                        client_id=f"bench-{time.monotonic_ns()}")
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    listener.connected.wait(10)
    time.sleep(0.3)
    before = stored(db)
    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.max_inflight_messages_set(1000)
    client.connect(host, port)
    client.loop_start()
    rows = readings(codes, count, start, offset=100_000)
    began = time.perf_counter()
    infos = [client.publish(f"{prefix}/{r.sensor}", json.dumps(
        {"time": r.time, "celsius": r.celsius}), qos=qos) for r in rows]
    for info in infos:
        info.wait_for_publish(30)
    published = time.perf_counter() - began
    while stored(db) - before < len(rows) and time.perf_counter() - began < 120:
        time.sleep(0.05)
    seconds = time.perf_counter() - began
    result = {"readings": len(rows), "publisher_qos": qos, "publish_seconds": round(published, 2),
              "seconds_until_stored": round(seconds, 2),
              "readings_per_s": round(len(rows) / seconds),
              "stored": stored(db) - before}
    code = codes[-1]
    warm_start = datetime.now(UTC) - timedelta(hours=2)  # after every bench reading
    for m in range(11):
        client.publish(f"{prefix}/{code}", json.dumps({"time": (warm_start + timedelta(
            minutes=m)).isoformat(), "celsius": 9.5}), qos=1).wait_for_publish(5)
    time.sleep(1.0)
    holds = held(db)
    began = time.perf_counter()
    client.publish(f"{prefix}/{code}", json.dumps({"time": (warm_start + timedelta(
        minutes=11)).isoformat(), "celsius": 9.6}), qos=1).wait_for_publish(5)
    while held(db) == holds and time.perf_counter() - began < 30:
        time.sleep(0.01)
    result["breach_detection_seconds"] = round(time.perf_counter() - began, 3)
    client.loop_stop()
    client.disconnect()
    listener.stop()
    thread.join(10)
    return result


def broker_up(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--sensors", type=int, default=200)
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--mqtt", type=int, default=20_000)
    parser.add_argument("--broker", default="127.0.0.1:1883")
    parser.add_argument("--qos", type=int, default=1, help="QoS of the bench publisher")
    args = parser.parse_args()
    host, _, port = args.broker.rpartition(":")
    with tempfile.TemporaryDirectory() as tmp:
        db = fresh_database(args.database, Path(tmp))
        codes = setup(db, args.sensors)
        start = datetime.now(UTC) - timedelta(days=20)
        out: dict[str, Any] = {"database": db.dialect, "python": platform.python_version(),
                               "sensors": args.sensors}
        out["api_path"] = api_path(db, codes, args.readings, start)
        out["api_breach_detection_seconds"] = round(
            breach_time(db, codes[0], datetime.now(UTC) - timedelta(days=1)), 3)
        if args.mqtt and broker_up(host, int(port)):
            out["mqtt"] = mqtt_path(db, codes, args.mqtt, start, host, int(port), args.qos)
        else:
            out["mqtt"] = "skipped: no broker"
        db.dispose()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
