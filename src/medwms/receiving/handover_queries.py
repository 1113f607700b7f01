"""Reading a receipt's handover (交接): the kept papers, who delivered and who received."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.attachments.queries import AttachmentRef, attachments_of
from medwms.attachments.tables import Attachment
from medwms.auth.tables import User
from medwms.core.clock import local_date
from medwms.masterdata.tables import Partner, Warehouse
from medwms.receiving import rules
from medwms.receiving.errors import HandoverIncomplete, ReceiptNotFound
from medwms.receiving.tables import Receipt, ReceiptHandover

ENTITY = "receipt"  # the attachments' record kind; their key is the receipt number


@dataclass(frozen=True)
class HandoverView:
    """A receipt's handover as the page, the API and the acceptance record show it."""

    receipt_no: str
    cold: bool
    missing: tuple[str, ...]
    papers: tuple[AttachmentRef, ...] = ()
    deliverer_name: str = ""
    deliverer_method: str = ""  # DRAWN (on the handheld) or PAPER (signed paper, scanned)
    deliverer_signature: AttachmentRef | None = None
    receiver_username: str = ""
    receiver_name: str = ""
    signed_at: datetime | None = None
    signature_id: int | None = None
    missing_en: str = field(default="")
    missing_zh: str = field(default="")

    @property
    def complete(self) -> bool:
        """True when the receipt may be completed (nothing is missing)."""
        return not self.missing


def handover_of(session: Session, receipt: Receipt) -> HandoverView:
    """The handover of `receipt`, with what is still missing before it may be completed."""
    papers = tuple(a for a in attachments_of(session, entity=ENTITY,
                                             entity_key=receipt.receipt_no)
                   if a.purpose in rules.PAPERS)
    row = session.execute(
        select(ReceiptHandover, User.username, User.display_name, Attachment.id)
        .join(User, User.id == ReceiptHandover.receiver_id)
        .join(Attachment, Attachment.id == ReceiptHandover.deliverer_attachment_id)
        .where(ReceiptHandover.receipt_id == receipt.id)).one_or_none()
    state = rules.HandoverState(papers=frozenset(p.purpose for p in papers),
                                deliverer_signed=row is not None, receiver_signed=row is not None,
                                cold=bool(receipt.logger_id))
    missing = rules.handover_missing(state)
    words = rules.missing_words(missing)
    base = HandoverView(receipt_no=receipt.receipt_no, cold=state.cold, missing=missing,
                        papers=papers, missing_en=words[0], missing_zh=words[1])
    if row is None:
        return base
    handover, username, display_name, attachment_id = row
    signature = next(iter(a for a in attachments_of(
        session, entity=ENTITY, entity_key=receipt.receipt_no,
        purpose=rules.DELIVERER_SIGNATURE) if a.id == attachment_id), None)
    return HandoverView(
        receipt_no=base.receipt_no, cold=base.cold, missing=missing, papers=papers,
        deliverer_name=handover.deliverer_name, deliverer_method=handover.deliverer_method,
        deliverer_signature=signature, receiver_username=username, receiver_name=display_name,
        signed_at=handover.signed_at, signature_id=handover.receiver_signature_id,
        missing_en=words[0], missing_zh=words[1])


def receipt_handover(session: Session, receipt_no: str) -> HandoverView:
    """The handover of the receipt numbered `receipt_no` (RECEIPT_NOT_FOUND if none)."""
    receipt = session.scalars(select(Receipt).where(
        Receipt.receipt_no == receipt_no.strip().upper())).one_or_none()
    if receipt is None:
        raise ReceiptNotFound(receipt_no=receipt_no)
    return handover_of(session, receipt)


def require_complete(s: Session, receipt: Receipt, now: datetime) -> None:
    """Refuse (HANDOVER_INCOMPLETE) a receipt whose handover lacks a paper or a signature."""
    view = handover_of(s, receipt)
    if view.missing:
        raise incomplete(s, receipt, view.missing, now)


def incomplete(s: Session, receipt: Receipt, missing: tuple[str, ...],
               now: datetime) -> HandoverIncomplete:
    """The refusal naming the receipt, its supplier, the day and what is missing."""
    timezone = s.get_one(Warehouse, receipt.warehouse_id).timezone
    words = rules.missing_words(missing)
    return HandoverIncomplete(receipt_no=receipt.receipt_no,
                              supplier=s.get_one(Partner, receipt.supplier_id).code,
                              day=local_date(now, timezone).isoformat(), missing=list(missing),
                              missing_en=words[0], missing_zh=words[1])
