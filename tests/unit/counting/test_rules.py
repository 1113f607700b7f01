"""Counting rules: ABC classes, tolerance per class, reconciliation, recount routing, selection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from medwms.counting.rules import (
    DEFAULT_POLICIES,
    AbcShares,
    Balance,
    CycleRule,
    Found,
    ItemUsage,
    LocationFacts,
    Policy,
    Result,
    Unit,
    Variance,
    accuracy,
    classify,
    found_as,
    judge,
    may_start,
    missing_reasons,
    reconcile,
    recount_counter_allowed,
    recount_possible,
    select_locations,
    takes,
    within_tolerance,
)

NOW = datetime(2026, 11, 25, tzinfo=UTC)
U1 = Unit(1, 10, None)


def usage(*values: int) -> list[ItemUsage]:
    return [ItemUsage(i + 1, Decimal(v), 0) for i, v in enumerate(values)]


def test_abc_gives_a_to_the_top_80_percent_of_value():
    classes = classify(usage(700, 150, 80, 40, 20, 10))
    # an item is A while the value ranked above it is under 80 %, B under 95 %
    assert classes == {1: "A", 2: "A", 3: "B", 4: "B", 5: "C", 6: "C"}


def test_abc_puts_items_without_movement_in_c():
    assert classify(usage(100, 0)) == {1: "A", 2: "C"}


def test_abc_shares_are_configurable_and_frequency_can_rank():
    picks = [ItemUsage(1, Decimal(1), 1), ItemUsage(2, Decimal(0), 99)]
    assert classify(picks, AbcShares(basis="picks")) == {1: "C", 2: "A"}
    assert classify(usage(50, 50), AbcShares(a=Decimal("0.5"), b=Decimal("0.5"))) == \
        {1: "A", 2: "B"}


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=40))
def test_abc_classes_never_rank_a_cheaper_item_above_a_dearer_one(values):
    classes = classify(usage(*values))
    for a in range(len(values)):
        for b in range(len(values)):
            if values[a] > values[b]:
                assert classes[a + 1] <= classes[b + 1]


def test_tolerance_takes_the_larger_of_units_and_percentage():
    policy = Policy("B", 90, tolerance_units=1, tolerance_pct=Decimal(5))
    assert within_tolerance(100, -5, policy)       # 5 % of 100
    assert not within_tolerance(100, -6, policy)
    assert within_tolerance(4, 1, policy)          # 1 unit
    assert not within_tolerance(4, 2, policy)


def test_a_class_tolerates_nothing_and_serials_are_never_tolerated():
    assert not within_tolerance(1000, 1, DEFAULT_POLICIES["A"])
    assert not within_tolerance(0, 1, DEFAULT_POLICIES["C"], serialised=True)
    assert within_tolerance(0, 0, DEFAULT_POLICIES["A"], serialised=True)


def test_tolerance_follows_the_class_of_each_item():
    results = [Result(1, Unit(1, None, None), "AVAILABLE", 100, 97),
               Result(1, Unit(2, None, None), "AVAILABLE", 100, 97)]
    judged = judge(results, {1: "A", 2: "C"}, DEFAULT_POLICIES, round_=1)
    assert [j.needs_recount for j in judged] == [True, False]


def test_a_recount_never_asks_for_another_recount():
    results = [Result(1, U1, "AVAILABLE", 100, 50)]
    judged = judge(results, {}, DEFAULT_POLICIES, round_=2)
    assert not judged[0].within and not judged[0].needs_recount


def test_recount_is_routed_to_another_counter():
    assert recount_counter_allowed(first_counter=1, recounter=2)
    assert not recount_counter_allowed(first_counter=1, recounter=1)
    assert not recount_counter_allowed(first_counter=1, recounter=None)


def test_a_plan_fewer_than_two_people_could_count_could_never_recount():
    assert not recount_possible(0) and not recount_possible(1)
    assert recount_possible(2) and recount_possible(7)


def test_an_assigned_task_is_only_its_assignees():
    assert may_start(assignee=None, actor=5)
    assert may_start(assignee=5, actor=5)
    assert not may_start(assignee=5, actor=6)


def test_variance_is_against_the_balance_at_close_not_at_the_start():
    """10 were there at the start, 4 were picked while counting; 6 counted: no variance."""
    at_close = [Balance(1, U1, "AVAILABLE", 6)]
    assert reconcile(at_close, {U1: 6}, {})[0].variance == 0


def test_counted_units_fill_the_available_balance_first_and_surplus_goes_there():
    balances = [Balance(1, U1, "HOLD", 3), Balance(1, U1, "AVAILABLE", 5)]
    got = {r.status: (r.expected, r.counted) for r in reconcile(balances, {U1: 10}, {})}
    assert got == {"AVAILABLE": (5, 7), "HOLD": (3, 3)}


def test_a_shortage_falls_on_the_last_balances():
    balances = [Balance(1, U1, "HOLD", 3), Balance(1, U1, "AVAILABLE", 5)]
    got = {r.status: r.variance for r in reconcile(balances, {U1: 6}, {})}
    assert got == {"AVAILABLE": 0, "HOLD": -2}


def test_found_units_take_the_given_owner_and_status_and_missing_ones_count_zero():
    other = Unit(2, None, 7)
    got = reconcile([Balance(1, U1, "AVAILABLE", 4)], {other: 1},
                    {other: Found(9, "QUARANTINE")})
    assert {(r.unit, r.owner_id, r.status, r.variance) for r in got} == {
        (U1, 1, "AVAILABLE", -4), (other, 9, "QUARANTINE", 1)}


def test_found_units_follow_their_stock_elsewhere_else_quarantine():
    assert found_as({(3, "AVAILABLE")}, 1, "QUARANTINE") == Found(3, "AVAILABLE")
    assert found_as(set(), 1, "QUARANTINE") == Found(1, "QUARANTINE")
    assert found_as({(3, "AVAILABLE"), (3, "HOLD")}, 1, "QUARANTINE") == Found(3, "QUARANTINE")


@given(st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=4),
       st.integers(min_value=0, max_value=300))
def test_reconcile_keeps_every_counted_and_expected_unit(balances, counted):
    statuses = ["AVAILABLE", "HOLD", "QUARANTINE", "REJECTED"]
    rows = [Balance(1, U1, statuses[i], q) for i, q in enumerate(balances)]
    got = reconcile(rows, {U1: counted}, {})
    assert sum(r.counted for r in got) == counted
    assert sum(r.expected for r in got) == sum(balances)


def test_shortages_take_loose_stock_first_then_handling_units():
    assert takes(7, [(5, 4), (None, 2), (3, 9)]) == [(None, 2), (3, 5)]


def test_every_variance_needs_a_reason():
    rows = [Variance(1, 1, U1, 1, "AVAILABLE", -2, ""),
            Variance(2, 1, U1, 1, "AVAILABLE", 0, ""),
            Variance(3, 1, U1, 1, "AVAILABLE", 1, "FOUND"),
            Variance(4, 1, U1, 1, "AVAILABLE", 1, "LOST")]
    assert missing_reasons(rows) == [1, 4]


def test_accuracy_is_clean_lines_over_counted_lines():
    assert accuracy(200, 190) == Decimal("0.95")
    assert accuracy(0, 0) == Decimal(1)


def facts(loc: int, classes: str = "", counted_days_ago: int | None = None,
          variance_days_ago: int | None = None, error_days_ago: int | None = None):
    def ago(days):
        return None if days is None else NOW - timedelta(days=days)
    return LocationFacts(loc, 1, frozenset(classes), ago(counted_days_ago),
                         ago(variance_days_ago), ago(error_days_ago))


def test_cycle_selects_a_locations_after_a_month_and_c_after_a_year():
    rows = [facts(1, "A", 31), facts(2, "A", 10), facts(3, "C", 200), facts(4, "C", 400),
            facts(5, "B")]
    rule = CycleRule(abc_due=("A", "B", "C"))
    assert select_locations(rows, rule, DEFAULT_POLICIES, NOW) == [1, 4, 5]


def test_cycle_selects_by_days_since_count_recent_variance_or_pick_error():
    rows = [facts(1, counted_days_ago=100), facts(2, counted_days_ago=5),
            facts(3, counted_days_ago=5, variance_days_ago=3),
            facts(4, counted_days_ago=5, error_days_ago=1),
            facts(5, counted_days_ago=5, error_days_ago=40)]
    assert select_locations(rows, CycleRule(not_counted_days=90), DEFAULT_POLICIES, NOW) == [1]
    assert select_locations(rows, CycleRule(variance_days=7), DEFAULT_POLICIES, NOW) == [3]
    assert select_locations(rows, CycleRule(pick_error_days=30), DEFAULT_POLICIES, NOW) == [4]
    assert select_locations(rows, CycleRule(), DEFAULT_POLICIES, NOW) == []
