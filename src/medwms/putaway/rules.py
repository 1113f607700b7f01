"""Pure putaway decisions: which location fits a lot, and why (or why none does).

Hard rules (never broken, not even by an override):
- blocked locations never;
- REJECTED stock only into a REJECTED-kind (red) zone; AVAILABLE stock only into STORAGE zones;
- the zone's temperature range must lie within the item's storage range; a zone without a
  range (or a side of it) counts as ambient, 0–30 °C (GSP 常温), so it never takes cold items;
- capacity in units (None = unlimited) is never exceeded.
Preference among the locations that pass: the same lot already stored there with room left
(consolidate), else an empty location; nearest the pick face first (lowest pick sequence,
then distance from the origin by x/y, then code).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

STORAGE = "STORAGE"
RED = "REJECTED"
AVAILABLE = "AVAILABLE"
REJECTED = "REJECTED"
PUTAWAY_STATUSES = frozenset({AVAILABLE, REJECTED})

# Refusal codes of a location, in the order they are checked.
BLOCKED = "LOCATION_BLOCKED"
NEEDS_RED_ZONE = "REJECTED_NEEDS_RED_ZONE"
NOT_STORAGE = "NOT_STORAGE_ZONE"
TEMPERATURE = "TEMPERATURE_MISMATCH"
CAPACITY = "OVER_CAPACITY"
# Reasons a location passes the hard rules but is not suggested.
OCCUPIED = "OCCUPIED"
CONSOLIDATE = "CONSOLIDATE"
NEAREST_FREE = "NEAREST_FREE"
REFUSAL_WORDS = {BLOCKED: ("库位已锁定", "blocked"),
                 NEEDS_RED_ZONE: ("不合格品须入红区", "needs the red zone"),
                 NOT_STORAGE: ("非存储区", "not a storage zone"),
                 TEMPERATURE: ("温度条件不符", "wrong temperature"),
                 CAPACITY: ("容量不足", "too full"), OCCUPIED: ("已存放其他货品", "occupied")}


@dataclass(frozen=True)
class TempRange:
    """A temperature range in °C; None on a side means no bound (item) or unknown (zone)."""

    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def text(self) -> str:
        """The range as people write it: 2.0–8.0 °C, ≤25.0 °C, ≥-20.0 °C, or 'none'."""
        if self.low is None and self.high is None:
            return "none"
        if self.low is None:
            return f"≤{_number(self.high)} °C"
        if self.high is None:
            return f"≥{_number(self.low)} °C"
        return f"{_number(self.low)}–{_number(self.high)} °C"


def _number(value: Decimal | None) -> str:
    """25.0 → 25, 2.5 → 2.5."""
    return f"{value.normalize():f}" if value is not None else ""


@dataclass(frozen=True)
class Candidate:
    """A location that might take the stock, with its zone and what it holds now."""

    location_id: int
    code: str
    zone_code: str
    zone_kind: str
    zone_range: TempRange
    capacity: int | None
    blocked: bool
    pick_seq: int
    x: Decimal
    y: Decimal
    units: int = 0
    lots: frozenset[tuple[int, int | None]] = frozenset()  # (item_id, lot_id) stored here


@dataclass(frozen=True)
class Goods:
    """What is put away: one item and lot, its storage range, its stock status and quantity."""

    item_id: int
    lot_id: int | None
    item_range: TempRange
    status: str
    quantity: int


@dataclass(frozen=True)
class Suggestion:
    """The chosen location and why (CONSOLIDATE or NEAREST_FREE)."""

    location_id: int
    code: str
    reason: str

    @property
    def why_en(self) -> str:
        """The reason in English, for the station."""
        if self.reason == CONSOLIDATE:
            return f"the same lot is already stored at {self.code} and it has room"
        return f"{self.code} is the free location nearest the pick face that fits"

    @property
    def why_zh(self) -> str:
        """The reason in Chinese, for the station."""
        if self.reason == CONSOLIDATE:
            return f"同批号已存放于 {self.code}，且仍有空间（合并存放）"
        return f"{self.code} 是符合条件且离拣货面最近的空库位"


@dataclass(frozen=True)
class NoFit:
    """Nothing fits: how many candidate locations failed for each reason."""

    reasons: tuple[tuple[str, int], ...]

    @property
    def why(self) -> str:
        """E.g. 'TEMPERATURE_MISMATCH ×12, OCCUPIED ×3' or 'no candidate locations'."""
        if not self.reasons:
            return "no candidate locations"
        return ", ".join(f"{code} ×{count}" for code, count in self.reasons)

    def why_in(self, language: str) -> str:
        """`why` in words: e.g. 'wrong temperature ×12, occupied ×3' (温度条件不符 ×12 …)."""
        zh = language.lower().startswith("zh")
        if not self.reasons:
            return "没有候选库位" if zh else "no candidate locations"
        words = [(REFUSAL_WORDS.get(code, (code, code))[0 if zh else 1], count)
                 for code, count in self.reasons]
        return ("，" if zh else ", ").join(f"{word} ×{count}" for word, count in words)


# A zone without a range (or a side of it) is plain ambient storage: China's GSP 常温 0–30 °C.
AMBIENT_LOW, AMBIENT_HIGH = Decimal(0), Decimal(30)
AMBIENT = TempRange(AMBIENT_LOW, AMBIENT_HIGH)


def effective(zone: TempRange) -> TempRange:
    """The zone's range with unset sides taken as ambient (0–30 °C)."""
    return TempRange(AMBIENT.low if zone.low is None else zone.low,
                     AMBIENT.high if zone.high is None else zone.high)


