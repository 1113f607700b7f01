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


def days_remaining(expiry: date, day: date) -> int:
    """Whole days of shelf life left on `day`: 0 on the expiry day, still usable that day."""
    return (expiry - day).days


def has_shelf_life(expiry: date | None, day: date, min_days: int) -> bool:
    """The unit still has `min_days` of shelf life on `day` (no expiry: always)."""
    return expiry is None or days_remaining(expiry, day) >= min_days
