"""Pure shipping decisions: SSCCs, cold-chain boxes, transport records, receipt matching.

Cold chain: an item is cold-chain when its storage condition is (masterdata.storage:
refrigerated or frozen; an item stored at ≤ 30 °C is ambient). A cold item may only be
packed into a cold shipping unit; an ambient item may ride in a cold box (a cooler is not a
risk to a room-temperature device, and mixed cold boxes are common for small orders) — but
the box's dispatch temperature must then lie within the range of *every* item inside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from medwms.barcode.checkdigit import gs1_check_digit
from medwms.core.errors import Problem
from medwms.masterdata.storage import is_cold_chain
from medwms.shipping.reasons import MORE_RETURNED, NEVER_SHIPPED

DEMO_COMPANY_PREFIX = "6901234"  # a demo GS1 China prefix until settings carry the real one
OUR_FLEET = "OWN"  # carrier name of our own vehicles: the "waybill" then names plate and driver

Key = tuple[int, int | None, int | None]  # item, lot, serial


def sscc(extension: int, company_prefix: str, serial_reference: int) -> str:
    """The 18-digit SSCC: extension digit, company prefix, serial reference, check digit."""
    if not 0 <= extension <= 9:
        raise ValueError("the extension digit is 0–9")
    if not (company_prefix.isdigit() and 6 <= len(company_prefix) <= 12):
        raise ValueError("a GS1 company prefix is 6–12 digits")
    width = 16 - len(company_prefix)
    if not 0 <= serial_reference < 10 ** width:
        raise ValueError(f"the serial reference has at most {width} digits")
    body = f"{extension}{company_prefix}{serial_reference:0{width}d}"
    return body + str(gs1_check_digit(body))


def serial_reference_width(company_prefix: str) -> int:
    """How many digits the serial reference has after `company_prefix`."""
    return 16 - len(company_prefix)


@dataclass(frozen=True)
class TempRange:
    """An item's storage and transport range in °C; either end may be open."""

    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def cold(self) -> bool:
        """Cold-chain by the item's storage condition (refrigerated or frozen)."""
        return is_cold_chain(self.low, self.high)

    def contains(self, temperature: Decimal) -> bool:
        """True when `temperature` is within the range, ends included."""
        return (self.low is None or temperature >= self.low) and \
            (self.high is None or temperature <= self.high)

    def text(self) -> str:
        """E.g. "2–8"."""
        return f"{_num(self.low)}–{_num(self.high)}"


def _num(value: Decimal | None) -> str:
    return "…" if value is None else f"{value.normalize():f}"


def refuses_box(item: TempRange, box_cold: bool) -> bool:
    """A cold item into an ambient box is refused; everything else may be packed."""
    return item.cold and not box_cold


def cold_box_problems(box_id: str, logger_id: str,
                      temperature: Decimal | None) -> list[Problem]:
    """What a cold shipping unit still lacks (G29, K09): box id, logger id, temperature."""
    found = []
    if not box_id.strip():
        found.append(Problem("the cold box id is required", column="box_id"))
    if not logger_id.strip():
        found.append(Problem("the temperature logger id is required", column="logger_id"))
    if temperature is None:
        found.append(Problem("the temperature at dispatch is required",
                             column="dispatch_temp"))
    return found


def transport_problem(carrier: str, waybill: str) -> str | None:
    """CARRIER_REQUIRED or WAYBILL_REQUIRED when the transport record is incomplete (G28)."""
    if not carrier.strip():
        return "CARRIER_REQUIRED"
    if not waybill.strip():
        return "WAYBILL_REQUIRED"
    return None


def first_unpacked(picked: Mapping[Key, int], packed: Mapping[Key, int]) -> Key | None:
    """The first key (in order) whose packed quantity differs from the picked quantity."""
    for key in sorted(set(picked) | set(packed), key=_sortable):
        if picked.get(key, 0) != packed.get(key, 0):
            return key
    return None


def _sortable(key: Key) -> tuple[int, int, int]:
    item, lot, serial = key
    return item, lot or 0, serial or 0


@dataclass(frozen=True)
class OpenLine:
    """A shipped line still (partly) in transit: how many units are outstanding."""

    line_id: int
    key: Key
    outstanding: int


def match_receipt(lines: Sequence[OpenLine], key: Key,
                  quantity: int) -> tuple[list[tuple[int, int]], int]:
    """Which lines a received `quantity` of `key` settles, and how many are over."""
    takes: list[tuple[int, int]] = []
    left = quantity
    for line in lines:
        if left == 0:
            break
        if line.key == key and line.outstanding > 0:
            taken = min(left, line.outstanding)
            takes.append((line.line_id, taken))
            left -= taken
    return takes, left


@dataclass(frozen=True)
class Arrival:
    """What status a transferred unit arrives in, and why."""

    status: str
    reason: str


def arrival(previous: str, span: TempRange, temperature: Decimal | None) -> Arrival:
    """The previous status back, unless the cold chain broke: then QUARANTINE for quality."""
    if temperature is None or span.contains(temperature):
        return Arrival(previous, "transfer received")
    reason = (f"HOLD: cold chain broken in transit: arrival {_num(temperature)} °C "
              f"outside {span.text()} °C")
    return Arrival("QUARANTINE", reason)


@dataclass(frozen=True)
class ReturnFlag:
    """Why a returned unit does not match what we shipped to the customer."""

    en: str
    zh: str


def return_flag(shipped: int, returned: int, quantity: int,
                serialised: bool) -> ReturnFlag | None:
    """None when the customer got at least this many more than they returned (G31)."""
    if shipped == 0:
        what = "serial" if serialised else "lot"
        return ReturnFlag(NEVER_SHIPPED.text(what=what), "该批号/序列号从未发往此客户")
    if returned + quantity > shipped:
        fields = {"returned": returned + quantity, "shipped": shipped}
        return ReturnFlag(MORE_RETURNED.text(**fields), MORE_RETURNED.words(fields, "zh-CN"))
    return None
