"""Pure verification rules: what a re-scan means, which picked units are missing, accuracy."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medwms.picking.rules import UnitKey
from medwms.verification.rules import Discrepancy, accuracy, classify, shortfalls

STENT_L1 = UnitKey(1, 10, None)
PACER_P1 = UnitKey(2, 20, 201)
PICKED = {STENT_L1: 5, PACER_P1: 1}


def test_a_picked_unit_within_its_quantity_matches():
    assert classify(PICKED, {STENT_L1: 2}, STENT_L1, 3) is Discrepancy.NONE


def test_more_than_was_picked_is_over():
    assert classify(PICKED, {STENT_L1: 4}, STENT_L1, 2) is Discrepancy.OVER


def test_an_item_not_picked_is_a_wrong_item():
    assert classify(PICKED, {}, UnitKey(3, 30, None), 1) is Discrepancy.WRONG_ITEM


def test_another_lot_of_a_picked_item_is_a_wrong_lot():
    assert classify(PICKED, {}, UnitKey(1, 11, None), 1) is Discrepancy.WRONG_LOT


def test_another_serial_of_a_picked_lot_is_a_wrong_serial():
    assert classify(PICKED, {}, UnitKey(2, 20, 202), 1) is Discrepancy.WRONG_SERIAL


def test_shortfalls_are_what_no_scan_short_shipment_or_open_line_covers():
    assert shortfalls(PICKED, [{STENT_L1: 3}, {}, {}]) == {STENT_L1: 2, PACER_P1: 1}
    assert shortfalls(PICKED, [{STENT_L1: 3}, {STENT_L1: 2}, {PACER_P1: 1}]) == {}


def test_accuracy_with_no_picks_is_perfect():
    assert accuracy(0, 0) == 1.0
    assert accuracy(2000, 1) == 0.9995


@given(picked=st.dictionaries(st.builds(UnitKey, st.integers(1, 3), st.integers(1, 3),
                                        st.none()), st.integers(1, 9), max_size=6),
       scans=st.lists(st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4)),
                      max_size=12))
def test_confirmed_scans_never_exceed_what_was_picked(picked, scans):
    confirmed: dict[UnitKey, int] = {}
    for item, lot, quantity in scans:
        key = UnitKey(item, lot, None)
        if classify(picked, confirmed, key, quantity) is Discrepancy.NONE:
            confirmed[key] = confirmed.get(key, 0) + quantity
    for key, count in confirmed.items():
        assert count <= picked[key]
    missing = shortfalls(picked, [confirmed])
    assert all(missing[k] == picked[k] - confirmed.get(k, 0) for k in missing)
