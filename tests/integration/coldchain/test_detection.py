"""Ingest → detection → HOLD → signed disposition, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from medwms.auth.rules import SYSTEM
from medwms.coldchain import detection, disposition, queries
from medwms.coldchain.disposition import Decision
from medwms.coldchain.ingest import RawReading, Refused, ingest
from medwms.coldchain.tables import BreachLot, Notification, Reading, RejectedReading
from medwms.core.errors import ValidationError
from tests.support.builders import NOW
from tests.support.coldchain import cch_movements, make_cold_room, series, statuses
from tests.support.users import PASSWORD

START = NOW + timedelta(hours=1)
LATER = NOW + timedelta(hours=6)


@pytest.fixture
def room(db):
    return make_cold_room(db)


def feed(db, readings, now=LATER, **kw):
    return ingest(db, actor=SYSTEM, source="API", readings=readings, now=now, **kw)


def breaches(db):
    with db.reading() as s:
        return list(reversed(queries.breaches(s)))


def test_in_range_readings_are_stored_once_and_open_nothing(db, room):
    first = feed(db, series(START, [4.0, 4.5, 5.0]))
    again = feed(db, series(START, [4.0, 4.5, 5.0]))
    assert (first.stored, first.duplicates, again.stored, again.duplicates) == (3, 0, 0, 3)
    assert breaches(db) == [] and statuses(db) == {"AVAILABLE": 23}


def test_a_warm_fridge_holds_the_lots_in_its_zone_in_one_go(db, room):
    result = feed(db, series(START, [5.0] + [9.5] * 12 + [5.0]))
    [breach] = breaches(db)
    assert result.opened == [breach.breach_no]
    assert (breach.kind, breach.mode, breach.started_at) == ("HIGH", "SINGLE",
                                                             START + timedelta(minutes=1))
    assert breach.ended_at == START + timedelta(minutes=13) and breach.max_celsius == 9.5
    assert statuses(db, room.cold_bins) == {"HOLD": 20}
    assert statuses(db, [room.dry_bin]) == {"AVAILABLE": 3}
    assert cch_movements(db) == [("AVAILABLE", "HOLD", 10), ("AVAILABLE", "HOLD", 10)]
    with db.reading() as s:
        lots = sorted(bl.quantity for bl in s.scalars(select(BreachLot)))
        notes = [(n.role, n.message_en) for n in s.scalars(select(Notification))]
    assert lots == [10, 10]
    assert {role for role, _ in notes} == {"manager", "inspector"}
    assert breach.breach_no in notes[0][1]


def test_release_and_reject_are_signed_and_close_the_breach(db, room):
    feed(db, series(START, [5.0] + [9.5] * 12 + [5.0]))
    [breach] = breaches(db)
    with db.reading() as s:
        view = queries.breach_view(s, breach.breach_no)
    first, second = view.lots
    disposition.decide_lot(db, actor=room.manager, breach_no=breach.breach_no,
                           decision=Decision(first.id, "RELEASE", "stability data: 24 h ok"),
                           password=PASSWORD)
    done = disposition.decide_lot(db, actor=room.manager, breach_no=breach.breach_no,
                                  decision=Decision(second.id, "REJECT", "too warm"),
                                  password=PASSWORD)
    assert done.status == "CLOSED"
    assert statuses(db, room.cold_bins) == {"AVAILABLE": 10, "REJECTED": 10}
    assert cch_movements(db)[2:] == [("HOLD", "AVAILABLE", 10), ("HOLD", "REJECTED", 10)]


def test_a_decision_needs_a_comment_and_the_right_password(db, room):
    feed(db, series(START, [5.0] + [9.5] * 12 + [5.0]))
    [breach] = breaches(db)
    with db.reading() as s:
        line = queries.breach_view(s, breach.breach_no).lots[0]
    with pytest.raises(ValidationError):
        disposition.decide_lot(db, actor=room.manager, breach_no=breach.breach_no,
                               decision=Decision(line.id, "RELEASE", "  "), password=PASSWORD)
    with pytest.raises(Exception, match=r"(?i)password"):
        disposition.decide_lot(db, actor=room.manager, breach_no=breach.breach_no,
                               decision=Decision(line.id, "RELEASE", "ok"), password="wrong")
    assert statuses(db, room.cold_bins) == {"HOLD": 20}


def test_an_ongoing_breach_holds_at_once_and_extends_as_readings_come(db, room):
    feed(db, series(START, [5.0] + [9.5] * 12))
    [breach] = breaches(db)
    assert breach.ended_at is None and statuses(db, room.cold_bins) == {"HOLD": 20}
    feed(db, series(START + timedelta(minutes=13), [9.9, 4.0]))
    [breach] = breaches(db)
    assert breach.ended_at == START + timedelta(minutes=14) and breach.max_celsius == 9.9
    assert breach.status == "OPEN"  # lots still to decide


def test_a_short_excursion_is_no_breach(db, room):
    feed(db, series(START, [5.0] + [9.5] * 10 + [5.0]))  # exactly 10 minutes outside
    assert breaches(db) == [] and statuses(db, room.cold_bins) == {"AVAILABLE": 20}


def test_late_readings_fill_in_a_breach_out_of_order(db, room):
    readings = series(START, [5.0] + [9.5] * 12 + [5.0])
    feed(db, readings[::2])
    assert breaches(db) == []
    feed(db, readings[1::2])
    [breach] = breaches(db)
    assert breach.mode == "SINGLE" and statuses(db, room.cold_bins) == {"HOLD": 20}


def test_bad_readings_are_counted_and_the_good_ones_kept(db, room):
    good = series(START, [4.0, 4.1])
    bad = [RawReading("NOPE", START.isoformat(), 4.0),
           RawReading("CR1-T1", START.isoformat(), "abc"),
           RawReading("CR1-T1", START.isoformat(), 9999),
           RawReading("CR1-T1", (LATER + timedelta(days=800)).isoformat(), 4.0)]
    result = feed(db, good + bad, refused=[Refused("CR1-T1", "{oops", "malformed JSON")])
    assert (result.stored, result.rejected) == (2, 5)
    with db.reading() as s:
        assert s.query(Reading).count() == 2 and s.query(RejectedReading).count() == 5


def test_a_silent_sensor_raises_no_data_and_readings_end_it(db, room):
    feed(db, series(START, [4.0]))
    assert detection.check_silence(db, now=START + timedelta(minutes=4)) == []
    [number] = detection.check_silence(db, now=START + timedelta(minutes=6))
    assert detection.check_silence(db, now=START + timedelta(minutes=9)) == []
    assert statuses(db, room.cold_bins) == {"AVAILABLE": 20}  # no data holds nothing
    feed(db, series(START + timedelta(minutes=20), [4.0]))
    [breach] = breaches(db)
    assert (breach.breach_no, breach.kind, breach.status) == (number, "NO_DATA", "CLOSED")
    assert breach.ended_at == START + timedelta(minutes=20)


def test_acknowledging_keeps_a_breach_open(db, room):
    feed(db, series(START, [4.0]))
    [number] = detection.check_silence(db, now=START + timedelta(minutes=30))
    view = disposition.acknowledge(db, actor=room.manager, breach_no=number,
                                   comment="sensor battery dead, replaced tomorrow")
    assert view.status == "ACKNOWLEDGED" and view.ended_at is None
