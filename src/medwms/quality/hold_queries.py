"""Read-only views of holds on doubt, their decisions, and destruction records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.tables import AuditRecord, User
from medwms.core.errors import NotFound
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.tables import Item, Location, Warehouse
from medwms.quality.stock_errors import HoldNotFound
from medwms.quality.tables import Destruction, QualityHold


@dataclass(frozen=True)
class HoldView:
    """A hold on doubt as pages, API and reports show it."""

    hold_no: str
    warehouse: str
    item: str
    name: str
    lot: str
    serial: str
    location: str
    check_no: str
    reason: str
    quantity: int
    status: str
    opened_by: str
    opened_at: datetime
    decision: str | None
    decision_note: str
    red_location: str
    decided_by: str
    decided_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        out = dict(self.__dict__)
        out["opened_at"] = self.opened_at.isoformat()
        out["decided_at"] = self.decided_at.isoformat() if self.decided_at else None
        return out


@dataclass(frozen=True)
class DestructionView:
    """A destruction record: what, how much, how, where, the day, the two signers."""

    destruction_no: str
    warehouse: str
    item: str
    name: str
    model: str
    manufacturer: str
    registration_no: str
    lot: str
    serial: str
    expiry: date | None
    location: str
    quantity: int
    method: str
    place: str
    reason: str
    hold_no: str
    destroyed_on: date
    operator: str
    witness: str
    created_at: datetime
    operator_signed_at: datetime | None = None
    witness_signed_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        out = dict(self.__dict__)
        out["expiry"] = self.expiry.isoformat() if self.expiry else None
        out["destroyed_on"] = self.destroyed_on.isoformat()
        out["created_at"] = self.created_at.isoformat()
        for key in ("operator_signed_at", "witness_signed_at"):
            moment = getattr(self, key)
            out[key] = moment.isoformat() if moment else None
        return out


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return f"{user.display_name} ({user.username})" if user else ""


def _code(session: Session, model: Any, key: int | None, attr: str) -> str:
    row = session.get(model, key) if key is not None else None
    return str(getattr(row, attr)) if row is not None else ""


def _view(session: Session, row: QualityHold) -> HoldView:
    item = session.get_one(Item, row.item_id)
    return HoldView(
        hold_no=row.hold_no, warehouse=_code(session, Warehouse, row.warehouse_id, "code"),
        item=item.code, name=item.name_zh, lot=_code(session, Lot, row.lot_id, "lot_no"),
        serial=_code(session, SerialUnit, row.serial_id, "serial"),
        location=_code(session, Location, row.location_id, "code"), check_no=row.check_no,
        reason=row.reason, quantity=row.quantity, status=row.status,
        opened_by=_name(session, row.opened_by), opened_at=row.opened_at,
        decision=row.decision, decision_note=row.decision_note,
        red_location=_code(session, Location, row.red_location_id, "code"),
        decided_by=_name(session, row.decided_by), decided_at=row.decided_at)


def hold_view(session: Session, hold_no: str) -> HoldView:
    """One hold by its number, or HOLD_NOT_FOUND."""
    row = session.scalar(select(QualityHold).where(QualityHold.hold_no == hold_no))
    if row is None:
        raise HoldNotFound(what="quality hold", key=hold_no)
    return _view(session, row)


def list_holds(session: Session, *, status: str | None = None,
               limit: int = 200) -> list[HoldView]:
    """Holds, newest first (OPEN ones are the QA decision tasks)."""
    query = select(QualityHold).order_by(QualityHold.id.desc()).limit(limit)
    if status:
        query = query.where(QualityHold.status == status)
    return [_view(session, row) for row in session.scalars(query)]


def _destruction(session: Session, row: Destruction) -> DestructionView:
    item = session.get_one(Item, row.item_id)
    lot = session.get(Lot, row.lot_id) if row.lot_id else None
    return DestructionView(
        destruction_no=row.destruction_no,
        warehouse=_code(session, Warehouse, row.warehouse_id, "code"), item=item.code,
        name=item.name_zh, model=item.model, manufacturer=item.manufacturer,
        registration_no=item.registration_no, lot=lot.lot_no if lot else "",
        serial=_code(session, SerialUnit, row.serial_id, "serial"),
        expiry=lot.expiry if lot else None,
        location=_code(session, Location, row.location_id, "code"), quantity=row.quantity,
        method=row.method, place=row.place, reason=row.reason, hold_no=row.hold_no,
        destroyed_on=row.destroyed_on, operator=_name(session, row.operator_id),
        witness=_name(session, row.witness_id), created_at=row.created_at,
        operator_signed_at=_signed_at(session, row.operator_audit_id),
        witness_signed_at=_signed_at(session, row.witness_audit_id))


def _signed_at(session: Session, audit_id: int) -> datetime | None:
    record = session.get(AuditRecord, audit_id)
    return record.at if record is not None else None


def destruction_view(session: Session, destruction_no: str) -> DestructionView:
    """One destruction record by its number, or NOT_FOUND."""
    row = session.scalar(select(Destruction).where(
        Destruction.destruction_no == destruction_no))
    if row is None:
        raise NotFound(what="destruction record", key=destruction_no)
    return _destruction(session, row)


def list_destructions(session: Session, *, limit: int = 200) -> list[DestructionView]:
    """Destruction records, newest first."""
    rows = session.scalars(select(Destruction).order_by(Destruction.id.desc()).limit(limit))
    return [_destruction(session, row) for row in rows]
