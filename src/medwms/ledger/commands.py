"""Stock commands people run directly: move, hold/unhold, adjust. Workflows use post()."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import NotFound, Problem, ValidationError
from medwms.core.ids import new_doc_no
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, MovementKind, SerialUnit, Status
from medwms.masterdata.tables import Item, Location, Owner

PERMISSION = {MovementKind.MOVE: Perm.STOCK_MOVE, MovementKind.STATUS: Perm.STOCK_STATUS,
              MovementKind.ADJUST: Perm.STOCK_ADJUST}
# Stock becomes AVAILABLE only through quality release / disposition, never by hand here.
GUARDED = {Status.QUARANTINE, Status.REJECTED, Status.RECALLED, Status.EXPIRED, Status.HOLD}


@dataclass(frozen=True)
class MoveRequest:
    """One line as a person or an integration names it: by codes, not ids."""

    kind: str
    item: str
    quantity: int
    lot: str | None = None
    serial: str | None = None
    from_location: str | None = None
    to_location: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    owner: str = "SELF"
    reason: str = ""


@dataclass(frozen=True)
class StockDocument:
    doc_no: str
    movements: int


def post_stock_document(db: Database, *, actor: Actor, lines: Sequence[MoveRequest],
                        doc_no: str | None = None) -> StockDocument:
    """Move, re-status or adjust stock in one document: all lines or none."""
    _check_permissions(actor, lines)
    with db.unit_of_work() as uow:
        resolved = _resolve(uow.session, lines)
        number = doc_no or new_doc_no("MOV", utc_now())
        posted = post(uow.session, actor=actor, doc_type="STOCK", doc_no=number,
                      lines=resolved)
        uow.commit()
    return StockDocument(doc_no=number, movements=posted.movements)


def _check_permissions(actor: Actor, lines: Sequence[MoveRequest]) -> None:
    problems = []
    for number, line in enumerate(lines, start=1):
        if line.kind not in PERMISSION:
            problems.append(Problem(f"kind must be one of {', '.join(PERMISSION)}; receipts, "
                                    "picks and shipments come from their workflows",
                                    column="kind", row=number, value=line.kind))
        elif line.kind == MovementKind.ADJUST and not line.reason.strip():
            problems.append(Problem("an adjustment needs a reason", column="reason", row=number))
        elif line.kind == MovementKind.STATUS and line.from_status in GUARDED \
                and line.to_status == Status.AVAILABLE:
            problems.append(Problem(f"{line.from_status} stock is released only by a signed "
                                    "quality decision", column="to_status", row=number))
    if problems:
        raise ValidationError(problems)
    for kind in {line.kind for line in lines}:
        require(actor, PERMISSION[MovementKind(kind)])


def _resolve(session: Session, lines: Sequence[MoveRequest]) -> list[Line]:
    """Turn codes into ids with one query per kind of thing, whatever the line count."""
    items = _ids(session, Item, Item.code, {line.item.upper() for line in lines})
    owners = _ids(session, Owner, Owner.code, {line.owner.upper() for line in lines})
    locations = _ids(session, Location, Location.code, {
        code.upper() for line in lines for code in (line.from_location, line.to_location) if code})
    lots = _pairs(session, Lot, Lot.lot_no, {
        (items[line.item.upper()], line.lot) for line in lines if line.lot})
    serials = _pairs(session, SerialUnit, SerialUnit.serial, {
        (items[line.item.upper()], line.serial) for line in lines if line.serial})
    return [Line(
        kind=line.kind, owner_id=owners[line.owner.upper()], item_id=items[line.item.upper()],
        quantity=line.quantity,
        lot_id=lots[(items[line.item.upper()], line.lot)] if line.lot else None,
        serial_id=serials[(items[line.item.upper()], line.serial)] if line.serial else None,
        from_location_id=locations[line.from_location.upper()] if line.from_location else None,
        to_location_id=locations[line.to_location.upper()] if line.to_location else None,
        from_status=line.from_status, to_status=line.to_status, reason=line.reason,
    ) for line in lines]


def _ids(session: Session, model: Any, column: Any, codes: set[str]) -> dict[str, int]:
    found = {code: id_ for code, id_ in session.execute(
        select(column, model.id).where(column.in_(codes)))}
    missing = sorted(codes - found.keys())
    if missing:
        raise NotFound(what=model.__tablename__, key=", ".join(missing))
    return found


def _pairs(session: Session, model: Any, column: Any,
           keys: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    if not keys:
        return {}
    rows = session.execute(select(model.item_id, column, model.id).where(
        tuple_(model.item_id, column).in_(keys)))
    found = {(item, text): id_ for item, text, id_ in rows}
    missing = sorted(text for _, text in keys - found.keys())
    if missing:
        raise NotFound(what=model.__tablename__, key=", ".join(missing))
    return found
