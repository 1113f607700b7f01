"""The listener against the real Mosquitto broker on 127.0.0.1:1883."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select
from typer.testing import CliRunner

from medwms.auth.rules import SYSTEM
from medwms.cli.coldchain import app as coldchain_cli
from medwms.coldchain import disposition, queries
from medwms.coldchain.disposition import Decision
from medwms.coldchain.listener import Listener
from medwms.coldchain.tables import Reading, RejectedReading
from medwms.core.errors import InsufficientStock
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.orders import rules as orders_rules
from tests.support.coldchain import SENSOR, cch_movements, make_cold_room, statuses
from tests.support.users import PASSWORD

HOST, PORT = "127.0.0.1", 1883


def broker_up() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not broker_up(), reason=(
    "no MQTT broker on 127.0.0.1:1883 — start Mosquitto: "
    "mosquitto -d -c /etc/mosquitto/mosquitto.conf"))


@pytest.fixture
def prefix():
    """A topic prefix of this test alone, so parallel sessions never hear each other."""
    return f"medwms-test-{os.getpid()}-{time.monotonic_ns()}/sensors"


@pytest.fixture
def listener(db, prefix):
    listening = Listener(db, prefix=prefix, flush_seconds=0.05, silence_seconds=3600,
                         client_id=f"medwms-test-{time.monotonic_ns()}")
    thread = threading.Thread(target=listening.run, daemon=True)
    thread.start()
    assert listening.connected.wait(10), "listener did not connect"
    time.sleep(0.2)  # the subscription is acknowledged
    yield listening
    listening.stop()
    thread.join(10)


def publish(prefix: str, messages: list[tuple[str, bytes | str]]) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.connect(HOST, PORT)
    client.loop_start()
    for code, payload in messages:
        client.publish(f"{prefix}/{code}", payload, qos=1).wait_for_publish(5)
    client.loop_stop()
    client.disconnect()


def reading(at: datetime, celsius: object, humidity: float | None = 55.0) -> str:
    return json.dumps({"time": at.isoformat(), "celsius": celsius, "humidity": humidity})


def wait_for(check, seconds: float = 10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    return check()


def warm_fridge(now: datetime) -> list[tuple[str, str]]:
    return [(SENSOR, reading(now - timedelta(minutes=15 - i), 4.0 if i == 0 else 9.6))
            for i in range(15)]


def test_a_breach_over_mqtt_holds_the_zone_and_a_signed_release_frees_it(db, listener, prefix):
    room = make_cold_room(db, stocked_at=datetime.now(UTC) - timedelta(days=1))
    started = time.monotonic()
    publish(prefix, warm_fridge(datetime.now(UTC)))
    assert wait_for(lambda: statuses(db, room.cold_bins) == {"HOLD": 20}), statuses(db)
    assert time.monotonic() - started < 5
    with db.reading() as s:
        [breach] = queries.breaches(s)
    assert (breach.kind, breach.mode, breach.sensor) == ("HIGH", "SINGLE", SENSOR)
    # A held unit can't be allocated (picking excludes HOLD) nor picked (no AVAILABLE stock).
    assert "HOLD" in orders_rules.EXCLUDED_STATUSES and orders_rules.ALLOCATABLE == "AVAILABLE"
    with pytest.raises(InsufficientStock), db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="PICK", doc_no="W1", lines=[Line(
            kind="PICK", owner_id=room.owner_id, item_id=room.item_id, lot_id=room.lot_ids[0],
            quantity=1, from_location_id=room.cold_bins[0], from_status="AVAILABLE",
            to_location_id=room.dry_bin, to_status="AVAILABLE")])
    for line in breach.lots:
        disposition.decide_lot(db, actor=room.manager, breach_no=breach.breach_no,
                               decision=Decision(line.id, "RELEASE", "within stability data"),
                               password=PASSWORD)
    assert statuses(db, room.cold_bins) == {"AVAILABLE": 20}
    assert cch_movements(db) == [("AVAILABLE", "HOLD", 10)] * 2 + [("HOLD", "AVAILABLE", 10)] * 2


def test_bad_messages_are_counted_and_good_ones_in_the_same_batch_kept(db, listener, prefix):
    make_cold_room(db)
    now = datetime.now(UTC)
    publish(prefix, [
        (SENSOR, reading(now - timedelta(minutes=2), 4.0)),
        ("NO-SUCH-SENSOR", reading(now, 4.0)),
        (SENSOR, "{not json"),
        (SENSOR, reading(now - timedelta(seconds=30), "abc")),
        (SENSOR, reading(now - timedelta(seconds=20), 9999)),
        (SENSOR, reading(now + timedelta(days=3 * 365), 4.0)),
        (SENSOR, reading(now - timedelta(minutes=1), 4.2)),
    ])

    def counts():
        with db.reading() as s:
            stored = s.scalar(select(func.count()).select_from(Reading))
            refused = s.scalar(select(func.count()).select_from(RejectedReading)
                               .where(RejectedReading.source == "MQTT"))
        return (stored, refused) if (stored, refused) == (2, 5) else None

    assert wait_for(counts) == (2, 5)
    with db.reading() as s:
        reasons = queries.rejected_counts(s)
    text = " ".join(r["reason"] for r in reasons["latest"])
    for words in ("unknown sensor", "malformed JSON", "not a number", "−100…+100", "future"):
        assert words in text
    publish(prefix, [(SENSOR, reading(now, 4.4))])  # the listener is still running
    assert wait_for(lambda: listener.counters.stored == 3)


def test_the_cli_listens_for_a_while_and_reports(db, prefix, monkeypatch):
    make_cold_room(db)
    monkeypatch.setenv("MEDWMS_DATABASE_URL", db.url)
    result: dict[str, object] = {}

    def run() -> None:
        result["out"] = CliRunner().invoke(coldchain_cli, [
            "listen", "--prefix", prefix,
            "--client-id", f"cli-{time.monotonic_ns()}", "--once-for", "3", "--flush", "0.05"])

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(1.0)
    publish(prefix, [(SENSOR, reading(datetime.now(UTC), 5.0))])
    thread.join(15)
    output = result["out"].output  # type: ignore[attr-defined]
    assert result["out"].exit_code == 0, output  # type: ignore[attr-defined]
    assert '"stored": 1' in output
