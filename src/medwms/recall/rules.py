"""Pure recall decisions: what a scope matches, who received what, how long it took.

Plain frozen dataclasses in, decisions out: no database, no clock, no settings.
A scope is the UNION of its criteria (listed lots, listed serials, lots whose expiry or
production date falls in a range): a recall that over-blocks is safer than one that misses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from medwms.core.errors import Problem
from medwms.masterdata.fields import bilingual

RISK_CLASSES = ("I", "II", "III")
RECALLED = "RECALLED"


@dataclass(frozen=True)
class Scope:
    """What a recall covers within one item: lots, serials and date ranges (inclusive)."""

    gtin: str
    lots: tuple[str, ...] = ()
    serials: tuple[str, ...] = ()
    expiry_from: date | None = None
    expiry_to: date | None = None
    produced_from: date | None = None
    produced_to: date | None = None

    @property
    def by_expiry(self) -> bool:
        return self.expiry_from is not None or self.expiry_to is not None

    @property
    def by_production(self) -> bool:
        return self.produced_from is not None or self.produced_to is not None

    def is_empty(self) -> bool:
        """True when the scope names nothing: such a recall is refused."""
        return not (self.lots or self.serials or self.by_expiry or self.by_production)

    def as_json(self) -> dict[str, object]:
        """The scope as stored on the case (dates as ISO text)."""
        return {"gtin": self.gtin, "lots": list(self.lots), "serials": list(self.serials),
                "expiry_from": _iso(self.expiry_from), "expiry_to": _iso(self.expiry_to),
                "produced_from": _iso(self.produced_from),
                "produced_to": _iso(self.produced_to)}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def scope_problems(scope: Scope, risk_class: str, reason: str) -> list[Problem]:
    """Everything wrong with a recall's class, reason and date ranges."""
    found = []
    if risk_class not in RISK_CLASSES:
        found.append(Problem(bilingual("risk class must be I, II or III",
                                       "风险级别须为一级、二级或三级"),
                             column="risk_class", value=risk_class))
    if not reason.strip():
        found.append(Problem(bilingual("a recall needs a reason", "召回须填写原因"),
                             column="reason"))
    for low, high, name, zh in ((scope.expiry_from, scope.expiry_to, "expiry", "有效期"),
                                (scope.produced_from, scope.produced_to, "production date",
                                 "生产日期")):
        if low is not None and high is not None and low > high:
            found.append(Problem(bilingual(f"{name} range ends before it starts",
                                           f"{zh}范围的结束早于开始"),
                                 column=name, value=f"{low}..{high}"))
    return found


def in_range(value: date | None, low: date | None, high: date | None) -> bool:
    """Whether `value` lies in [low, high]; an open end is unbounded; no value never matches."""
    if value is None or (low is None and high is None):
        return False
    return (low is None or value >= low) and (high is None or value <= high)


@dataclass(frozen=True)
class LotFacts:
    lot_no: str
    expiry: date | None
    production_date: date | None


def lot_matches(scope: Scope, lot: LotFacts) -> bool:
    """Whether the whole lot falls in the scope (listed, or in an expiry/production range)."""
    return (lot.lot_no in scope.lots
            or in_range(lot.expiry, scope.expiry_from, scope.expiry_to)
            or in_range(lot.production_date, scope.produced_from, scope.produced_to))


@dataclass(frozen=True)
class ShippedUnit:
    """One shipment movement of scope units to a consignee."""

    partner_id: int
    shipment_no: str
    shipped_at: datetime
    quantity: int
    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None


@dataclass(frozen=True)
class ConsigneeTotal:
    """What one consignee received: total quantity and the units by lot/serial/shipment."""

    partner_id: int
    shipped_qty: int
    units: tuple[dict[str, object], ...] = field(default_factory=tuple)


def consignees(shipped: Iterable[ShippedUnit]) -> list[ConsigneeTotal]:
    """Shipments grouped per consignee, units merged per (shipment, lot, serial)."""
    merged: dict[int, dict[tuple[str, str | None, str | None], dict[str, object]]] = \
        defaultdict(dict)
    for unit in shipped:
        key = (unit.shipment_no, unit.lot, unit.serial)
        row = merged[unit.partner_id].setdefault(key, {
            "shipment": unit.shipment_no, "date": unit.shipped_at.isoformat(),
            "lot": unit.lot, "serial": unit.serial,
            "expiry": _iso(unit.expiry), "quantity": 0})
        row["quantity"] = int(str(row["quantity"])) + unit.quantity
    return [ConsigneeTotal(partner, sum(int(str(u["quantity"])) for u in rows.values()),
                           tuple(rows.values()))
            for partner, rows in sorted(merged.items())]


def response_ms(opened_at: datetime, listed_at: datetime) -> int:
    """The recall-response time: from opening to a complete consignee list, in ms."""
    return max(0, round((listed_at - opened_at).total_seconds() * 1000))


@dataclass(frozen=True)
class Accounting:
    """A consignee's figures: shipped = used + returned + destroyed + outstanding."""

    shipped: int
    returned: int = 0
    destroyed: int = 0
    used: int = 0

    @property
    def outstanding(self) -> int:
        return self.shipped - self.returned - self.destroyed - self.used


