"""FEFO allocation: which stock an order line takes, and why the rest was passed over.

Pure: the service loads the candidate stock (every balance of the line's item in the shipping
warehouse, any status, any owner) with what is already reserved, and passes in "now", the
warehouse's time zone and the customer's shelf-life minimum.

The algorithm, per line:
1. Each candidate is eligible or passed over with one reason, checked in a fixed order:
   another owner (G21), another lot/serial than the line requires, a status other than
   AVAILABLE, not in a STORAGE zone, a blocked location, expired today (core.clock.is_expired:
   usable through the end of the expiry day), fewer than the partner's minimum days left on
   the planned delivery date, nothing free (reserved by other orders).
2. Eligible stock is grouped by expiry date, earliest first (no expiry last): FEFO.
3. Within one expiry date, locations are chosen greedily: the one that gives the most of what
   is still needed first (this visits the fewest locations), then one holding whole packs
   (no broken box), then the smaller stock (empty the bin), then the location code.
What cannot be allocated is the line's backorder; its reason names the stock passed over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from itertools import groupby
from typing import Any

from medwms.core.clock import days_remaining, is_expired

ALLOCATABLE = "AVAILABLE"
EXCLUDED_STATUSES = frozenset({"QUARANTINE", "HOLD", "REJECTED", "RECALLED", "EXPIRED",
                               "IN_TRANSIT"})
STORAGE_KIND = "STORAGE"
REASON_LIMIT = 300


class Reason(StrEnum):
    """Why a candidate was passed over."""

    WRONG_OWNER = "WRONG_OWNER"
    OTHER_LOT = "OTHER_LOT"
    OTHER_SERIAL = "OTHER_SERIAL"
    STATUS = "STATUS"
    NOT_STORAGE = "NOT_STORAGE"
    LOCATION_BLOCKED = "LOCATION_BLOCKED"
    EXPIRED = "EXPIRED"
    SHELF_LIFE = "SHELF_LIFE"
    RESERVED = "RESERVED"
    NOT_NEEDED = "NOT_NEEDED"


# Reasons that explain a shortage (OTHER_LOT/SERIAL and NOT_NEEDED do not).
SHORTAGE_REASONS = frozenset(Reason) - {Reason.NOT_NEEDED}


@dataclass(frozen=True, order=True)
class Place:
    """A stock key without its status (an allocation always points at AVAILABLE stock)."""

    owner_id: int
    item_id: int
    lot_id: int | None
    serial_id: int | None
    location_id: int
    hu_id: int | None


@dataclass(frozen=True)
class Candidate:
    """One balance of the item in the warehouse, with what is still free of it."""

    place: Place
    status: str
    quantity: int
    free: int
    expiry: date | None
    location: str
    zone_kind: str
    lot_no: str | None = None
    serial: str | None = None
    owner: str = ""
    blocked: bool = False


@dataclass(frozen=True)
class Need:
    """What one order line asks for, in base units."""

    owner_id: int
    item_id: int
    quantity: int
    lot_no: str | None = None
    serial: str | None = None
    pack_size: int = 1


@dataclass(frozen=True)
class Policy:
    """The order's expiry policy: now, the warehouse's time zone, the customer's minimum."""

    now: datetime
    timezone: str
    delivery_date: date
    min_remaining_days: int = 0
    who: str = "customer"


@dataclass(frozen=True)
class Take:
    candidate: Candidate
    quantity: int


@dataclass(frozen=True)
class Passed:
    candidate: Candidate
    reason: Reason
    detail: str


