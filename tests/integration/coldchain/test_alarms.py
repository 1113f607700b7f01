"""Alarms reach named people (K03): 9 °C in a 2–8 °C room → a notice for each of the two
recipients, the alarm recorded and acknowledged; nobody acknowledging → escalation after N
minutes (time driven through the clock argument). And the gap checks at the duty's intervals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from medwms.auth.rules import SYSTEM
from medwms.coldchain import alarm_queries, alarms, queries
from medwms.coldchain.errors import NotARecipient, TooFewRecipients, UnknownRecipient
from medwms.coldchain.ingest import ingest
from medwms.coldchain.sensors import SensorSpec, save_sensor
from medwms.core.errors import ValidationError
from tests.support.builders import NOW
from tests.support.coldchain import make_cold_room, series
from tests.support.users import actor_of, make_user

START = NOW + timedelta(hours=1)
OPENED = START + timedelta(minutes=15)
N = 15


@pytest.fixture
def staff(db):
    room = make_cold_room(db)
    people = {name: actor_of(make_user(db, name, role)) for name, role in (
        ("ann", "inspector"), ("bob", "inspector"), ("qm", "quality"), ("cy", "picker"))}
    return room, people


def warm_room(db, now=OPENED):
    """9 °C for 12 minutes in the 2–8 °C cold room: one HIGH breach, opened at `now`."""
    result = ingest(db, actor=SYSTEM, source="API", now=now,
                    readings=series(START, [5.0] + [9.0] * 12 + [5.0]))
    [breach_no] = result.opened
    return breach_no


def notices(db, actor):
    with db.reading() as s:
        return alarm_queries.my_notices(s, actor.user_id)


def log(db, breach_no):
    with db.reading() as s:
        return alarm_queries.alarm_log(s, breach_no)


def test_an_area_with_one_recipient_is_refused_and_nothing_is_kept(db, staff):
    room, _ = staff
    with pytest.raises(TooFewRecipients) as caught:
        alarms.set_recipients(db, actor=room.manager, zone="CR1", warehouse="WH1",
                              first=["ann"])
    assert "WH1/CR1" in caught.value.message("en") and "至少 2" in caught.value.message("zh")
    with db.reading() as s:
        [area] = [a for a in alarm_queries.areas(s) if a.zone == "CR1"]
    assert area.first == ()


def test_an_unknown_recipient_is_refused(db, staff):
    room, _ = staff
    with pytest.raises(UnknownRecipient):
        alarms.set_recipients(db, actor=room.manager, zone="CR1", first=["ann", "nobody"])


def test_a_warm_room_notifies_both_recipients_and_records_the_acknowledgement(db, staff):
    room, people = staff
    alarms.set_recipients(db, actor=room.manager, zone="CR1", warehouse="WH1",
                          first=["ann", "bob"], escalation=["qm"])
    breach_no = warm_room(db)
    [ann], [bob] = notices(db, people["ann"]), notices(db, people["bob"])
    assert (ann.breach_no, ann.level, bob.breach_no) == (breach_no, "FIRST", breach_no)
    assert "9.0" in ann.message_en and ann.created_at == OPENED
    with db.reading() as s:
        assert alarm_queries.unacknowledged(s, people["ann"].user_id) == 1
    done = alarms.acknowledge(db, actor=people["ann"], breach_no=breach_no,
                              note="door left open", action="door closed, QA informed",
                              now=OPENED + timedelta(minutes=4))
    assert done.status == "ACKNOWLEDGED"
    record = log(db, breach_no)
    assert [(u, lv) for u, lv, _, _ in record.notices] == [("ann", "FIRST"), ("bob", "FIRST")]
    [ack] = record.acks
    assert (ack.user, ack.note, ack.action) == ("ann", "door left open",
                                                "door closed, QA informed")
    assert record.opened_at == OPENED
    with db.reading() as s:
        assert alarm_queries.unacknowledged(s, people["ann"].user_id) == 0
        assert queries.breach_view(s, breach_no).status == "ACKNOWLEDGED"
    assert alarms.escalate(db, after_minutes=N, now=OPENED + timedelta(hours=1)) == []


def test_nobody_acknowledging_escalates_after_n_minutes_once(db, staff):
    room, people = staff
    alarms.set_recipients(db, actor=room.manager, zone="CR1", first=["ann", "bob"],
                          escalation=["qm"])
    breach_no = warm_room(db)
    almost = OPENED + timedelta(minutes=N) - timedelta(seconds=1)
    assert alarms.escalate(db, after_minutes=N, now=almost) == []
    assert notices(db, people["qm"]) == []
    assert alarms.escalate(db, after_minutes=N, now=OPENED + timedelta(minutes=N)) == [breach_no]
    [qm] = notices(db, people["qm"])
    assert qm.level == "ESCALATION" and "15 min" in qm.message_en
    assert alarms.escalate(db, after_minutes=N, now=OPENED + timedelta(hours=2)) == []
    assert [lv for _, lv, _, _ in log(db, breach_no).notices] == ["FIRST", "FIRST",
                                                                  "ESCALATION"]


def test_without_an_escalation_list_the_quality_managers_are_notified(db, staff):
    room, people = staff
    alarms.set_recipients(db, actor=room.manager, zone="CR1", first=["ann", "bob"])
    breach_no = warm_room(db)
    alarms.escalate(db, after_minutes=N, now=OPENED + timedelta(minutes=N))
    assert [n.breach_no for n in notices(db, people["qm"])] == [breach_no]


def test_an_area_without_a_list_alerts_the_quality_managers_and_shows_a_warning(db, staff):
    _, people = staff
    breach_no = warm_room(db)
    assert [n.breach_no for n in notices(db, people["qm"])] == [breach_no]
    assert notices(db, people["ann"]) == []
    with db.reading() as s:
        codes = {(w.code, w.subject) for w in alarm_queries.warnings(s, on=NOW.date())}
    assert ("TOO_FEW_ALARM_RECIPIENTS", "WH1/CR1") in codes


def test_someone_not_notified_may_not_acknowledge_but_a_cold_chain_manager_may(db, staff):
    room, people = staff
    alarms.set_recipients(db, actor=room.manager, zone="CR1", first=["ann", "bob"])
    breach_no = warm_room(db)
    with pytest.raises(NotARecipient):
        alarms.acknowledge(db, actor=people["cy"], breach_no=breach_no, note="seen")
    with pytest.raises(ValidationError):
        alarms.acknowledge(db, actor=people["ann"], breach_no=breach_no, note=" ")
    assert alarms.acknowledge(db, actor=room.manager, breach_no=breach_no,
                              note="checked on site").acknowledged_by == "quinn"


def test_replacing_a_list_stamps_who_left_and_keeps_the_rows(db, staff):
    room, _ = staff
    alarms.set_recipients(db, actor=room.manager, zone="CR1", first=["ann", "bob"])
    done = alarms.set_recipients(db, actor=room.manager, zone="CR1", first=["bob", "qm"])
    assert done.first == ("bob", "qm")
    with db.reading() as s:
        [area] = [a for a in alarm_queries.areas(s) if a.zone == "CR1"]
    assert area.first == ("bob", "qm")


def test_a_45_minute_gap_in_storage_raises_a_data_gap(db):
    make_cold_room(db, interval=30)
    readings = series(START, [5.0, 5.0], step=30) + series(START + timedelta(minutes=75), [5.0])
    ingest(db, actor=SYSTEM, source="API", readings=readings, now=START + timedelta(hours=2))
    with db.reading() as s:
        found = [(b.kind, b.mode, b.minutes_outside) for b in queries.breaches(s)]
    assert found == [("NO_DATA", "GAP", 45)]


def test_an_excursion_sampled_every_5_minutes_is_flagged_too_sparse(db):
    make_cold_room(db, interval=30)
    readings = series(START, [5.0, 9.0, 9.0, 9.0, 5.0], step=5)
    ingest(db, actor=SYSTEM, source="API", readings=readings, now=START + timedelta(hours=1))
    with db.reading() as s:
        found = {(b.kind, b.mode) for b in queries.breaches(s)}
    assert found == {("HIGH", "SINGLE"), ("NO_DATA", "SPARSE")}


def test_a_storage_sensor_may_not_be_configured_beyond_30_minutes(db):
    room = make_cold_room(db)
    with pytest.raises(ValidationError) as caught:
        save_sensor(db, actor=room.manager, create=True, spec=SensorSpec(
            code="CR1-T2", warehouse="WH1", zone="CR1", interval_minutes=45))
    assert "30" in caught.value.message("en")
