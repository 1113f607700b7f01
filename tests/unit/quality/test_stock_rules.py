"""Expiry lock, near-expiry, hold, decision and check-due rules, with plain values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from medwms.core.reasons import say
from medwms.quality.stock_rules import (
    DECIDED,
    REASONS,
    Balance,
    Decision,
    check_due,
    decision_lines,
    expiry_lines,
    hold_lines,
    must_lock,
    near_expiry,
    same_person,
    scrap_lines,
)

LOT = Balance(stock_id=1, owner_id=1, item_id=2, lot_id=3, serial_id=None, location_id=4,
              status="AVAILABLE", hu_id=None, quantity=5, expiry=date(2026, 11, 30))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_lot_is_usable_through_the_end_of_its_expiry_day_in_shanghai():
    # 2026-11-30 23:59 in Shanghai is 15:59 UTC; midnight there is 16:00 UTC
    assert not must_lock(LOT, utc(2026, 11, 30, 15, 59))
    assert must_lock(LOT, utc(2026, 11, 30, 16, 0))


def test_the_boundary_follows_the_warehouse_time_zone_not_utc():
    berlin = replace(LOT, timezone="Europe/Berlin")  # UTC+1 in winter
    assert not must_lock(berlin, utc(2026, 11, 30, 22, 59))
    assert must_lock(berlin, utc(2026, 11, 30, 23, 0))
    new_york = replace(LOT, timezone="America/New_York")  # UTC-5: still the 30th at 01:00 UTC
    assert not must_lock(new_york, utc(2026, 12, 1, 4, 59))
    assert must_lock(new_york, utc(2026, 12, 1, 5, 0))


def test_the_job_locks_available_quarantined_and_held_stock_only():
    moment = utc(2026, 12, 5)
    for status in ("AVAILABLE", "QUARANTINE", "HOLD"):
        [line] = expiry_lines([replace(LOT, status=status)], moment)
        assert (line.kind, line.from_status, line.to_status) == ("STATUS", status, "EXPIRED")
        assert line.from_location_id == line.to_location_id == 4 and line.quantity == 5
        assert line.reason == "expired on 2026-11-30: locked by the expiry job"
    for status in ("REJECTED", "RECALLED", "IN_TRANSIT"):
        assert expiry_lines([replace(LOT, status=status)], moment) == []


def test_a_second_run_finds_nothing_to_lock():
    moment = utc(2026, 12, 5)
    [line] = expiry_lines([LOT], moment)
    locked = replace(LOT, status=line.to_status)
    assert expiry_lines([locked], moment) == []


def test_stock_without_expiry_or_empty_is_never_locked():
    moment = utc(2026, 12, 5)
    assert expiry_lines([replace(LOT, expiry=None), replace(LOT, quantity=0)], moment) == []


def test_near_expiry_counts_the_expiry_day_and_not_after():
    day = date(2026, 6, 1)
    assert near_expiry(date(2026, 11, 28), day, 180)
    assert not near_expiry(date(2026, 11, 29), day, 180)
    assert near_expiry(day, day, 180)
    assert not near_expiry(date(2026, 5, 31), day, 180) and not near_expiry(None, day, 180)


def test_hold_lines_hold_available_stock_only():
    lines = hold_lines([LOT, replace(LOT, stock_id=2, status="QUARANTINE"),
                        replace(LOT, stock_id=3, status="REJECTED")], "doubt")
    assert [(ln.from_status, ln.to_status) for ln in lines] == [("AVAILABLE", "HOLD")]


def test_a_release_stays_in_place_and_a_nonconforming_decision_moves_to_red():
    held = replace(LOT, status="HOLD")
    [release] = decision_lines([held], Decision.RELEASE, "r", 9)
    assert (release.kind, release.to_status, release.to_location_id) == ("STATUS", "AVAILABLE", 4)
    [reject] = decision_lines([held], Decision.NONCONFORMING, "r", 9)
    assert (reject.kind, reject.to_status, reject.to_location_id) == ("MOVE", "REJECTED", 9)
    [in_red] = decision_lines([replace(held, location_id=9)], Decision.DESTROY, "r", 9)
    assert in_red.kind == "STATUS"


def test_scrap_takes_only_rejected_or_expired_units_up_to_the_quantity():
    rows = [replace(LOT, status="AVAILABLE"), replace(LOT, stock_id=2, status="REJECTED"),
            replace(LOT, stock_id=3, status="EXPIRED", location_id=5)]
    lines = scrap_lines(rows, 7, "burnt")
    assert [(ln.kind, ln.from_status, ln.quantity) for ln in lines] == [
        ("SCRAP", "REJECTED", 5), ("SCRAP", "EXPIRED", 2)]
    assert all(ln.to_location_id is None for ln in lines)


def test_the_witness_must_be_another_person():
    assert same_person(7, 7) and not same_person(7, 8) and not same_person(None, None)


def test_a_zone_never_checked_is_due_today_and_a_late_one_is_overdue():
    today = date(2026, 12, 8)
    assert check_due(None, 30, today).due_on == today
    due = check_due(date(2026, 11, 1), 30, today)
    assert (due.due_on, due.overdue, due.days_late) == (date(2026, 12, 1), True, 7)
    assert not check_due(date(2026, 12, 1), 30, today).overdue


def test_the_stored_reasons_are_said_in_chinese():
    stored = [expiry_lines([LOT], utc(2026, 12, 5))[0].reason,
              DECIDED[Decision.NONCONFORMING].text(hold_no="HLD-1")]
    assert [say(text, REASONS, "zh-CN") for text in stored] == [
        "已于 2026-11-30 过期：效期任务自动锁定", "质量决定 HLD-1：判定不合格"]
