"""Pure shipping rules: SSCCs, cold chain, transport record, packing and receipt matching."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medwms.barcode.checkdigit import has_valid_check_digit
from medwms.shipping import rules
from medwms.shipping.rules import OpenLine, TempRange

COLD = TempRange(Decimal(2), Decimal(8))
AMBIENT = TempRange(Decimal(10), Decimal(30))


def test_sscc_is_extension_prefix_reference_and_check_digit():
    code = rules.sscc(3, "6901234", 42)
    assert code[:1] == "3" and code[1:8] == "6901234" and code[8:17] == "000000042"
    assert len(code) == 18 and has_valid_check_digit(code)


@given(st.integers(0, 9), st.sampled_from(["690123", "6901234", "69012345", "690123456789"]),
       st.data())
def test_every_sscc_is_18_digits_with_a_valid_check_digit(extension, prefix, data):
    reference = data.draw(st.integers(0, 10 ** rules.serial_reference_width(prefix) - 1))
    code = rules.sscc(extension, prefix, reference)
    assert len(code) == 18 and code.isdigit() and has_valid_check_digit(code)


@pytest.mark.parametrize(("extension", "prefix", "reference"),
                         [(10, "6901234", 1), (0, "69A1234", 1), (0, "6901234", 10 ** 9)])
def test_sscc_refuses_bad_parts(extension, prefix, reference):
    with pytest.raises(ValueError):
        rules.sscc(extension, prefix, reference)


def test_an_item_is_cold_when_its_upper_limit_is_at_most_8_degrees():
    assert COLD.cold and TempRange(None, Decimal(8)).cold
    assert not AMBIENT.cold and not TempRange().cold and not TempRange(None, Decimal("8.1")).cold


@pytest.mark.parametrize(("item", "box_cold", "refused"), [
    (COLD, False, True), (COLD, True, False), (AMBIENT, True, False), (AMBIENT, False, False)])
def test_only_a_cold_item_into_an_ambient_box_is_refused(item, box_cold, refused):
    assert rules.refuses_box(item, box_cold) is refused


def test_range_ends_are_included():
    assert COLD.contains(Decimal(2)) and COLD.contains(Decimal(8))
    assert not COLD.contains(Decimal("8.1")) and not COLD.contains(Decimal("1.9"))
    assert COLD.text() == "2–8" and TempRange(None, Decimal(25)).text() == "…–25"


def test_a_cold_box_lists_everything_it_lacks():
    columns = [p.column for p in rules.cold_box_problems(" ", "", None)]
    assert columns == ["box_id", "logger_id", "dispatch_temp"]
    assert rules.cold_box_problems("CB", "LG", Decimal(5)) == []


@pytest.mark.parametrize(("carrier", "waybill", "problem"), [
    ("", "SF1", "CARRIER_REQUIRED"), ("SF", " ", "WAYBILL_REQUIRED"), ("SF", "SF1", None)])
def test_a_carrier_shipment_needs_its_waybill(carrier, waybill, problem):
    assert rules.transport_problem(carrier, waybill) == problem


def test_first_unpacked_names_the_first_difference():
    picked = {(1, 1, None): 2, (2, None, 5): 1}
    assert rules.first_unpacked(picked, {(1, 1, None): 2, (2, None, 5): 1}) is None
    assert rules.first_unpacked(picked, {(1, 1, None): 1}) == (1, 1, None)
    assert rules.first_unpacked({}, {(3, 1, None): 1}) == (3, 1, None)


def test_receipt_matches_open_lines_in_order_and_reports_the_excess():
    lines = [OpenLine(1, (1, 1, None), 2), OpenLine(2, (1, 1, None), 1),
             OpenLine(3, (2, 4, None), 5)]
    assert rules.match_receipt(lines, (1, 1, None), 2) == ([(1, 2)], 0)
    assert rules.match_receipt(lines, (1, 1, None), 4) == ([(1, 2), (2, 1)], 1)
    assert rules.match_receipt(lines, (9, None, None), 1) == ([], 1)


@given(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 4)), max_size=6),
       st.integers(1, 3), st.integers(1, 20))
def test_receipt_matching_never_takes_more_than_outstanding(specs, item, quantity):
    lines = [OpenLine(n, (i, None, None), left) for n, (i, left) in enumerate(specs)]
    takes, excess = rules.match_receipt(lines, (item, None, None), quantity)
    by_id = {line.line_id: line for line in lines}
    assert sum(q for _, q in takes) + excess == quantity
    assert all(0 < q <= by_id[i].outstanding and by_id[i].key[0] == item for i, q in takes)
    open_total = sum(line.outstanding for line in lines if line.key[0] == item)
    assert excess == max(0, quantity - open_total)


def test_arrival_keeps_the_status_unless_the_cold_chain_broke():
    assert rules.arrival("AVAILABLE", COLD, Decimal(5)).status == "AVAILABLE"
    assert rules.arrival("AVAILABLE", AMBIENT, None).status == "AVAILABLE"
    broke = rules.arrival("AVAILABLE", COLD, Decimal("9.0"))
    assert broke.status == "QUARANTINE"
    assert broke.reason == "HOLD: cold chain broken in transit: arrival 9 °C outside 2–8 °C"


def test_return_flags_never_shipped_and_more_than_shipped():
    assert rules.return_flag(2, 0, 2, False) is None
    assert "never shipped" in rules.return_flag(0, 0, 1, True).en
    assert "more returned (3) than shipped (2)" in rules.return_flag(2, 2, 1, False).en
