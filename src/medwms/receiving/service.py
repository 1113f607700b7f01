"""Receiving commands: open a receipt, record the arrival, receive a scan, close.

Each command is one unit of work. A scan locks its receipt row first (FOR UPDATE), so
scans of one receipt queue: running totals, the scan-id replay and the same-serial check
see every earlier scan. The ledger then locks the warehouse chain head and stock rows.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import NotFound, Problem, ValidationError
from medwms.core.ids import new_doc_no
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import MovementKind, Status
from medwms.masterdata.tables import Location, Owner, Partner, PartnerKind, Warehouse, Zone
from medwms.receiving import checks, queries, rules
from medwms.receiving.errors import (
    ArrivalAlreadyRecorded,
    NoReceivingDock,
    NoticeClosed,
    NoticeNotFound,
    ReceiptClosed,
    ReceiptNotFound,
)
from medwms.receiving.queries import ReceiptHeader, ScanResult
from medwms.receiving.tables import (
    AdvanceNotice,
    NoticeStatus,
    Receipt,
    ReceiptLine,
    ReceiptStatus,
)

DOCUMENT_PREFIX = "#D:"


def document_no(text: str) -> str:
    """A document number as typed or scanned (`#D:RCV-…`), upper-cased."""
    value = text.strip()
    if value.startswith(DOCUMENT_PREFIX):
        value = value[len(DOCUMENT_PREFIX):]
    return value.upper()


# --- opening --------------------------------------------------------------------------------

def open_receipt(db: Database, *, actor: Actor, warehouse: str | None = None,
                 notice_no: str | None = None, po_no: str = "", supplier: str | None = None,
                 dock: str | None = None, owner: str = "SELF", transport_mode: str = "",
                 now: datetime | None = None) -> ReceiptHeader:
    """Open a receipt against a notice (its open receipt if any) or a PO number + supplier."""
    require(actor, Perm.RECEIVE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        if notice_no:
            notice = _lock_notice(s, document_no(notice_no))
            already = _open_receipt_of(s, notice)
            if already is not None:
                return queries.receipt_header(s, already)
            receipt = _from_notice(s, notice, warehouse, po_no)
        else:
            receipt = _from_po(s, warehouse, po_no, supplier, owner)
        receipt.location_id = _dock(s, receipt.warehouse_id, dock).id
        receipt.receipt_no = new_doc_no("RCV", now)
        receipt.transport_mode, receipt.opened_at, receipt.opened_by = (
            transport_mode.strip(), now, actor.user_id)
        s.add(receipt)
        s.flush()
        record_audit(s, actor=actor, action="receipt.open", entity="receipt",
                     entity_key=receipt.receipt_no, after={"po_no": receipt.po_no})
        header = queries.receipt_header(s, receipt)
        uow.commit()
    return header


def _lock_notice(s: Session, notice_no: str) -> AdvanceNotice:
    notice = s.scalars(select(AdvanceNotice).where(AdvanceNotice.notice_no == notice_no)
                       .with_for_update()).one_or_none()
    if notice is None:
        raise NoticeNotFound(notice_no=notice_no)
    if notice.status == NoticeStatus.CLOSED:
        raise NoticeClosed(notice_no=notice_no)
    return notice


def _open_receipt_of(s: Session, notice: AdvanceNotice) -> Receipt | None:
    return s.scalars(select(Receipt).where(Receipt.notice_id == notice.id,
                                           Receipt.status == ReceiptStatus.OPEN)).first()


def _from_notice(s: Session, notice: AdvanceNotice, warehouse: str | None,
                 po_no: str) -> Receipt:
    if warehouse and _warehouse(s, warehouse).id != notice.warehouse_id:
        raise ValidationError([Problem(f"notice {notice.notice_no} is for another warehouse",
                                       column="warehouse", value=warehouse)])
    return Receipt(notice_id=notice.id, po_no=po_no.strip() or notice.po_no,
                   supplier_id=notice.supplier_id, warehouse_id=notice.warehouse_id,
                   owner_id=notice.owner_id)


def _from_po(s: Session, warehouse: str | None, po_no: str, supplier: str | None,
             owner: str) -> Receipt:
    missing = [Problem(f"{name} is required to receive without a notice", column=name)
               for name, value in (("warehouse", warehouse), ("po_no", po_no.strip()),
                                   ("supplier", supplier)) if not value]
    if missing:
        raise ValidationError(missing)
    return Receipt(po_no=po_no.strip().upper(), supplier_id=supplier_of(s, supplier or "").id,
                   warehouse_id=_warehouse(s, warehouse or "").id,
                   owner_id=owner_of(s, owner).id)


def _warehouse(s: Session, code: str) -> Warehouse:
    found = s.scalars(select(Warehouse).where(Warehouse.code == code.strip().upper())).first()
    if found is None:
        raise NotFound(what="warehouse", key=code)
    return found


def supplier_of(s: Session, code: str) -> Partner:
    """The active supplier with `code`, or NotFound."""
    found = s.scalars(select(Partner).where(Partner.code == code.strip().upper(),
                                            Partner.kind == PartnerKind.SUPPLIER)).first()
    if found is None:
        raise NotFound(what="supplier", key=code)
    return found


def owner_of(s: Session, code: str) -> Owner:
    """The stock owner with `code`, or NotFound."""
    found = s.scalars(select(Owner).where(Owner.code == code.strip().upper())).first()
    if found is None:
        raise NotFound(what="owner", key=code)
    return found


def _dock(s: Session, warehouse_id: int, code: str | None) -> Location:
    query = (select(Location).join(Zone, Zone.id == Location.zone_id)
             .where(Location.warehouse_id == warehouse_id, Zone.kind == "RECEIVING",
                    Location.blocked.is_(False)))
    if code:
        query = query.where(Location.code == document_no(code).replace("#L:", ""))
    found = s.scalars(query.order_by(Location.pick_seq, Location.code)).first()
    if found is None:
        name = s.get_one(Warehouse, warehouse_id).code
        raise NoReceivingDock(warehouse=name,
                              detail=f" named {code}" if code else "")
    return found


# --- arrival --------------------------------------------------------------------------------

def record_arrival(db: Database, *, actor: Actor, receipt_no: str, temperature: Decimal,
                   logger_id: str, transport_mode: str = "") -> ReceiptHeader:
    """Record the arrival temperature and transport logger id (cold chain, GSP)."""
    require(actor, Perm.RECEIVE)
    with db.unit_of_work() as uow:
        s = uow.session
        receipt = lock_receipt(s, receipt_no)
        require_open(receipt)
        set_arrival(receipt, temperature, logger_id)
        if transport_mode.strip():
            receipt.transport_mode = transport_mode.strip()
        record_audit(s, actor=actor, action="receipt.arrival", entity="receipt",
                     entity_key=receipt.receipt_no,
                     after={"arrival_temp": str(receipt.arrival_temp),
                            "logger_id": receipt.logger_id,
                            "transport_mode": receipt.transport_mode})
        header = queries.receipt_header(s, receipt)
        uow.commit()
    return header


def set_arrival(receipt: Receipt, temperature: Decimal, logger_id: str) -> None:
    """Set the arrival once; the same values again are fine, other values are refused."""
    temperature = Decimal(temperature).quantize(Decimal("0.1"))
    logger_id = logger_id.strip()
    if not logger_id:
        raise ValidationError([Problem("the transport logger id is required",
                                       column="logger_id")])
    if receipt.arrival_temp is not None or receipt.logger_id:
        if (receipt.arrival_temp, receipt.logger_id) != (temperature, logger_id):
            raise ArrivalAlreadyRecorded(receipt_no=receipt.receipt_no,
                                         temperature=receipt.arrival_temp,
                                         logger_id=receipt.logger_id)
        return
    receipt.arrival_temp, receipt.logger_id = temperature, logger_id


def lock_receipt(s: Session, receipt_no: str) -> Receipt:
    """The receipt, locked FOR UPDATE, or RECEIPT_NOT_FOUND."""
    number = document_no(receipt_no)
    receipt = s.scalars(select(Receipt).where(Receipt.receipt_no == number)
                        .with_for_update()).one_or_none()
    if receipt is None:
        raise ReceiptNotFound(receipt_no=number)
    return receipt


def require_open(receipt: Receipt) -> None:
    """Refuse anything on a closed receipt."""
    if receipt.status == ReceiptStatus.CLOSED:
        raise ReceiptClosed(receipt_no=receipt.receipt_no)


# --- scanning -------------------------------------------------------------------------------

def receive_scan(db: Database, *, actor: Actor, receipt_no: str, raw: str, scan_id: str,
                 lot: str | None = None, serial: str | None = None,
                 expiry: date | None = None, quantity_packs: int = 1,
                 confirm_over: bool = False, arrival_temp: Decimal | None = None,
                 logger_id: str | None = None, now: datetime | None = None) -> ScanResult:
    """Receive one scanned unit or carton to the dock as QUARANTINE, after every check."""
    require(actor, Perm.RECEIVE)
    now = now or utc_now()
    typed = checks.Typed(lot=lot, serial=serial, expiry=expiry, packs=quantity_packs)
    with db.unit_of_work() as uow:
        s = uow.session
        receipt = lock_receipt(s, receipt_no)
        earlier = s.scalars(select(ReceiptLine).where(
            ReceiptLine.receipt_id == receipt.id, ReceiptLine.scan_id == scan_id)).first()
        if earlier is not None:
            return queries.scan_result(s, receipt, earlier, replayed=True)
        require_open(receipt)
        if arrival_temp is not None and logger_id is not None:
            set_arrival(receipt, arrival_temp, logger_id)
        line, unit = _accept(s, actor=actor, receipt=receipt, raw=raw, scan_id=scan_id,
                             typed=typed, confirm_over=confirm_over, now=now)
        result = queries.scan_result(s, receipt, line, replayed=False, warnings=unit.warnings)
        uow.commit()
    return result


def _accept(s: Session, *, actor: Actor, receipt: Receipt, raw: str, scan_id: str,
            typed: checks.Typed, confirm_over: bool,
            now: datetime) -> tuple[ReceiptLine, checks.Unit]:
    warehouse = s.get_one(Warehouse, receipt.warehouse_id)
    today = local_date(now, warehouse.timezone)
    unit = checks.read_unit(s, raw, typed, today)
    checks.check_qualified(s, receipt, unit, today)
    checks.require_tracking(unit)
    known = checks.known_lot(s, unit)
    checks.require_expiry(unit, known)
    checks.check_shelf_life(unit, known, now, warehouse.timezone)
    known_serial = checks.check_serial(s, receipt, unit, known)
    hold = checks.cold_chain_hold(receipt, unit)
    over = checks.against_notice(s, receipt, unit, confirm_over=confirm_over, actor=actor)
    lot_row = known or checks.new_lot(s, unit)
    serial_row = known_serial or checks.new_serial(s, unit, lot_row)
    line = ReceiptLine(
        receipt_id=receipt.id, scan_id=scan_id, raw=raw[:300], item_id=unit.item.id,
        packaging_id=unit.packaging.id, lot_id=lot_row.id if lot_row else None,
        serial_id=serial_row.id if serial_row else None, quantity=unit.quantity,
        hold_reason=hold, over_notice=over, confirmed_by=actor.user_id if over else None,
        scanned_at=now, scanned_by=actor.user_id)
    s.add(line)
    s.flush()
    post(s, actor=actor, doc_type="RCV", doc_no=receipt.receipt_no, now=now, lines=[Line(
        kind=MovementKind.RECEIVE, owner_id=receipt.owner_id, item_id=unit.item.id,
        quantity=unit.quantity, lot_id=line.lot_id, serial_id=line.serial_id,
        to_location_id=receipt.location_id, to_status=Status.QUARANTINE,
        reason=f"HOLD: {hold}" if hold else "")])
    _notice_receiving(s, receipt)
    return line, unit


def _notice_receiving(s: Session, receipt: Receipt) -> None:
    if receipt.notice_id is None:
        return
    notice = s.get_one(AdvanceNotice, receipt.notice_id)
    if notice.status == NoticeStatus.OPEN:
        notice.status = NoticeStatus.RECEIVING


# --- closing --------------------------------------------------------------------------------

def close_receipt(db: Database, *, actor: Actor, receipt_no: str,
                  now: datetime | None = None) -> ReceiptHeader:
    """Close the receipt and store its discrepancy list against the notice."""
    require(actor, Perm.RECEIVE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        receipt = lock_receipt(s, receipt_no)
        require_open(receipt)
        found = _discrepancies(s, receipt)
        receipt.discrepancies = json.dumps([asdict(d) for d in found], ensure_ascii=False)
        receipt.status, receipt.closed_at, receipt.closed_by = (
            ReceiptStatus.CLOSED, now, actor.user_id)
        if receipt.notice_id is not None:
            s.get_one(AdvanceNotice, receipt.notice_id).status = NoticeStatus.CLOSED
        record_audit(s, actor=actor, action="receipt.close", entity="receipt",
                     entity_key=receipt.receipt_no, after={"discrepancies": len(found)})
        header = queries.receipt_header(s, receipt)
        uow.commit()
    return header


def _discrepancies(s: Session, receipt: Receipt) -> list[rules.Discrepancy]:
    if receipt.notice_id is None:
        return []
    lines = queries.notice_lines(s, receipt.notice_id)
    received = queries.received(s, [receipt.id])
    return rules.discrepancies(lines, received)