def zone_text(zone: TempRange) -> str:
    """The zone's range for people; an unset range says that ambient is assumed."""
    if zone.low is None and zone.high is None:
        return f"ambient {effective(zone).text}"
    return effective(zone).text


def range_fits(zone: TempRange, item: TempRange) -> bool:
    """True when the zone's (effective) range lies within the item's storage range."""
    low = AMBIENT_LOW if zone.low is None else zone.low
    high = AMBIENT_HIGH if zone.high is None else zone.high
    if item.low is not None and low < item.low:
        return False
    return item.high is None or high <= item.high


def has_room(candidate: Candidate, quantity: int) -> bool:
    """True when `quantity` more units fit (capacity None is unlimited)."""
    return candidate.capacity is None or candidate.units + quantity <= candidate.capacity


def refusal(goods: Goods, candidate: Candidate) -> str | None:
    """The hard rule `candidate` breaks for `goods` (its refusal code), or None."""
    if candidate.blocked:
        return BLOCKED
    if goods.status == REJECTED and candidate.zone_kind != RED:
        return NEEDS_RED_ZONE
    if goods.status != REJECTED and candidate.zone_kind != STORAGE:
        return NOT_STORAGE
    if not range_fits(candidate.zone_range, goods.item_range):
        return TEMPERATURE
    if not has_room(candidate, goods.quantity):
        return CAPACITY
    return None


def holds_lot(goods: Goods, candidate: Candidate) -> bool:
    """True when the candidate already stores this item and lot."""
    return (goods.item_id, goods.lot_id) in candidate.lots


def _nearness(candidate: Candidate) -> tuple[int, Decimal, str]:
    return (candidate.pick_seq, candidate.x * candidate.x + candidate.y * candidate.y,
            candidate.code)


def suggest(goods: Goods, candidates: Iterable[Candidate]) -> Suggestion | NoFit:
    """The location for `goods`: consolidate with the same lot, else the nearest free one."""
    failed: Counter[str] = Counter()
    same_lot: list[Candidate] = []
    free: list[Candidate] = []
    for candidate in candidates:
        code = refusal(goods, candidate)
        if code is None and holds_lot(goods, candidate):
            same_lot.append(candidate)
        elif code is None and candidate.units == 0:
            free.append(candidate)
        else:
            failed[code or OCCUPIED] += 1
    for pool, reason in ((same_lot, CONSOLIDATE), (free, NEAREST_FREE)):
        if pool:
            best = min(pool, key=_nearness)
            return Suggestion(best.location_id, best.code, reason)
    return NoFit(tuple(sorted(failed.items())))

