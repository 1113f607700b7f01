"""The putaway rules, one at a time, on plain values."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from medwms.putaway import rules
from medwms.putaway.rules import Candidate, Goods, NoFit, Suggestion, TempRange

COLD = TempRange(Decimal(2), Decimal(8))
ROOM = TempRange(None, Decimal(25))
NONE = TempRange()


def place(code: str, *, kind: str = "STORAGE", temp: TempRange = ROOM, seq: int = 1,
          x: int = 0, y: int = 0, capacity: int | None = None, blocked: bool = False,
          units: int = 0, lots: frozenset[tuple[int, int | None]] = frozenset(),
          location_id: int | None = None) -> Candidate:
    return Candidate(location_id=location_id or abs(hash(code)) % 10_000, code=code,
                     zone_code=kind[:3], zone_kind=kind, zone_range=temp, capacity=capacity,
                     blocked=blocked, pick_seq=seq, x=Decimal(x), y=Decimal(y), units=units,
                     lots=lots)


def goods(*, temp: TempRange = ROOM, status: str = "AVAILABLE", quantity: int = 10,
          lot_id: int | None = 7) -> Goods:
    return Goods(item_id=1, lot_id=lot_id, item_range=temp, status=status, quantity=quantity)


def chosen(decision: Suggestion | NoFit) -> str:
    assert isinstance(decision, Suggestion), decision
    return decision.code


def test_a_cold_item_fits_a_cold_zone_only():
    assert rules.range_fits(COLD, COLD)
    assert not rules.range_fits(TempRange(Decimal(15), Decimal(25)), COLD)
    assert not rules.range_fits(NONE, COLD)


def test_a_zone_wider_than_the_item_range_does_not_fit():
    assert not rules.range_fits(TempRange(Decimal(0), Decimal(30)), ROOM)
    assert rules.range_fits(TempRange(Decimal(15), Decimal(25)), ROOM)


def test_an_item_without_a_range_fits_any_zone():
    for zone in (NONE, COLD, TempRange(Decimal(15), Decimal(25)), TempRange(None, Decimal(30))):
        assert rules.range_fits(zone, NONE)


def test_a_zone_without_a_range_counts_as_ambient_0_to_30():
    assert rules.range_fits(NONE, TempRange(None, Decimal(30)))
    assert not rules.range_fits(NONE, ROOM)
    assert rules.zone_text(NONE) == "ambient 0–30 °C"


def test_temperature_texts_read_as_people_write_them():
    assert COLD.text == "2–8 °C"
    assert ROOM.text == "≤25 °C"
    assert TempRange(Decimal(-20), None).text == "≥-20 °C"


def test_a_cold_item_is_suggested_the_cold_location_not_the_nearer_ambient_one():
    places = [place("AMB-1", seq=1), place("COLD-1", temp=COLD, seq=9)]
    assert chosen(rules.suggest(goods(temp=COLD), places)) == "COLD-1"


def test_rejected_stock_goes_only_to_the_red_zone():
    places = [place("AMB-1", seq=1), place("RED-1", kind="REJECTED", seq=9)]
    assert chosen(rules.suggest(goods(status="REJECTED"), places)) == "RED-1"
    assert rules.refusal(goods(status="REJECTED"), places[0]) == rules.NEEDS_RED_ZONE


def test_available_stock_never_goes_to_the_red_zone_or_a_dock():
    assert rules.refusal(goods(), place("RED-1", kind="REJECTED")) == rules.NOT_STORAGE
    assert rules.refusal(goods(), place("DOCK", kind="RECEIVING")) == rules.NOT_STORAGE


def test_the_same_lot_with_room_left_is_consolidated_even_if_farther():
    places = [place("A-1", seq=1), place("A-9", seq=9, units=5, lots=frozenset({(1, 7)}),
                                         capacity=20)]
    decision = rules.suggest(goods(), places)
    assert chosen(decision) == "A-9"
    assert isinstance(decision, Suggestion) and decision.reason == rules.CONSOLIDATE
    assert "A-9" in decision.why_en and "A-9" in decision.why_zh


def test_the_same_lot_without_room_is_passed_over_for_a_free_location():
    places = [place("A-1", seq=1), place("A-9", seq=0, units=15, lots=frozenset({(1, 7)}),
                                         capacity=20)]
    decision = rules.suggest(goods(), places)
    assert chosen(decision) == "A-1"
    assert isinstance(decision, Suggestion) and decision.reason == rules.NEAREST_FREE


def test_a_location_holding_another_lot_is_not_free():
    places = [place("A-1", seq=1, units=3, lots=frozenset({(1, 8)})), place("A-2", seq=2)]
    assert chosen(rules.suggest(goods(), places)) == "A-2"


def test_the_lowest_pick_sequence_wins_then_the_distance_from_the_origin():
    places = [place("A-3", seq=2), place("A-2", seq=1, x=5, y=5), place("A-1", seq=1, x=1)]
    assert chosen(rules.suggest(goods(), places)) == "A-1"


def test_capacity_none_is_unlimited_and_a_small_location_is_skipped():
    places = [place("SMALL", seq=1, capacity=5), place("BIG", seq=2)]
    assert chosen(rules.suggest(goods(quantity=1000), places)) == "BIG"
    assert rules.refusal(goods(quantity=6), places[0]) == rules.CAPACITY
    assert rules.refusal(goods(quantity=5), places[0]) is None


def test_a_blocked_location_is_never_chosen():
    places = [place("A-1", seq=1, blocked=True), place("A-2", seq=2)]
    assert chosen(rules.suggest(goods(), places)) == "A-2"
    assert rules.refusal(goods(), places[0]) == rules.BLOCKED


def test_nothing_fits_says_why_per_reason():
    places = [place("A-1", blocked=True), place("A-2"), place("RED", kind="REJECTED")]
    decision = rules.suggest(goods(temp=COLD), places)
    assert isinstance(decision, NoFit)
    assert dict(decision.reasons) == {rules.BLOCKED: 1, rules.TEMPERATURE: 1,
                                      rules.NOT_STORAGE: 1}
    assert "TEMPERATURE_MISMATCH ×1" in decision.why
    assert rules.suggest(goods(), []) == NoFit(())
    assert NoFit(()).why == "no candidate locations"


def test_an_occupied_location_counts_as_occupied_when_nothing_fits():
    occupied = place("A-1", units=1, lots=frozenset({(2, 1)}))
    decision = rules.suggest(goods(), [occupied])
    assert isinstance(decision, NoFit) and dict(decision.reasons) == {rules.OCCUPIED: 1}


def test_a_lot_less_item_consolidates_with_its_own_lot_less_stock():
    shelf = place("A-5", seq=5, units=2, lots=frozenset({(1, None)}))
    assert chosen(rules.suggest(goods(lot_id=None), [place("A-1"), shelf])) == "A-5"
    assert rules.holds_lot(goods(lot_id=None), replace(shelf, lots=frozenset())) is False
