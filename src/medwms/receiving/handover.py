"""The receiving handover (收货交接): the papers kept, the deliverer's and receiver's signatures.

`record_handover` is one unit of work: it locks the receipt, keeps the delivery note, waybill
and (for cold goods) the transport temperature record as attachments, keeps the deliverer's
signature (drawn on the handheld as PNG, or the signed paper scanned), signs for the receiver
with their password again, and writes the handover row and its audit record. Closing a
receipt (`service.close_receipt`) asks `handover_queries.require_complete` first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.attachments.rules import MediaType
from medwms.attachments.service import Upload, attach
from medwms.attachments.store import AttachmentStore
from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.auth.signatures import reauthenticate
from medwms.auth.tables import User
from medwms.core.clock import utc_now
from medwms.core.db import Database, insert_row
from medwms.core.errors import Problem, ValidationError
from medwms.receiving import rules, service
from medwms.receiving.errors import HandoverAlreadyRecorded
from medwms.receiving.handover_queries import ENTITY, HandoverView, handover_of, incomplete
from medwms.receiving.tables import Receipt, ReceiptHandover

MEANING = "received (handover)"


class SignedBy(StrEnum):
    DRAWN = "DRAWN"  # drawn on the handheld's screen, sent as PNG
    PAPER = "PAPER"  # signed on the paper delivery note, scanned or photographed


def record_handover(db: Database, *, store: AttachmentStore, actor: Actor, receipt_no: str,
                    deliverer_name: str, deliverer_signature: Upload, signed_by: str,
                    papers: Sequence[tuple[str, Upload]], password: str,
                    now: datetime | None = None) -> HandoverView:
    """Keep the papers and both signatures of a receipt's handover, the receiver's by
    e-signature; refused whole when the delivery note (or a cold receipt's temperature
    record) is missing."""
    require(actor, Perm.RECEIVE)
    now = now or utc_now()
    name, method = _checked(deliverer_name, signed_by, papers)
    with db.unit_of_work() as uow:
        s = uow.session
        receipt = service.lock_receipt(s, receipt_no, actor)
        service.require_open(receipt)
        _refuse_second(s, receipt)
        for purpose, upload in papers:
            attach(s, store=store, actor=actor, upload=upload, entity=ENTITY,
                   entity_key=receipt.receipt_no, purpose=purpose,
                   allow_csv=purpose == rules.TEMPERATURE_RECORD)
        drawn = attach(s, store=store, actor=actor, upload=deliverer_signature, entity=ENTITY,
                       entity_key=receipt.receipt_no, purpose=rules.DELIVERER_SIGNATURE)
        _require_png(drawn.media_type, method, deliverer_signature.filename)
        _require_papers(s, receipt, now)
        signature = reauthenticate(s, actor=actor, password=password, meaning=MEANING,
                                   record_ref=f"receipt {receipt.receipt_no} handover")
        insert_row(s, ReceiptHandover, {
            "receipt_id": receipt.id, "deliverer_name": name, "deliverer_method": method,
            "deliverer_attachment_id": drawn.id, "receiver_id": signature.user_id,
            "receiver_signature_id": signature.audit_id, "signed_at": signature.signed_at})
        record_audit(s, actor=actor, action="receipt.handover", entity="receipt",
                     entity_key=receipt.receipt_no,
                     after={"deliverer": name, "signed_by": method,
                            "papers": sorted(p for p, _ in papers), "signature": drawn.sha256})
        view = handover_of(s, receipt)
        uow.commit()
    return view


def _checked(deliverer_name: str, signed_by: str,
             papers: Sequence[tuple[str, Upload]]) -> tuple[str, SignedBy]:
    problems = []
    name = " ".join(deliverer_name.split())[:80]
    if not name:
        problems.append(Problem("the deliverer's name is required", column="deliverer_name",
                                message_zh="须填写送货人姓名"))
    method = next((m for m in SignedBy if m == signed_by.strip().upper()), None)
    if method is None:
        problems.append(Problem("signed_by is DRAWN or PAPER", column="signed_by",
                                value=signed_by, message_zh="签字方式为 DRAWN 或 PAPER"))
    problems += [Problem(f"a paper is one of {', '.join(rules.PAPERS)}", column="purpose",
                         value=purpose, message_zh=f"单据类型须为 {'、'.join(rules.PAPERS)}")
                 for purpose, _ in papers if purpose not in rules.PAPERS]
    if problems or method is None:
        raise ValidationError(problems)
    return name, method


def _refuse_second(s: Session, receipt: Receipt) -> None:
    row = s.execute(select(ReceiptHandover.deliverer_name, User.display_name)
                    .join(User, User.id == ReceiptHandover.receiver_id)
                    .where(ReceiptHandover.receipt_id == receipt.id)).one_or_none()
    if row is not None:
        raise HandoverAlreadyRecorded(receipt_no=receipt.receipt_no, deliverer=row[0],
                                      receiver=row[1])


def _require_png(media_type: str, method: SignedBy, filename: str) -> None:
    if method is SignedBy.DRAWN and media_type != MediaType.PNG:
        raise ValidationError([Problem(
            "a signature drawn on the handheld is sent as PNG", column="deliverer_signature",
            value=filename, message_zh="在手持终端上手写的签名须以 PNG 提交")])


def _require_papers(s: Session, receipt: Receipt, now: datetime) -> None:
    """The papers must be there when both sides sign (the signatures are being given)."""
    view = handover_of(s, receipt)
    papers = tuple(m for m in view.missing if m in rules.PAPERS)
    if papers:
        raise incomplete(s, receipt, papers, now)
