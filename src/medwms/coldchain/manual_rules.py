"""Manual readings of an area without automatic monitoring (G17): the two daily slots.

Pure: a day in the warehouse's time zone has a MORNING slot (00:00 until the morning end)
and an AFTERNOON slot (the morning end until the afternoon end); a reading taken later that
day is LATE and fills neither. A slot whose end has passed without a reading is OVERDUE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

LOWEST_CELSIUS = Decimal("-90")
HIGHEST_CELSIUS = Decimal("60")


class Slot(StrEnum):
    MORNING = "MORNING"
    AFTERNOON = "AFTERNOON"
    LATE = "LATE"


class State(StrEnum):
    DONE = "DONE"  # a reading was taken in the slot
    DUE = "DUE"  # the slot is open now and has no reading yet
    OVERDUE = "OVERDUE"  # the slot ended without a reading: a gap in the record
    UPCOMING = "UPCOMING"  # the slot has not started


@dataclass(frozen=True)
class SlotTimes:
    """Local clock times at which the morning and the afternoon slot end."""

    morning_end: time
    afternoon_end: time

    def __post_init__(self) -> None:
        if not self.morning_end < self.afternoon_end:
            raise ValueError("the morning slot must end before the afternoon slot")


@dataclass(frozen=True)
class Window:
    """One slot of one local day, as UTC moments [start, end)."""

    day: date
    slot: Slot
    start: datetime
    end: datetime


def slot_of(moment: datetime, times: SlotTimes, timezone: str) -> tuple[date, Slot]:
    """The local day and slot a reading taken at `moment` fills."""
    local = moment.astimezone(ZoneInfo(timezone))
    clock = local.time().replace(tzinfo=None)
    if clock < times.morning_end:
        return local.date(), Slot.MORNING
    if clock < times.afternoon_end:
        return local.date(), Slot.AFTERNOON
    return local.date(), Slot.LATE


def windows(day: date, times: SlotTimes, timezone: str) -> tuple[Window, Window]:
    """The morning and the afternoon window of a local day."""
    zone = ZoneInfo(timezone)

    def at(clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)

    return (Window(day, Slot.MORNING, at(time(0, 0)), at(times.morning_end)),
            Window(day, Slot.AFTERNOON, at(times.morning_end), at(times.afternoon_end)))


def state(window: Window, now: datetime, *, done: bool) -> State:
    """Where a slot stands at `now`."""
    if done:
        return State.DONE
    if now >= window.end:
        return State.OVERDUE
    if now >= window.start:
        return State.DUE
    return State.UPCOMING


def days(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def value_problems(celsius: Decimal, humidity: Decimal | None) -> list[tuple[str, str]]:
    """What is wrong with typed values: (field, value) pairs."""
    found = []
    if not LOWEST_CELSIUS <= celsius <= HIGHEST_CELSIUS:
        found.append(("celsius", str(celsius)))
    if humidity is not None and not Decimal(0) <= humidity <= Decimal(100):
        found.append(("humidity", str(humidity)))
    return found


def out_of_range(celsius: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    """True when the reading leaves the area's required range."""
    return (low is not None and celsius < low) or (high is not None and celsius > high)
