"""Outbound verification (复核): a second person re-scans every picked unit of an order.

Each command is one unit of work that locks the verification (or order) row first, so the
scans of one verification queue. A mismatching scan is written as a discrepancy line and
blocks the verification; `finish` adds MISSING lines for picked units never re-scanned; a
manager resolves each discrepancy with a reason. PASSED (order VERIFIED) needs every picked
unit re-scanned or short-shipped and every discrepancy resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import out_of_sight, require, seeing_as
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.ids import new_doc_no
from medwms.core.reasons import Reason
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Warehouse
from medwms.orders.tables import OrderLine, OrderStatus, OutboundOrder
from medwms.picking import errors as pick_errors
from medwms.picking import queries
from medwms.picking.rules import UnitKey
from medwms.picking.tables import Pick
from medwms.verification import blocks, errors
from medwms.verification import queries as records
from medwms.verification.queries import Tally, VerificationRecord, VerifyScan
from medwms.verification.rules import (
    Checklist,
    Discrepancy,
    checklist_of,
    classify,
    shortfalls,
    udi_text,
)
from medwms.verification.tables import Verification, VerificationLine


class VerificationStatus(StrEnum):
    OPEN = "OPEN"
    BLOCKED = "BLOCKED"
    PASSED = "PASSED"


class Action(StrEnum):
    """How a manager resolves a discrepancy."""

    FOUND = "FOUND"            # MISSING: the unit was found and re-scanned
    SHORT_SHIP = "SHORT_SHIP"  # MISSING: the line ships short; the units leave the order
    REMOVED = "REMOVED"        # a wrong, extra or surplus unit was taken out of the shipment


ALLOWED = {Discrepancy.MISSING: (Action.FOUND, Action.SHORT_SHIP)}
RESOLVED = Reason("RESOLVED", "{action}: {reason}", "{action}：{reason}")  # a line's resolution


def start_verification(db: Database, *, actor: Actor, order_no: str,
                       now: datetime | None = None) -> VerificationRecord:
    """Start (or continue) the verification of a picked order by someone who did not pick it."""
    require(actor, Perm.VERIFY)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        order = _lock_order(s, order_no, actor)
        _refuse_picker(s, actor, order)
        going = s.scalars(select(Verification).where(
            Verification.order_id == order.id,
            Verification.status != VerificationStatus.PASSED)).first()
        if going is None:
            if order.status != OrderStatus.PICKED:
                raise errors.OrderNotPicked(order_no=order.order_no, status=order.status)
            going = Verification(verification_no=new_doc_no("VER", now), order_id=order.id,
                                 verifier_id=actor.user_id, status=VerificationStatus.OPEN,
                                 started_at=now)
            s.add(going)
            s.flush()
        _refuse_other_verifier(s, actor, going)
        record = records.record(s, going)
        uow.commit()
    return record


def scan_unit(db: Database, *, actor: Actor, verification_no: str, raw: str, scan_id: str,
              packs: int | None = None, failed: Sequence[str] = (), note: str = "",
              now: datetime | None = None) -> VerifyScan:
    """Re-scan one unit with its review checklist (all fine unless `failed` names a
    condition): a match, or a discrepancy line that blocks the verification; a failed
    condition raises a quality task that stops the order's shipment."""
    require(actor, Perm.VERIFY)
    now = now or utc_now()
    checklist = checklist_of(failed, note)
    with db.unit_of_work() as uow:
        s = uow.session
        verification = _lock(s, verification_no, actor)
        earlier = s.scalars(select(VerificationLine).where(
            VerificationLine.verification_id == verification.id,
            VerificationLine.scan_id == scan_id)).first()
        if earlier is not None:
            return records.scan_result(s, verification, earlier, replayed=True)
        _require_open(verification)
        _refuse_other_verifier(s, actor, verification)
        line, counted = _check_scan(s, verification, _Scan(raw, scan_id, packs, checklist), now)
        if line.udi and not checklist.passed:
            blocks.raise_block(s, actor=actor, verification=verification, line=line,
                               checklist=checklist, now=now)
        result = records.scan_result(s, verification, line, replayed=False, counted=counted)
        uow.commit()
    return result


def finish(db: Database, *, actor: Actor, verification_no: str,
           now: datetime | None = None) -> VerificationRecord:
    """Compare re-scanned with picked: MISSING lines block; otherwise the order is VERIFIED."""
    require(actor, Perm.VERIFY)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        verification = _lock(s, verification_no, actor)
        _require_open(verification)
        _refuse_other_verifier(s, actor, verification)
        tally = records.tally(s, verification)
        for number, (key, quantity) in enumerate(shortfalls(tally.picked, [
                tally.confirmed, tally.short_shipped, tally.open_missing]).items()):
            s.add(_missing(verification, key, quantity, tally.lines + number, now))
        s.flush()
        verification.finished_at = verification.finished_at or now
        _settle(s, verification, now)
        record = records.record(s, verification)
        uow.commit()
    return record


