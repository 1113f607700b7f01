"""Nonconforming goods: hold on doubt (质量疑问 → 冻结) and the quality decision that ends it.

`hold_on_doubt` (QUALITY_RECORD) puts a lot's or serial's AVAILABLE stock — at one
location or everywhere in one warehouse — on HOLD through the ledger and opens the hold,
which is the QA decision task. `decide_hold` (QUALITY_APPROVE only, e-signed) releases it to
AVAILABLE, or makes it REJECTED in a red-zone location (nonconforming, to return to the
supplier, or to destroy with a destruction record). Lock order: the hold row FOR UPDATE,
then the stock rows in key order (`stock_facts.locked_balances`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import out_of_sight, reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.auth.signatures import reauthenticate
from medwms.core.clock import is_expired, utc_now
from medwms.core.db import Database
from medwms.core.errors import Problem
from medwms.core.ids import new_doc_no
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Stock
from medwms.masterdata.tables import Item, Location, Warehouse
from medwms.quality import hold_queries, stock_facts, stock_rules
from medwms.quality.hold_queries import HoldView
from medwms.quality.stock_errors import (
    BadQualityInput,
    ExpiredCannotBeReleased,
    HoldDecided,
    HoldNotFound,
    NothingToHold,
    NotRedLocation,
)
from medwms.quality.stock_rules import DECIDED, HELD_ON_DOUBT, HOLDABLE, Balance, Decision
from medwms.quality.tables import HoldStatus, QualityHold

DOC_TYPE = "HOLD"
MEANINGS = {Decision.RELEASE: "released", Decision.NONCONFORMING: "nonconforming",
            Decision.RETURN: "return to supplier", Decision.DESTROY: "to be destroyed"}


@dataclass(frozen=True)
class Doubt:
    """What a person doubts: an item's lot or serial, optionally at one location, and why."""

    item: str
    reason: str
    lot: str | None = None
    serial: str | None = None
    location: str | None = None
    check_no: str = ""


def hold_on_doubt(db: Database, *, actor: Actor, doubt: Doubt) -> HoldView:
    """Put a doubted lot or serial on HOLD through the ledger and open its QA decision task."""
    require(actor, Perm.QUALITY_RECORD)
    _check_doubt(doubt)
    with db.unit_of_work() as uow:
        s = uow.session
        item, lot_id, serial_id, location = _unit(s, doubt)
        where = stock_facts.unit_filter(item.id, lot_id, serial_id,
                                        location.id if location else None)
        held = [b for b in stock_facts.locked_balances(s, where & Stock.status.in_(
            sorted(HOLDABLE))) if not out_of_sight(actor, _warehouse(s, b))]
        warehouses = {_warehouse(s, b) for b in held}
        if len(warehouses) > 1:
            raise BadQualityInput([Problem(
                "the lot is stocked in several warehouses: name the location to hold",
                column="location", message_zh="该批号在多个仓库有库存，请指定要冻结的库位")])
        if not held:
            raise NothingToHold(item=item.code, unit=_unit_text(doubt),
                                where=location.code if location else "—")
        number = new_doc_no("HLD", utc_now())
        reason = HELD_ON_DOUBT.text(hold_no=number, reason=doubt.reason.strip())
        post(s, actor=actor, doc_type=DOC_TYPE, doc_no=number,
             lines=stock_rules.hold_lines(held, reason))
        _open(s, actor, number, warehouses.pop(), item, lot_id, serial_id, location, doubt,
              sum(b.quantity for b in held))
        uow.commit()
    with reading_as(db, actor) as s:
        return hold_queries.hold_view(s, number)


def _check_doubt(doubt: Doubt) -> None:
    problems = []
    if not doubt.reason.strip():
        problems.append(Problem("say what is doubted", column="reason",
                                message_zh="请填写质量疑问的原因"))
    if not (doubt.lot or doubt.serial):
        problems.append(Problem("name the lot or the serial", column="lot",
                                message_zh="请填写批号或序列号"))
    if problems:
        raise BadQualityInput(problems)


def _unit(s: Session, doubt: Doubt) -> tuple[Item, int | None, int | None, Location | None]:
    item, lot, serial = stock_facts.find_unit(s, doubt.item, doubt.lot, doubt.serial)
    location = stock_facts.location_by_code(s, doubt.location) if doubt.location else None
    missing = item is None or (doubt.lot and lot is None) or (doubt.serial and serial is None) \
        or (doubt.location and location is None)
    if missing or item is None:
        raise NothingToHold(item=doubt.item, unit=_unit_text(doubt),
                            where=doubt.location or "—")
    return item, lot.id if lot else None, serial.id if serial else None, location


