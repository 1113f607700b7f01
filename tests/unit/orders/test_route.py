"""The pick path: a valid closed tour from staging, never longer than the plain order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from medwms.orders.route import Stop, nearest_neighbour, plain_order, plan, tour_length, two_opt

STAGING = Stop("STG", 0, 0)


@st.composite
def grids(draw: st.DrawFn) -> list[Stop]:
    """Locations on a rack grid (aisles × bays), a random subset of them to visit."""
    aisles, bays = draw(st.integers(1, 8)), draw(st.integers(1, 12))
    cells = [(a, b) for a in range(aisles) for b in range(bays)]
    chosen = draw(st.lists(st.sampled_from(cells), unique=True, max_size=min(len(cells), 30)))
    seqs = draw(st.permutations(range(len(chosen))))
    return [Stop(f"A{a:02d}-{b:02d}", float(a * 3 + 2), float(b), seq)
            for (a, b), seq in zip(chosen, seqs, strict=True)]


@settings(max_examples=300, deadline=None)
@given(grids())
def test_the_route_is_a_tour_of_exactly_the_locations_from_and_to_staging(stops):
    made = plan(STAGING, stops)
    assert made.tour[0] == STAGING and made.tour[-1] == STAGING
    inner = made.codes[1:-1]
    assert sorted(inner) == sorted(s.code for s in stops)
    assert len(inner) == len(set(inner))


@settings(max_examples=300, deadline=None)
@given(grids())
def test_the_route_is_never_longer_than_the_plain_order(stops):
    made = plan(STAGING, stops)
    assert made.plain_length == tour_length(STAGING, plain_order(stops))
    assert made.length <= made.plain_length
    assert made.length == tour_length(STAGING, made.tour[1:-1])


def test_a_serpentine_beats_the_plain_order_on_a_zigzag_sequence():
    # Pick sequence jumps across the aisle back and forth: the plan walks each side once.
    stops = [Stop(f"L{i}", float(10 * (i % 2)), float(i), i) for i in range(10)]
    made = plan(STAGING, stops)
    assert made.length < made.plain_length
    assert made.length <= tour_length(STAGING, nearest_neighbour(STAGING, stops))


def test_no_stops_is_a_tour_of_staging_alone():
    made = plan(STAGING, [])
    assert made.codes == ["STG", "STG"]
    assert made.length == made.plain_length == 0


def test_the_staging_location_itself_is_not_a_stop():
    made = plan(STAGING, [Stop("STG", 0, 0), Stop("A", 1, 1)])
    assert made.codes == ["STG", "A", "STG"]
    assert made.length == 4


def test_a_spent_budget_stops_two_opt_with_a_tour_no_longer_than_it_started():
    stops = [Stop(f"L{i:03d}", float(i * 7 % 31), float(i * 13 % 29), i) for i in range(300)]
    start = nearest_neighbour(STAGING, stops)
    bounded = two_opt(STAGING, start, budget=1_000)
    unbounded = two_opt(STAGING, start, budget=10**9)
    assert sorted(s.code for s in bounded) == sorted(s.code for s in stops)
    assert tour_length(STAGING, unbounded) <= tour_length(STAGING, bounded) \
        <= tour_length(STAGING, start)
    assert bounded != unbounded  # 1,000 weighings are not a full pass over 300 stops
