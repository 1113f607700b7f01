"""The clock: services take "now" from here, rules take it as an argument."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
DEFAULT_TIMEZONE = "Asia/Shanghai"


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def local_text(moment: datetime | None, timezone: str = DEFAULT_TIMEZONE, *,
               seconds: bool = False, empty: str = "") -> str:
    """A moment as the warehouse reads it, its zone marked: "2026-12-06 14:05 +08:00".

    Every page, PDF and station shows times in this one form (seconds for signed records);
    a naive value is taken as UTC, the way times are stored.
    """
    if moment is None:
        return empty
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(ZoneInfo(timezone))
    offset = local.strftime("%z")
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return f"{local.strftime('%Y-%m-%d ' + clock)} {offset[:3]}:{offset[3:]}"


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
