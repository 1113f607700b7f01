"""Acceptance inspection commands: open a lot's inspection, conclude it with a signature.

Concluding locks the inspection row (FOR UPDATE), checks the finding with the pure rules,
refuses the receiver as releaser when the warehouse separates the two, re-authenticates the
inspector (the e-signature, bound to the record hash), posts the STATUS movements and
writes the record and its audit entries — all in one unit of work, or nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import out_of_sight, reading_as, require, scope_filter
from medwms.auth.rules import Actor, Perm
from medwms.auth.signatures import Signature, reauthenticate
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import NotFound
from medwms.core.ids import new_doc_no
from medwms.ledger.service import post
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Warehouse
from medwms.qualification import gates
from medwms.quality import queries, rules
from medwms.quality.errors import (
    InspectionConcluded,
    InspectionNotFound,
    NotInQuarantine,
    ReceiverCannotRelease,
)
from medwms.quality.queries import InspectionView, ReceivedLot
from medwms.quality.rules import Finding, SignedRecord, Split
from medwms.quality.tables import Inspection, InspectionStatus

AUDITED = ("sample_size", "packaging_ok", "label_ok", "certificate_ok", "temperature_ok",
           "notes", "conclusion", "accepted_qty", "rejected_qty", "reject_reason",
           "disposition", "inspector_id", "status", "record_hash", "signature_meaning")


def open_inspection(db: Database, *, actor: Actor, receipt_no: str, item: str,
                    lot: str | None) -> InspectionView:
    """Open (or find) the inspection of a received lot; it must be in quarantine."""
    require(actor, Perm.INSPECT)
    with db.unit_of_work() as uow:
        s = uow.session
        item_row, lot_row = _item_and_lot(s, receipt_no, item, lot)
        found = _inspection_of(s, actor, receipt_no, item_row.id, lot_row)
        if found is not None:
            return queries.inspection_view(s, found)
        received = _quarantined(s, actor, receipt_no, item_row, lot_row)
        number = _create(s, actor, received)
        try:
            uow.commit()
        except IntegrityError:  # opened at the same moment by someone else
            number = ""
    with reading_as(db, actor) as s:
        number = number or _inspection_of(s, actor, receipt_no, item_row.id, lot_row) or ""
        return queries.inspection_view(s, number)


def _item_and_lot(s: Session, receipt_no: str, item: str,
                  lot: str | None) -> tuple[Item, Lot | None]:
    item_row = s.scalar(select(Item).where(Item.code == item.upper()))
    if item_row is None:
        raise NotFound(what="item", key=item)
    if lot is None:
        return item_row, None
    lot_row = s.scalar(select(Lot).where(Lot.item_id == item_row.id, Lot.lot_no == lot))
    if lot_row is None:
        raise NotInQuarantine(receipt_no=receipt_no, item=item_row.code, lot=lot)
    return item_row, lot_row


def _inspection_of(s: Session, actor: Actor, receipt_no: str, item_id: int,
                   lot: Lot | None) -> str | None:
    return s.scalar(select(Inspection.inspection_no).where(
        scope_filter(actor, Inspection.warehouse_id),
        Inspection.receipt_no == receipt_no, Inspection.item_id == item_id,
        Inspection.lot_id.is_not_distinct_from(lot.id if lot else None)))


def _quarantined(s: Session, actor: Actor, receipt_no: str, item: Item,
                 lot: Lot | None) -> ReceivedLot:
    """The received lot in quarantine, or NOT_IN_QUARANTINE (also when the receipt is out of
    the actor's sight)."""
    found = queries.received_lots(s, receipt_no=receipt_no, item_id=item.id,
                                  lot_id=lot.id if lot else None, match_lot=True,
                                  pending_only=False)
    if not found or not found[0].quantity or out_of_sight(actor, found[0].warehouse_id):
        raise NotInQuarantine(receipt_no=receipt_no, item=item.code,
                              lot=lot.lot_no if lot else "—")
    return found[0]


def _create(s: Session, actor: Actor, received: ReceivedLot) -> str:
    now = utc_now()
    row = Inspection(inspection_no=new_doc_no("QC", now), receipt_no=received.receipt_no,
                     warehouse_id=received.warehouse_id, item_id=received.item_id,
                     lot_id=received.lot_id, status=InspectionStatus.PENDING,
                     quantity_received=received.quantity, sample_size=0, notes="",
                     accepted_qty=0, rejected_qty=0, reject_reason="", disposition="",
                     signature_meaning="", record_hash="", created_at=now)
    s.add(row)
    s.flush()
    record_audit(s, actor=actor, action="create", entity="inspection",
                 entity_key=row.inspection_no,
                 after={"receipt_no": row.receipt_no, "item_id": row.item_id,
                        "lot_id": row.lot_id, "quantity_received": row.quantity_received})
    return row.inspection_no


def conclude_inspection(db: Database, *, actor: Actor, inspection_no: str, finding: Finding,
                        password: str) -> InspectionView:
    """Conclude an inspection (accept, reject or partial), signed with the password."""
    require(actor, Perm.INSPECT)
    with db.unit_of_work() as uow:
        s = uow.session
        row = _locked(s, actor, inspection_no)
        item = s.get_one(Item, row.item_id)
        lot = s.get(Lot, row.lot_id) if row.lot_id else None
        received = _quarantined(s, actor, row.receipt_no, item, lot)
        split = rules.decide(_under_inspection(item, lot, received), finding)
        if split.accepted > 0:  # G02/G06: a product not approved or lapsed is not released
            timezone = s.get_one(Warehouse, row.warehouse_id).timezone
            gates.check_items(s, items=[item], today=local_date(utc_now(), timezone),
                              action="RELEASE")
        _check_separation(s, actor, row, split, lot)
        now = utc_now()
        record = _signed_record(row, item, lot, received, finding, split, actor, now)
        digest = rules.record_hash(record)
        signature = reauthenticate(s, actor=actor, password=password, meaning=record.meaning,
                                   record_ref=rules.record_ref(inspection_no, digest))
        _post(s, actor, row, received, finding, split, now)
        _write(s, actor, row, record, digest, signature)
        uow.commit()
    with reading_as(db, actor) as s:
        return queries.inspection_view(s, inspection_no)


def _locked(s: Session, actor: Actor, inspection_no: str) -> Inspection:
    row = s.scalar(select(Inspection).where(Inspection.inspection_no == inspection_no)
                   .with_for_update())
    if row is None or out_of_sight(actor, row.warehouse_id):
        raise InspectionNotFound(what="inspection", key=inspection_no)
    if row.status == InspectionStatus.DONE:
        raise InspectionConcluded(inspection_no=inspection_no, conclusion=row.conclusion)
    return row


def _under_inspection(item: Item, lot: Lot | None,
                      received: ReceivedLot) -> rules.LotUnderInspection:
    return rules.LotUnderInspection(item=item.code, lot=lot.lot_no if lot else "—",
                                    quantity=received.quantity,
                                    hold_reasons=received.hold_reasons,
                                    cold_chain=queries.is_cold_chain(item))


def _check_separation(s: Session, actor: Actor, row: Inspection, split: Split,
                      lot: Lot | None) -> None:
    """GSP: who received a lot may not release it (rejecting is allowed)."""
    if not split.accepted:
        return
    warehouse = s.get_one(Warehouse, row.warehouse_id)
    if not warehouse.separate_release:
        return
    _, receivers = queries.receipt_history(s, row.receipt_no, row.item_id, row.lot_id)
    if actor.user_id in receivers:
        raise ReceiverCannotRelease(user=actor.username, lot=lot.lot_no if lot else "—",
                                    warehouse=warehouse.code)


def _signed_record(row: Inspection, item: Item, lot: Lot | None, received: ReceivedLot,
                   finding: Finding, split: Split, actor: Actor,
                   now: datetime) -> SignedRecord:
    rejecting = bool(split.rejected)
    return SignedRecord(
        inspection_no=row.inspection_no, receipt_no=row.receipt_no, item=item.code,
        lot=lot.lot_no if lot else "", expiry=lot.expiry if lot else None,
        quantity=received.quantity, sample_size=finding.sample_size, checks=finding.checks,
        conclusion=str(finding.conclusion), accepted_qty=split.accepted,
        rejected_qty=split.rejected,
        reject_reason=finding.reason.strip() if rejecting else "",
        disposition=finding.disposition.strip() if rejecting else "",
        hold_reasons=received.hold_reasons, inspector=actor.username,
        meaning=rules.meaning_of(split), concluded_at=now)


def _post(s: Session, actor: Actor, row: Inspection, received: ReceivedLot,
          finding: Finding, split: Split, now: datetime) -> None:
    reject_reason = rules.QC_REJECTED.text(reason=finding.reason.strip(),
                                           disposition=finding.disposition.strip())
    lines = rules.status_lines(item_id=row.item_id, lot_id=row.lot_id,
                               balances=received.balances, split=split,
                               accept_reason=rules.QC_RELEASED.text(), reject_reason=reject_reason)
    post(s, actor=actor, doc_type="QC", doc_no=row.inspection_no, lines=lines, now=now)


def _values(row: Inspection) -> dict[str, Any]:
    return {name: getattr(row, name) for name in AUDITED}


def _write(s: Session, actor: Actor, row: Inspection, record: SignedRecord, digest: str,
           signature: Signature) -> None:
    before = _values(row)
    checks = record.checks
    row.quantity_received = record.quantity
    row.sample_size = record.sample_size
    row.packaging_ok, row.label_ok = checks.packaging_ok, checks.label_ok
    row.certificate_ok, row.temperature_ok = checks.certificate_ok, checks.temperature_ok
    row.notes = checks.notes
    row.conclusion = record.conclusion
    row.accepted_qty, row.rejected_qty = record.accepted_qty, record.rejected_qty
    row.reject_reason, row.disposition = record.reject_reason, record.disposition
    row.inspector_id = actor.user_id
    row.signed_at = signature.signed_at
    row.signature_meaning = signature.meaning
    row.signature_audit_id = signature.audit_id
    row.record_hash = digest
    row.status = InspectionStatus.DONE
    record_audit(s, actor=actor, action="conclude", entity="inspection",
                 entity_key=row.inspection_no, before=before, after=_values(row),
                 reason=signature.meaning)
