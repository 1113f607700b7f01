"""Pure counting decisions: ABC classes, cycle selection, reconciliation, tolerance, recounts.

Reconciliation (one location, one round): the counted units (aggregated per item × lot ×
serial) are compared with the balances of the location at the moment the location was
closed (per owner × item × lot × serial × status). Counted units are spread over the
expected balances of the same item × lot × serial in key order (AVAILABLE first), each up to
its expected quantity; a surplus goes to the first such balance, or — nothing expected — to
the "found" owner and status the service decided. Variance = counted − expected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

CLASSES = ("A", "B", "C")
REASONS = ("DAMAGED", "FOUND", "MISCOUNTED", "THEFT", "UNRECORDED_MOVE", "OTHER")


# ---------------------------------------------------------------- ABC classification

@dataclass(frozen=True)
class ItemUsage:
    """An item's outbound movement value and pick count over the period."""

    item_id: int
    value: Decimal
    picks: int


@dataclass(frozen=True)
class AbcShares:
    """A = the items making the top `a` of value, B the next `b`, C the rest."""

    a: Decimal = Decimal("0.80")
    b: Decimal = Decimal("0.15")
    basis: str = "value"  # or "picks" (frequency)


def classify(usage: Sequence[ItemUsage], shares: AbcShares | None = None) -> dict[int, str]:
    """The ABC class of each item: by cumulative share of value (or picks), largest first."""
    shares = shares or AbcShares()
    def weight(u: ItemUsage) -> Decimal:
        return u.value if shares.basis == "value" else Decimal(u.picks)

    ranked = sorted(usage, key=lambda u: (-weight(u), -u.picks, u.item_id))
    total = sum((weight(u) for u in ranked), Decimal(0))
    out: dict[int, str] = {}
    before = Decimal(0)
    for u in ranked:
        share = before / total if total > 0 else Decimal(1)
        if weight(u) <= 0:
            out[u.item_id] = "C"
        elif share < shares.a:
            out[u.item_id] = "A"
        elif share < shares.a + shares.b:
            out[u.item_id] = "B"
        else:
            out[u.item_id] = "C"
        before += weight(u)
    return out


# ---------------------------------------------------------------- policies and tolerance

@dataclass(frozen=True)
class Policy:
    """Per ABC class: count interval and the variance tolerated before a recount."""

    abc: str
    interval_days: int
    tolerance_units: int = 0
    tolerance_pct: Decimal = Decimal(0)


DEFAULT_POLICIES: dict[str, Policy] = {
    "A": Policy("A", 30, 0, Decimal(0)),
    "B": Policy("B", 90, 1, Decimal("2")),
    "C": Policy("C", 365, 2, Decimal("5")),
}


def within_tolerance(expected: int, variance: int, policy: Policy, *,
                     serialised: bool = False) -> bool:
    """True when |variance| ≤ the larger of the unit and percentage allowances.

    A serialised unit is never tolerated missing or extra; the percentage is of `expected`.
    """
    if variance == 0:
        return True
    if serialised:
        return False
    allowance = max(Decimal(policy.tolerance_units),
                    Decimal(expected) * policy.tolerance_pct / Decimal(100))
    return Decimal(abs(variance)) <= allowance


# ---------------------------------------------------------------- cycle selection

@dataclass(frozen=True)
class LocationFacts:
    """What the plan rule needs to know about one location."""

    location_id: int
    zone_id: int
    classes: frozenset[str]
    last_counted: datetime | None = None
    last_variance: datetime | None = None
    last_pick_error: datetime | None = None


@dataclass(frozen=True)
class CycleRule:
    """Select a location when ANY given criterion holds (all None/empty: none selected)."""

    abc_due: tuple[str, ...] = ()
    not_counted_days: int | None = None
    variance_days: int | None = None
    pick_error_days: int | None = None


def _older(moment: datetime | None, now: datetime, days: int) -> bool:
    return moment is None or now - moment >= timedelta(days=days)


def _recent(moment: datetime | None, now: datetime, days: int) -> bool:
    return moment is not None and now - moment <= timedelta(days=days)


def due_by_class(facts: LocationFacts, classes: Iterable[str],
                 policies: Mapping[str, Policy], now: datetime) -> bool:
    """A location holding an item of a listed class whose interval has passed since its count."""
    return any(abc in facts.classes and _older(facts.last_counted, now,
                                               policies[abc].interval_days)
               for abc in classes)


def selected(facts: LocationFacts, rule: CycleRule, policies: Mapping[str, Policy],
             now: datetime) -> bool:
    """Whether `rule` picks this location for a cycle count."""
    checks = [
        bool(rule.abc_due) and due_by_class(facts, rule.abc_due, policies, now),
        rule.not_counted_days is not None
        and _older(facts.last_counted, now, rule.not_counted_days),
        rule.variance_days is not None and _recent(facts.last_variance, now, rule.variance_days),
        rule.pick_error_days is not None
        and _recent(facts.last_pick_error, now, rule.pick_error_days),
    ]
    return any(checks)


def select_locations(facts: Sequence[LocationFacts], rule: CycleRule,
                     policies: Mapping[str, Policy], now: datetime) -> list[int]:
    """The ids of the locations a cycle rule selects, in id order."""
    return sorted(f.location_id for f in facts if selected(f, rule, policies, now))


# ---------------------------------------------------------------- reconciliation