def report_problems(accounting: Accounting) -> list[Problem]:
    """A consignee report cannot account for more units than were shipped to them."""
    found = [Problem("must not be negative", column=name, value=str(value))
             for name, value in (("used", accounting.used), ("destroyed", accounting.destroyed))
             if value < 0]
    if accounting.outstanding < 0:
        found.append(Problem(
            f"used + returned + destroyed exceed the {accounting.shipped} shipped",
            column="quantity", value=str(accounting.shipped - accounting.outstanding)))
    return found


def backorder(allocated: int, picked: int) -> int:
    """Units of a cancelled allocation the order line still needs: reserved, not picked."""
    return max(0, allocated - picked)


def open_to_return(units: Iterable[dict[str, object]], lot: str | None,
                   serial: str | None) -> int:
    """How many units of (lot, serial) a consignee received under the recall."""
    return sum(int(str(u["quantity"])) for u in units
               if (lot is None or u.get("lot") == lot)
               and (serial is None or u.get("serial") == serial))


def red_zone(zone_kind: str) -> bool:
    """Recalled returns go into a REJECTED-kind (red) zone only."""
    return zone_kind == "REJECTED"


@dataclass(frozen=True)
class Reconciliation:
    """The recall report's figures: affected = in stock (blocked) + shipped."""

    blocked_in_stock: int
    shipped: int
    returned: int
    destroyed: int
    used: int

    @property
    def affected(self) -> int:
        return self.blocked_in_stock + self.shipped

    @property
    def unaccounted(self) -> int:
        return self.shipped - self.returned - self.destroyed - self.used


def reconcile(blocked_in_stock: int, rows: Iterable[Accounting]) -> Reconciliation:
    """Totals over every consignee."""
    rows = list(rows)
    return Reconciliation(blocked_in_stock, sum(r.shipped for r in rows),
                          sum(r.returned for r in rows), sum(r.destroyed for r in rows),
                          sum(r.used for r in rows))


# How a recall notice reached a consignee.
NOTICE_CHANNELS = ("PHONE", "EMAIL", "FAX", "LETTER", "IN_PERSON")
# The role whose holders may sign a recall closed (a quality decision, not a warehouse one).
QUALITY_MANAGER = "quality"
CLOSE_MEANING = "recall closed"


def notice_problems(channel: str, recipient: str, sent_at: datetime,
                    now: datetime) -> list[Problem]:
    """A notice names its channel and the person reached, and was not sent in the future."""
    found = []
    if channel not in NOTICE_CHANNELS:
        found.append(Problem(bilingual("choose how the notice was sent: phone, e-mail, fax, "
                                       "letter or in person",
                                       "请选择通知方式：电话、电子邮件、传真、信函或当面"),
                             column="channel", value=channel))
    if not recipient.strip():
        found.append(Problem(bilingual("name the person notified and how to reach them",
                                       "请填写被通知人及其联系方式"), column="recipient"))
    if sent_at > now:
        found.append(Problem(bilingual("the notice cannot have been sent in the future",
                                       "通知时间不能晚于现在"),
                             column="sent_at", value=sent_at.isoformat()))
    return found


def may_sign_close(roles: Iterable[str]) -> bool:
    """Only a quality manager signs a recall closed."""
    return QUALITY_MANAGER in set(roles)


@dataclass(frozen=True)
class ConsigneeState:
    """What closing needs to know of one consignee: told yet, and units not accounted for."""

    partner: str
    notified: bool
    outstanding: int


@dataclass(frozen=True)
class CloseBlockers:
    """Why a recall cannot be closed yet: consignees not notified, units not accounted for."""

    not_notified: tuple[str, ...]
    outstanding: tuple[tuple[str, int], ...]

    def __bool__(self) -> bool:
        return bool(self.not_notified or self.outstanding)


def close_blockers(consignees: Iterable[ConsigneeState], *, mock: bool) -> CloseBlockers:
    """A recall closes once every consignee is notified and, unless it is a drill (whose
    units are never called back), every shipped unit is used, returned or destroyed."""
    rows = list(consignees)
    return CloseBlockers(
        tuple(c.partner for c in rows if not c.notified),
        () if mock else tuple((c.partner, c.outstanding) for c in rows if c.outstanding > 0))


@dataclass(frozen=True)
class LotUnits:
    """One lot or serial of a recall: shipped, back, destroyed by us, still held, still out."""

    lot: str | None
    serial: str | None
    shipped: int
    returned: int
    destroyed: int
    in_stock: int

    @property
    def outstanding(self) -> int:
        """Units shipped that have not come back (the consignees report what became of them)."""
        return max(0, self.shipped - self.returned)


def destruction_problems(quantity: int, held: int, reason: str) -> list[Problem]:
    """A destruction names its reason and takes no more than the recalled units held there."""
    found = []
    if quantity <= 0:
        found.append(Problem(bilingual("the quantity must be above zero", "数量须大于零"),
                             column="quantity", value=str(quantity)))
    elif quantity > held:
        found.append(Problem(bilingual(f"only {held} recalled units are held there",
                                       f"该处仅有 {held} 件召回封存产品"),
                             column="quantity", value=str(quantity)))
    if not reason.strip():
        found.append(Problem(bilingual("say why and how the units are destroyed",
                                       "请填写销毁原因及方式"), column="reason"))
    return found
