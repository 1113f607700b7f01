"""Properties of the putaway rules over random warehouses."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from medwms.putaway import rules
from medwms.putaway.rules import Candidate, Goods, NoFit, Suggestion, TempRange

ZONE_RANGES = [TempRange(), TempRange(Decimal(2), Decimal(8)), TempRange(Decimal(15), Decimal(25)),
               TempRange(None, Decimal(30)), TempRange(Decimal(-25), Decimal(-15)),
               TempRange(Decimal(0), Decimal(30)), TempRange(Decimal(2), Decimal(25))]
ITEM_RANGES = [TempRange(), TempRange(Decimal(2), Decimal(8)), TempRange(None, Decimal(25)),
               TempRange(None, Decimal(30)), TempRange(Decimal(-25), Decimal(-15)),
               TempRange(Decimal(10), Decimal(30))]
KINDS = ["STORAGE", "REJECTED", "RECEIVING", "QUARANTINE", "SHIPPING"]


@st.composite
def candidates(draw: st.DrawFn, location_id: int) -> Candidate:
    capacity = draw(st.one_of(st.none(), st.integers(0, 200)))
    units = draw(st.integers(0, capacity if capacity is not None else 300))
    lots = draw(st.frozensets(st.tuples(st.integers(1, 3), st.one_of(st.none(),
                                                                      st.integers(1, 3))),
                              max_size=3)) if units else frozenset()
    return Candidate(location_id=location_id, code=f"L{location_id:03d}",
                     zone_code="Z", zone_kind=draw(st.sampled_from(KINDS)),
                     zone_range=draw(st.sampled_from(ZONE_RANGES)), capacity=capacity,
                     blocked=draw(st.booleans()), pick_seq=draw(st.integers(0, 50)),
                     x=Decimal(draw(st.integers(0, 100))), y=Decimal(draw(st.integers(0, 100))),
                     units=units, lots=lots)


@st.composite
def warehouses(draw: st.DrawFn) -> list[Candidate]:
    size = draw(st.integers(0, 15))
    return [draw(candidates(n)) for n in range(1, size + 1)]


goods = st.builds(Goods, item_id=st.integers(1, 3), lot_id=st.one_of(st.none(), st.integers(1, 3)),
                  item_range=st.sampled_from(ITEM_RANGES),
                  status=st.sampled_from(["AVAILABLE", "REJECTED"]),
                  quantity=st.integers(1, 150))


def chosen(decision: Suggestion | NoFit, places: list[Candidate]) -> Candidate | None:
    if isinstance(decision, NoFit):
        return None
    return next(p for p in places if p.location_id == decision.location_id)


@settings(max_examples=150, deadline=None)
@given(goods, warehouses())
def test_a_cold_item_is_never_placed_in_an_ambient_zone(what, places):
    target = chosen(rules.suggest(what, places), places)
    if target is not None and what.item_range.high is not None \
            and what.item_range.high <= Decimal(8):
        zone = rules.effective(target.zone_range)
        assert zone.high is not None and zone.high <= what.item_range.high
        assert zone.low is not None and zone.low >= (what.item_range.low or zone.low)


@settings(max_examples=150, deadline=None)
@given(goods, warehouses())
def test_capacity_is_never_exceeded(what, places):
    target = chosen(rules.suggest(what, places), places)
    if target is not None and target.capacity is not None:
        assert target.units + what.quantity <= target.capacity


@settings(max_examples=150, deadline=None)
@given(goods, warehouses())
def test_a_blocked_location_is_never_chosen(what, places):
    target = chosen(rules.suggest(what, places), places)
    assert target is None or not target.blocked


@settings(max_examples=150, deadline=None)
@given(goods, warehouses())
def test_rejected_only_in_red_and_available_only_in_storage(what, places):
    target = chosen(rules.suggest(what, places), places)
    if target is not None:
        expected = "REJECTED" if what.status == "REJECTED" else "STORAGE"
        assert target.zone_kind == expected


@settings(max_examples=150, deadline=None)
@given(goods, warehouses())
def test_nothing_is_refused_when_something_fits(what, places):
    fitting = [p for p in places if rules.refusal(what, p) is None
               and (p.units == 0 or rules.holds_lot(what, p))]
    decision = rules.suggest(what, places)
    assert isinstance(decision, Suggestion) == bool(fitting)
    if isinstance(decision, NoFit):
        assert sum(count for _, count in decision.reasons) == len(places)
