"""The closed documents archiving may take, and how long each must be kept (R01).

Two kinds of closed document are archived: receipts (the acceptance records) and recall cases
(quality records). Each has a status CLOSED and a closing time. Outbound orders and count
plans record no closing time of their own, so they are not archived yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.core.clock import local_date
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item
from medwms.recall.tables import RecallCase
from medwms.receiving.tables import Receipt, ReceiptLine
from medwms.runtime.queries import not_archived
from medwms.runtime.rules import ARCHIVED_RECALL_CASE as RECALL_CASE
from medwms.runtime.rules import ARCHIVED_RECEIPT as RECEIPT
from medwms.runtime.rules import RecordKind, RetainedRecord, Retention, retention_of


@dataclass(frozen=True)
class ClosedDocument:
    """A closed document not yet archived: its kind, number, closing time and retention."""

    entity: str
    number: str
    closed_at: datetime
    retention: Retention


def longest(retentions: Iterable[Retention]) -> Retention:
    """The longest of several retentions (for ever beats any date)."""
    kept = list(retentions)
    for retention in kept:
        if retention.permanent:
            return retention
    return max(kept, key=lambda r: r.keep_until or date.max)


def receipt_retention(session: Session, receipt: Receipt, timezone: str) -> Retention:
    """How long a receipt must be kept: the longest of its lines' (expiry + 2 years, 5 years
    without an expiry, implants for ever)."""
    day = local_date(receipt.closed_at or receipt.opened_at, timezone)
    rows = session.execute(
        select(Lot.expiry, Item.implant).select_from(ReceiptLine)
        .join(Item, Item.id == ReceiptLine.item_id)
        .outerjoin(Lot, Lot.id == ReceiptLine.lot_id)
        .where(ReceiptLine.receipt_id == receipt.id).distinct())
    records = [RetainedRecord(kind=RecordKind.ACCEPTANCE, record_date=day, expiry=expiry,
                              implant=bool(implant)) for expiry, implant in rows]
    if not records:
        records = [RetainedRecord(kind=RecordKind.ACCEPTANCE, record_date=day, expiry=None,
                                  implant=False)]
    return longest(retention_of(record) for record in records)


def recall_retention(session: Session, case: RecallCase, timezone: str) -> Retention:
    """How long a recall case must be kept: a quality record, at least 5 years from its
    closing; for ever when the product is an implant."""
    implant = bool(session.scalar(select(Item.implant).where(Item.id == case.item_id)))
    day = local_date(case.closed_at or case.opened_at, timezone)
    return retention_of(RetainedRecord(kind=RecordKind.QUALITY, record_date=day, expiry=None,
                                       implant=implant))


def closed_before(session: Session, *, before: datetime, timezone: str) -> list[ClosedDocument]:
    """The closed receipts and recall cases closed before `before`, not yet archived."""
    receipts = session.scalars(select(Receipt).where(
        Receipt.status == "CLOSED", Receipt.closed_at < before,
        not_archived(RECEIPT, Receipt.receipt_no)).order_by(Receipt.id))
    found = [ClosedDocument(RECEIPT, r.receipt_no, r.closed_at or r.opened_at,
                            receipt_retention(session, r, timezone)) for r in receipts]
    cases = session.scalars(select(RecallCase).where(
        RecallCase.status == "CLOSED", RecallCase.closed_at < before,
        not_archived(RECALL_CASE, RecallCase.recall_no)).order_by(RecallCase.id))
    found += [ClosedDocument(RECALL_CASE, c.recall_no, c.closed_at or c.opened_at,
                             recall_retention(session, c, timezone)) for c in cases]
    return found
