"""Pure decisions of expiry control, holds, quality decisions, destruction and 养护 checks.

No database, no clock, no settings: the services load the facts, take "now" from the clock
and the thresholds from their arguments, and pass them in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from medwms.core.clock import days_remaining, is_expired, local_date
from medwms.core.reasons import Reason
from medwms.ledger.rules import Line

# What the expiry job locks. REJECTED is red already and can never be sold; RECALLED stays
# under its recall case (its reconciliation counts it); IN_TRANSIT is between two sites and
# the receiving end takes it in: none of them is usable, none is moved.
LOCKED_BY_EXPIRY = frozenset({"AVAILABLE", "QUARANTINE", "HOLD"})
# What "hold on doubt" puts on HOLD: usable stock. Stock in QUARANTINE is not released yet:
# its acceptance inspection decides it (a release from HOLD must not skip that inspection).
HOLDABLE = frozenset({"AVAILABLE"})
# What a destruction record may take out of stock.
DESTROYABLE = frozenset({"REJECTED", "EXPIRED"})

EXPIRY_LOCKED = Reason("EXPIRY_LOCKED", "expired on {expiry}: locked by the expiry job",
                       "已于 {expiry} 过期：效期任务自动锁定")
HELD_ON_DOUBT = Reason("HELD_ON_DOUBT", "quality doubt {hold_no}: {reason}",
                       "质量疑问 {hold_no}：{reason}")
MOVED_TO_RED = Reason("MOVED_TO_RED", "moved to the nonconforming area", "移入不合格品区")
DESTROYED = Reason("DESTROYED", "destroyed {destruction_no}: {method}",
                   "销毁 {destruction_no}：{method}")


class Decision(StrEnum):
    """What quality decides about held stock."""

    RELEASE = "RELEASE"  # back to AVAILABLE
    NONCONFORMING = "NONCONFORMING"  # REJECTED, into the red area
    RETURN = "RETURN"  # REJECTED, into the red area, to go back to the supplier
    DESTROY = "DESTROY"  # REJECTED, into the red area, to be destroyed with a record


DECIDED: dict[Decision, Reason] = {
    Decision.RELEASE: Reason("HOLD_RELEASED", "quality decision {hold_no}: released",
                             "质量决定 {hold_no}：解除冻结，恢复合格"),
    Decision.NONCONFORMING: Reason("HOLD_NONCONFORMING",
                                   "quality decision {hold_no}: nonconforming",
                                   "质量决定 {hold_no}：判定不合格"),
    Decision.RETURN: Reason("HOLD_RETURN", "quality decision {hold_no}: return to supplier",
                            "质量决定 {hold_no}：退回供货单位"),
    Decision.DESTROY: Reason("HOLD_DESTROY", "quality decision {hold_no}: to be destroyed",
                             "质量决定 {hold_no}：待销毁"),
}
REASONS = (EXPIRY_LOCKED, HELD_ON_DOUBT, *DECIDED.values(), MOVED_TO_RED, DESTROYED)


@dataclass(frozen=True)
class Balance:
    """One stock balance with the facts the decisions need."""

    stock_id: int
    owner_id: int
    item_id: int
    lot_id: int | None
    serial_id: int | None
    location_id: int
    status: str
    hu_id: int | None
    quantity: int
    expiry: date | None = None
    timezone: str = "Asia/Shanghai"


def must_lock(balance: Balance, moment: datetime) -> bool:
    """Whether the expiry job locks this balance at `moment` (its expiry day is over)."""
    return (balance.status in LOCKED_BY_EXPIRY and balance.quantity > 0
            and is_expired(balance.expiry, moment, balance.timezone))


def expiry_lines(balances: list[Balance], moment: datetime) -> list[Line]:
    """STATUS lines moving every balance past its expiry day to EXPIRED; none the second time."""
    return [_status_line(b, "EXPIRED", b.quantity,
                         EXPIRY_LOCKED.text(expiry=b.expiry.isoformat() if b.expiry else ""))
            for b in balances if must_lock(b, moment)]


def near_expiry(expiry: date | None, day: date, days: int) -> bool:
    """Still usable on `day` (its expiry day counts) but expiring within `days` days."""
    return expiry is not None and 0 <= days_remaining(expiry, day) <= days


def hold_lines(balances: list[Balance], reason: str) -> list[Line]:
    """STATUS lines putting every AVAILABLE balance on HOLD, with the doubt as reason."""
    return [_status_line(b, "HOLD", b.quantity, reason)
            for b in balances if b.status in HOLDABLE and b.quantity > 0]


def decision_lines(balances: list[Balance], decision: Decision, reason: str,
                   red_location_id: int | None) -> list[Line]:
    """The lines of a decision on held stock: released in place, or REJECTED into the red
    location (a STATUS change when it is there already, else a MOVE)."""
    held = [b for b in balances if b.status == "HOLD" and b.quantity > 0]
    if decision == Decision.RELEASE:
        return [_status_line(b, "AVAILABLE", b.quantity, reason) for b in held]
    target = red_location_id
    if target is None:
        return []
    return [_line(b, "REJECTED", b.quantity, reason, target) for b in held]


def move_lines(balance: Balance, red_location_id: int, reason: str) -> list[Line]:
    """A MOVE of a whole balance into the red location, its status kept."""
    return [_line(balance, balance.status, balance.quantity, reason, red_location_id)]


def scrap_lines(balances: list[Balance], quantity: int, reason: str) -> list[Line]:
    """SCRAP lines taking `quantity` units out of the destroyable balances, in their order."""
    lines: list[Line] = []
    left = quantity
    for b in balances:
        take = min(left, b.quantity)
        if take <= 0 or b.status not in DESTROYABLE:
            continue
        lines.append(Line(kind="SCRAP", owner_id=b.owner_id, item_id=b.item_id, quantity=take,
                          lot_id=b.lot_id, serial_id=b.serial_id,
                          from_location_id=b.location_id, from_status=b.status,
                          from_hu_id=b.hu_id, reason=reason))
        left -= take
    return lines


def same_person(operator_id: int | None, witness_id: int | None) -> bool:
    """Whether the witness is the operator (a destruction needs two different people)."""
    return operator_id is not None and operator_id == witness_id


@dataclass(frozen=True)
class CheckDue:
    """When a zone's next in-stock check (养护) is due, and whether it is late."""

    due_on: date
    overdue: bool
    days_late: int


def check_due(last_checked: date | None, every_days: int, today: date) -> CheckDue:
    """A zone never checked is due today; else `every_days` after its last check."""
    due = today if last_checked is None else last_checked + timedelta(days=every_days)
    late = max(0, (today - due).days)
    return CheckDue(due_on=due, overdue=late > 0, days_late=late)


def today_in(moment: datetime, timezone: str) -> date:
    """The warehouse's calendar day at `moment`."""
    return local_date(moment, timezone)


def _status_line(b: Balance, to_status: str, quantity: int, reason: str) -> Line:
    return _line(b, to_status, quantity, reason, b.location_id)


def _line(b: Balance, to_status: str, quantity: int, reason: str, to_location: int) -> Line:
    kind = "STATUS" if to_location == b.location_id else "MOVE"
    return Line(kind=kind, owner_id=b.owner_id, item_id=b.item_id, quantity=quantity,
                lot_id=b.lot_id, serial_id=b.serial_id, from_location_id=b.location_id,
                to_location_id=to_location, from_status=b.status, to_status=to_status,
                from_hu_id=b.hu_id, to_hu_id=b.hu_id, reason=reason[:300])
