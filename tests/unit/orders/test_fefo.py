"""FEFO allocation rules: plain values in, decisions out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from medwms.core.clock import days_remaining
from medwms.orders.rules import (
    EXCLUDED_STATUSES,
    Candidate,
    Need,
    Place,
    Policy,
    Reason,
    allocate,
    delivery_day,
)

# 2026-11-25 16:00 in Shanghai; 2026-11-25 23:30 in Shanghai is 15:30 UTC.
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
LATE_EVENING = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # 00:30 on the 26th in Shanghai
TODAY = date(2026, 11, 25)
OWNER, OTHER_OWNER, ITEM = 1, 2, 7


def stock(lot: str, expiry: date | None, quantity: int, *, location: int = 1,
          status: str = "AVAILABLE", zone_kind: str = "STORAGE", owner: int = OWNER,
          free: int | None = None, serial: str | None = None, lot_id: int | None = None,
          blocked: bool = False) -> Candidate:
    """A balance of ITEM: lot ids follow the lot text unless given."""
    lid = lot_id if lot_id is not None else sum(map(ord, lot))
    sid = sum(map(ord, serial)) if serial else None
    return Candidate(place=Place(owner, ITEM, lid, sid, location, None), status=status,
                     quantity=quantity, free=quantity if free is None else free, expiry=expiry,
                     location=f"A-{location:02d}", zone_kind=zone_kind, lot_no=lot,
                     serial=serial, owner="SELF" if owner == OWNER else "P2", blocked=blocked)


def need(quantity: int, **kw: object) -> Need:
    return Need(owner_id=OWNER, item_id=ITEM, quantity=quantity, **kw)  # type: ignore[arg-type]


def policy(*, now: datetime = NOW, delivery: date = TODAY, min_days: int = 0) -> Policy:
    return Policy(now=now, timezone="Asia/Shanghai", delivery_date=delivery,
                  min_remaining_days=min_days)


def taken(decision) -> list[tuple[str | None, str, int]]:
    return [(t.candidate.lot_no, t.candidate.location, t.quantity) for t in decision.takes]


def reasons(decision) -> dict[str | None, Reason]:
    return {p.candidate.lot_no: p.reason for p in decision.passed}


def test_fefo_takes_the_earliest_expiry_first():
    candidates = [stock("L3", date(2028, 1, 1), 50, location=3),
                  stock("L1", date(2027, 1, 1), 30, location=1),
                  stock("L2", date(2027, 6, 1), 50, location=2)]
    decision = allocate(need(60), candidates, policy())
    assert taken(decision) == [("L1", "A-01", 30), ("L2", "A-02", 30)]
    assert decision.backorder == 0
    assert reasons(decision)["L3"] is Reason.NOT_NEEDED


def test_stock_without_expiry_comes_last():
    candidates = [stock("NOEXP", None, 10, location=1), stock("L1", date(2027, 1, 1), 5,
                                                               location=2)]
    assert taken(allocate(need(8), candidates, policy())) == [("L1", "A-02", 5),
                                                               ("NOEXP", "A-01", 3)]


def test_a_tie_on_expiry_goes_to_fewer_locations():
    same = date(2027, 3, 1)
    candidates = [stock("LA", same, 5, location=1), stock("LA", same, 5, location=2),
                  stock("LB", same, 10, location=3)]
    assert taken(allocate(need(10), candidates, policy())) == [("LB", "A-03", 10)]


def test_a_tie_on_locations_goes_to_whole_packs():
    same = date(2027, 3, 1)
    candidates = [stock("LA", same, 13, location=1), stock("LB", same, 20, location=2)]
    decision = allocate(need(10, pack_size=10), candidates, policy())
    assert taken(decision) == [("LB", "A-02", 10)]


def test_an_earlier_expiry_beats_fewer_locations():
    candidates = [stock("EARLY", date(2027, 1, 1), 4, location=1),
                  stock("LATE", date(2027, 2, 1), 100, location=2)]
    assert taken(allocate(need(10), candidates, policy())) == [("EARLY", "A-01", 4),
                                                                ("LATE", "A-02", 6)]


def test_partial_allocation_leaves_a_backorder_naming_why():
    candidates = [stock("L1", date(2027, 6, 1), 40, location=1),
                  stock("L2", date(2027, 1, 10), 100, location=2)]
    decision = allocate(need(100), candidates,
                        policy(delivery=date(2026, 12, 1), min_days=180))
    assert decision.allocated == 40
    assert decision.backorder == 60
    assert decision.backorder_reason == (
        "only 40 of 100 eligible: lot L2 expires 2027-01-10, customer needs 180 days on "
        "2026-12-01")


def test_a_unit_expiring_today_is_usable_today_until_midnight_in_the_warehouse():
    candidates = [stock("TODAY", TODAY, 5)]
    assert taken(allocate(need(5), candidates, policy(now=LATE_EVENING))) == [
        ("TODAY", "A-01", 5)]


def test_a_unit_expiring_today_is_refused_tomorrow():
    decision = allocate(need(5), [stock("TODAY", TODAY, 5)],
                        policy(now=AFTER_MIDNIGHT, delivery=date(2026, 11, 26)))
    assert decision.allocated == 0
    assert reasons(decision)["TODAY"] is Reason.EXPIRED
    assert "expired on 2026-11-25" in decision.backorder_reason


def test_a_unit_usable_today_but_expired_by_the_delivery_date_is_refused():
    decision = allocate(need(5), [stock("TODAY", TODAY, 5)],
                        policy(delivery=date(2026, 11, 26)))
    assert decision.allocated == 0
    assert reasons(decision)["TODAY"] is Reason.SHELF_LIFE


def test_the_expiry_day_is_the_delivery_day_itself_with_no_minimum():
    decision = allocate(need(5), [stock("L1", date(2026, 12, 1), 5)],
                        policy(delivery=date(2026, 12, 1)))
    assert decision.allocated == 5


@pytest.mark.parametrize(("expiry", "allowed"), [
    (date(2027, 5, 30), True),   # exactly 180 days left on 2026-12-01
    (date(2027, 5, 29), False),  # 179 days
])
def test_minimum_shelf_life_is_counted_on_the_delivery_date(expiry, allowed):
    decision = allocate(need(1), [stock("L1", expiry, 1)],
                        policy(delivery=date(2026, 12, 1), min_days=180))
    assert (decision.allocated == 1) is allowed
    assert days_remaining(date(2027, 5, 30), date(2026, 12, 1)) == 180


@pytest.mark.parametrize("status", sorted(EXCLUDED_STATUSES))
def test_every_blocked_status_is_never_allocated(status):
    decision = allocate(need(5), [stock("L1", date(2027, 1, 1), 5, status=status)], policy())
    assert decision.allocated == 0
    assert reasons(decision)["L1"] is Reason.STATUS
    assert status in decision.backorder_reason


@pytest.mark.parametrize("kind", ["RECEIVING", "QUARANTINE", "REJECTED", "RETURNS",
                                  "SHIPPING"])
def test_stock_outside_storage_zones_is_never_allocated(kind):
    decision = allocate(need(5), [stock("L1", date(2027, 1, 1), 5, zone_kind=kind)], policy())
    assert decision.allocated == 0
    assert reasons(decision)["L1"] is Reason.NOT_STORAGE


def test_another_owners_stock_is_never_allocated():
    candidates = [stock("THEIRS", date(2027, 1, 1), 50, owner=OTHER_OWNER),
                  stock("OURS", date(2028, 1, 1), 5, location=2)]
    decision = allocate(need(10), candidates, policy())
    assert taken(decision) == [("OURS", "A-02", 5)]
    assert reasons(decision)["THEIRS"] is Reason.WRONG_OWNER
    assert "belongs to owner P2" in decision.backorder_reason


def test_stock_reserved_by_other_orders_is_passed_over():
    candidates = [stock("L1", date(2027, 1, 1), 10, free=0),
                  stock("L2", date(2027, 2, 1), 10, location=2, free=4)]
    decision = allocate(need(10), candidates, policy())
    assert taken(decision) == [("L2", "A-02", 4)]
    assert reasons(decision)["L1"] is Reason.RESERVED


def test_a_blocked_location_is_passed_over():
    decision = allocate(need(1), [stock("L1", date(2027, 1, 1), 5, blocked=True)], policy())
    assert reasons(decision)["L1"] is Reason.LOCATION_BLOCKED


def test_a_required_lot_is_respected_even_against_fefo():
    candidates = [stock("EARLY", date(2027, 1, 1), 10), stock("WANTED", date(2028, 1, 1), 10,
                                                              location=2)]
    decision = allocate(need(5, lot_no="WANTED"), candidates, policy())
    assert taken(decision) == [("WANTED", "A-02", 5)]
    assert reasons(decision)["EARLY"] is Reason.OTHER_LOT


def test_a_required_serial_takes_that_unit_only():
    candidates = [stock("L1", date(2027, 1, 1), 1, serial="SN1"),
                  stock("L1", date(2027, 1, 1), 1, serial="SN2", location=2)]
    decision = allocate(need(1, serial="SN2"), candidates, policy())
    assert [t.candidate.serial for t in decision.takes] == ["SN2"]


def test_other_items_are_ignored():
    other = Candidate(place=Place(OWNER, 99, 1, None, 1, None), status="AVAILABLE",
                      quantity=10, free=10, expiry=None, location="A-01", zone_kind="STORAGE")
    decision = allocate(need(5), [other], policy())
    assert decision.takes == () and decision.passed == ()
    assert decision.backorder_reason == "only 0 of 5 eligible: no other stock in the warehouse"


def test_the_delivery_day_falls_back_to_the_ship_date_then_today_and_never_before_today():
    assert delivery_day(date(2026, 12, 3), date(2026, 12, 1), TODAY) == date(2026, 12, 3)
    assert delivery_day(None, date(2026, 12, 1), TODAY) == date(2026, 12, 1)
    assert delivery_day(None, None, TODAY) == TODAY
    assert delivery_day(date(2026, 11, 1), None, TODAY) == TODAY
