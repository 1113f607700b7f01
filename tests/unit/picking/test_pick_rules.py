"""Pure pick rules: which allocation a scanned unit fills, and when a lot swap is allowed."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from medwms.core.clock import has_shelf_life
from medwms.picking.rules import Match, Open, Refusal, SwapFacts, decide, expires_no_later

DELIVERY = date(2026, 12, 1)


def allocated(lot_id=1, expiry=date(2028, 6, 30), remaining=5, serial_id=None, **extra):
    return Open(allocation_id=10, lot_id=lot_id, serial_id=serial_id, expiry=expiry,
                remaining=remaining, delivery=DELIVERY, **extra)


def facts(expiry, free=100, quantity=1):
    return SwapFacts(expiry=expiry, free=free, quantity=quantity)


def test_the_allocated_lot_is_a_direct_match():
    assert decide([allocated()], 1, None, facts(date(2028, 6, 30))) == Match(
        10, False, 1, date(2028, 6, 30))


def test_more_than_the_allocation_is_refused():
    assert decide([allocated(remaining=2)], 1, None, facts(None, quantity=3)) is Refusal.QUANTITY


def test_a_lot_expiring_earlier_may_replace_the_allocated_one():
    decision = decide([allocated()], 2, None, facts(date(2027, 1, 1)))
    assert isinstance(decision, Match) and decision.swap and decision.allocated_lot_id == 1


def test_a_lot_expiring_the_same_day_may_replace_it():
    assert isinstance(decide([allocated()], 2, None, facts(date(2028, 6, 30))), Match)


def test_a_lot_expiring_later_is_a_wrong_lot():
    assert decide([allocated()], 2, None, facts(date(2028, 7, 1))) is Refusal.LATER_EXPIRY


def test_a_lot_without_expiry_never_replaces_one_with_expiry():
    assert decide([allocated()], 2, None, facts(None)) is Refusal.LATER_EXPIRY


def test_a_swap_below_the_customer_minimum_is_refused():
    strict = allocated(min_days=180)
    assert decide([strict], 2, None, facts(DELIVERY + timedelta(days=179))) is \
        Refusal.SHELF_LIFE
    assert isinstance(decide([strict], 2, None, facts(DELIVERY + timedelta(days=180))), Match)


def test_a_swap_needs_free_units():
    assert decide([allocated()], 2, None, facts(date(2027, 1, 1), free=0)) is Refusal.NOT_FREE


def test_a_required_lot_is_never_swapped():
    assert decide([allocated(lot_required=True)], 2, None, facts(date(2027, 1, 1))) is \
        Refusal.REQUIRED_LOT


def test_another_serial_of_the_same_lot_is_a_swap_that_names_the_serial_it_replaces():
    decision = decide([allocated(serial_id=7, remaining=1)], 1, 8, facts(date(2028, 6, 30)))
    assert decision == Match(10, True, 1, date(2028, 6, 30), allocated_serial_id=7)


def test_a_serial_the_order_names_is_never_substituted():
    named = allocated(serial_id=7, remaining=1, lot_required=True, serial_required=True)
    assert decide([named], 1, 8, facts(date(2028, 6, 30))) is Refusal.REQUIRED_SERIAL


def test_a_lot_the_order_names_still_takes_another_serial_of_that_lot():
    named_lot = allocated(serial_id=7, remaining=1, lot_required=True)
    decision = decide([named_lot], 1, 8, facts(date(2028, 6, 30)))
    assert isinstance(decision, Match) and decision.allocated_serial_id == 7
    assert decide([named_lot], 2, 9, facts(date(2027, 1, 1))) is Refusal.REQUIRED_LOT


def test_without_serial_substitution_only_the_allocated_serial_is_picked():
    exact = SwapFacts(expiry=date(2028, 6, 30), free=100, quantity=1, serial_substitution=False)
    serial_allocated = allocated(serial_id=7, remaining=1)
    assert decide([serial_allocated], 1, 8, exact) is Refusal.ALLOCATED_SERIAL
    assert decide([serial_allocated], 2, 9, exact) is Refusal.ALLOCATED_SERIAL  # nor a lot swap
    assert decide([serial_allocated], 1, 7, exact) == Match(10, False, 1, date(2028, 6, 30))
    assert isinstance(decide([allocated(remaining=1)], 1, 8, exact), Match)  # lot-level


def test_a_substituted_serial_must_be_free():
    assert decide([allocated(serial_id=7, remaining=1)], 1, 8,
                  facts(date(2028, 6, 30), free=0)) is Refusal.NOT_FREE


def test_the_allocation_not_naming_its_serial_is_the_one_substituted():
    named = Open(allocation_id=11, lot_id=1, serial_id=6, expiry=date(2028, 6, 30), remaining=1,
                 lot_required=True, serial_required=True)
    free = allocated(serial_id=7, remaining=1)
    decision = decide([named, free], 1, 8, facts(date(2028, 6, 30)))
    assert isinstance(decision, Match) and decision.allocation_id == 10


def test_a_lot_level_allocation_takes_any_serial_of_its_lot():
    decision = decide([allocated(remaining=2)], 1, 8, facts(date(2028, 6, 30)))
    assert isinstance(decision, Match) and not decision.swap


def test_min_shelf_life_counts_the_expiry_day_itself():
    assert has_shelf_life(date(2026, 12, 31), DELIVERY, 30)
    assert not has_shelf_life(date(2026, 12, 30), DELIVERY, 30)
    assert has_shelf_life(None, DELIVERY, 10_000)


def test_fefo_puts_lots_without_expiry_last():
    assert expires_no_later(date(2030, 1, 1), None)
    assert not expires_no_later(None, date(2030, 1, 1))
    assert expires_no_later(None, None)


days = st.integers(min_value=-400, max_value=2000)
maybe_expiry = st.one_of(st.none(), days.map(lambda n: DELIVERY + timedelta(days=n)))


@given(allocated_expiry=maybe_expiry, scanned_expiry=maybe_expiry,
       min_days=st.integers(0, 720), free=st.integers(0, 20), quantity=st.integers(1, 10),
       remaining=st.integers(0, 10), required=st.booleans())
def test_an_accepted_swap_never_expires_later_nor_below_the_minimum(
        allocated_expiry, scanned_expiry, min_days, free, quantity, remaining, required):
    target = allocated(lot_id=1, expiry=allocated_expiry, remaining=remaining,
                       min_days=min_days, lot_required=required)
    decision = decide([target], 2, None, SwapFacts(expiry=scanned_expiry, free=free,
                                                    quantity=quantity))
    if isinstance(decision, Match):
        assert decision.swap and not required
        assert quantity <= remaining and quantity <= free
        if allocated_expiry is not None:
            assert scanned_expiry is not None and scanned_expiry <= allocated_expiry
        if scanned_expiry is not None:
            assert (scanned_expiry - DELIVERY).days >= min_days


@given(remaining=st.lists(st.integers(0, 10), min_size=1, max_size=5),
       quantity=st.integers(1, 12))
def test_a_direct_pick_never_exceeds_what_is_left(remaining, quantity):
    opens = [Open(allocation_id=i, lot_id=1, serial_id=None, expiry=None, remaining=r)
             for i, r in enumerate(remaining)]
    decision = decide(opens, 1, None, facts(None, quantity=quantity))
    if isinstance(decision, Match):
        assert remaining[decision.allocation_id] >= quantity
    else:
        assert decision is Refusal.QUANTITY and max(remaining) < quantity
