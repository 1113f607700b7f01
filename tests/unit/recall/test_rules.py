"""Pure recall rules: scope matching, consignee aggregation, response time, accounting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from medwms.recall import rules
from medwms.recall.rules import Accounting, LotFacts, Scope, ShippedUnit

T0 = datetime(2026, 11, 25, tzinfo=UTC)


def test_a_scope_without_lots_serials_or_ranges_is_empty():
    assert Scope("G").is_empty()
    assert not Scope("G", lots=("L1",)).is_empty()
    assert not Scope("G", expiry_to=date(2027, 1, 1)).is_empty()


def test_scope_is_the_union_of_lots_and_ranges():
    scope = Scope("G", lots=("L1",), expiry_from=date(2027, 1, 1), expiry_to=date(2027, 12, 31))
    assert rules.lot_matches(scope, LotFacts("L1", date(2030, 1, 1), None))
    assert rules.lot_matches(scope, LotFacts("L9", date(2027, 6, 1), None))
    assert not rules.lot_matches(scope, LotFacts("L9", date(2028, 1, 1), None))
    assert not rules.lot_matches(scope, LotFacts("L9", None, None))


def test_range_ends_are_inclusive_and_open_ends_unbounded():
    assert rules.in_range(date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 1))
    assert rules.in_range(date(1999, 1, 1), None, date(2027, 1, 1))
    assert not rules.in_range(date(2027, 1, 1), None, None)


def test_bad_class_missing_reason_and_reversed_range_are_problems():
    scope = Scope("G", produced_from=date(2027, 1, 1), produced_to=date(2026, 1, 1))
    columns = {p.column for p in rules.scope_problems(scope, "IV", " ")}
    assert columns == {"risk_class", "reason", "production date"}


def test_consignees_merge_units_per_shipment_lot_and_serial():
    shipped = [ShippedUnit(2, "S1", T0, 3, "L1"), ShippedUnit(2, "S1", T0, 2, "L1"),
               ShippedUnit(1, "S2", T0, 1, "L1", "SN1"), ShippedUnit(2, "S3", T0, 4, "L2")]
    out = rules.consignees(shipped)
    assert [(c.partner_id, c.shipped_qty) for c in out] == [(1, 1), (2, 9)]
    assert [(u["shipment"], u["lot"], u["quantity"]) for u in out[1].units] == [
        ("S1", "L1", 5), ("S3", "L2", 4)]


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 50)), max_size=40))
def test_consignee_totals_add_up_to_what_was_shipped(pairs):
    shipped = [ShippedUnit(p, f"S{i}", T0, q) for i, (p, q) in enumerate(pairs)]
    assert sum(c.shipped_qty for c in rules.consignees(shipped)) == sum(q for _p, q in pairs)


def test_response_time_in_milliseconds_never_negative():
    assert rules.response_ms(T0, T0 + timedelta(milliseconds=1234)) == 1234
    assert rules.response_ms(T0, T0 - timedelta(seconds=1)) == 0


@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100))
def test_shipped_equals_used_returned_destroyed_outstanding(shipped, returned, destroyed, used):
    figures = Accounting(shipped, returned, destroyed, used)
    assert figures.used + figures.returned + figures.destroyed + figures.outstanding == shipped
    assert bool(rules.report_problems(figures)) == (figures.outstanding < 0)


def test_backorder_is_what_was_reserved_and_not_picked():
    assert rules.backorder(8, 3) == 5 and rules.backorder(2, 5) == 0


def test_only_a_rejected_kind_zone_is_the_red_zone():
    assert rules.red_zone("REJECTED") and not rules.red_zone("RETURNS")


def test_reconciliation_totals():
    totals = rules.reconcile(77, [Accounting(20, 9, 2, 5), Accounting(10)])
    assert (totals.affected, totals.shipped, totals.unaccounted) == (107, 30, 14)
