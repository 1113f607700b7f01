"""Excursion rules on generated series: boundaries, gaps, order, MKT by hand."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medwms.coldchain import rules
from medwms.coldchain.rules import Kind, Limits, Mode, Point, RejectedInput

T0 = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
FRIDGE = Limits(low=200, high=800, single_minutes=10, cumulative_minutes=30,
                window_minutes=240, interval_minutes=5)


def every_minute(temps: list[float], start: datetime = T0) -> list[Point]:
    return [Point(start + timedelta(minutes=i), round(t * 100)) for i, t in enumerate(temps)]


def kinds(points, limits=FRIDGE):
    return [(e.kind, e.mode) for e in rules.excursions(points, limits)]


def test_the_limits_themselves_are_in_range():
    assert kinds(every_minute([2.0, 8.0] * 20)) == []
    assert rules.side(801, FRIDGE) == Kind.HIGH and rules.side(199, FRIDGE) == Kind.LOW


@pytest.mark.parametrize("minutes,breach", [(10, False), (11, True)])
def test_single_breach_needs_strictly_more_than_the_threshold(minutes, breach):
    points = every_minute([5.0] + [8.5] * minutes + [5.0])
    assert kinds(points) == ([(Kind.HIGH, Mode.SINGLE)] if breach else [])


def test_a_single_low_breach_reports_its_extremes_and_end():
    [e] = rules.excursions(every_minute([5.0] + [1.0, 0.5, 1.5] * 4 + [5.0]), FRIDGE)
    assert (e.kind, e.min_centi, e.max_centi, e.minutes_outside) == (Kind.LOW, 50, 150, 12)
    assert e.ended_at == T0 + timedelta(minutes=13)


def test_an_ongoing_run_counts_to_its_last_reading():
    [e] = rules.excursions(every_minute([5.0] + [9.0] * 12), FRIDGE)
    assert e.ended_at is None and e.minutes_outside == 11


def test_cumulative_breach_when_short_runs_add_up_past_the_threshold():
    # Four runs of 8 minutes (each under 10) within 4 hours: 32 > 30 minutes outside.
    temps = ([9.0] * 8 + [5.0] * 22) * 4
    found = rules.excursions(every_minute([5.0, *temps]), FRIDGE)
    assert [(e.kind, e.mode) for e in found] == [(Kind.HIGH, Mode.CUMULATIVE)]
    assert found[0].minutes_outside == 32


def test_exactly_the_cumulative_threshold_is_no_breach():
    temps = ([9.0] * 6 + [5.0] * 24) * 5  # 5 × 6 = 30 minutes: not more than 30
    assert kinds(every_minute([5.0, *temps])) == []


def test_runs_outside_the_rolling_window_do_not_add_up():
    spaced = ([9.0] * 8 + [5.0] * 112) * 4  # 8 minutes every 2 hours: ≤ 24 min per 4 h
    assert kinds(every_minute([5.0, *spaced])) == []


def test_high_and_low_minutes_are_counted_separately():
    temps = ([9.0] * 8 + [5.0] * 7 + [1.0] * 8 + [5.0] * 7) * 2  # 16 high, 16 low
    assert kinds(every_minute([5.0, *temps])) == []


def test_a_gap_longer_than_the_interval_is_no_data():
    points = every_minute([5.0] * 3) + every_minute([5.0] * 3, T0 + timedelta(minutes=9))
    [gap] = rules.excursions(points, FRIDGE)
    assert (gap.kind, gap.started_at, gap.ended_at) == (Kind.NO_DATA, T0 + timedelta(minutes=2),
                                                         T0 + timedelta(minutes=9))


def test_a_gap_of_exactly_the_interval_is_fine():
    points = [Point(T0, 500), Point(T0 + timedelta(minutes=5), 500)]
    assert rules.gaps(points, 5) == []


@given(st.lists(st.floats(min_value=-5, max_value=15), min_size=1, max_size=120),
       st.randoms(use_true_random=False))
def test_order_of_arrival_never_changes_the_excursions(temps, rnd):
    points = every_minute(temps)
    shuffled = points[:]
    rnd.shuffle(shuffled)
    assert rules.excursions(shuffled, FRIDGE) == rules.excursions(points, FRIDGE)


@given(st.lists(st.floats(min_value=2, max_value=8), min_size=1, max_size=200))
def test_a_series_in_range_without_gaps_has_no_excursion(temps):
    assert rules.excursions(every_minute(temps), FRIDGE) == []


@given(st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=60))
def test_single_breach_boundary_for_any_threshold(threshold, minutes):
    limits = Limits(200, 800, single_minutes=threshold, cumulative_minutes=10_000,
                    window_minutes=10_000)
    points = every_minute([5.0] + [9.0] * minutes + [5.0])
    assert bool(rules.excursions(points, limits)) == (minutes > threshold)


def test_mkt_of_a_constant_temperature_is_that_temperature():
    assert rules.mkt([5.0] * 10) == pytest.approx(5.0, abs=1e-9)


def test_mkt_by_hand_for_two_temperatures():
    # ΔH/R = 83144 / 8.3144 = 10000 K exactly.
    t1, t2 = 2 + 273.15, 25 + 273.15
    by_hand = 10000 / -math.log((math.exp(-10000 / t1) + math.exp(-10000 / t2)) / 2) - 273.15
    assert rules.mkt([2.0, 25.0]) == pytest.approx(by_hand, abs=1e-9)
    assert 13.5 < by_hand < 25  # above the arithmetic mean: heat weighs more


@given(st.lists(st.floats(min_value=-30, max_value=40), min_size=1, max_size=50))
def test_mkt_lies_between_the_mean_and_the_maximum(temps):
    value = rules.mkt(temps)
    assert value is not None
    assert sum(temps) / len(temps) - 1e-6 <= value <= max(temps) + 1e-6


def test_mkt_without_readings_is_none():
    assert rules.mkt([]) is None


NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("time,celsius,why", [
    (NOW.isoformat(), "abc", "not a number"),
    (NOW.isoformat(), 9999, "outside −100"),
    (NOW.isoformat(), None, "not a number"),
    (NOW.isoformat(), True, "not a number"),
    ((NOW + timedelta(minutes=6)).isoformat(), 4, "future"),
    ((NOW + timedelta(days=3 * 365)).isoformat(), 4, "future"),
    ((NOW - timedelta(days=3 * 365)).isoformat(), 4, "year old"),
    ("yesterday", 4, "ISO-8601"),
    (None, 4, "missing"),
])
def test_bad_readings_are_refused_with_a_reason(time, celsius, why):
    with pytest.raises(RejectedInput, match=why):
        rules.check_reading(time, celsius, None, now=NOW)


def test_a_good_reading_is_stored_in_hundredths_and_permille():
    good = rules.check_reading("2026-11-25T19:59:00+08:00", "4.26", 55.5, now=NOW)
    assert (good.at, good.centi, good.humidity_permille) == (
        datetime(2026, 11, 25, 11, 59, tzinfo=UTC), 426, 555)
    assert rules.check_reading(NOW.isoformat(), -100, None, now=NOW).centi == -10000


def test_silence_is_longer_than_the_interval():
    assert not rules.is_silent(NOW - timedelta(minutes=5), NOW, 5)
    assert rules.is_silent(NOW - timedelta(minutes=5, seconds=1), NOW, 5)
    assert not rules.is_silent(None, NOW, 5)


def test_in_range_readings_after_in_range_need_no_evaluation():
    previous = Point(T0, 500)
    new = every_minute([5.0, 5.1], T0 + timedelta(minutes=1))
    assert not rules.needs_evaluation(new, FRIDGE, previous=previous, open_breach=False)
    assert rules.needs_evaluation(new, FRIDGE, previous=Point(T0, 900), open_breach=False)
    assert rules.needs_evaluation(new, FRIDGE, previous=previous, open_breach=True)
    late = [Point(T0 - timedelta(minutes=1), 500)]
    assert rules.needs_evaluation(late, FRIDGE, previous=previous, open_breach=False)


def test_sampling_takes_the_latest_reading_not_older_than_the_interval():
    points = [Point(T0 + timedelta(minutes=m), m) for m in (0, 25, 70)]
    moments = rules.every(T0, T0 + timedelta(minutes=120), 30)
    chosen = rules.sample(points, moments, timedelta(minutes=30))
    assert [p.centi if p else None for p in chosen] == [0, 25, None, 70]


def test_the_board_colours():
    assert rules.board_colour(500, FRIDGE, silent=False, open_breach=False).colour == "green"
    assert rules.board_colour(780, FRIDGE, silent=False, open_breach=False).colour == "yellow"
    assert rules.board_colour(500, FRIDGE, silent=True, open_breach=False).colour == "yellow"
    assert rules.board_colour(900, FRIDGE, silent=False, open_breach=False).colour == "red"


def test_random_series_cumulative_never_counts_single_runs():
    rnd = random.Random(7)
    temps = [rnd.choice([5.0, 5.0, 5.0, 9.0]) for _ in range(600)]
    for e in rules.excursions(every_minute(temps), FRIDGE):
        if e.mode == Mode.CUMULATIVE:
            assert e.minutes_outside > FRIDGE.cumulative_minutes
