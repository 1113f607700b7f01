"""Recall commands: open (real or mock), consignee notices and reports, returns, close.

Opening a real recall is one transaction. It first locks the chain head of every warehouse
(in warehouse id order, the order `ledger.post` uses), so no pick, shipment or transfer can
post in between; only then does it read the scope's stock, move every balance to RECALLED
(STATUS movements, doc_type "RCL"), cancel the open allocations of those units (their order
lines get backorders) and list the consignees from the SHIP movements. A pick that was
waiting on a head finds the units RECALLED once it gets the lock, and is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, insert, or_, select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require, require_every_warehouse
from medwms.auth.rules import Actor, Perm
from medwms.auth.signatures import reauthenticate
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import NotFound
from medwms.core.ids import new_doc_no
from medwms.core.reasons import Reason
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Movement, MovementKind, SerialUnit, Status, Stock
from medwms.masterdata.queries import location_by_barcode, resolve_gtin, zone_of
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Item, Partner
from medwms.orders.orders import forget_pick_progress
from medwms.orders.tables import Allocation, AllocationStatus, OrderLine
from medwms.recall import queries, rules
from medwms.recall.errors import (
    BadRecall,
    ConsigneeNotInRecall,
    EmptyScope,
    NotRecallRedZone,
    RecallClosed,
    RecallNotClosable,
    RecallNotFound,
    ReturnExceedsShipped,
    SignatureRequired,
    SignerNotQualityManager,
)
from medwms.recall.tables import RecallCase, RecallConsignee
from medwms.shipping.tables import Shipment

MANAGE = Perm.RECALL_MANAGE
DOC_TYPE = "RCL"
RETURNED_IN_RECALL = Reason("RECALL_RETURN", "recall {recall_no}", "召回 {recall_no} 退回")


def open_recall(db: Database, *, actor: Actor, scope: rules.Scope, reason: str,
                risk_class: str, mock: bool = False) -> queries.RecallView:
    """Open a recall (or a mock recall): block the scope everywhere, list the consignees."""
    require_every_warehouse(actor, MANAGE)
    _check(scope, risk_class, reason)
    with db.unit_of_work() as uow:
        session = uow.session
        opened = utc_now()
        item = _item(session, scope.gtin)
        case = _new_case(session, actor, item, scope, reason, risk_class, mock, opened)
        units = _match(session, item.id, scope)
        if mock:
            case.blocked_units = _units_in_stock(session, units)
        else:
            case.blocked_units = _block_stock(session, actor, case, units, opened)
            _cancel_allocations(session, case, units)
        _list_consignees(session, case, units)
        _audit(session, actor, "recall.open", case)
        uow.commit()
    return _view(db, case.recall_no)


def _check(scope: rules.Scope, risk_class: str, reason: str) -> None:
    if scope.is_empty():
        raise EmptyScope()
    problems = rules.scope_problems(scope, risk_class, reason)
    if problems:
        raise BadRecall(problems)


def _item(session: Session, gtin: str) -> Item:
    item, _packaging = resolve_gtin(session, gtin)
    return item


def _new_case(session: Session, actor: Actor, item: Item, scope: rules.Scope, reason: str,
              risk_class: str, mock: bool, opened: datetime) -> RecallCase:
    case = RecallCase(recall_no=new_doc_no("MCK" if mock else DOC_TYPE, opened), mock=mock,
                      reason=reason.strip(), risk_class=risk_class, item_id=item.id,
                      scope=json.dumps(scope.as_json(), ensure_ascii=False), status="OPEN",
                      opened_at=opened, opened_by=actor.user_id, blocked_units=0)
    session.add(case)
    session.flush()
    return case


@dataclass(frozen=True)
class Matched:
    """The lots and serials of one item that a scope matches."""

    item_id: int
    lot_ids: tuple[int, ...]
    serial_ids: tuple[int, ...]

    def of(self, lot: Any, serial: Any) -> ColumnElement[bool]:
        """`lot in lot_ids or serial in serial_ids`, for any table's two columns.

        Only the non-empty halves are written, so the planner can use the lot (or serial)
        index alone instead of the item's: an item may have millions of movements.
        """
        parts = [column.in_(ids) for column, ids in ((lot, self.lot_ids),
                                                     (serial, self.serial_ids)) if ids]
        return or_(*parts) if parts else false()


def _match(session: Session, item_id: int, scope: rules.Scope) -> Matched:
    """The lots (listed or in a date range) and serials the scope names."""
    lots = session.execute(select(Lot.id, Lot.lot_no, Lot.expiry, Lot.production_date)
                           .where(Lot.item_id == item_id).order_by(Lot.id))
    lot_ids = tuple(row.id for row in lots
                    if rules.lot_matches(scope, rules.LotFacts(row.lot_no, row.expiry,
                                                               row.production_date)))
    serial_ids = tuple(session.scalars(select(SerialUnit.id).where(
        SerialUnit.item_id == item_id, SerialUnit.serial.in_(scope.serials))
        .order_by(SerialUnit.id))) if scope.serials else ()
    return Matched(item_id, lot_ids, serial_ids)


def _units_in_stock(session: Session, units: Matched) -> int:
    rows = session.scalars(select(Stock.quantity).where(units.of(Stock.lot_id,
                                                                 Stock.serial_id)))
    return sum(rows)


def _lock_scope(session: Session, units: Matched) -> list[Stock]:
    """Every balance of the scope, locked FOR UPDATE in key order, until none is missing.

    A post that moves units of the scope must lock their source balance, which we hold
    after the first read; one that was already under way when we read has committed by the
    time our lock was granted, and its new balance (a pick's staging row) shows up in the
    next read. So we read again until a read finds nothing new: then no unit of the scope
    can move until we commit. (On SQLite the write lock already serialises everything.)
    """
    seen: dict[int, Stock] = {}
    while True:
        rows = session.scalars(select(Stock).where(units.of(Stock.lot_id, Stock.serial_id))
                               .order_by(Stock.key).with_for_update()
                               .execution_options(populate_existing=True)).all()
        if {row.id for row in rows} <= seen.keys():
            return list(rows)
        seen = {row.id: row for row in rows}


def _block_stock(session: Session, actor: Actor, case: RecallCase, units: Matched,
                 now: datetime) -> int:
    """Move every balance of the scope (any status, any warehouse) to RECALLED."""
    rows = _lock_scope(session, units)
    reason = f"recall {case.recall_no}: {case.reason}"[:300]
    lines = [Line(kind=MovementKind.STATUS, owner_id=row.owner_id, item_id=row.item_id,
                  quantity=row.quantity, lot_id=row.lot_id, serial_id=row.serial_id,
                  from_location_id=row.location_id, to_location_id=row.location_id,
                  from_status=row.status, to_status=Status.RECALLED, from_hu_id=row.hu_id,
                  to_hu_id=row.hu_id, reason=reason)
             for row in rows if row.status != Status.RECALLED]
    if lines:
        post(session, actor=actor, doc_type=DOC_TYPE, doc_no=case.recall_no, lines=lines,
             now=now)
    return sum(row.quantity for row in rows)


def _cancel_allocations(session: Session, case: RecallCase, units: Matched) -> None:
    """Cancel the open allocations of the scope; their order lines get backorders."""
    allocations = session.scalars(
        select(Allocation).where(Allocation.item_id == units.item_id,
                                 Allocation.status == AllocationStatus.OPEN,
                                 units.of(Allocation.lot_id, Allocation.serial_id))
        .order_by(Allocation.id).with_for_update()).all()
    if not allocations:
        return
    lines = {line.id: line for line in session.scalars(
        select(OrderLine).where(OrderLine.id.in_({a.order_line_id for a in allocations}))
        .order_by(OrderLine.id).with_for_update())}
    reason = f"recall {case.recall_no} / 召回"
    for allocation in allocations:
        short = rules.backorder(allocation.quantity, allocation.picked_qty)
        allocation.status = AllocationStatus.CANCELLED
        line = lines[allocation.order_line_id]
        line.allocated_qty = max(0, line.allocated_qty - short)
        line.backorder_qty += short
        line.backorder_reason = reason
    forget_pick_progress(session, waves={a.wave_id for a in allocations if a.wave_id},
                         orders={line.order_id for line in lines.values()})


def _list_consignees(session: Session, case: RecallCase, units: Matched) -> None:
    """One RecallConsignee per partner that was shipped scope units; the response time."""
    rows = session.execute(
        select(Movement.kind, Movement.partner_id, Movement.doc_no, Movement.created_at,
               Movement.quantity, Lot.lot_no, SerialUnit.serial, Lot.expiry)
        .outerjoin(Lot, Lot.id == Movement.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == Movement.serial_id)
        .where(units.of(Movement.lot_id, Movement.serial_id),
               Movement.kind.in_((MovementKind.SHIP, MovementKind.RETURN)))
        .order_by(Movement.created_at, Movement.id)).all()
    fallback = _shipment_partners(session, {r.doc_no for r in rows if r.partner_id is None})
    shipped = [rules.ShippedUnit(r.partner_id or fallback.get(r.doc_no, 0), r.doc_no,
                                 r.created_at, r.quantity, r.lot_no, r.serial, r.expiry)
               for r in rows if r.kind == MovementKind.SHIP]
    returned: dict[int, int] = {}
    for r in rows:
        if r.kind == MovementKind.RETURN and r.partner_id is not None:
            returned[r.partner_id] = returned.get(r.partner_id, 0) + r.quantity
    totals = [t for t in rules.consignees(shipped) if t.partner_id]
    if totals:
        session.execute(insert(RecallConsignee), [
            {"recall_id": case.id, "partner_id": t.partner_id, "shipped_qty": t.shipped_qty,
             "units": json.dumps(list(t.units), ensure_ascii=False),
             "returned_qty": min(returned.get(t.partner_id, 0), t.shipped_qty),
             "destroyed_qty": 0, "used_qty": 0, "note": ""} for t in totals])
    case.consignees_listed_at = utc_now()
    case.response_ms = rules.response_ms(case.opened_at, case.consignees_listed_at)


def _shipment_partners(session: Session, numbers: set[str]) -> dict[str, int]:
    if not numbers:
        return {}
    rows = session.execute(select(Shipment.shipment_no, Shipment.consignee_id)
                           .where(Shipment.shipment_no.in_(numbers)))
    return {no: partner for no, partner in rows if partner is not None}


def _audit(session: Session, actor: Actor, action: str, case: RecallCase,
           **extra: object) -> None:
    record_audit(session, actor=actor, action=action, entity="recall_case",
                 entity_key=case.recall_no,
                 after={"status": case.status, "mock": case.mock,
                        "risk_class": case.risk_class, "blocked_units": case.blocked_units,
                        **extra})


def _view(db: Database, recall_no: str) -> queries.RecallView:
    with db.reading() as session:
        return queries.recall_view(session, recall_no)


def _case(session: Session, recall_no: str, *, open_only: bool = True) -> RecallCase:
    case = session.scalars(select(RecallCase).where(RecallCase.recall_no == recall_no)
                           .with_for_update()).one_or_none()
    if case is None:
        raise RecallNotFound(recall_no=recall_no)
    if open_only and case.status != "OPEN":
        raise RecallClosed(recall_no=recall_no)
    return case


def _consignee(session: Session, case: RecallCase, partner: str) -> RecallConsignee:
    row = session.scalars(select(RecallConsignee).join(
        Partner, Partner.id == RecallConsignee.partner_id).where(
        RecallConsignee.recall_id == case.id, Partner.code == partner.upper())
        .with_for_update()).one_or_none()
    if row is None:
        raise ConsigneeNotInRecall(partner=partner, recall_no=case.recall_no)
    return row


def record_notification(db: Database, *, actor: Actor, recall_no: str,
                        partner: str) -> queries.RecallView:
    """Record that the recall notice went to a consignee (now)."""
    return _stamp(db, actor, recall_no, partner, "notified_at")


def record_acknowledgement(db: Database, *, actor: Actor, recall_no: str,
                           partner: str) -> queries.RecallView:
    """Record that a consignee acknowledged the notice (now)."""
    return _stamp(db, actor, recall_no, partner, "acknowledged_at")


def _stamp(db: Database, actor: Actor, recall_no: str, partner: str,
           column: str) -> queries.RecallView:
    require_every_warehouse(actor, MANAGE)
    with db.unit_of_work() as uow:
        case = _case(uow.session, recall_no)
        row = _consignee(uow.session, case, partner)
        setattr(row, column, utc_now())
        _audit(uow.session, actor, f"recall.{column.removesuffix('_at')}", case,
               partner=partner.upper())
        uow.commit()
    return _view(db, recall_no)


def record_consignee_report(db: Database, *, actor: Actor, recall_no: str, partner: str,
                            used: int, destroyed: int, note: str = "") -> queries.RecallView:
    """What a consignee reports: units used on patients and destroyed (totals so far)."""
    require_every_warehouse(actor, MANAGE)
    with db.unit_of_work() as uow:
        case = _case(uow.session, recall_no)
        row = _consignee(uow.session, case, partner)
        problems = rules.report_problems(rules.Accounting(
            row.shipped_qty, row.returned_qty, destroyed, used))
        if problems:
            raise BadRecall(problems)
        row.used_qty, row.destroyed_qty, row.note = used, destroyed, note.strip()[:2000]
        _audit(uow.session, actor, "recall.report", case, partner=partner.upper(),
               used=used, destroyed=destroyed)
        uow.commit()
    return _view(db, recall_no)


def receive_recall_return(db: Database, *, actor: Actor, recall_no: str, partner: str,
                          location: str, quantity: int, lot: str | None = None,
                          serial: str | None = None) -> queries.RecallView:
    """Receive units a consignee sends back under the recall: RECALLED, into the red zone."""
    require(actor, Perm.RECEIVE)
    with db.unit_of_work() as uow:
        session = uow.session
        case = _case(session, recall_no)
        if case.mock:
            raise BadRecall("a mock recall receives no units", field="recall_no")
        row = _consignee(session, case, partner)
        _check_return(case, row, partner, lot, serial, quantity)
        target = location_by_barcode(session, location)
        require_warehouses(session, actor, target.warehouse_id)
        zone = zone_of(session, target)
        if not rules.red_zone(zone.kind):
            raise NotRecallRedZone(location=target.code, zone_kind=zone.kind)
        post(session, actor=actor, doc_type=DOC_TYPE, doc_no=case.recall_no, lines=[
            _return_line(session, case, row, target.id, quantity, lot, serial)])
        row.returned_qty += quantity
        _audit(session, actor, "recall.return", case, partner=partner.upper(),
               quantity=quantity, lot=lot, serial=serial)
        uow.commit()
    return _view(db, recall_no)


def _check_return(case: RecallCase, row: RecallConsignee, partner: str, lot: str | None,
                  serial: str | None, quantity: int) -> None:
    if quantity <= 0 or (serial is not None and quantity != 1):
        raise BadRecall("quantity must be above zero (1 for a serial)", field="quantity")
    still_out = rules.Accounting(row.shipped_qty, row.returned_qty, row.destroyed_qty,
                                 row.used_qty).outstanding
    received = rules.open_to_return(json.loads(row.units or "[]"), lot, serial)
    open_qty = min(still_out, received)
    if quantity > open_qty:
        raise ReturnExceedsShipped(partner=partner, open_qty=open_qty, lot=lot or serial,
                                   recall_no=case.recall_no, quantity=quantity)


def _return_line(session: Session, case: RecallCase, row: RecallConsignee, location_id: int,
                 quantity: int, lot: str | None, serial: str | None) -> Line:
    lot_id = session.scalar(select(Lot.id).where(Lot.item_id == case.item_id,
                                                 Lot.lot_no == lot)) if lot else None
    serial_row = session.scalars(select(SerialUnit).where(
        SerialUnit.item_id == case.item_id, SerialUnit.serial == serial)).first() \
        if serial else None
    if serial_row is not None and lot_id is None:
        lot_id = serial_row.lot_id
    owner_id = session.scalar(select(Movement.owner_id).where(
        Movement.item_id == case.item_id, Movement.kind == MovementKind.SHIP,
        Movement.partner_id == row.partner_id).limit(1))
    if owner_id is None:
        raise NotFound(what="shipment to", key=row.partner_id)
    return Line(kind=MovementKind.RETURN, owner_id=owner_id, item_id=case.item_id,
                quantity=quantity, lot_id=lot_id,
                serial_id=serial_row.id if serial_row else None,
                to_location_id=location_id, to_status=Status.RECALLED,
                partner_id=row.partner_id, reason=RETURNED_IN_RECALL.text(recall_no=case.recall_no))


def close_recall(db: Database, *, actor: Actor, recall_no: str, password: str,
                 report: str) -> queries.RecallView:
    """Close a recall, signed by a quality manager, once every consignee is notified and
    every shipped unit is accounted for (used, returned or destroyed)."""
    require_every_warehouse(actor, MANAGE)
    if not password:
        raise SignatureRequired(recall_no)
    if not report.strip():
        raise BadRecall("a closing report is required", field="report")
    if not rules.may_sign_close(actor.roles):
        raise SignerNotQualityManager(user=actor.username, recall_no=recall_no)
    with db.unit_of_work() as uow:
        session = uow.session
        case = _case(session, recall_no)
        _check_closable(session, case)
        signature = reauthenticate(session, actor=actor, password=password,
                                   meaning=rules.CLOSE_MEANING, record_ref=f"recall:{recall_no}")
        figures = queries.reconciliation(session, case)
        case.status, case.closed_at, case.closed_by = "CLOSED", utc_now(), actor.user_id
        case.signature_audit_id = signature.audit_id
        case.closing_report = json.dumps({"text": report.strip(), "signature":
                                          signature.printed(), **figures},
                                         ensure_ascii=False)
        _audit(session, actor, "recall.close", case)
        uow.commit()
    return _view(db, recall_no)


def _check_closable(session: Session, case: RecallCase) -> None:
    rows = session.scalars(select(RecallConsignee).where(RecallConsignee.recall_id == case.id)
                           .order_by(RecallConsignee.id).with_for_update()).all()
    codes = {partner_id: code for partner_id, code in session.execute(
        select(Partner.id, Partner.code).where(Partner.id.in_({r.partner_id for r in rows})))}
    blockers = rules.close_blockers(
        (rules.ConsigneeState(codes[row.partner_id], row.notified_at is not None,
                              rules.Accounting(row.shipped_qty, row.returned_qty,
                                               row.destroyed_qty, row.used_qty).outstanding)
         for row in rows), mock=case.mock)
    if blockers:
        raise RecallNotClosable(case.recall_no, blockers.not_notified, blockers.outstanding)
