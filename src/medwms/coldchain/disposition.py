"""The quality decision on a breach: per lot release or reject, signed; acknowledgement.

Release puts the held units back to the status they had before the hold (AVAILABLE, or
QUARANTINE for lots still awaiting acceptance inspection), read from this breach's own CCH
movements — unless another breach still has to decide the same lot at the same place:
then the decision is recorded and the units stay on HOLD. Reject moves every held unit
of the lot there to REJECTED. A breach closes once it has ended and every lot is decided.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import reading_as, require, seeing_as
from medwms.auth.rules import Actor, Perm
from medwms.auth.signatures import reauthenticate
from medwms.coldchain import alarms, detection, queries
from medwms.coldchain.errors import (
    AlreadyDecided,
    BreachClosed,
    BreachLotNotFound,
    CommentRequired,
)
from medwms.coldchain.hold import DECIDED, DOC_TYPE
from medwms.coldchain.queries import BreachView
from medwms.coldchain.tables import Breach, BreachLot
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import Problem, ValidationError
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Movement, MovementKind, Status, Stock

DECIDE = Perm.INSPECT  # quality; the lead may add coldchain.decide
MEANINGS = {"RELEASE": "released", "REJECT": "rejected"}


@dataclass(frozen=True)
class Decision:
    breach_lot_id: int
    disposition: str
    comment: str


def decide_lot(db: Database, *, actor: Actor, breach_no: str, decision: Decision,
               password: str, now: datetime | None = None) -> BreachView:
    """Release or reject one affected lot, signed by re-entering the password."""
    require(actor, DECIDE)
    _check(decision)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        breach = _locked_breach(s, actor, breach_no)
        line = _undecided(s, breach, decision.breach_lot_id)
        signature = reauthenticate(s, actor=actor, password=password,
                                   meaning=MEANINGS[decision.disposition],
                                   record_ref=f"{breach_no}/lot-line {line.id}")
        moved = _move(s, actor, breach, line, decision.disposition, now)
        line.disposition, line.comment = decision.disposition, decision.comment.strip()
        line.decided_by, line.decided_at = actor.user_id, now
        line.signature_audit_id = signature.audit_id
        record_audit(s, actor=actor, action="decide", entity="breach_lot",
                     entity_key=f"{breach_no}/{line.id}", reason=line.comment,
                     after={"disposition": line.disposition, "moved": moved})
        s.flush()
        detection.close_if_done(s, breach)
        uow.commit()
    with reading_as(db, actor) as s:
        return queries.breach_view(s, breach_no)


def _check(decision: Decision) -> None:
    if decision.disposition not in MEANINGS:
        raise ValidationError([Problem("RELEASE or REJECT", column="disposition",
                                       value=decision.disposition)])
    if not decision.comment.strip():
        raise CommentRequired([Problem("say why the lot may be used or must be rejected",
                                       column="comment")])


def _locked_breach(s: Session, actor: Actor, breach_no: str) -> Breach:
    with seeing_as(s, actor):  # BREACH not found when its sensor is out of the actor's sight
        queries.breach_row(s, breach_no)
    breach = s.scalar(select(Breach).where(Breach.breach_no == breach_no).with_for_update())
    assert breach is not None
    if breach.status == "CLOSED":
        raise BreachClosed(breach=breach_no)
    return breach


def _undecided(s: Session, breach: Breach, line_id: int) -> BreachLot:
    line = s.scalar(select(BreachLot).where(BreachLot.id == line_id,
                                            BreachLot.breach_id == breach.id).with_for_update())
    if line is None:
        raise BreachLotNotFound(breach=breach.breach_no, line=line_id)
    if line.disposition:
        raise AlreadyDecided(breach=breach.breach_no, lot=line.lot_id or "-",
                             disposition=line.disposition)
    return line


def _move(s: Session, actor: Actor, breach: Breach, line: BreachLot, disposition: str,
          now: datetime) -> int:
    held = list(s.scalars(select(Stock).where(
        Stock.item_id == line.item_id, Stock.location_id == line.location_id,
        Stock.status == Status.HOLD,
        Stock.lot_id.is_(None) if line.lot_id is None else Stock.lot_id == line.lot_id)
        .order_by(Stock.key).with_for_update()))
    if disposition == "REJECT":
        lines = [_status_line(r, r.quantity, Status.REJECTED, breach, "rejected") for r in held]
    elif _pending_elsewhere(s, breach, line):
        lines = []
    else:
        lines = _release_lines(s, breach, line, held)
    if lines:
        post(s, actor=actor, doc_type=DOC_TYPE, doc_no=breach.breach_no, lines=lines, now=now)
    return sum(x.quantity for x in lines)


def _pending_elsewhere(s: Session, breach: Breach, line: BreachLot) -> bool:
    return s.scalar(select(BreachLot.id).where(
        BreachLot.breach_id != breach.id, BreachLot.disposition == "",
        BreachLot.item_id == line.item_id, BreachLot.location_id == line.location_id,
        BreachLot.lot_id.is_(None) if line.lot_id is None else BreachLot.lot_id == line.lot_id)
        .limit(1)) is not None


def _release_lines(s: Session, breach: Breach, line: BreachLot, held: list[Stock]) -> list[Line]:
    """Back to each unit's status before the hold, as far as it is still on HOLD."""
    before: dict[tuple[int, int | None, int | None], dict[str, int]] = defaultdict(
        lambda: defaultdict(int))
    for m in s.scalars(select(Movement).where(
            Movement.doc_type == DOC_TYPE, Movement.doc_no.in_(_related(s, line)),
            Movement.to_status == Status.HOLD, Movement.item_id == line.item_id,
            Movement.to_location_id == line.location_id)):
        if m.lot_id == line.lot_id and m.from_status:
            before[(m.owner_id, m.serial_id, m.to_hu_id)][m.from_status] += m.quantity
    lines: list[Line] = []
    for row in held:
        for status, quantity in sorted(before[(row.owner_id, row.serial_id, row.hu_id)].items()):
            take = min(quantity, row.quantity - sum(x.quantity for x in lines
                                                    if x.from_hu_id == row.hu_id
                                                    and x.owner_id == row.owner_id
                                                    and x.serial_id == row.serial_id))
            if take > 0:
                lines.append(_status_line(row, take, status, breach, "released"))
    return lines


