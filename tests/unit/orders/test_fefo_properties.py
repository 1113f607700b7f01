"""Properties of FEFO allocation over random stock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from medwms.core.clock import days_remaining, is_expired
from medwms.orders.rules import (
    ALLOCATABLE,
    EXCLUDED_STATUSES,
    STORAGE_KIND,
    Candidate,
    Need,
    Place,
    Policy,
    Reason,
    allocate,
)

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
STATUSES = [ALLOCATABLE, ALLOCATABLE, ALLOCATABLE, *sorted(EXCLUDED_STATUSES)]
KINDS = [STORAGE_KIND, STORAGE_KIND, "RECEIVING", "SHIPPING", "QUARANTINE"]


@st.composite
def candidates(draw: st.DrawFn, n: int) -> Candidate:
    quantity = draw(st.integers(1, 60))
    expiry = draw(st.one_of(st.none(), st.integers(-5, 400).map(
        lambda d: TODAY + timedelta(days=d))))
    lot = draw(st.integers(1, 6))
    return Candidate(
        place=Place(draw(st.sampled_from([1, 1, 1, 2])), 7, lot, None, draw(st.integers(1, 8)),
                    n),  # hu id keeps every key distinct
        status=draw(st.sampled_from(STATUSES)), quantity=quantity,
        free=draw(st.integers(-5, quantity)), expiry=expiry, location="L",
        zone_kind=draw(st.sampled_from(KINDS)), lot_no=f"L{lot}",
        blocked=draw(st.booleans()) and draw(st.booleans()))


@st.composite
def situations(draw: st.DrawFn) -> tuple[Need, list[Candidate], Policy]:
    stock = [draw(candidates(n)) for n in range(draw(st.integers(0, 12)))]
    need = Need(owner_id=1, item_id=7, quantity=draw(st.integers(1, 200)),
                pack_size=draw(st.sampled_from([1, 5, 10])))
    policy = Policy(now=NOW, timezone="Asia/Shanghai",
                    delivery_date=TODAY + timedelta(days=draw(st.integers(0, 30))),
                    min_remaining_days=draw(st.sampled_from([0, 30, 180])))
    return need, stock, policy


def eligible(c: Candidate, need: Need, policy: Policy) -> bool:
    """The definition, written independently of the rule."""
    if c.status != ALLOCATABLE or c.zone_kind != STORAGE_KIND or c.blocked:
        return False
    if c.place.owner_id != need.owner_id or c.free <= 0:
        return False
    if c.expiry is None:
        return True
    return not is_expired(c.expiry, policy.now, policy.timezone) and \
        days_remaining(c.expiry, policy.delivery_date) >= policy.min_remaining_days


@settings(max_examples=400, deadline=None)
@given(situations())
def test_allocation_never_takes_an_excluded_unit_nor_more_than_asked_or_free(case):
    need, stock, policy = case
    decision = allocate(need, stock, policy)
    assert decision.allocated <= need.quantity
    for take in decision.takes:
        assert take.candidate.status not in EXCLUDED_STATUSES
        assert eligible(take.candidate, need, policy)
        assert 0 < take.quantity <= take.candidate.free
    assert len({t.candidate.place for t in decision.takes}) == len(decision.takes)


@settings(max_examples=400, deadline=None)
@given(situations())
def test_allocation_takes_all_it_can_and_explains_every_other_candidate(case):
    need, stock, policy = case
    decision = allocate(need, stock, policy)
    free = sum(c.free for c in stock if eligible(c, need, policy))
    assert decision.allocated == min(need.quantity, free)
    assert decision.backorder == need.quantity - decision.allocated
    assert (decision.backorder_reason == "") is (decision.backorder == 0)
    accounted = {t.candidate.place for t in decision.takes} | \
        {p.candidate.place for p in decision.passed}
    assert accounted == {c.place for c in stock}


@settings(max_examples=300, deadline=None)
@given(situations())
def test_nothing_passed_over_as_not_needed_expires_before_what_was_taken(case):
    need, stock, policy = case
    decision = allocate(need, stock, policy)
    later = [p.candidate.expiry or date.max for p in decision.passed
             if p.reason is Reason.NOT_NEEDED]
    if decision.takes and later:
        assert min(later) >= max(t.candidate.expiry or date.max for t in decision.takes)
