"""Pure decisions of the verification station (复核): what a re-scan means against what was
picked, which picked units were never re-scanned, and the pick accuracy that follows.

No database, no clock: the service loads the picked and confirmed units and passes them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from medwms.picking.rules import UnitKey


class Discrepancy(StrEnum):
    NONE = ""
    WRONG_ITEM = "WRONG_ITEM"
    WRONG_LOT = "WRONG_LOT"
    WRONG_SERIAL = "WRONG_SERIAL"
    OVER = "OVER"          # more units than were picked
    EXTRA = "EXTRA"        # a unit whose barcode names no item we know
    MISSING = "MISSING"    # picked, never re-scanned


def classify(picked: Mapping[UnitKey, int], confirmed: Mapping[UnitKey, int], key: UnitKey,
             quantity: int) -> Discrepancy:
    """What one verification scan is: a match, or the kind of mismatch it shows."""
    if key in picked:
        room = picked[key] - confirmed.get(key, 0)
        return Discrepancy.NONE if quantity <= room else Discrepancy.OVER
    if all(k.item_id != key.item_id for k in picked):
        return Discrepancy.WRONG_ITEM
    if all((k.item_id, k.lot_id) != (key.item_id, key.lot_id) for k in picked):
        return Discrepancy.WRONG_LOT
    return Discrepancy.WRONG_SERIAL


def shortfalls(picked: Mapping[UnitKey, int],
               covered: Iterable[Mapping[UnitKey, int]]) -> dict[UnitKey, int]:
    """Picked units not covered by confirmed scans, short-shipments or open MISSING lines."""
    covers = list(covered)
    short: dict[UnitKey, int] = {}
    for key in sorted(picked):
        left = picked[key] - sum(c.get(key, 0) for c in covers)
        if left > 0:
            short[key] = left
    return short


def accuracy(picks: int, errors: int) -> float:
    """Pick accuracy: the share of pick scans that verification found no error in."""
    if picks <= 0:
        return 1.0
    return max(0.0, 1.0 - errors / picks)
