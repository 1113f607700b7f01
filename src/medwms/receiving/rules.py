"""Pure receiving decisions: what a scan needs, shelf life, qualification, notice matching.

No database, no clock: the service loads the facts and passes "today" in.

Notice matching: a received (item, lot) counts against the notice lines of that item and
lot; if the notice names the item without a lot, against those lines (any lot not named
elsewhere); else it is unexpected (accepted, listed at close). Quantities are base units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medwms.core.clock import days_remaining
from medwms.core.reasons import Reason

ARRIVAL_OUTSIDE = Reason("ARRIVAL_OUTSIDE", "arrival {temperature} °C outside {low}–{high} °C",
                         "到货温度 {temperature} °C，超出 {low}–{high} °C")
HELD = Reason("HOLD", "HOLD: {reason}", "暂扣：{reason}",  # the movement reason of a held scan
              "On hold: {reason}")
Bucket = tuple[int, str | None]


def missing_value(tracking: str, *, lot: str | None, serial: str | None,
                  expiry: date | None, needs_expiry: bool) -> str | None:
    """The first value the item's tracking needs that is absent: LOT, SERIAL or EXPIRY."""
    if "LOT" in tracking and not lot:
        return "LOT"
    if "SERIAL" in tracking and not serial:
        return "SERIAL"
    if needs_expiry and expiry is None:
        return "EXPIRY"
    return None


def shelf_life_short(expiry: date | None, today: date, required_days: int) -> bool:
    """True when fewer than `required_days` remain before expiry."""
    return (expiry is not None and required_days > 0
            and days_remaining(expiry, today) < required_days)


def fmt_temp(value: Decimal) -> str:
    return f"{value:.1f}"


def temperature_hold(arrival: Decimal | None, temp_min: Decimal | None,
                     temp_max: Decimal | None) -> str:
    """The hold reason when the arrival temperature is outside the item's range, else ""."""
    if arrival is None or (temp_min is None and temp_max is None):
        return ""
    low_ok = temp_min is None or arrival >= temp_min
    high_ok = temp_max is None or arrival <= temp_max
    if low_ok and high_ok:
        return ""
    low = "" if temp_min is None else fmt_temp(temp_min)
    high = "" if temp_max is None else fmt_temp(temp_max)
    return ARRIVAL_OUTSIDE.text(temperature=fmt_temp(arrival), low=low, high=high)


@dataclass(frozen=True)
class NoticeLine:
    """What the notice expects: base units of an item, of a lot (or any lot)."""

    item_id: int
    item: str
    gtin: str
    lot_no: str | None
    quantity: int
    serials: tuple[str, ...] = ()


@dataclass(frozen=True)
class Received:
    """Base units received of an item and lot (one receipt line, or a sum)."""

    item_id: int
    item: str
    lot_no: str | None
    quantity: int
    serial: str | None = None


@dataclass(frozen=True)
class Discrepancy:
    """One difference against the notice, as listed on the closed receipt."""

    kind: str  # SHORT, OVER, UNEXPECTED_LOT, UNEXPECTED_ITEM, MISSING_SERIAL, UNEXPECTED_SERIAL
    item: str
    lot_no: str | None
    expected: int
    received: int
    gtin: str = ""
    serial: str | None = None


def bucket(lines: Sequence[NoticeLine], item_id: int, lot_no: str | None) -> Bucket | None:
    """The notice bucket a received item+lot counts against, or None when unexpected."""
    named = {line.lot_no for line in lines if line.item_id == item_id}
    if lot_no is not None and lot_no in named:
        return (item_id, lot_no)
    if None in named:
        return (item_id, None)
    return None


def expected_in(lines: Sequence[NoticeLine], key: Bucket) -> int:
    """Base units the notice expects in one bucket."""
    return sum(line.quantity for line in lines if (line.item_id, line.lot_no) == key)


def received_in(lines: Sequence[NoticeLine], received: Iterable[Received], key: Bucket) -> int:
    """Base units received so far that count against one bucket."""
    return sum(r.quantity for r in received if bucket(lines, r.item_id, r.lot_no) == key)


ANY_LOT = "*"


def lot_key(lot_no: str | None) -> str:
    """The tally key of a lot (or of no lot)."""
    return "=" + (lot_no or "")


@dataclass(frozen=True)
class Tally:
    """What a scan counts against: its tally key, and the notice bucket's expectation.

    `expected` is None off the notice (no notice, or an unexpected item or lot).
    """

    key: str
    expected: int | None
    unexpected: bool


def tally_of(lot_no: str | None, *, on_notice: bool, named: int | None,
             any_lot: int | None) -> Tally:
    """The tally a received item+lot counts in, as `bucket` decides it.

    `named` is what the notice expects of this item and lot, `any_lot` of this item
    without a lot (None when the notice has no such line).
    """
    if not on_notice:
        return Tally(lot_key(lot_no), None, False)
    if lot_no is not None and named is not None:
        return Tally(lot_key(lot_no), named, False)
    if any_lot is not None:
        return Tally(ANY_LOT, any_lot, False)
    return Tally(lot_key(lot_no), None, True)


