"""The demo's sensor simulator against the real Mosquitto broker on 127.0.0.1:1883: what it
publishes, the listener stores, inside the cold room's range."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from medwms.auth.rules import SYSTEM
from medwms.cli.coldchain import app as coldchain_cli
from medwms.cli.coldchain import start_demo_sensors
from medwms.coldchain.listener import Listener
from medwms.coldchain.tables import Reading, Sensor
from medwms.config import Settings
from medwms.core.clock import utc_now
from medwms.demo import load_demo
from medwms.demo.simulator import Simulator, broker_answers

HOST, PORT = "127.0.0.1", 1883
NOBODY = "127.0.0.1:9"  # the discard port: nothing listens there
needs_broker = pytest.mark.skipif(not broker_answers(HOST, PORT), reason=(
    "no MQTT broker on 127.0.0.1:1883 — start Mosquitto: "
    "mosquitto -d -c /etc/mosquitto/mosquitto.conf"))


def fresh_readings(db, since):
    """Per sensor code: readings stored at or after `since`, and their range in 1/100 °C."""
    with db.reading() as s:
        rows = s.execute(select(Sensor.code, func.count(), func.min(Reading.centi_celsius),
                                func.max(Reading.centi_celsius))
                         .join(Reading, Reading.sensor_id == Sensor.id)
                         .where(Reading.at >= since).group_by(Sensor.code)).all()
    return {code: (n, low, high) for code, n, low, high in rows}


@needs_broker
def test_simulated_readings_of_the_demo_probes_are_stored_by_the_listener(db):
    load_demo(db, actor=SYSTEM)
    prefix = f"medwms-test-{os.getpid()}-{time.monotonic_ns()}/sensors"
    listener = Listener(db, prefix=prefix, flush_seconds=0.05, silence_seconds=3600,
                        client_id=f"medwms-test-{time.monotonic_ns()}")
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    assert listener.connected.wait(10), "listener did not connect"
    time.sleep(0.2)  # the subscription is acknowledged
    started = utc_now() - timedelta(seconds=1)
    try:
        published = Simulator(db, prefix=prefix, every=0.2,
                              client_id=f"medwms-sim-{time.monotonic_ns()}").run(seconds=1.0)
        deadline = time.monotonic() + 10
        while len(fresh_readings(db, started)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        listener.stop()
        thread.join(10)
    stored = fresh_readings(db, started)
    assert set(stored) == {"SH1-CLD-T1", "SH1-CQA-T1"}
    assert sum(n for n, _, _ in stored.values()) == published >= 4
    assert all(200 <= low <= high <= 800 for _, low, high in stored.values())
    assert listener.counters.rejected == 0 and not listener.counters.breaches


@needs_broker
def test_the_simulate_command_publishes_a_reading_of_each_sensor_every_round(db, monkeypatch):
    load_demo(db, actor=SYSTEM)
    monkeypatch.setenv("MEDWMS_DATABASE_URL", db.url)
    result = CliRunner().invoke(coldchain_cli, [
        "simulate", "--prefix", f"medwms-test-{os.getpid()}/sensors", "--every", "0.3",
        "--once-for", "0.5"])
    assert result.exit_code == 0, result.output
    published = json.loads(result.output.strip().splitlines()[-1])["published"]
    assert published >= 2 and published % 2 == 0  # both demo probes, every round


def test_without_a_broker_the_simulator_says_so_and_nothing_starts(db, monkeypatch):
    monkeypatch.setenv("MEDWMS_DATABASE_URL", db.url)
    result = CliRunner().invoke(coldchain_cli, ["simulate", "--broker", NOBODY])
    assert result.exit_code == 0, result.output
    assert "No MQTT broker answers at 127.0.0.1:9" in result.output
    before = threading.active_count()
    line = start_demo_sensors(Settings(database_url=db.url), broker=NOBODY)
    assert line.startswith("No MQTT broker at 127.0.0.1:9")
    assert threading.active_count() == before
