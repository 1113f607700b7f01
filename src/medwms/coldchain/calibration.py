"""Which readings are "uncalibrated": taken on a day their sensor had no calibration in date
in the equipment register (a sensor not in the register has none). Readings are stored as
they came; the flag is read from the register when they are shown or exported (K04)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.orm import Session

from medwms.core.clock import local_date
from medwms.equipment import queries as equipment
from medwms.equipment.rules import Check


class Flagger:
    """Answers "was this sensor calibrated when it took this reading?" from one load."""

    def __init__(self, checks: dict[str, list[Check]], timezone: str) -> None:
        self._checks, self._timezone = checks, timezone
        self._days: dict[tuple[str, date], bool] = {}

    def uncalibrated(self, code: str, at: datetime) -> bool:
        """True when the reading at `at` was taken out of calibration."""
        key = (code, local_date(at, self._timezone))
        if key not in self._days:
            self._days[key] = not equipment.calibrated(self._checks.get(code), key[1])
        return self._days[key]


def flagger(session: Session, codes: Iterable[str], timezone: str = "Asia/Shanghai") -> Flagger:
    """A flagger for the sensors `codes` (their calibration records loaded once)."""
    return Flagger(equipment.sensor_checks(session, codes), timezone)
