"""A short pick path: a closed tour from the staging location through every pick location.

Pure. Distances are rectilinear (|dx| + |dy|): pickers walk along aisles, not through racks.
The tour is built by nearest neighbour over the distinct stops (locations, not lines), then
improved by 2-opt (reverse a stretch whenever that shortens the tour, until no reversal does
or MAX_EVALUATIONS reversals have been weighed — about 0.2 s: a wave of hundreds of stops gets
a few passes, a small one converges). The plain order — locations by pick
sequence, then code — is what a paper list would follow; if the improved tour were ever
longer, 2-opt from the plain order is used instead, so the route is never longer than it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

EPSILON = 1e-9
MAX_PASSES = 50
MAX_EVALUATIONS = 300_000


@dataclass(frozen=True)
class Stop:
    """A location to visit: its code, position and pick sequence."""

    code: str
    x: float
    y: float
    seq: int = 0


@dataclass(frozen=True)
class Plan:
    """The tour (staging first and last), its length and the plain order's length."""

    tour: tuple[Stop, ...]
    length: float
    plain_length: float

    @property
    def codes(self) -> list[str]:
        return [stop.code for stop in self.tour]


def distance(a: Stop, b: Stop) -> float:
    """Rectilinear walking distance between two stops."""
    return abs(a.x - b.x) + abs(a.y - b.y)


def tour_length(start: Stop, order: Sequence[Stop]) -> float:
    """The length of start → order… → start."""
    path = [start, *order, start]
    return sum(distance(a, b) for a, b in pairwise(path))


def plain_order(stops: Sequence[Stop]) -> list[Stop]:
    """The stops by pick sequence, then code."""
    return sorted(stops, key=lambda s: (s.seq, s.code))


def nearest_neighbour(start: Stop, stops: Sequence[Stop]) -> list[Stop]:
    """Always walk to the closest stop not yet visited (ties by code)."""
    left = list(stops)
    order: list[Stop] = []
    here = start
    while left:
        nearest = min(left, key=lambda s: (distance(here, s), s.code))
        left.remove(nearest)
        order.append(nearest)
        here = nearest
    return order


def two_opt(start: Stop, order: Sequence[Stop], *, budget: int = MAX_EVALUATIONS) -> list[Stop]:
    """Reverse stretches of the tour while that makes it shorter, within `budget` weighings."""
    path = [start, *order, start]
    xs, ys = [stop.x for stop in path], [stop.y for stop in path]
    for _ in range(MAX_PASSES):
        improved, budget = _improve(path, xs, ys, budget)
        if not improved or budget <= 0:
            break
    return path[1:-1]


def _improve(path: list[Stop], xs: list[float], ys: list[float],
             budget: int) -> tuple[bool, int]:
    """One pass of 2-opt over the closed path (ends fixed at the start stop).

    The coordinates are kept in step with the path in plain lists: this loop is the planner's
    whole cost, so it does arithmetic on locals rather than calling distance().
    """
    improved = False
    n = len(path)
    for i in range(1, n - 2):
        ax, ay, bx, by = xs[i - 1], ys[i - 1], xs[i], ys[i]
        ab = abs(ax - bx) + abs(ay - by)
        for j in range(i + 1, n - 1):
            cx, cy, dx, dy = xs[j], ys[j], xs[j + 1], ys[j + 1]
            delta = (abs(ax - cx) + abs(ay - cy) + abs(bx - dx) + abs(by - dy)
                     - ab - abs(cx - dx) - abs(cy - dy))
            if delta < -EPSILON:
                path[i:j + 1] = path[i:j + 1][::-1]
                xs[i:j + 1] = xs[i:j + 1][::-1]
                ys[i:j + 1] = ys[i:j + 1][::-1]
                improved = True
                bx, by = xs[i], ys[i]
                ab = abs(ax - bx) + abs(ay - by)
        budget -= n - 2 - i
        if budget <= 0:
            break
    return improved, budget


def plan(start: Stop, stops: Sequence[Stop]) -> Plan:
    """The shortest of 2-opt(nearest neighbour) and 2-opt(plain order), never above plain."""
    unique = list({stop.code: stop for stop in stops if stop.code != start.code}.values())
    plain = plain_order(unique)
    plain_len = tour_length(start, plain)
    best = two_opt(start, nearest_neighbour(start, unique))
    if tour_length(start, best) > plain_len:
        best = two_opt(start, plain)
    best_len = tour_length(start, best)
    if best_len > plain_len:  # float noise only: keep the plain order
        best, best_len = plain, plain_len
    return Plan((start, *best, start), best_len, plain_len)
