"""The outbound review record (出库复核记录, G26): one row per reviewed unit with the device's
identity, the customer, the date, the UDI, the reviewer and the four checklist answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.tables import User
from medwms.core.clock import local_date
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.tables import Item, Packaging, Partner, Warehouse
from medwms.orders.tables import OutboundOrder
from medwms.verification.queries import verification_by_no
from medwms.verification.rules import COLUMNS
from medwms.verification.tables import Verification, VerificationLine


@dataclass(frozen=True)
class ReviewLine:
    """One reviewed unit: every field GSP asks of the review record."""

    name_zh: str
    name_en: str
    item: str
    model_spec: str
    # registrant / filer and contract manufacturer (注册人/备案人、受托生产企业): master data
    # keeps one manufacturer field for both, printed as on file
    manufacturer: str
    registration_no: str
    lot: str
    serial: str
    expiry: date | None
    unit: str                # the packaging level counted (base unit)
    quantity: int
    udi: str
    checklist: dict[str, bool]
    note: str
    discrepancy: str
    reviewed_at: datetime


@dataclass(frozen=True)
class ReviewRecord:
    """The review record of one verification (printable and exported as JSON)."""

    verification_no: str
    order_no: str
    warehouse: str
    timezone: str
    customer: str
    customer_code: str
    outbound_date: date
    reviewer: str
    reviewer_name: str
    status: str
    lines: tuple[ReviewLine, ...]


def review_record(s: Session, verification_no: str) -> ReviewRecord:
    """The G26 review record of one verification (its reviewed units, oldest first)."""
    verification = verification_by_no(s, verification_no)
    order = s.get_one(OutboundOrder, verification.order_id)
    warehouse = s.get_one(Warehouse, order.warehouse_id)
    customer = s.get(Partner, order.consignee_id) if order.consignee_id else None
    reviewer = s.get(User, verification.verifier_id) if verification.verifier_id else None
    when = verification.finished_at or verification.started_at
    return ReviewRecord(
        verification_no=verification.verification_no, order_no=order.order_no,
        warehouse=warehouse.code, timezone=warehouse.timezone,
        customer=customer.name if customer else "", customer_code=customer.code if customer
        else "", outbound_date=local_date(when, warehouse.timezone),
        reviewer=reviewer.username if reviewer else "",
        reviewer_name=reviewer.display_name if reviewer else "", status=verification.status,
        lines=tuple(_lines(s, verification)))


def _lines(s: Session, verification: Verification) -> list[ReviewLine]:
    base_level = (select(Packaging.level).where(Packaging.item_id == Item.id)
                  .order_by(Packaging.quantity, Packaging.id).limit(1).scalar_subquery())
    rows = s.execute(
        select(VerificationLine, Item, Lot.lot_no, Lot.expiry, SerialUnit.serial, base_level)
        .join(Item, Item.id == VerificationLine.item_id)
        .outerjoin(Lot, Lot.id == VerificationLine.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == VerificationLine.serial_id)
        .where(VerificationLine.verification_id == verification.id,
               VerificationLine.udi != "")
        .order_by(VerificationLine.id))
    return [ReviewLine(
        name_zh=item.name_zh, name_en=item.name_en, item=item.code, model_spec=item.model,
        manufacturer=item.manufacturer,
        registration_no=item.registration_no, lot=lot_no or "", serial=serial or "",
        expiry=expiry, unit=level or "unit", quantity=line.quantity, udi=line.udi,
        checklist={column: bool(getattr(line, column)) for column in COLUMNS.values()},
        note=line.check_note, discrepancy=line.discrepancy, reviewed_at=line.at)
        for line, item, lot_no, expiry, serial, level in rows]
