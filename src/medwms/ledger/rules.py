"""Pure ledger decisions: what a movement line means for the stock balances."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from medwms.core.errors import Problem


@dataclass(frozen=True)
class StockKey:
    """The identity of a balance: owner, item, lot, serial, location, status, handling unit."""

    owner_id: int
    item_id: int
    lot_id: int | None
    serial_id: int | None
    location_id: int
    status: str
    hu_id: int | None

    @cached_property
    def text(self) -> str:
        """The unique text form stored in `stock.key` (sorts and locks in a fixed order)."""
        return ":".join("" if v is None else str(v) for v in (
            self.owner_id, self.item_id, self.lot_id, self.serial_id, self.location_id,
            self.status, self.hu_id))


def by_text(key: StockKey) -> str:
    """The fixed order of stock keys (the order their rows are locked in)."""
    return key.text


@dataclass(frozen=True)
class Line:
    """One movement: `quantity` units leave the from-side and enter the to-side.

    A receipt has only a to-side, a shipment only a from-side, a status change the same
    location on both sides with two statuses.
    """

    kind: str
    owner_id: int
    item_id: int
    quantity: int
    lot_id: int | None = None
    serial_id: int | None = None
    from_location_id: int | None = None
    to_location_id: int | None = None
    from_status: str | None = None
    to_status: str | None = None
    from_hu_id: int | None = None
    to_hu_id: int | None = None
    reason: str = ""
    partner_id: int | None = None  # supplier of a receipt, consignee of a shipment

    @property
    def source(self) -> StockKey | None:
        if self.from_location_id is None or self.from_status is None:
            return None
        return StockKey(self.owner_id, self.item_id, self.lot_id, self.serial_id,
                        self.from_location_id, self.from_status, self.from_hu_id)

    @property
    def target(self) -> StockKey | None:
        if self.to_location_id is None or self.to_status is None:
            return None
        return StockKey(self.owner_id, self.item_id, self.lot_id, self.serial_id,
                        self.to_location_id, self.to_status, self.to_hu_id)


def line_problems(number: int, line: Line, statuses: frozenset[str]) -> list[Problem]:
    """Everything wrong with one line, as problems naming the line."""
    found: list[Problem] = []

    def bad(message: str, column: str) -> None:
        found.append(Problem(message, column=column, row=number))

    if line.quantity <= 0:
        bad("quantity must be a whole number above zero", "quantity")
    if line.serial_id is not None and line.quantity != 1:
        bad("a serialised unit moves one at a time", "quantity")
    if (line.from_location_id is None) != (line.from_status is None):
        bad("the from-side needs both a location and a status", "from_status")
    if (line.to_location_id is None) != (line.to_status is None):
        bad("the to-side needs both a location and a status", "to_status")
    if line.source is None and line.target is None:
        bad("a movement needs a from-side, a to-side or both", "to_location_id")
    if line.source is not None and line.source == line.target:
        bad("from-side and to-side are the same: nothing would change", "to_location_id")
    for status in (line.from_status, line.to_status):
        if status is not None and status not in statuses:
            bad(f"unknown status {status}", "status")
    return found


def deltas(lines: Iterable[Line]) -> dict[StockKey, int]:
    """The net change of every balance the lines touch."""
    change: dict[StockKey, int] = defaultdict(int)
    for line in lines:
        if line.source is not None:
            change[line.source] -= line.quantity
        if line.target is not None:
            change[line.target] += line.quantity
    return dict(change)


def only_adds_loose_units(change: dict[StockKey, int]) -> bool:
    """Whether every balance only grows and none is a serial (nothing can run short or
    hold a serial twice): such a change needs no balance read first."""
    return all(delta > 0 and key.serial_id is None for key, delta in change.items())


def first_shortfall(balances: dict[StockKey, int],
                    change: dict[StockKey, int]) -> tuple[StockKey, int, int] | None:
    """The first balance (in key order) that the change drives below zero: key, have, need."""
    for key in sorted(change, key=by_text):
        have = balances.get(key, 0)
        if have + change[key] < 0:
            return key, have, -change[key]
    return None


def serial_overflow(balances: dict[StockKey, int],
                    change: dict[StockKey, int]) -> StockKey | None:
    """A serialised balance that would exceed one unit (the same serial twice)."""
    for key in sorted(change, key=by_text):
        if key.serial_id is not None and balances.get(key, 0) + change[key] > 1:
            return key
    return None


def touched_locations(lines: Sequence[Line]) -> set[int]:
    return {loc for line in lines for loc in (line.from_location_id, line.to_location_id)
            if loc is not None}
