"""Read-only questions of acceptance inspection: what waits in quarantine, and the records.

Quality learns what arrived from the ledger: arrivals into QUARANTINE — RECEIVE movements
of receipts (doc_type "RCV"), RETURN movements of customer returns ("RET") and TRANSFER_IN
movements of transfers whose cold chain broke ("SHP") — grouped by (the arrival's document
number = doc_no, item, lot). A receipt's share
of a quarantined balance is what it received there, capped by what is still there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from medwms.auth.tables import User
from medwms.core.clock import local_text
from medwms.ledger.tables import Lot, Movement, Stock
from medwms.masterdata import storage
from medwms.masterdata.tables import Item, Location, Warehouse
from medwms.quality.errors import InspectionNotFound
from medwms.quality.rules import QuarantineBalance, hold_reasons
from medwms.quality.tables import Inspection, InspectionStatus

GroupKey = tuple[str, int, int | None]  # receipt_no, item_id, lot_id


@dataclass
class ReceivedLot:
    """One (receipt, item, lot) with its quarantined balances, holds and receivers."""

    receipt_no: str
    warehouse_id: int
    item_id: int
    lot_id: int | None
    balances: list[QuarantineBalance] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    receiver_ids: set[int] = field(default_factory=set)
    received_at: datetime | None = None

    @property
    def quantity(self) -> int:
        """Units of this receipt's lot still in quarantine."""
        return sum(b.quantity for b in self.balances)

    @property
    def hold_reasons(self) -> tuple[str, ...]:
        """The 'HOLD: …' reasons receiving gave."""
        return hold_reasons(self.reasons)


# (movement kind, document type) of everything that arrives for acceptance inspection.
ARRIVALS = (("RECEIVE", "RCV"), ("RETURN", "RET"), ("TRANSFER_IN", "SHP"))


def arrival(m: type[Movement] = Movement) -> ColumnElement[bool]:
    """The movements that bring stock in for inspection."""
    return or_(*[and_(m.kind == kind, m.doc_type == doc_type) for kind, doc_type in ARRIVALS])


def _received_query(pending_only: bool) -> Any:
    m, s = Movement, Stock
    same = and_(s.status == "QUARANTINE", s.owner_id == m.owner_id, s.item_id == m.item_id,
                s.location_id == m.to_location_id, s.lot_id.is_not_distinct_from(m.lot_id),
                s.serial_id.is_not_distinct_from(m.serial_id),
                s.hu_id.is_not_distinct_from(m.to_hu_id))
    query = (select(m.doc_no, m.warehouse_id, m.owner_id, m.item_id, m.lot_id, m.serial_id,
                    m.to_location_id, m.to_hu_id, m.quantity, m.actor_id, m.reason,
                    m.created_at, s.id.label("stock_id"), s.quantity.label("stock_qty"))
             .join(s, same)
             .where(arrival(m), m.to_status == "QUARANTINE"))
    if pending_only:
        done = (select(Inspection.id).where(
            Inspection.receipt_no == m.doc_no, Inspection.item_id == m.item_id,
            Inspection.lot_id.is_not_distinct_from(m.lot_id),
            Inspection.status == InspectionStatus.DONE).exists())
        query = query.where(~done)
    return query.order_by(m.id)


def received_lots(session: Session, *, receipt_no: str | None = None,
                  item_id: int | None = None, lot_id: int | None = None,
                  match_lot: bool = False, warehouse_id: int | None = None,
                  pending_only: bool = True) -> list[ReceivedLot]:
    """The received lots still (partly) in quarantine, oldest first."""
    query = _received_query(pending_only)
    if receipt_no is not None:
        query = query.where(Movement.doc_no == receipt_no)
    if item_id is not None:
        query = query.where(Movement.item_id == item_id)
    if match_lot:
        query = query.where(Movement.lot_id.is_not_distinct_from(lot_id))
    if warehouse_id is not None:
        query = query.where(Movement.warehouse_id == warehouse_id)
    return _group(session.execute(query))


