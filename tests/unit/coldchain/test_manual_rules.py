"""The two daily manual-reading slots (G17) in the warehouse's time zone (Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from medwms.coldchain import manual_rules as rules
from medwms.coldchain.manual_rules import Slot, SlotTimes, State

TZ = "Asia/Shanghai"
TIMES = SlotTimes(time(12, 0), time(18, 0))
DAY = date(2026, 12, 8)


def shanghai(hour: int, minute: int) -> datetime:
    """A Shanghai wall-clock time of DAY as a UTC moment (Shanghai is UTC+8)."""
    return datetime(2026, 12, 8, hour - 8, minute, tzinfo=UTC) if hour >= 8 else \
        datetime(2026, 12, 7, hour + 16, minute, tzinfo=UTC)


def test_a_reading_at_1159_fills_the_morning_and_at_1201_the_afternoon():
    assert rules.slot_of(shanghai(11, 59), TIMES, TZ) == (DAY, Slot.MORNING)
    assert rules.slot_of(shanghai(12, 1), TIMES, TZ) == (DAY, Slot.AFTERNOON)
    assert rules.slot_of(shanghai(12, 0), TIMES, TZ) == (DAY, Slot.AFTERNOON)


def test_the_local_day_is_shanghais_not_utcs():
    early = shanghai(7, 30)  # 23:30 UTC the day before
    assert early.date() == date(2026, 12, 7)
    assert rules.slot_of(early, TIMES, TZ) == (DAY, Slot.MORNING)


def test_a_reading_after_the_afternoon_end_is_late_and_fills_no_slot():
    assert rules.slot_of(shanghai(18, 0), TIMES, TZ) == (DAY, Slot.LATE)
    assert rules.slot_of(shanghai(23, 59), TIMES, TZ) == (DAY, Slot.LATE)


def test_the_windows_are_local_midnight_to_noon_and_noon_to_six():
    morning, afternoon = rules.windows(DAY, TIMES, TZ)
    assert morning.start == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    assert morning.end == afternoon.start == datetime(2026, 12, 8, 4, 0, tzinfo=UTC)
    assert afternoon.end == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert (morning.slot, afternoon.slot) == (Slot.MORNING, Slot.AFTERNOON)


def test_a_slot_is_upcoming_then_due_then_overdue_after_its_end():
    _, afternoon = rules.windows(DAY, TIMES, TZ)
    assert rules.state(afternoon, shanghai(11, 59), done=False) == State.UPCOMING
    assert rules.state(afternoon, shanghai(12, 1), done=False) == State.DUE
    assert rules.state(afternoon, shanghai(17, 59), done=False) == State.DUE
    assert rules.state(afternoon, shanghai(18, 0), done=False) == State.OVERDUE
    assert rules.state(afternoon, shanghai(18, 0), done=True) == State.DONE


def test_the_morning_must_end_before_the_afternoon():
    with pytest.raises(ValueError, match="morning"):
        SlotTimes(time(18, 0), time(12, 0))


def test_impossible_values_are_named_and_the_range_is_checked():
    assert rules.value_problems(Decimal("5.0"), Decimal("45")) == []
    assert rules.value_problems(Decimal("99"), Decimal("101")) == [("celsius", "99"),
                                                                   ("humidity", "101")]
    assert rules.out_of_range(Decimal("8.5"), Decimal("2"), Decimal("8"))
    assert rules.out_of_range(Decimal("1.9"), Decimal("2"), Decimal("8"))
    assert not rules.out_of_range(Decimal("8.0"), Decimal("2"), Decimal("8"))
    assert not rules.out_of_range(Decimal("30"), None, None)


def test_days_counts_both_ends():
    assert rules.days(date(2026, 11, 30), date(2026, 12, 2)) == [
        date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]
