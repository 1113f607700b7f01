"""Pure decisions of the verification station (复核): what a re-scan means against what was
picked, which picked units were never re-scanned, and the pick accuracy that follows.

The review checklist (G26): four conditions per reviewed unit, all fine unless the reviewer
names one that fails; and the unit's UDI as scanned.

No database, no clock: the service loads the picked and confirmed units and passes them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from medwms.picking.rules import UnitKey
from medwms.verification.errors import AnomalyNeedsNote, BadChecklist


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


# --- the review checklist (G26) -------------------------------------------------------------

class Check(StrEnum):
    """The four conditions that stop a unit at the outbound review when answered "no"."""

    PACKAGING = "PACKAGING"  # packaging damaged, dirty, badly sealed or the seal broken
    LABEL = "LABEL"          # label missing, illegible or not matching the goods
    EXPIRY = "EXPIRY"        # the device is expired
    OTHER = "OTHER"          # any other anomaly (a note says what)


COLUMNS = {Check.PACKAGING: "packaging_ok", Check.LABEL: "label_ok",
           Check.EXPIRY: "not_expired", Check.OTHER: "no_anomaly"}


@dataclass(frozen=True)
class Checklist:
    """The reviewer's answers for one unit: the conditions that failed (none: all fine)."""

    failed: frozenset[Check] = frozenset()
    note: str = ""

    @property
    def passed(self) -> bool:
        """True when all four conditions were confirmed."""
        return not self.failed

    def answers(self) -> dict[str, bool]:
        """The four answers by column: True where the condition is confirmed fine."""
        return {column: check not in self.failed for check, column in COLUMNS.items()}

    def failed_text(self) -> str:
        """The failed conditions in the checklist's order, comma-joined ("" when all fine)."""
        return ",".join(c.value for c in Check if c in self.failed)


def checklist_of(failed: Iterable[str], note: str = "") -> Checklist:
    """The checklist from the station's answer: failing conditions named, all else fine.

    Refused: an unknown condition, or "other anomaly" without a note saying what it is.
    """
    named = [text.strip().upper() for text in failed if text.strip()]
    unknown = [text for text in named if text not in Check.__members__]
    if unknown:
        raise BadChecklist(value=", ".join(unknown), allowed=" / ".join(Check))
    checklist = Checklist(frozenset(Check(text) for text in named), " ".join(note.split())[:300])
    if Check.OTHER in checklist.failed and not checklist.note:
        raise AnomalyNeedsNote()
    return checklist


def udi_text(gtin: str, expiry: date | None, lot: str | None, serial: str | None) -> str:
    """The unit's UDI in GS1 human-readable form: (01)GTIN(17)YYMMDD(10)LOT(21)SERIAL."""
    parts = [f"(01){gtin}"] if gtin else []
    if expiry is not None:
        parts.append(f"(17){expiry:%y%m%d}")
    if lot:
        parts.append(f"(10){lot}")
    if serial:
        parts.append(f"(21){serial}")
    return "".join(parts)[:120]