def _group(rows: Any) -> list[ReceivedLot]:
    lots: dict[GroupKey, ReceivedLot] = {}
    received: dict[tuple[GroupKey, int], int] = defaultdict(int)
    stock_of: dict[int, tuple[Any, int]] = {}
    for row in rows:
        key = (row.doc_no, row.item_id, row.lot_id)
        lot = lots.setdefault(key, ReceivedLot(row.doc_no, row.warehouse_id, row.item_id,
                                               row.lot_id, received_at=row.created_at))
        received[key, row.stock_id] += row.quantity
        stock_of[row.stock_id] = (row, row.stock_qty)
        lot.reasons.append(row.reason)
        if row.actor_id is not None:
            lot.receiver_ids.add(row.actor_id)
    for (key, stock_id), quantity in received.items():
        row, have = stock_of[stock_id]
        lots[key].balances.append(QuarantineBalance(
            owner_id=row.owner_id, location_id=row.to_location_id, quantity=min(quantity, have),
            serial_id=row.serial_id, hu_id=row.to_hu_id))
    return list(lots.values())


def receipt_history(session: Session, receipt_no: str, item_id: int,
                    lot_id: int | None) -> tuple[tuple[str, ...], set[int]]:
    """Hold reasons and receivers of a lot's RECEIVE movements, whatever its stock now."""
    rows = session.execute(select(Movement.reason, Movement.actor_id).where(
        arrival(), Movement.doc_no == receipt_no,
        Movement.item_id == item_id, Movement.lot_id.is_not_distinct_from(lot_id))).all()
    return hold_reasons([r.reason for r in rows]), {r.actor_id for r in rows if r.actor_id}


def is_cold_chain(item: Item) -> bool:
    """Cold-chain by the item's storage condition (refrigerated or frozen)."""
    return storage.is_cold_chain(item.temp_min, item.temp_max)


@dataclass(frozen=True)
class PendingLot:
    """A lot awaiting inspection, as the inspector's list shows it."""

    receipt_no: str
    inspection_no: str | None
    warehouse: str
    item: str
    item_name: str
    item_name_en: str
    model: str
    registration_no: str
    manufacturer: str
    lot: str | None
    expiry: date | None
    production_date: date | None
    quantity: int
    hold_reasons: list[str]
    received_by: list[str]
    received_at: datetime | None
    locations: list[str]
    cold_chain: bool


def _by_id(session: Session, model: Any, ids: set[int | None]) -> dict[int, Any]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(wanted)))}


def pending_lots(session: Session, *, warehouse: str | None = None) -> list[PendingLot]:
    """Lots awaiting inspection (not yet concluded), oldest arrival first."""
    warehouse_id = None
    if warehouse:
        warehouse_id = session.scalar(select(Warehouse.id).where(
            Warehouse.code == warehouse.upper())) or -1
    lots = [lot for lot in received_lots(session, warehouse_id=warehouse_id) if lot.quantity]
    items = _by_id(session, Item, {lot.item_id for lot in lots})
    lot_rows = _by_id(session, Lot, {lot.lot_id for lot in lots})
    users = _by_id(session, User, {u for lot in lots for u in lot.receiver_ids})
    places = _by_id(session, Location, {b.location_id for lot in lots for b in lot.balances})
    houses = _by_id(session, Warehouse, {lot.warehouse_id for lot in lots})
    open_nos = _open_inspections(session, {lot.receipt_no for lot in lots})
    return [PendingLot(
        receipt_no=lot.receipt_no,
        inspection_no=open_nos.get((lot.receipt_no, lot.item_id, lot.lot_id)),
        warehouse=houses[lot.warehouse_id].code, **_item_fields(items[lot.item_id]),
        **_lot_fields(lot_rows.get(lot.lot_id or 0)), quantity=lot.quantity,
        hold_reasons=list(lot.hold_reasons),
        received_by=sorted(users[u].username for u in lot.receiver_ids),
        received_at=lot.received_at,
        locations=sorted({places[b.location_id].code for b in lot.balances}),
        cold_chain=is_cold_chain(items[lot.item_id])) for lot in lots]


def _open_inspections(session: Session, receipts: set[str]) -> dict[GroupKey, str]:
    if not receipts:
        return {}
    rows = session.execute(select(Inspection.receipt_no, Inspection.item_id, Inspection.lot_id,
                                  Inspection.inspection_no)
                           .where(Inspection.receipt_no.in_(receipts)))
    return {(r.receipt_no, r.item_id, r.lot_id): r.inspection_no for r in rows}


def _item_fields(item: Item) -> dict[str, Any]:
    return {"item": item.code, "item_name": item.name_zh, "item_name_en": item.name_en,
            "model": item.model, "registration_no": item.registration_no,
            "manufacturer": item.manufacturer}


