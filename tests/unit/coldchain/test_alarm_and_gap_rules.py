"""Alarm rules (at least two recipients, escalation timing) and the regulated gap intervals:
30 minutes in storage, 5 in transport, 2 while out of range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from medwms.coldchain import rules
from medwms.coldchain.rules import Limits, Point

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def at(minutes: float, celsius: float) -> Point:
    return Point(T0 + timedelta(minutes=minutes), round(celsius * 100))


def test_one_recipient_is_refused_and_two_are_enough():
    assert rules.recipient_problems(["ann"], []) != []
    assert rules.recipient_problems(["ann", "ann"], []) != []
    assert rules.recipient_problems(["ann", "bob"], []) == []


def test_a_person_twice_in_a_list_is_refused():
    assert rules.recipient_problems(["ann", "bob", "ann"], ["cy"]) == [
        ("a person is named twice in one list", "同一名单中有人重复")]


def test_escalation_is_due_after_the_minutes_unless_acknowledged_or_escalated():
    due = T0 + timedelta(minutes=15)
    assert not rules.escalation_due(T0, due - timedelta(seconds=1), minutes=15,
                                    acknowledged=False, escalated=False)
    assert rules.escalation_due(T0, due, minutes=15, acknowledged=False, escalated=False)
    assert not rules.escalation_due(T0, due, minutes=15, acknowledged=True, escalated=False)
    assert not rules.escalation_due(T0, due, minutes=15, acknowledged=False, escalated=True)


def test_the_interval_is_capped_at_30_minutes_in_storage_and_5_in_transport():
    assert rules.allowed_interval(60, transport=False) == 30
    assert rules.allowed_interval(10, transport=False) == 10
    assert rules.allowed_interval(30, transport=True) == 5


STORAGE = Limits(200, 800, interval_minutes=30, excursion_interval_minutes=2)


def test_a_45_minute_gap_in_storage_is_a_data_gap():
    [gap] = rules.gaps([at(0, 5), at(30, 5), at(75, 5)], 30, limits=STORAGE)
    assert (gap.kind, gap.mode, gap.started_at, gap.minutes_outside) == (
        "NO_DATA", "GAP", T0 + timedelta(minutes=30), 45)


def test_readings_every_30_minutes_in_storage_are_no_gap():
    assert rules.gaps([at(m, 5) for m in range(0, 121, 30)], 30, limits=STORAGE) == []


def test_a_6_minute_gap_in_transport_is_a_data_gap():
    transport = Limits(200, 800, interval_minutes=5, excursion_interval_minutes=2)
    [gap] = rules.gaps([at(0, 5), at(5, 5), at(11, 5)], 5, limits=transport)
    assert (gap.mode, gap.minutes_outside) == ("GAP", 6)


def test_an_excursion_sampled_every_5_minutes_is_too_sparse():
    series = [at(0, 5), at(5, 9), at(10, 9), at(15, 5)]
    found = rules.gaps(series, 30, limits=STORAGE)
    assert [(g.mode, g.started_at) for g in found] == [
        ("SPARSE", T0 + timedelta(minutes=5)), ("SPARSE", T0 + timedelta(minutes=10))]


def test_an_excursion_sampled_every_2_minutes_is_not_sparse():
    series = [at(0, 5)] + [at(m, 9) for m in range(2, 21, 2)] + [at(22, 5)]
    assert rules.gaps(series, 30, limits=STORAGE) == []


def test_sparse_sampling_shows_among_the_excursions_with_the_breach():
    series = [at(0, 5)] + [at(m, 9) for m in range(5, 31, 5)] + [at(35, 5)]
    found = rules.excursions(series, STORAGE)
    assert {(e.kind, e.mode) for e in found} == {("HIGH", "SINGLE"), ("NO_DATA", "SPARSE")}


def test_without_an_excursion_interval_only_the_sensor_interval_counts():
    series = [at(0, 5), at(5, 9), at(10, 5)]
    assert rules.gaps(series, 30, limits=Limits(200, 800, interval_minutes=30)) == []
