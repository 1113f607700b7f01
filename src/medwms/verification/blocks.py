"""Review blocks: the quality task a "no" on the outbound review checklist raises (G26).

While a block is OPEN its order is not packed or shipped (shipping asks `open_block_of`).
`raise_block` runs inside the scan's unit of work; `clear_review_block` is quality's decision,
signed with the password again, after which the order may ship (or the unit is taken out of
the shipment by resolving it at verification).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import reading_as, require, seeing_as
from medwms.auth.rules import Actor, Perm
from medwms.auth.signatures import reauthenticate
from medwms.auth.tables import User
from medwms.core.clock import utc_now
from medwms.core.db import Database, insert_row
from medwms.core.errors import Problem, ValidationError
from medwms.masterdata.tables import Item, Warehouse
from medwms.orders.tables import OutboundOrder
from medwms.verification.errors import ReviewBlockCleared, ReviewBlockNotFound
from medwms.verification.rules import Checklist
from medwms.verification.tables import ReviewBlock, Verification, VerificationLine

OPEN, CLEARED = "OPEN", "CLEARED"
MEANING = "review block cleared"


def raise_block(s: Session, *, actor: Actor, verification: Verification,
                line: VerificationLine, checklist: Checklist, now: datetime) -> ReviewBlock:
    """Record the quality task for a failed checklist (in the caller's unit of work)."""
    block = insert_row(s, ReviewBlock, {
        "verification_id": verification.id, "order_id": verification.order_id,
        "line_id": line.id, "failed": checklist.failed_text(), "note": checklist.note,
        "status": OPEN, "raised_by": actor.user_id, "raised_at": now, "decision": ""})
    record_audit(s, actor=actor, action="verification.checklist_failed", entity="verification",
                 entity_key=verification.verification_no,
                 after={"block": block.id, "line": line.id, "failed": block.failed,
                        "udi": line.udi, "note": checklist.note})
    return block


@dataclass(frozen=True)
class BlockView:
    """One review block as the quality page and the API list it."""

    id: int
    status: str
    order_no: str
    verification_no: str
    warehouse: str
    item: str
    item_name_zh: str
    item_name_en: str
    udi: str
    quantity: int
    failed: tuple[str, ...]
    note: str
    raised_by: str
    raised_at: datetime
    decision: str
    cleared_at: datetime | None


def _views(s: Session, *, status: str | None = None, order_id: int | None = None,
           order_no: str | None = None) -> list[BlockView]:
    query = (select(ReviewBlock, OutboundOrder.order_no, Verification.verification_no,
                    Warehouse.code, Item.code, Item.name_zh, Item.name_en,
                    VerificationLine.udi, VerificationLine.quantity, User.username)
             .join(OutboundOrder, OutboundOrder.id == ReviewBlock.order_id)
             .join(Verification, Verification.id == ReviewBlock.verification_id)
             .join(Warehouse, Warehouse.id == OutboundOrder.warehouse_id)
             .join(VerificationLine, VerificationLine.id == ReviewBlock.line_id)
             .join(Item, Item.id == VerificationLine.item_id)
             .outerjoin(User, User.id == ReviewBlock.raised_by))
    if status:
        query = query.where(ReviewBlock.status == status.upper())
    if order_id is not None:
        query = query.where(ReviewBlock.order_id == order_id)
    if order_no is not None:
        query = query.where(OutboundOrder.order_no == order_no)
    rows = s.execute(query.order_by(ReviewBlock.raised_at.desc(), ReviewBlock.id.desc()))
    return [BlockView(id=b.id, status=b.status, order_no=order_no, verification_no=number,
                      warehouse=warehouse, item=item, item_name_zh=zh, item_name_en=en,
                      udi=udi, quantity=quantity, failed=tuple(b.failed.split(",")),
                      note=b.note, raised_by=raiser or "system", raised_at=b.raised_at,
                      decision=b.decision, cleared_at=b.cleared_at)
            for b, order_no, number, warehouse, item, zh, en, udi, quantity, raiser in rows]


def review_blocks(s: Session, *, status: str | None = OPEN) -> list[BlockView]:
    """Review blocks, newest first (OPEN ones unless another status, or None for all)."""
    return _views(s, status=status)


def blocks_of_order(s: Session, order_id: int) -> list[BlockView]:
    """Every review block of one order, newest first."""
    return _views(s, order_id=order_id)


def clear_review_block(db: Database, *, actor: Actor, block_id: int, decision: str,
                       password: str, now: datetime | None = None) -> BlockView:
    """Quality decides a review block (e-signature): the order may then be shipped."""
    require(actor, Perm.QUALITY_RECORD)
    now = now or utc_now()
    written = " ".join(decision.split())[:300]
    if not written:
        raise ValidationError([Problem("write the quality decision", column="decision",
                                       message_zh="请填写质量处理意见")])
    with db.unit_of_work() as uow:
        s = uow.session
        with seeing_as(s, actor):
            block = s.scalars(select(ReviewBlock).where(ReviewBlock.id == block_id)
                              .with_for_update()).one_or_none()
        if block is None:
            raise ReviewBlockNotFound(block_id=block_id)
        if block.status != OPEN:
            raise ReviewBlockCleared(block_id=block_id, decision=block.decision)
        reauthenticate(s, actor=actor, password=password, meaning=MEANING,
                       record_ref=f"review block {block.id}")
        block.status, block.decision = CLEARED, written
        block.cleared_by, block.cleared_at = actor.user_id, now
        record_audit(s, actor=actor, action="verification.block_cleared", entity="review_block",
                     entity_key=str(block.id), reason=written,
                     before={"status": OPEN}, after={"status": CLEARED})
        s.flush()
        view = next(v for v in _views(s, order_id=block.order_id) if v.id == block.id)
        uow.commit()
    return view


def list_blocks(db: Database, *, actor: Actor, status: str | None = OPEN,
                order_no: str | None = None) -> list[BlockView]:
    """The review blocks the actor may see (of one order, if given), newest first."""
    require(actor, Perm.STOCK_READ)
    with reading_as(db, actor) as s:
        return _views(s, status=status, order_no=order_no)
