"""Pure decisions of the picking station.

Which of the wave's allocations a scanned unit fills, and whether a unit of another
lot may replace the allocated one (a FEFO-eligible swap). An allocation without a serial takes
any serial of its lot. An allocation of one serial takes another serial of the same lot only
when the order line does not name the serial and the warehouse lets serials be substituted;
the substitution is then recorded. A picked unit's identity (UnitKey) is what verification
(medwms.verification.rules) re-scans against.
No database, no clock: the service loads the facts and passes "today" in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from medwms.core.clock import has_shelf_life


@dataclass(frozen=True)
class Open:
    """One allocation of the wave at the scanned location, for the scanned item."""

    allocation_id: int
    lot_id: int | None
    serial_id: int | None
    expiry: date | None
    remaining: int
    lot_required: bool = False  # the order line names its lot (or serial): no swap
    serial_required: bool = False  # the order line names its serial: that serial only
    delivery: date = date.min   # the order's planned delivery date
    min_days: int = 0           # the customer's minimum remaining shelf life on delivery


class Refusal(StrEnum):
    """Why a scanned unit cannot be picked against the wave's allocations."""

    QUANTITY = "QUANTITY_BEYOND_ALLOCATION"
    LATER_EXPIRY = "WRONG_LOT"
    REQUIRED_LOT = "REQUIRED_LOT"
    REQUIRED_SERIAL = "REQUIRED_SERIAL"    # the order line names another serial
    ALLOCATED_SERIAL = "ALLOCATED_SERIAL"  # another serial was allocated; no substitution here
    SHELF_LIFE = "SHELF_LIFE_TOO_SHORT"
    NOT_FREE = "LOT_NOT_FREE"


@dataclass(frozen=True)
class Match:
    """The allocation a unit fills; `swap` when the unit's lot or serial replaces its own."""

    allocation_id: int
    swap: bool
    allocated_lot_id: int | None
    allocated_expiry: date | None
    allocated_serial_id: int | None = None  # the serial the unit replaces, on a swap


def matches(open_: Open, lot_id: int | None, serial_id: int | None) -> bool:
    """The unit is the allocated one: same lot, and the same serial if one was allocated."""
    return open_.lot_id == lot_id and open_.serial_id in (None, serial_id)


def direct_match(allocations: Sequence[Open], lot_id: int | None, serial_id: int | None,
                 quantity: int) -> Match | None:
    """The first allocation of exactly this unit with room for `quantity` units."""
    for open_ in allocations:
        if matches(open_, lot_id, serial_id) and open_.remaining >= quantity:
            return Match(open_.allocation_id, False, open_.lot_id, open_.expiry)
    return None


def expires_no_later(scanned: date | None, allocated: date | None) -> bool:
    """FEFO order: a lot without expiry comes last, so anything expires no later than it."""
    if allocated is None:
        return True
    return scanned is not None and scanned <= allocated


@dataclass(frozen=True)
class SwapFacts:
    """What decides a swap besides the allocation: the scanned lot's expiry, its free units,
    and whether the warehouse lets a picker substitute another serial for an allocated one."""

    expiry: date | None
    free: int
    quantity: int
    serial_substitution: bool = True


def swap_candidate(allocations: Sequence[Open], quantity: int) -> Open | None:
    """The allocation a swap would replace: room for the units, latest expiry (most lenient)."""
    roomy = [a for a in allocations if a.remaining >= quantity and not a.lot_required]
    if not roomy:
        return None
    return max(roomy, key=lambda a: (a.expiry is None, a.expiry or date.min, -a.allocation_id))


def swap_refusal(allocated: Open, facts: SwapFacts) -> Refusal | None:
    """Why the scanned lot may not replace the allocated one, or None when it may."""
    if allocated.lot_required:
        return Refusal.REQUIRED_LOT
    if allocated.serial_id is not None and not facts.serial_substitution:
        return Refusal.ALLOCATED_SERIAL
    if not expires_no_later(facts.expiry, allocated.expiry):
        return Refusal.LATER_EXPIRY
    if not has_shelf_life(facts.expiry, allocated.delivery, allocated.min_days):
        return Refusal.SHELF_LIFE
    if facts.free < facts.quantity:
        return Refusal.NOT_FREE
    return None


def serial_of_same_lot(allocations: Sequence[Open], lot_id: int | None,
                       quantity: int) -> Open | None:
    """The allocation of another serial of the scanned lot with room (one not named first)."""
    same = [a for a in allocations if a.lot_id == lot_id and a.serial_id is not None
            and a.remaining >= quantity]
    return min(same, key=lambda a: (a.serial_required, a.allocation_id), default=None)


def substitute_serial(allocated: Open, facts: SwapFacts) -> Match | Refusal:
    """Another serial of the allocated lot in place of the allocated one, or why not."""
    if allocated.serial_required:
        return Refusal.REQUIRED_SERIAL
    if not facts.serial_substitution:
        return Refusal.ALLOCATED_SERIAL
    if facts.free < facts.quantity:
        return Refusal.NOT_FREE
    return Match(allocated.allocation_id, True, allocated.lot_id, allocated.expiry,
                 allocated.serial_id)


def decide(allocations: Sequence[Open], lot_id: int | None, serial_id: int | None,
           facts: SwapFacts) -> Match | Refusal:
    """The allocation the scanned unit fills (directly or by a swap), or why it may not."""
    direct = direct_match(allocations, lot_id, serial_id, facts.quantity)
    if direct is not None:
        return direct
    if any(matches(a, lot_id, serial_id) for a in allocations):
        return Refusal.QUANTITY
    same_lot = serial_of_same_lot(allocations, lot_id, facts.quantity) \
        if serial_id is not None else None
    if same_lot is not None:
        return substitute_serial(same_lot, facts)
    return lot_swap(allocations, facts)


def lot_swap(allocations: Sequence[Open], facts: SwapFacts) -> Match | Refusal:
    """A unit of another lot in place of an allocated one (FEFO-eligible), or why not."""
    if all(a.lot_required for a in allocations if a.remaining > 0) and \
            any(a.remaining > 0 for a in allocations):
        return Refusal.REQUIRED_LOT
    target = swap_candidate(allocations, facts.quantity)
    if target is None:
        return Refusal.QUANTITY
    refused = swap_refusal(target, facts)
    if refused is not None:
        return refused
    return Match(target.allocation_id, True, target.lot_id, target.expiry, target.serial_id)


# --- what verification re-scans ----------------------------------------------------------

@dataclass(frozen=True, order=True)
class UnitKey:
    """A picked unit's identity for verification: item, lot, serial."""

    item_id: int
    lot_id: int | None
    serial_id: int | None