def resolve(db: Database, *, actor: Actor, verification_no: str, line_id: int, action: str,
            resolution: str, now: datetime | None = None) -> VerificationRecord:
    """A manager resolves one discrepancy with an action and a written reason."""
    require(actor, Perm.RESOLVE_DISCREPANCY)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        verification = _lock(s, verification_no, actor)
        _require_open(verification)
        line = _discrepancy(s, verification, line_id)
        chosen = _check_action(line, action, resolution)
        if chosen is Action.FOUND:
            _require_rescanned(s, verification, line)
        if chosen is Action.SHORT_SHIP:
            _short_ship(s, verification, line, resolution)
        line.resolution = RESOLVED.text(action=chosen.value, reason=resolution.strip())[:300]
        line.resolved_by = actor.user_id
        record_audit(s, actor=actor, action="verification.resolve", entity="verification",
                     entity_key=verification.verification_no, reason=resolution.strip(),
                     after={"line": line.id, "discrepancy": line.discrepancy,
                            "action": str(chosen)})
        _settle(s, verification, now)
        record = records.record(s, verification)
        uow.commit()
    return record


# --- helpers --------------------------------------------------------------------------------

def _lock_order(s: Session, order_no: str, actor: Actor) -> OutboundOrder:
    number = queries.doc_no(order_no)
    order = s.scalars(select(OutboundOrder).where(OutboundOrder.order_no == number)
                      .with_for_update()).one_or_none()
    if order is None or out_of_sight(actor, order.warehouse_id, order.to_warehouse_id):
        raise errors.OrderNotFound(order_no=number)
    require_warehouses(s, actor, order.warehouse_id)
    return order


def _lock(s: Session, verification_no: str, actor: Actor) -> Verification:
    """The verification, locked FOR UPDATE, as the actor sees it (VerificationNotFound)."""
    with seeing_as(s, actor):
        verification = records.verification_by_no(s, verification_no, lock=True)
    if actor.warehouses is not None:  # only a scoped actor can be refused: the order's warehouse
        require_warehouses(s, actor,
                           s.get_one(OutboundOrder, verification.order_id).warehouse_id)
    return verification


def _require_open(verification: Verification) -> None:
    if verification.status == VerificationStatus.PASSED:
        raise errors.VerificationClosed(verification_no=verification.verification_no)


def _refuse_picker(s: Session, actor: Actor, order: OutboundOrder) -> None:
    if actor.user_id is not None and actor.user_id in queries.pickers_of(s, order.id):
        raise errors.VerifierWasPicker(user=actor.username, order_no=order.order_no)


def _refuse_other_verifier(s: Session, actor: Actor, verification: Verification) -> None:
    if verification.verifier_id != actor.user_id:
        raise errors.NotYourVerification(
            verification_no=verification.verification_no, user=actor.username,
            verifier=records.username(s, verification.verifier_id))


@dataclass(frozen=True)
class _Scan:
    raw: str
    scan_id: str
    packs: int | None
    checklist: Checklist


def _check_scan(s: Session, verification: Verification, scan: _Scan,
                now: datetime) -> tuple[VerificationLine, Tally | None]:
    """The new line, checked and stored with its checklist answers and UDI (in the same
    insert); the tally with it when the check read one."""
    order = s.get_one(OutboundOrder, verification.order_id)
    timezone = s.get_one(Warehouse, order.warehouse_id).timezone
    line = VerificationLine(verification_id=verification.id, scan_id=scan.scan_id,
                            raw=scan.raw[:300], at=now)
    tally = None
    try:
        unit = queries.read_unit(s, scan.raw, scan.packs, local_date(now, timezone))
    except pick_errors.UnknownGtin:
        line.quantity, line.discrepancy = scan.packs or 1, Discrepancy.EXTRA
    else:
        for column, answer in scan.checklist.answers().items():
            setattr(line, column, answer)
        line.check_note = scan.checklist.note
        expiry = unit.expiry or (unit.lot.expiry if unit.lot else None)
        line.udi = udi_text(unit.gtin, expiry, unit.lot_no, unit.serial_no)
        _require_serial(unit)
        tally = records.tally(s, verification)
        _refuse_serial_twice(tally, unit)
        line.item_id, line.quantity = unit.item.id, unit.quantity
        line.lot_id, line.serial_id = unit.key.lot_id, unit.key.serial_id
        line.discrepancy = classify(tally.picked, tally.confirmed, unit.key, unit.quantity)
    s.add(line)
    s.flush()
    if line.discrepancy:
        verification.status = VerificationStatus.BLOCKED
    return line, records.adding(tally, line) if tally is not None else None