@dataclass(frozen=True, order=True)
class Unit:
    """What a count line is about, within one location."""

    item_id: int
    lot_id: int | None
    serial_id: int | None


@dataclass(frozen=True)
class Balance:
    """A balance of the location when it was closed (summed over handling units)."""

    owner_id: int
    unit: Unit
    status: str
    quantity: int


@dataclass(frozen=True)
class Found:
    """Owner and status for units counted where nothing of them was expected."""

    owner_id: int
    status: str


@dataclass(frozen=True)
class Result:
    """One reconciled line: the expected balance against what was counted."""

    owner_id: int
    unit: Unit
    status: str
    expected: int
    counted: int

    @property
    def variance(self) -> int:
        return self.counted - self.expected


def found_as(seen: set[tuple[int, str]], default_owner: int, unknown_status: str) -> Found:
    """Found units take the owner and status their stock has elsewhere, when that is one.

    Otherwise (a lot or serial never seen, or seen with several owners/statuses) the default
    owner and `unknown_status` (QUARANTINE: it must pass quality before use). Stock in transit
    elsewhere says nothing about a unit on a shelf here.
    """
    owners = {owner for owner, _ in seen}
    statuses = {status for _, status in seen} - {"IN_TRANSIT"}
    return Found(owner_id=next(iter(owners)) if len(owners) == 1 else default_owner,
                 status=next(iter(statuses)) if len(statuses) == 1 else unknown_status)


def _status_order(status: str) -> tuple[int, str]:
    return (0 if status == "AVAILABLE" else 1, status)


def reconcile(balances: Sequence[Balance], counted: Mapping[Unit, int],
              found: Mapping[Unit, Found]) -> list[Result]:
    """Spread the counted units over the expected balances; every key appears once."""
    by_unit: dict[Unit, list[Balance]] = defaultdict(list)
    for b in balances:
        by_unit[b.unit].append(b)
    results: list[Result] = []
    for unit in sorted(set(by_unit) | set(counted)):
        results.extend(_reconcile_unit(unit, by_unit.get(unit, []), counted.get(unit, 0),
                                       found.get(unit)))
    return results


def _reconcile_unit(unit: Unit, balances: list[Balance], counted: int,
                    found: Found | None) -> list[Result]:
    if not balances:
        if found is None:
            raise ValueError(f"no owner/status given for found unit {unit}")
        return [Result(found.owner_id, unit, found.status, 0, counted)] if counted else []
    ordered = sorted(balances, key=lambda b: (_status_order(b.status), b.owner_id))
    left = counted
    out = []
    for b in ordered:
        share = min(left, b.quantity)
        left -= share
        out.append(Result(b.owner_id, unit, b.status, b.quantity, share))
    if left:
        first = out[0]
        out[0] = Result(first.owner_id, unit, first.status, first.expected,
                        first.counted + left)
    return out


# ---------------------------------------------------------------- recount and approval

@dataclass(frozen=True)
class Judged:
    """A reconciled line with its tolerance decision."""

    result: Result
    within: bool
    needs_recount: bool


def judge(results: Sequence[Result], classes: Mapping[int, str],
          policies: Mapping[str, Policy], *, round_: int) -> list[Judged]:
    """Tolerance per line (by the item's ABC class, C when unclassified); round 1 only recounts."""
    out = []
    for r in results:
        policy = policies[classes.get(r.unit.item_id, "C")]
        ok = within_tolerance(r.expected, r.variance, policy,
                              serialised=r.unit.serial_id is not None)
        out.append(Judged(r, ok, needs_recount=not ok and round_ == 1))
    return out


def recount_counter_allowed(first_counter: int | None, recounter: int | None) -> bool:
    """A recount must be done by someone other than the first counter."""
    return recounter is not None and recounter != first_counter


MIN_COUNTERS = 2  # the first counter and the one who recounts a variance


def recount_possible(possible_counters: int) -> bool:
    """Whether a variance could be recounted: at least two people may count the plan."""
    return possible_counters >= MIN_COUNTERS


def may_start(assignee: int | None, actor: int | None) -> bool:
    """An open task is anyone's (of the plan) unless a manager assigned it to someone else."""
    return assignee is None or assignee == actor


@dataclass(frozen=True)
class Variance:
    """An approved line's adjustment: the key and the signed quantity to post."""

    line_id: int
    owner_id: int
    unit: Unit
    location_id: int
    status: str
    variance: int
    reason: str


def missing_reasons(variances: Iterable[Variance]) -> list[int]:
    """Ids of non-zero lines without a valid reason code."""
    return [v.line_id for v in variances if v.variance != 0 and v.reason not in REASONS]


def takes(need: int, rows: Sequence[tuple[int | None, int]]) -> list[tuple[int | None, int]]:
    """Split a removal of `need` units over (hu_id, quantity) rows, loose stock first."""
    out = []
    for hu, have in sorted(rows, key=lambda r: (r[0] is not None, r[0] or 0)):
        if need <= 0:
            break
        take = min(need, have)
        if take > 0:
            out.append((hu, take))
            need -= take
    return out


def accuracy(lines_counted: int, lines_without_variance: int) -> Decimal:
    """Stocktake accuracy: lines without variance / lines counted (1 when nothing counted)."""
    if lines_counted == 0:
        return Decimal(1)
    return (Decimal(lines_without_variance) / Decimal(lines_counted)).quantize(Decimal("0.0001"))
