"""The clock: services take "now" from here, rules take it as an argument."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def local_date(moment: datetime, timezone: str = "Asia/Shanghai") -> date:
    """The calendar date of `moment` in the warehouse's time zone."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def is_expired(expiry: date | None, moment: datetime, timezone: str = "Asia/Shanghai") -> bool:
    """A unit is usable through the end of its expiry day, in the warehouse's time zone."""
    return expiry is not None and local_date(moment, timezone) > expiry