def _lot_fields(lot: Lot | None) -> dict[str, Any]:
    return {"lot": lot.lot_no if lot else None, "expiry": lot.expiry if lot else None,
            "production_date": lot.production_date if lot else None}


@dataclass(frozen=True)
class InspectionView:
    """An inspection record with everything a page, a PDF or the API shows."""

    inspection_no: str
    receipt_no: str
    warehouse: str
    timezone: str
    status: str
    item: str
    item_name: str
    item_name_en: str
    model: str
    registration_no: str
    manufacturer: str
    lot: str | None
    expiry: date | None
    production_date: date | None
    quantity_received: int
    sample_size: int
    packaging_ok: bool | None
    label_ok: bool | None
    certificate_ok: bool | None
    temperature_ok: bool | None
    notes: str
    conclusion: str | None
    accepted_qty: int
    rejected_qty: int
    reject_reason: str
    disposition: str
    inspector: str | None
    inspector_name: str | None
    signed_at: datetime | None
    signature_meaning: str
    signature: str
    record_hash: str
    hold_reasons: list[str]
    received_by: list[str]
    cold_chain: bool
    created_at: datetime


def find_inspection(session: Session, inspection_no: str) -> Inspection:
    """The inspection row, or InspectionNotFound."""
    row = session.scalar(select(Inspection).where(Inspection.inspection_no == inspection_no))
    if row is None:
        raise InspectionNotFound(what="inspection", key=inspection_no)
    return row


def inspection_view(session: Session, inspection_no: str) -> InspectionView:
    """The record of one inspection, signed or pending."""
    row = find_inspection(session, inspection_no)
    item = session.get_one(Item, row.item_id)
    lot = session.get(Lot, row.lot_id) if row.lot_id else None
    house = session.get_one(Warehouse, row.warehouse_id)
    inspector = session.get(User, row.inspector_id) if row.inspector_id else None
    holds, receivers = receipt_history(session, row.receipt_no, row.item_id, row.lot_id)
    names = _by_id(session, User, set(receivers))
    return InspectionView(
        inspection_no=row.inspection_no, receipt_no=row.receipt_no, warehouse=house.code,
        timezone=house.timezone, status=row.status, **_item_fields(item), **_lot_fields(lot),
        quantity_received=row.quantity_received, sample_size=row.sample_size,
        packaging_ok=row.packaging_ok, label_ok=row.label_ok,
        certificate_ok=row.certificate_ok, temperature_ok=row.temperature_ok,
        notes=row.notes, conclusion=row.conclusion, accepted_qty=row.accepted_qty,
        rejected_qty=row.rejected_qty, reject_reason=row.reject_reason,
        disposition=row.disposition, inspector=inspector.username if inspector else None,
        inspector_name=inspector.display_name if inspector else None,
        signed_at=row.signed_at, signature_meaning=row.signature_meaning,
        signature=printed_signature(inspector, row, house.timezone),
        record_hash=row.record_hash, hold_reasons=list(holds),
        received_by=sorted(u.username for u in names.values()), cold_chain=is_cold_chain(item),
        created_at=row.created_at)


def printed_signature(user: User | None, row: Inspection, timezone: str) -> str:
    """"name (username) – local date/time – meaning", or "" while unsigned (§11.50)."""
    if user is None or row.signed_at is None:
        return ""
    when = local_text(row.signed_at, timezone, seconds=True)
    return f"{user.display_name} ({user.username}) – {when} – {row.signature_meaning}"


def inspections_of_receipt(session: Session, receipt_no: str) -> list[InspectionView]:
    """Every inspection of a receipt, in the order they were opened."""
    numbers = session.scalars(select(Inspection.inspection_no)
                              .where(Inspection.receipt_no == receipt_no)
                              .order_by(Inspection.id)).all()
    return [inspection_view(session, no) for no in numbers]


def inspections_of_lot(session: Session, *, item: str, lot: str) -> list[InspectionView]:
    """The inspection records of a lot (item code + lot number)."""
    numbers = session.scalars(select(Inspection.inspection_no)
                              .join(Item, Item.id == Inspection.item_id)
                              .join(Lot, Lot.id == Inspection.lot_id)
                              .where(Item.code == item.upper(), Lot.lot_no == lot)
                              .order_by(Inspection.id)).all()
    return [inspection_view(session, number) for number in numbers]