def is_over(expected: int, received_before: int, quantity: int) -> bool:
    """True when this scan takes the bucket above what the notice expects."""
    return received_before + quantity > expected


def discrepancies(lines: Sequence[NoticeLine], received: Sequence[Received]) -> list[Discrepancy]:
    """Short, over, unexpected lots/items and serial differences against the notice."""
    found = _quantity_differences(lines, received)
    found += _unexpected(lines, received)
    found += _serial_differences(lines, received)
    return found


def _quantity_differences(lines: Sequence[NoticeLine],
                          received: Sequence[Received]) -> list[Discrepancy]:
    found = []
    first: dict[Bucket, NoticeLine] = {}
    for line in lines:
        first.setdefault((line.item_id, line.lot_no), line)
    for key, line in first.items():
        want, got = expected_in(lines, key), received_in(lines, received, key)
        if got != want:
            found.append(Discrepancy("SHORT" if got < want else "OVER", line.item, key[1],
                                     want, got, gtin=line.gtin))
    return found


def _unexpected(lines: Sequence[NoticeLine], received: Sequence[Received]) -> list[Discrepancy]:
    totals: dict[tuple[int, str, str | None], int] = defaultdict(int)
    for r in received:
        if bucket(lines, r.item_id, r.lot_no) is None:
            totals[(r.item_id, r.item, r.lot_no)] += r.quantity
    on_notice = {line.item_id for line in lines}
    return [Discrepancy("UNEXPECTED_LOT" if item_id in on_notice else "UNEXPECTED_ITEM",
                        item, lot_no, 0, quantity)
            for (item_id, item, lot_no), quantity in sorted(
                totals.items(), key=lambda kv: (kv[0][1], kv[0][2] or ""))]


def _serial_differences(lines: Sequence[NoticeLine],
                        received: Sequence[Received]) -> list[Discrepancy]:
    expected = {(line.item_id, s): line for line in lines for s in line.serials}
    if not expected:
        return []
    got = {(r.item_id, r.serial): r for r in received if r.serial}
    missing = [Discrepancy("MISSING_SERIAL", line.item, line.lot_no, 1, 0, gtin=line.gtin,
                           serial=serial)
               for (item_id, serial), line in sorted(expected.items(), key=lambda kv: kv[0])
               if (item_id, serial) not in got]
    noticed_items = {item_id for item_id, _ in expected}
    extra = [Discrepancy("UNEXPECTED_SERIAL", r.item, r.lot_no, 0, 1, serial=r.serial)
             for key, r in sorted(got.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
             if key[0] in noticed_items and key not in expected]
    return missing + extra


# --- handover (交接) ------------------------------------------------------------------------

DELIVERY_NOTE, WAYBILL, TEMPERATURE_RECORD, DELIVERER_SIGNATURE = (
    "DELIVERY_NOTE", "WAYBILL", "TEMPERATURE_RECORD", "DELIVERER_SIGNATURE")
PAPERS = (DELIVERY_NOTE, WAYBILL, TEMPERATURE_RECORD)
MISSING_WORDS = {
    DELIVERY_NOTE: ("the delivery note scan", "随货同行单扫描件"),
    TEMPERATURE_RECORD: ("the transport temperature record", "运输温度记录"),
    DELIVERER_SIGNATURE: ("the deliverer's signature", "送货人签字"),
    "RECEIVER_SIGNATURE": ("the receiver's e-signature", "收货人电子签名"),
}


@dataclass(frozen=True)
class HandoverState:
    """What a receipt's handover has: the kept papers' purposes, the signatures, cold goods."""

    papers: frozenset[str]
    deliverer_signed: bool
    receiver_signed: bool
    cold: bool  # a transport logger was recorded at arrival (cold-chain goods)


def handover_missing(state: HandoverState) -> tuple[str, ...]:
    """What the receipt still lacks before it may be completed (empty when complete)."""
    missing = []
    if DELIVERY_NOTE not in state.papers:
        missing.append(DELIVERY_NOTE)
    if state.cold and TEMPERATURE_RECORD not in state.papers:
        missing.append(TEMPERATURE_RECORD)
    if not state.deliverer_signed:
        missing.append(DELIVERER_SIGNATURE)
    if not state.receiver_signed:
        missing.append("RECEIVER_SIGNATURE")
    return tuple(missing)


def missing_words(missing: tuple[str, ...]) -> tuple[str, str]:
    """The missing pieces named in English and in Chinese."""
    return (", ".join(MISSING_WORDS[m][0] for m in missing),
            "、".join(MISSING_WORDS[m][1] for m in missing))
