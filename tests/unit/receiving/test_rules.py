"""Receiving rules with plain values: shelf life, tracking, qualification, notice matching."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from medwms.core.clock import days_remaining
from medwms.masterdata.rules import credential_problem
from medwms.receiving import rules
from medwms.receiving.rules import NoticeLine, Received

TODAY = date(2026, 11, 25)


def line(lot, quantity, item_id=1, serials=()):
    return NoticeLine(item_id, f"I{item_id}", "0" * 14, lot, quantity, serials)


def got(lot, quantity, item_id=1, serial=None):
    return Received(item_id, f"I{item_id}", lot, quantity, serial)


def test_days_left_counts_whole_days_to_the_expiry_day():
    assert days_remaining(date(2026, 12, 1), TODAY) == 6
    assert days_remaining(TODAY, TODAY) == 0


def test_shelf_life_is_short_below_the_items_minimum():
    assert rules.shelf_life_short(date(2026, 12, 1), TODAY, 180)
    assert not rules.shelf_life_short(date(2027, 5, 24), TODAY, 180)
    assert rules.shelf_life_short(date(2027, 5, 23), TODAY, 180)
    assert not rules.shelf_life_short(date(2026, 12, 1), TODAY, 0)
    assert not rules.shelf_life_short(None, TODAY, 180)


@given(st.integers(0, 4000), st.integers(0, 4000))
def test_shelf_life_short_means_fewer_days_left_than_required(left, required):
    expiry = date.fromordinal(TODAY.toordinal() + left)
    assert rules.shelf_life_short(expiry, TODAY, required) == (required > 0 and left < required)


def test_tracking_asks_for_lot_then_serial_then_expiry():
    kw = {"lot": None, "serial": None, "expiry": None, "needs_expiry": True}
    assert rules.missing_value("LOT_SERIAL", **kw) == "LOT"
    assert rules.missing_value("LOT_SERIAL", **(kw | {"lot": "L"})) == "SERIAL"
    assert rules.missing_value("SERIAL", **(kw | {"serial": "S"})) == "EXPIRY"
    assert rules.missing_value("LOT", **(kw | {"lot": "L", "needs_expiry": False})) is None


def test_a_licence_is_missing_expired_or_valid():
    assert credential_problem(" ", None, TODAY) == "missing"
    assert credential_problem("X", date(2026, 11, 24), TODAY) == "expired"
    assert credential_problem("X", TODAY, TODAY) is None
    assert credential_problem("X", None, TODAY) is None


def test_arrival_outside_the_items_range_gives_a_hold_reason():
    assert rules.temperature_hold(Decimal(12), Decimal(2), Decimal(8)) == \
        "arrival 12.0 °C outside 2.0–8.0 °C"
    assert rules.temperature_hold(Decimal(2), Decimal(2), Decimal(8)) == ""
    assert rules.temperature_hold(None, Decimal(2), Decimal(8)) == ""


def test_a_lot_counts_against_its_own_line_else_an_any_lot_line_else_unexpected():
    lines = [line("A", 10), line(None, 5)]
    assert rules.bucket(lines, 1, "A") == (1, "A")
    assert rules.bucket(lines, 1, "B") == (1, None)
    assert rules.bucket([line("A", 10)], 1, "B") is None
    assert rules.bucket(lines, 2, "A") is None


def test_over_notice_is_detected_when_a_scan_passes_the_expected_quantity():
    lines = [line("A", 100)]
    before = rules.received_in(lines, [got("A", 100), got("B", 10)], (1, "A"))
    assert before == 100
    assert rules.is_over(100, before, 1)
    assert not rules.is_over(100, 90, 10)


def test_discrepancies_list_short_over_unexpected_and_serials():
    lines = [line("A", 100), line("B", 10), line("S", 2, serials=("X1", "X2")),
             line("C", 5, item_id=2)]
    received = [got("A", 90), got("B", 12), got("Z", 3), got("S", 1, serial="X1"),
                got("S", 1, serial="X9"), got("C", 5, item_id=2), got("Q", 1, item_id=3)]
    found = {(d.kind, d.item, d.lot_no, d.expected, d.received, d.serial)
             for d in rules.discrepancies(lines, received)}
    assert found == {
        ("SHORT", "I1", "A", 100, 90, None), ("OVER", "I1", "B", 10, 12, None),
        ("UNEXPECTED_LOT", "I1", "Z", 0, 3, None), ("UNEXPECTED_ITEM", "I3", "Q", 0, 1, None),
        ("MISSING_SERIAL", "I1", "S", 1, 0, "X2"), ("UNEXPECTED_SERIAL", "I1", "S", 0, 1, "X9"),
    }


def test_a_receipt_matching_the_notice_has_no_discrepancies():
    assert rules.discrepancies([line("A", 10), line(None, 3)],
                               [got("A", 10), got("B", 2), got("C", 1)]) == []