def _related(s: Session, line: BreachLot) -> list[str]:
    """The breaches that held this lot at this place (a hold made by an earlier one counts)."""
    return list(s.scalars(select(Breach.breach_no).join(BreachLot, BreachLot.breach_id == Breach.id)
                          .where(BreachLot.item_id == line.item_id,
                                 BreachLot.location_id == line.location_id,
                                 BreachLot.lot_id.is_(None) if line.lot_id is None
                                 else BreachLot.lot_id == line.lot_id)))


def _status_line(row: Stock, quantity: int, status: str, breach: Breach, what: str) -> Line:
    return Line(kind=MovementKind.STATUS, owner_id=row.owner_id, item_id=row.item_id,
                quantity=quantity, lot_id=row.lot_id, serial_id=row.serial_id,
                from_location_id=row.location_id, to_location_id=row.location_id,
                from_status=Status.HOLD, to_status=status, from_hu_id=row.hu_id,
                to_hu_id=row.hu_id,
                reason=DECIDED.text(breach_no=breach.breach_no, decision=what))


def acknowledge(db: Database, *, actor: Actor, breach_no: str, comment: str,
                now: datetime | None = None) -> BreachView:
    """Acknowledge an ongoing breach (lost or faulty sensor) without closing it."""
    require(actor, DECIDE)
    if not comment.strip():
        raise CommentRequired([Problem("say what is being done about it", column="comment")])
    now = now or utc_now()
    with db.unit_of_work() as uow:
        breach = _locked_breach(uow.session, actor, breach_no)
        if breach.status == "OPEN":
            breach.status = "ACKNOWLEDGED"
        breach.acknowledged_by, breach.acknowledged_at = actor.user_id, now
        stamp = f"[{now:%Y-%m-%d %H:%M} UTC {actor.username}] {comment.strip()}"
        breach.comment = f"{breach.comment}\n{stamp}".strip()
        alarms.record_ack(uow.session, breach, actor, note=comment, action="", now=now)
        record_audit(uow.session, actor=actor, action="acknowledge", entity="breach",
                     entity_key=breach_no, reason=comment.strip())
        uow.commit()
    with reading_as(db, actor) as s:
        return queries.breach_view(s, breach_no)