def _require_serial(unit: queries.Unit) -> None:
    if "SERIAL" in unit.item.tracking and unit.serial_no is None:
        raise pick_errors.SerialRequired(item=unit.item.code)
    if "SERIAL" in unit.item.tracking and unit.quantity != 1:
        raise pick_errors.SerialNeedsOneUnit(serial=unit.serial_no, quantity=unit.quantity)


def _refuse_serial_twice(tally: Tally, unit: queries.Unit) -> None:
    if unit.serial is not None and tally.confirmed.get(unit.key, 0) > 0:
        raise errors.SerialAlreadyVerified(serial=unit.serial_no, item=unit.item.code)


def _missing(verification: Verification, key: UnitKey, quantity: int, number: int,
             now: datetime) -> VerificationLine:
    return VerificationLine(verification_id=verification.id, scan_id=f"MISSING-{number + 1}",
                            item_id=key.item_id, lot_id=key.lot_id, serial_id=key.serial_id,
                            quantity=quantity, discrepancy=Discrepancy.MISSING, at=now)


def _discrepancy(s: Session, verification: Verification, line_id: int) -> VerificationLine:
    line = s.get(VerificationLine, line_id, with_for_update=True)
    if line is None or line.verification_id != verification.id or not line.discrepancy:
        raise errors.DiscrepancyNotFound(verification_no=verification.verification_no,
                                         line_id=line_id)
    if line.resolved_by is not None or line.resolution:
        raise errors.AlreadyResolved(line_id=line.id, resolution=line.resolution)
    return line


def _check_action(line: VerificationLine, action: str, resolution: str) -> Action:
    allowed = ALLOWED.get(Discrepancy(line.discrepancy), (Action.REMOVED,))
    chosen = next((a for a in allowed if a == action.strip().upper()), None)
    if chosen is None or not resolution.strip():
        raise errors.BadResolution(discrepancy=line.discrepancy, action=action or "-",
                                   allowed=" / ".join(allowed))
    return chosen


def _require_rescanned(s: Session, verification: Verification, line: VerificationLine) -> None:
    tally = records.tally(s, verification)
    key = UnitKey(line.item_id or 0, line.lot_id, line.serial_id)
    covers = [tally.confirmed, tally.short_shipped, tally.open_missing]
    if shortfalls({key: tally.picked.get(key, 0) + line.quantity}, covers):
        names = records.unit_names(s, key)
        raise errors.UnitNotRescanned(item=names[0], lot=names[1],
                                      serial=f" / {names[2]}" if names[2] else "")


def _short_ship(s: Session, verification: Verification, line: VerificationLine,
                reason: str) -> None:
    """Take the missing units off the order lines that picked them (they are backordered)."""
    left = line.quantity
    rows = s.execute(select(OrderLine, Pick.quantity)
                     .join(Pick, Pick.order_line_id == OrderLine.id)
                     .where(OrderLine.order_id == verification.order_id,
                            Pick.item_id == line.item_id, _is(Pick.lot_id, line.lot_id),
                            _is(Pick.serial_id, line.serial_id)).order_by(Pick.id)).all()
    for order_line, quantity in rows:
        take = min(left, quantity, order_line.picked_qty)
        order_line.picked_qty -= take
        order_line.backorder_qty += take
        order_line.backorder_reason = (
            f"short-shipped at verification {verification.verification_no}: {reason.strip()}"
        )[:300]
        left -= take
        if left == 0:
            break


def _is(column: InstrumentedAttribute[int | None], value: int | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _settle(s: Session, verification: Verification, now: datetime) -> None:
    """BLOCKED while a discrepancy is open; PASSED once finished, complete and resolved."""
    tally = records.tally(s, verification)
    if tally.unresolved:
        verification.status = VerificationStatus.BLOCKED
        return
    complete = not shortfalls(tally.picked, [tally.confirmed, tally.short_shipped])
    if verification.finished_at is not None and complete:
        verification.status = VerificationStatus.PASSED
        verification.finished_at = now
        s.get_one(OutboundOrder, verification.order_id).status = OrderStatus.VERIFIED
    else:
        verification.status = VerificationStatus.OPEN