@dataclass(frozen=True)
class Decision:
    """The stock one line takes, what it passed over, and the backorder."""

    need: Need
    policy: Policy
    takes: tuple[Take, ...]
    passed: tuple[Passed, ...]

    @property
    def allocated(self) -> int:
        return sum(take.quantity for take in self.takes)

    @property
    def backorder(self) -> int:
        return self.need.quantity - self.allocated

    @property
    def backorder_reason(self) -> str:
        """"" when complete, else e.g. "only 40 of 100 eligible: lot L2 expires …"."""
        if not self.backorder:
            return ""
        details = list(dict.fromkeys([
            *(p.detail for p in self.passed if p.reason in SHORTAGE_REASONS),
            *(_partly_reserved(t.candidate) for t in self.takes
              if t.candidate.free < t.candidate.quantity)]))
        why = "; ".join(details) if details else "no other stock in the warehouse"
        text = f"only {self.allocated} of {self.need.quantity} eligible: {why}"
        return text if len(text) <= REASON_LIMIT else text[:REASON_LIMIT - 1] + "…"


def delivery_day(delivery: date | None, ship: date | None, today: date) -> date:
    """The planned delivery date: delivery, else the ship date, else today — never before today."""
    planned = delivery or ship or today
    return max(planned, today)


def allocate(need: Need, candidates: Iterable[Candidate], policy: Policy) -> Decision:
    """FEFO: the eligible stock the line takes, and every candidate passed over with why."""
    eligible: list[Candidate] = []
    passed: list[Passed] = []
    for candidate in candidates:
        if candidate.place.item_id != need.item_id:
            continue
        why = exclusion(candidate, need, policy)
        if why is None:
            eligible.append(candidate)
        else:
            passed.append(Passed(candidate, *why))
    takes = _choose(eligible, need.quantity, max(need.pack_size, 1))
    taken = {take.candidate.place for take in takes}
    passed += [Passed(c, Reason.NOT_NEEDED, f"{_lot(c)} not needed (FEFO)")
               for c in eligible if c.place not in taken]
    return Decision(need, policy, tuple(takes), tuple(passed))


def exclusion(c: Candidate, need: Need, policy: Policy) -> tuple[Reason, str] | None:
    """Why `c` may not serve `need` (reason and words), or None when it may."""
    # Checked in the order the module docstring gives; the words are only built for a
    # candidate that fails (most pass, and a wave weighs thousands).
    return (_identity_exclusion(c, need) or _place_exclusion(c)
            or _expiry_exclusion(c, policy) or _free_exclusion(c))


def _identity_exclusion(c: Candidate, need: Need) -> tuple[Reason, str] | None:
    if c.place.owner_id != need.owner_id:
        return Reason.WRONG_OWNER, (f"{_lot(c)} at {c.location} belongs to owner "
                                    f"{c.owner or c.place.owner_id}")
    if need.lot_no is not None and c.lot_no != need.lot_no:
        return Reason.OTHER_LOT, f"{_lot(c)}: the line requires lot {need.lot_no}"
    if need.serial is not None and c.serial != need.serial:
        return Reason.OTHER_SERIAL, f"{_lot(c)}: the line requires serial {need.serial}"
    return None


def _place_exclusion(c: Candidate) -> tuple[Reason, str] | None:
    if c.status != ALLOCATABLE:
        return Reason.STATUS, f"{_lot(c)} at {c.location} is {c.status}"
    if c.zone_kind != STORAGE_KIND:
        return Reason.NOT_STORAGE, f"{_lot(c)} at {c.location} is not in storage ({c.zone_kind})"
    if c.blocked:
        return Reason.LOCATION_BLOCKED, f"{_lot(c)}: location {c.location} is blocked"
    return None


@lru_cache(maxsize=4096)
def _expired(expiry: date, now: datetime, timezone: str) -> bool:
    """core.clock.is_expired, remembered: a wave asks it of the same few dates again and again."""
    return is_expired(expiry, now, timezone)


def _expiry_exclusion(c: Candidate, policy: Policy) -> tuple[Reason, str] | None:
    if c.expiry is None:
        return None
    if _expired(c.expiry, policy.now, policy.timezone):
        return Reason.EXPIRED, f"{_lot(c)} expired on {c.expiry.isoformat()}"
    left = days_remaining(c.expiry, policy.delivery_date)
    if left < max(policy.min_remaining_days, 0):
        return Reason.SHELF_LIFE, (
            f"{_lot(c)} expires {c.expiry.isoformat()}, {policy.who} needs "
            f"{policy.min_remaining_days} days on {policy.delivery_date.isoformat()}")
    return None


