"""One form for every time a person reads: the warehouse's own time, its zone marked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from medwms.core.clock import local_text

MOMENT = datetime(2026, 12, 6, 6, 5, 9, tzinfo=UTC)  # 14:05:09 in Shanghai


def test_a_stored_utc_time_reads_in_the_warehouse_zone_with_its_offset():
    assert local_text(MOMENT) == "2026-12-06 14:05 +08:00"
    assert local_text(MOMENT, "Asia/Shanghai", seconds=True) == "2026-12-06 14:05:09 +08:00"


def test_another_warehouse_zone_is_marked_with_its_own_offset():
    assert local_text(MOMENT, "Europe/Berlin") == "2026-12-06 07:05 +01:00"
    assert local_text(MOMENT, "America/St_Johns") == "2026-12-06 02:35 -03:30"


def test_a_time_given_in_another_zone_is_the_same_moment():
    elsewhere = MOMENT.astimezone(timezone(timedelta(hours=-5)))
    assert local_text(elsewhere) == "2026-12-06 14:05 +08:00"


def test_a_naive_time_is_taken_as_utc_the_way_times_are_stored():
    assert local_text(MOMENT.replace(tzinfo=None)) == "2026-12-06 14:05 +08:00"


def test_no_time_reads_as_the_given_placeholder():
    assert local_text(None) == ""
    assert local_text(None, empty="—") == "—"
