"""The MQTT listener: one topic per sensor, readings stored in batches, silence checked.

Topic `medwms/sensors/<sensor code>`; payload a JSON object {"time": ISO-8601,
"celsius": 4.2, "humidity": 55.0} (humidity optional) or a JSON list of such objects.
paho-mqtt's network thread only queues messages; the listener's own loop drains the queue
every `flush_seconds` (or at `batch_size` messages) into one `ingest` call, so readings are
stored in bulk. A bad message is refused and counted (rejected_reading, source MQTT);
nothing in a message or a failed batch stops the loop. Every `silence_seconds` it runs
`check_silence`. The broker keeps no state for us: QoS 1 with a persistent session
(clean_session False) lets the broker hold messages while the listener restarts.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from medwms.auth.rules import SYSTEM
from medwms.coldchain import detection
from medwms.coldchain.ingest import RawReading, Refused, ingest
from medwms.core.clock import Clock, utc_now
from medwms.core.db import Database

log = logging.getLogger(__name__)
PREFIX = "medwms/sensors"
RETRIES = 3


@dataclass
class Counters:
    """What the listener did since it started."""

    messages: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    batches: int = 0
    failed_batches: int = 0
    breaches: list[str] = field(default_factory=list)


def parse_message(topic: str, payload: bytes, prefix: str = PREFIX) -> list[RawReading | Refused]:
    """The readings of one MQTT message, or why it is refused."""
    code = topic[len(prefix) + 1:] if topic.startswith(prefix + "/") else ""
    text = payload.decode("utf-8", errors="replace")
    if not code or "/" in code:
        return [Refused(code or topic[:40], text, f"topic {topic!r} names no sensor")]
    try:
        body = json.loads(text)
    except ValueError:
        return [Refused(code, text, "malformed JSON")]
    items = body if isinstance(body, list) else [body]
    out: list[RawReading | Refused] = []
    for item in items:
        if not isinstance(item, dict):
            out.append(Refused(code, text, "a reading must be a JSON object"))
            continue
        out.append(RawReading(code, item.get("time"), item.get("celsius"),
                              item.get("humidity"), json.dumps(item)[:1000]))
    return out


class Listener:
    """Subscribe to the sensors' topics and store what arrives, until stopped."""

    def __init__(self, db: Database, *, host: str = "127.0.0.1", port: int = 1883,
                 prefix: str = PREFIX, flush_seconds: float = 0.2, batch_size: int = 5000,
                 silence_seconds: float = 60.0, local: tzinfo = UTC,
                 clock: Clock = utc_now, client_id: str = "medwms-coldchain") -> None:
        self.db, self.host, self.port, self.prefix = db, host, port, prefix
        self.flush_seconds, self.batch_size = flush_seconds, batch_size
        self.silence_seconds, self.local, self.clock = silence_seconds, local, clock
        self.counters = Counters()
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._queue: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self._retry: list[tuple[str, bytes]] = []
        self._attempts = 0
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  clean_session=False)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message

    def _on_connect(self, client: mqtt.Client, _userdata: Any, _flags: Any,
                    reason_code: Any, _properties: Any) -> None:
        if reason_code.is_failure:
            log.error("MQTT connection refused: %s", reason_code)
            return
        client.subscribe(f"{self.prefix}/#", qos=1)
        self.connected.set()
        log.info("listening on %s:%s %s/#", self.host, self.port, self.prefix)

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: Any) -> None:
        self._queue.put((message.topic, bytes(message.payload)))

    def stop(self) -> None:
        """Ask the loop to finish (it flushes what it has first)."""
        self._stop.set()

    def run(self, *, seconds: float | None = None,
            on_batch: Callable[[Counters], None] | None = None) -> Counters:
        """Connect and process messages until `stop()`, Ctrl-C, or `seconds` have passed."""
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        deadline = None if seconds is None else time.monotonic() + seconds
        next_check = time.monotonic() + self.silence_seconds
        try:
            while not self._stop.is_set() and (deadline is None or time.monotonic() < deadline):
                self._flush(self._drain())
                if on_batch is not None:
                    on_batch(self.counters)
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + self.silence_seconds
                    self._check_silence()
        except KeyboardInterrupt:
            log.info("stopped by Ctrl-C")
        finally:
            self.client.loop_stop()
            self.client.disconnect()
            self._flush(self._drain(wait=False))
        return self.counters

    def _drain(self, wait: bool = True) -> list[tuple[str, bytes]]:
        messages: list[tuple[str, bytes]] = []
        end = time.monotonic() + (self.flush_seconds if wait else 0)
        while len(messages) < self.batch_size:
            timeout = end - time.monotonic()
            try:
                messages.append(self._queue.get(timeout=timeout) if timeout > 0
                                else self._queue.get_nowait())
            except queue.Empty:
                break
        return messages

    def _flush(self, messages: list[tuple[str, bytes]]) -> None:
        self.counters.messages += len(messages)
        messages, self._retry = self._retry + messages, []
        if not messages:
            return
        readings: list[RawReading] = []
        refused: list[Refused] = []
        for topic, payload in messages:
            for item in parse_message(topic, payload, self.prefix):
                (readings if isinstance(item, RawReading) else refused).append(item)  # type: ignore[arg-type]
        self.counters.batches += 1
        try:
            result = ingest(self.db, actor=SYSTEM, source="MQTT", readings=readings,
                            refused=refused, now=self.clock(), local=self.local)
        except Exception:  # never crash the listener: keep the batch for the next round
            self.counters.failed_batches += 1
            self._attempts += 1
            log.exception("a batch of %d MQTT messages could not be stored (attempt %d)",
                          len(messages), self._attempts)
            if self._attempts < RETRIES:
                self._retry = messages
            else:
                self._attempts = 0
            return
        self._attempts = 0
        self.counters.stored += result.stored
        self.counters.duplicates += result.duplicates
        self.counters.rejected += result.rejected
        self.counters.breaches.extend(result.opened)

    def _check_silence(self) -> None:
        try:
            self.counters.breaches.extend(detection.check_silence(self.db, now=self.clock()))
        except Exception:
            log.exception("the silence check failed")


def now_text(moment: datetime | None = None) -> str:
    """A payload timestamp (ISO-8601, UTC) for publishers and tests."""
    return (moment or utc_now()).astimezone(UTC).isoformat()
