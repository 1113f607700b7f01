"""A small sensor simulator: every active fixed sensor publishes its temperature over MQTT.

Topic `<prefix>/<sensor code>` with the listener's payload {"time", "celsius", "humidity"}
(`medwms.coldchain.listener`). A demo probe follows its daily curve (`demo.sensors`);
any other sensor with a range stays near the middle of it. Only publishing happens here:
`medwms coldchain listen` (or `serve --demo`) stores what arrives.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Sequence
from datetime import datetime

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from medwms.coldchain import queries
from medwms.coldchain.listener import PREFIX, now_text
from medwms.core.clock import Clock, utc_now
from medwms.core.db import Database
from medwms.demo.sensors import PROBES, Probe, celsius_at, humidity_at

log = logging.getLogger(__name__)
PUBLISH_TIMEOUT = 5.0


def broker_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections at host:port (an MQTT broker, we hope)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def probes(views: Sequence[queries.SensorView]) -> list[Probe]:
    """The probes to simulate: active zone and location sensors that have a range."""
    known = {probe.code: probe for probe in PROBES}
    out = []
    for view in views:
        if not view.active or view.kind == "TRANSPORT":
            continue
        if view.code in known:
            out.append(known[view.code])
        elif view.temp_min is not None and view.temp_max is not None:
            middle = round((view.temp_min + view.temp_max) / 2, 1)
            out.append(Probe(view.code, view.zone or view.location or "", view.name, middle))
    return out


def payload(probe: Probe, moment: datetime, seed: int = 7) -> str:
    """The JSON a sensor sends for its reading at `moment`."""
    return json.dumps({"time": now_text(moment), "celsius": celsius_at(probe, moment, seed),
                       "humidity": humidity_at(probe, moment, seed)})


class Simulator:
    """Publishes one reading per simulated sensor every `every` seconds until stopped."""

    def __init__(self, db: Database, *, host: str = "127.0.0.1", port: int = 1883,
                 prefix: str = PREFIX, every: float = 60.0, seed: int = 7,
                 clock: Clock = utc_now, client_id: str = "medwms-demo-simulator") -> None:
        self.db, self.host, self.port, self.prefix = db, host, port, prefix
        self.every, self.seed, self.clock = every, seed, clock
        self.published = 0
        self._stop = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)

    def stop(self) -> None:
        """Ask the loop to finish after the current round."""
        self._stop.set()

    def publish_once(self) -> int:
        """Publish the current reading of every simulated sensor (QoS 1); how many."""
        with self.db.reading() as session:
            simulated = probes(queries.sensors(session))
        moment = self.clock()
        for probe in simulated:
            info = self.client.publish(f"{self.prefix}/{probe.code}",
                                       payload(probe, moment, self.seed), qos=1)
            info.wait_for_publish(PUBLISH_TIMEOUT)
        self.published += len(simulated)
        return len(simulated)

    def run(self, *, seconds: float | None = None) -> int:
        """Connect, publish a round every `every` seconds for `seconds` (or until stopped)."""
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        deadline = None if seconds is None else self.clock().timestamp() + seconds
        try:
            while not self._stop.is_set():
                try:
                    self.publish_once()
                except Exception:  # a broker hiccup never ends the simulation
                    log.exception("the simulator could not publish a round")
                if deadline is not None and self.clock().timestamp() + self.every > deadline:
                    break
                self._stop.wait(self.every)
        finally:
            self.client.loop_stop()
            self.client.disconnect()
        return self.published
