"""Manual readings of an area without automatic monitoring (G17), on both databases: skip the
afternoon reading → overdue on the list and in the warnings, a gap in the monthly record; an
out-of-range reading is kept, flagged and notifies; the person and time are not typeable."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from medwms.auth.tables import AuditRecord
from medwms.coldchain import alarm_queries, manual, manual_queries, records
from medwms.coldchain.errors import BadManualReading, NotManuallyMonitored
from medwms.coldchain.manual_rules import SlotTimes
from medwms.coldchain.tables import ManualReading, Notification
from medwms.core.errors import NotFound, PermissionDenied
from tests.support.coldchain import make_cold_room

TIMES = SlotTimes(time(12, 0), time(18, 0))
SWITCHED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00
BEFORE_SIX = datetime(2026, 11, 25, 9, 59, tzinfo=UTC)  # 17:59
AFTER_SIX = datetime(2026, 11, 25, 10, 1, tzinfo=UTC)  # 18:01


@pytest.fixture
def room(db):
    room = make_cold_room(db)
    manual.set_manual(db, actor=room.manager, warehouse="WH1", zone="CR1", manual=True,
                      now=SWITCHED)
    return room


def take(db, room, celsius="5.0", now=MORNING, **extra):
    return manual.record_reading(db, actor=room.manager, warehouse="wh1", zone="cr1",
                                 celsius=Decimal(celsius), times=TIMES, now=now, **extra)


def states(db, now):
    with db.reading() as s:
        return {r.slot: r.state for r in manual_queries.slots(s, now=now, times=TIMES)}


def test_the_reading_keeps_the_person_of_the_session_and_the_server_time(db, room):
    done = take(db, room, humidity=Decimal("45.5"), note="门口温度计")
    assert (done.slot, done.day, done.recorded_by) == ("MORNING", "2026-11-25", "quinn")
    with db.reading() as s:
        [row] = s.scalars(select(ManualReading))
        audit = s.scalars(select(AuditRecord).where(AuditRecord.entity == "manual_reading"))
        assert row.at == MORNING and row.recorded_by == room.manager.user_id
        assert row.humidity == Decimal("45.5") and not row.out_of_range
        assert len(list(audit)) == 1


def test_skipping_the_afternoon_reading_makes_it_overdue_after_six(db, room):
    take(db, room)
    assert states(db, BEFORE_SIX) == {"MORNING": "DONE", "AFTERNOON": "DUE"}
    assert states(db, AFTER_SIX) == {"MORNING": "DONE", "AFTERNOON": "OVERDUE"}
    with db.reading() as s:
        assert manual_queries.overdue(s, now=BEFORE_SIX, times=TIMES) == []
        [late] = manual_queries.overdue(s, now=AFTER_SIX, times=TIMES)
        warnings = alarm_queries.warnings(s, on=AFTER_SIX.date(), now=AFTER_SIX, slots=TIMES)
    assert (late.area, late.slot, str(late.day)) == ("WH1/CR1", "AFTERNOON", "2026-11-25")
    [warning] = [w for w in warnings if w.code == "MANUAL_READING_OVERDUE"]
    assert "WH1/CR1" in warning.message_en and "下午" in warning.message_zh


def test_the_monthly_record_shows_the_missed_afternoon_as_a_gap(db, room):
    take(db, room)
    with db.reading() as s:
        record = records.zone_record(s, warehouse="WH1", zone="CR1", month="2026-11",
                                     manual=TIMES, now=AFTER_SIX)
    assert [(r.slot, r.state) for r in record.manual] == [("MORNING", "DONE"),
                                                          ("AFTERNOON", "OVERDUE")]
    rows = records.manual_rows(record, "en")
    assert rows[1][3:7] == ["5", "—", "quinn", "Taken"] and rows[2][-1] == "GAP (overdue)"
    book = load_workbook(io.BytesIO(records.record_xlsx(record, language="zh-CN")))
    cells = [c.value for row in book["Manual"].iter_rows() for c in row]
    assert "缺失（逾期）" in cells and "quinn" in cells
    assert records.record_pdf(record, language="en").startswith(b"%PDF")


def test_a_reading_outside_the_range_is_kept_flagged_and_notifies_quality(db, room):
    done = take(db, room, celsius="9.5")
    assert done.out_of_range
    with db.reading() as s:
        told = s.scalars(select(Notification).where(Notification.kind == "MANUAL_RANGE"))
        roles = {n.role for n in told}
        [slot] = [r for r in manual_queries.slots(s, now=BEFORE_SIX, times=TIMES)
                  if r.slot == "MORNING"]
    assert roles == {"manager", "inspector", "quality"}
    assert slot.state == "DONE" and slot.reading and slot.reading.out_of_range


def test_refusals_name_the_zone_and_keep_nothing(db, room):
    with pytest.raises(PermissionDenied):
        manual.record_reading(db, actor=room.picker, warehouse="WH1", zone="CR1",
                              celsius=Decimal("5"), times=TIMES, now=MORNING)
    with pytest.raises(BadManualReading) as bad:
        take(db, room, celsius="99")
    assert "WH1/CR1" in bad.value.message("en") and "WH1/CR1" in bad.value.message("zh")
    with pytest.raises(NotFound):
        manual.record_reading(db, actor=room.manager, warehouse="WH1", zone="NOPE",
                              celsius=Decimal("5"), times=TIMES, now=MORNING)
    manual.set_manual(db, actor=room.manager, warehouse="WH1", zone="CR1", manual=False,
                      now=MORNING)
    with pytest.raises(NotManuallyMonitored) as off:
        take(db, room)
    assert "WH1/CR1" in off.value.message("en") and "库区" in off.value.message("zh")
    with db.reading() as s:
        assert list(s.scalars(select(ManualReading))) == []
        assert manual_queries.overdue(s, now=AFTER_SIX, times=TIMES) == []


def test_slots_before_the_zone_was_switched_on_are_not_overdue(db, room):
    next_day = AFTER_SIX + timedelta(days=1)
    with db.reading() as s:
        rows = manual_queries.overdue(s, now=next_day, times=TIMES)
    assert [(str(r.day), r.slot) for r in rows] == [
        ("2026-11-26", "AFTERNOON"), ("2026-11-26", "MORNING"), ("2026-11-25", "AFTERNOON"),
        ("2026-11-25", "MORNING")]
    manual.set_manual(db, actor=room.manager, warehouse="WH1", zone="CR1", manual=False,
                      now=next_day)
    manual.set_manual(db, actor=room.manager, warehouse="WH1", zone="CR1", manual=True,
                      now=next_day)
    with db.reading() as s:
        assert manual_queries.overdue(s, now=next_day, times=TIMES) == []