def _unit_text(doubt: Doubt) -> str:
    return " ".join(part for part in (doubt.lot and f"lot {doubt.lot}",
                                      doubt.serial and f"SN {doubt.serial}") if part)


def _warehouse(s: Session, balance: Balance) -> int:
    return s.get_one(Location, balance.location_id).warehouse_id


def _open(s: Session, actor: Actor, number: str, warehouse_id: int, item: Item,
          lot_id: int | None, serial_id: int | None, location: Location | None,
          doubt: Doubt, quantity: int) -> None:
    row = QualityHold(hold_no=number, warehouse_id=warehouse_id, item_id=item.id,
                      lot_id=lot_id, serial_id=serial_id,
                      location_id=location.id if location else None,
                      check_no=doubt.check_no.strip()[:40], reason=doubt.reason.strip()[:300],
                      quantity=quantity, status=HoldStatus.OPEN, opened_by=actor.user_id,
                      opened_at=utc_now(), decision_note="")
    s.add(row)
    s.flush()
    record_audit(s, actor=actor, action="hold.open", entity="quality_hold", entity_key=number,
                 after={"item": item.code, "lot_id": lot_id, "serial_id": serial_id,
                        "location": location.code if location else None,
                        "quantity": quantity, "check_no": row.check_no},
                 reason=row.reason)


def decide_hold(db: Database, *, actor: Actor, hold_no: str, decision: Decision, note: str,
                password: str, red_location: str | None = None) -> HoldView:
    """QA's signed decision on a hold: release, or nonconforming / return / destroy (red)."""
    require(actor, Perm.QUALITY_APPROVE)
    with db.unit_of_work() as uow:
        s = uow.session
        row = _locked_hold(s, actor, hold_no)
        held = stock_facts.locked_balances(s, stock_facts.unit_filter(
            row.item_id, row.lot_id, row.serial_id, row.location_id)
            & (Stock.status == "HOLD") & (Stock.warehouse_id == row.warehouse_id))
        target = _decision_target(s, row, decision, red_location)
        signature = reauthenticate(s, actor=actor, password=password,
                                   meaning=MEANINGS[decision],
                                   record_ref=f"quality_hold:{hold_no}:{decision}")
        reason = DECIDED[decision].text(hold_no=hold_no)
        lines = stock_rules.decision_lines(held, decision, reason, target.id if target else None)
        if lines:
            post(s, actor=actor, doc_type=DOC_TYPE, doc_no=hold_no, lines=lines)
        before = {"status": row.status, "decision": row.decision}
        row.status, row.decision, row.decision_note = HoldStatus.DECIDED, decision, note[:300]
        row.red_location_id = target.id if target else None
        row.decided_by, row.decided_at = actor.user_id, signature.signed_at
        row.signature_audit_id = signature.audit_id
        record_audit(s, actor=actor, action="hold.decide", entity="quality_hold",
                     entity_key=hold_no, before=before,
                     after={"status": row.status, "decision": str(decision),
                            "quantity": sum(ln.quantity for ln in lines),
                            "red_location": target.code if target else None},
                     reason=note.strip() or signature.meaning)
        uow.commit()
    with reading_as(db, actor) as s:
        return hold_queries.hold_view(s, hold_no)


def _locked_hold(s: Session, actor: Actor, hold_no: str) -> QualityHold:
    row = s.scalar(select(QualityHold).where(QualityHold.hold_no == hold_no).with_for_update())
    if row is None or out_of_sight(actor, row.warehouse_id):
        raise HoldNotFound(what="quality hold", key=hold_no)
    if row.status == HoldStatus.DECIDED:
        raise HoldDecided(hold_no=hold_no, decision=row.decision)
    return row


def _decision_target(s: Session, row: QualityHold, decision: Decision,
                     red_location: str | None) -> Location | None:
    """None for a release (refused past the expiry day), else the red location."""
    warehouse = s.get_one(Warehouse, row.warehouse_id)
    if decision == Decision.RELEASE:
        lot = s.get(Lot, row.lot_id) if row.lot_id else None
        if lot is not None and is_expired(lot.expiry, utc_now(), warehouse.timezone):
            raise ExpiredCannotBeReleased(item=s.get_one(Item, row.item_id).code,
                                          lot=lot.lot_no, expiry=lot.expiry)
        return None
    target = stock_facts.location_by_code(s, red_location or "")
    if target is None or target.warehouse_id != row.warehouse_id \
            or not stock_facts.is_red(s, target):
        raise NotRedLocation(location=(red_location or "").strip() or "—",
                             warehouse=warehouse.code)
    return target