def _free_exclusion(c: Candidate) -> tuple[Reason, str] | None:
    if c.free <= 0:
        return Reason.RESERVED, _partly_reserved(c)
    return None


def _partly_reserved(c: Candidate) -> str:
    return (f"{c.quantity - max(c.free, 0)} of {c.quantity} of {_lot(c)} at {c.location} "
            "reserved by other orders")


def _lot(c: Candidate) -> str:
    if c.serial:
        return f"serial {c.serial}" + (f" (lot {c.lot_no})" if c.lot_no else "")
    return f"lot {c.lot_no}" if c.lot_no else "stock without lot"


def _expiry_order(c: Candidate) -> tuple[bool, date]:
    return c.expiry is None, c.expiry or date.max


def _choose(eligible: Sequence[Candidate], quantity: int, pack: int) -> list[Take]:
    takes: list[Take] = []
    remaining = quantity
    for _, group in groupby(sorted(eligible, key=_expiry_order), key=_expiry_order):
        if remaining <= 0:
            break
        chosen = _fewest_locations(list(group), remaining, pack)
        takes += chosen
        remaining -= sum(take.quantity for take in chosen)
    return takes


def _fewest_locations(group: list[Candidate], remaining: int, pack: int) -> list[Take]:
    """Same expiry: the fewest locations first, then whole packs, then the smaller stock."""
    at: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in group:
        at[candidate.place.location_id].append(candidate)
    free = {loc: sum(c.free for c in cs) for loc, cs in at.items()}
    takes: list[Take] = []
    while remaining > 0 and at:
        loc = min(at, key=lambda n: (-min(free[n], remaining), free[n] % pack != 0, free[n],
                                     at[n][0].location, n))
        for candidate in sorted(at.pop(loc), key=_within_location):
            quantity = min(candidate.free, remaining)
            if quantity > 0:
                takes.append(Take(candidate, quantity))
                remaining -= quantity
    return takes


def _within_location(c: Candidate) -> tuple[Any, ...]:
    return c.lot_no or "", c.serial or "", c.place


def free_after(free: dict[Place, int], decision: Decision) -> None:
    """Subtract what a decision took from the free quantities (the next line sees the rest)."""
    for take in decision.takes:
        free[take.candidate.place] = free.get(take.candidate.place, 0) - take.quantity


def explain(decision: Decision) -> dict[str, Any]:
    """The JSON-ready explanation: lots taken, lots passed over (grouped) and why."""
    return {
        "requested": decision.need.quantity,
        "allocated": decision.allocated,
        "backorder": decision.backorder,
        "backorder_reason": decision.backorder_reason,
        "delivery_date": decision.policy.delivery_date.isoformat(),
        "min_remaining_days": decision.policy.min_remaining_days,
        "taken": [_taken_row(take) for take in decision.takes],
        "passed": _passed_rows(decision.passed),
    }


def _taken_row(take: Take) -> dict[str, Any]:
    c = take.candidate
    return {"lot": c.lot_no, "serial": c.serial, "expiry": _iso(c.expiry),
            "location": c.location, "quantity": take.quantity,
            "reserved_by_others": c.quantity - c.free}


def _passed_rows(passed: Sequence[Passed]) -> list[dict[str, Any]]:
    """One row per (lot, location, status, reason): serials are counted, not listed."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for p in passed:
        c = p.candidate
        key = (c.lot_no, c.location, c.status, p.reason, c.owner)
        row = rows.setdefault(key, {
            "lot": c.lot_no, "expiry": _iso(c.expiry), "location": c.location,
            "status": c.status, "owner": c.owner, "reason": str(p.reason),
            "detail": p.detail, "quantity": 0, "free": 0, "serials": 0})
        row["quantity"] += c.quantity
        row["free"] += max(c.free, 0)
        row["serials"] += 1 if c.serial else 0
    return list(rows.values())


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


