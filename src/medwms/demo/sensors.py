"""The demo's cold-chain sensors: one probe per cold zone of SH1, with the last 24 hours.

Readings follow a gentle daily curve inside 2-8 °C (the compressor keeps the room near
5 °C, a little warmer in the afternoon) with a small jitter; `celsius_at` is the same
curve the simulator publishes, so live readings carry on where the history ends.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from medwms.auth.rules import Actor
from medwms.coldchain.ingest import RawReading, ingest
from medwms.coldchain.sensors import SensorSpec, save_sensor
from medwms.coldchain.tables import Sensor
from medwms.core.db import Database
from medwms.demo.crew import Crew
from medwms.demo.numbers import SENSORS

LOCAL = ZoneInfo("Asia/Shanghai")
INTERVAL = timedelta(minutes=5)
HISTORY = timedelta(hours=24)


@dataclass(frozen=True)
class Probe:
    """A demo sensor: its code, the SH1 zone it hangs in, its name and its usual level."""

    code: str
    zone: str
    name: str
    level: float


PROBES = (
    Probe(SENSORS[0], "CLD", "冷库温度探头", 5.0),
    Probe(SENSORS[1], "CQA", "冷库待验区温度探头", 4.6),
)


def celsius_at(probe: Probe, moment: datetime, seed: int = 7) -> float:
    """The probe's temperature at `moment`: the daily curve and a jitter of ±0.2 °C."""
    hours = moment.astimezone(LOCAL).hour + moment.minute / 60
    curve = 0.8 * math.sin((hours - 9) / 24 * 2 * math.pi)  # warmest about 15:00
    jitter = random.Random(f"{seed}:{probe.code}:{moment:%Y%m%d%H%M}").uniform(-0.2, 0.2)  # noqa: S311
    return round(probe.level + curve + jitter, 1)


def humidity_at(probe: Probe, moment: datetime, seed: int = 7) -> float:
    """Relative humidity at `moment`, 45-55 %."""
    return round(random.Random(f"{seed}:{probe.code}:rh:{moment:%Y%m%d%H}").uniform(45, 55), 1)  # noqa: S311


def install_sensors(db: Database, *, crew: Crew, actor: Actor, now: datetime,
                    seed: int) -> bool:
    """Register the probes (by the manager) and store their readings of the last 24 h."""
    with db.reading() as s:
        if s.scalar(select(Sensor.id).where(Sensor.code.in_(SENSORS)).limit(1)):
            return False
    for probe in PROBES:
        save_sensor(db, actor=crew.manager, create=True, spec=SensorSpec(
            code=probe.code, name=probe.name, warehouse="SH1", zone=probe.zone,
            interval_minutes=5, temp_min=Decimal(2), temp_max=Decimal(8)))
    ingest(db, actor=actor, source="DEMO", readings=history(now, seed), now=now, local=LOCAL)
    return True


def history(now: datetime, seed: int) -> list[RawReading]:
    """Every probe's readings every 5 minutes over the 24 hours before `now`."""
    last = now.astimezone(UTC).replace(second=0, microsecond=0)
    last -= timedelta(minutes=last.minute % 5)
    moments = [last - INTERVAL * n for n in range(int(HISTORY / INTERVAL), -1, -1)]
    return [RawReading(p.code, m.isoformat(), celsius_at(p, m, seed), humidity_at(p, m, seed))
            for p in PROBES for m in moments]
