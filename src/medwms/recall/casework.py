"""Working a recall case: the notices sent, blocking what turned up since, destroying what we hold.

Each is one command in one unit of work with its audit record, like the commands of
`recall.service` (opening, returns, closing), whose case and consignee helpers they share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.guard import require_every_warehouse
from medwms.auth.rules import Actor
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.reasons import Reason
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, MovementKind, SerialUnit, Status, Stock
from medwms.masterdata.queries import location_by_barcode
from medwms.masterdata.scope import require_warehouses
from medwms.recall import queries, rules
from medwms.recall.errors import BadRecall, NotRecalledHere
from medwms.recall.service import (
    DOC_TYPE,
    MANAGE,
    _audit,
    _cancel_allocations,
    _case,
    _consignee,
    _lock_scope,
    _match,
    _view,
)
from medwms.recall.tables import RecallCase, RecallNotice

DESTROYED_IN_RECALL = Reason("RECALL_DESTROYED", "recall {recall_no}: destroyed: {reason}",
                             "召回 {recall_no}：销毁：{reason}")


@dataclass(frozen=True)
class NoticeIn:
    """A notice as the person who sent it tells it (the recording time is the server's)."""

    partner: str
    channel: str
    recipient: str
    sent_at: datetime | None = None  # None: now
    note: str = ""


def record_notice(db: Database, *, actor: Actor, recall_no: str,
                  notice: NoticeIn) -> queries.RecallView:
    """Record one notice sent to a consignee: channel, person reached, when, a note."""
    require_every_warehouse(actor, MANAGE)
    now = utc_now()
    sent_at = notice.sent_at or now
    channel = notice.channel.strip().upper()
    problems = rules.notice_problems(channel, notice.recipient, sent_at, now)
    if problems:
        raise BadRecall(problems)
    with db.unit_of_work() as uow:
        session = uow.session
        case = _case(session, recall_no)
        row = _consignee(session, case, notice.partner)
        session.add(RecallNotice(recall_id=case.id, consignee_id=row.id, channel=channel,
                                 recipient=notice.recipient.strip()[:200], sent_at=sent_at,
                                 note=notice.note.strip()[:2000], recorded_at=now,
                                 recorded_by=actor.user_id))
        if row.notified_at is None or sent_at < row.notified_at:
            row.notified_at = sent_at
        _audit(session, actor, "recall.notice", case, partner=notice.partner.upper(),
               channel=channel, recipient=notice.recipient.strip()[:200],
               sent_at=sent_at.isoformat())
        uow.commit()
    return _view(db, recall_no)


def scope_of(case: RecallCase) -> rules.Scope:
    """The scope stored on a case."""
    stored = json.loads(case.scope or "{}")

    def day(key: str) -> date | None:
        return date.fromisoformat(stored[key]) if stored.get(key) else None

    return rules.Scope(stored.get("gtin", ""), tuple(stored.get("lots") or ()),
                       tuple(stored.get("serials") or ()), day("expiry_from"),
                       day("expiry_to"), day("produced_from"), day("produced_to"))


@dataclass(frozen=True)
class Blocked:
    """What a re-run of the block found: units newly moved to RECALLED, and the case."""

    newly_blocked: int
    view: queries.RecallView


def block_remaining(db: Database, *, actor: Actor, recall_no: str) -> Blocked:
    """Block again every unit of the scope not yet RECALLED (a lot received since that falls
    in the scope's date range, a transfer that arrived, a return taken in as QUARANTINE)."""
    require_every_warehouse(actor, MANAGE)
    with db.unit_of_work() as uow:
        session = uow.session
        case = _case(session, recall_no)
        if case.mock:
            raise BadRecall("a mock recall blocks nothing", field="recall_no")
        units = _match(session, case.item_id, scope_of(case))
        rows = [row for row in _lock_scope(session, units) if row.status != Status.RECALLED]
        reason = f"recall {case.recall_no}: {case.reason}"[:300]
        lines = [Line(kind=MovementKind.STATUS, owner_id=row.owner_id, item_id=row.item_id,
                      quantity=row.quantity, lot_id=row.lot_id, serial_id=row.serial_id,
                      from_location_id=row.location_id, to_location_id=row.location_id,
                      from_status=row.status, to_status=Status.RECALLED,
                      from_hu_id=row.hu_id, to_hu_id=row.hu_id, reason=reason)
                 for row in rows]
        newly = sum(line.quantity for line in lines)
        if lines:
            post(session, actor=actor, doc_type=DOC_TYPE, doc_no=case.recall_no, lines=lines)
        _cancel_allocations(session, case, units)
        case.blocked_units += newly
        _audit(session, actor, "recall.block", case, newly_blocked=newly)
        uow.commit()
    return Blocked(newly, _view(db, recall_no))


@dataclass(frozen=True)
class DestructionIn:
    """Recalled units we hold, destroyed: where, which lot or serial, how many, why and how."""

    location: str
    quantity: int
    reason: str
    lot: str | None = None
    serial: str | None = None


def destroy_recalled_units(db: Database, *, actor: Actor, recall_no: str,
                           destruction: DestructionIn) -> queries.RecallView:
    """Destroy recalled units held at a location: SCRAP movements under the recall number,
    with the reason (what, how) on each movement and in the audit log."""
    require_every_warehouse(actor, MANAGE)
    with db.unit_of_work() as uow:
        session = uow.session
        case = _case(session, recall_no)
        if case.mock:
            raise BadRecall("a mock recall holds no recalled units", field="recall_no")
        location = location_by_barcode(session, destruction.location)
        require_warehouses(session, actor, location.warehouse_id)
        held = _held(session, case, location.id, destruction.lot, destruction.serial)
        if not held:
            raise NotRecalledHere(unit=destruction.serial or destruction.lot or "—",
                                  recall_no=recall_no, location=location.code)
        problems = rules.destruction_problems(destruction.quantity,
                                              sum(r.quantity for r in held),
                                              destruction.reason)
        if problems:
            raise BadRecall(problems)
        reason = DESTROYED_IN_RECALL.text(recall_no=case.recall_no,
                                          reason=destruction.reason.strip())[:300]
        post(session, actor=actor, doc_type=DOC_TYPE, doc_no=case.recall_no,
             lines=_scrap_lines(held, destruction.quantity, reason))
        _audit(session, actor, "recall.destroy", case, location=location.code,
               lot=destruction.lot, serial=destruction.serial, quantity=destruction.quantity,
               reason=destruction.reason.strip()[:300])
        uow.commit()
    return _view(db, recall_no)


def _held(session: Session, case: RecallCase, location_id: int, lot: str | None,
          serial: str | None) -> list[Stock]:
    """The RECALLED balances of the case's item at a location (of one lot or serial),
    locked in key order."""
    query = select(Stock).where(Stock.item_id == case.item_id, Stock.location_id == location_id,
                                Stock.status == Status.RECALLED, Stock.quantity > 0)
    if lot:
        query = query.where(Stock.lot_id.in_(select(Lot.id).where(
            Lot.item_id == case.item_id, Lot.lot_no == lot.strip())))
    if serial:
        query = query.where(Stock.serial_id.in_(select(SerialUnit.id).where(
            SerialUnit.item_id == case.item_id, SerialUnit.serial == serial.strip())))
    return list(session.scalars(query.order_by(Stock.key).with_for_update()))


def _scrap_lines(held: list[Stock], quantity: int, reason: str) -> list[Line]:
    """SCRAP lines taking `quantity` units from the held balances, in key order."""
    lines, left = [], quantity
    for row in held:
        take = min(left, row.quantity)
        if take <= 0:
            break
        lines.append(Line(kind=MovementKind.SCRAP, owner_id=row.owner_id, item_id=row.item_id,
                          quantity=take, lot_id=row.lot_id, serial_id=row.serial_id,
                          from_location_id=row.location_id, from_status=Status.RECALLED,
                          from_hu_id=row.hu_id, reason=reason))
        left -= take
    return lines
