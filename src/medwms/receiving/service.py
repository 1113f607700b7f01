"""Receiving commands: open a receipt, record the arrival, receive a scan, close.

Each command is one unit of work. A scan locks its receipt row first (FOR UPDATE), so
scans of one receipt queue: running totals, the scan-id replay and the same-serial check
see every earlier scan. The ledger then locks the stock rows it changes. A scan's cost does
not grow with the receipt: each line carries the running totals after it, so a scan reads
the last line of its tally instead of summing the receipt's lines.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import out_of_sight, require
from medwms.auth.rules import Actor, Perm
from medwms.barcode import document_number
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database, insert_row
from medwms.core.errors import NotFound, Problem, ValidationError
from medwms.core.ids import new_doc_no
from medwms.ledger.rules import Line
from medwms.ledger.service import Known, Place, post
from medwms.ledger.tables import MovementKind, Status
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Location, Owner, Partner, PartnerKind, Warehouse, Zone
from medwms.qualification import gates
from medwms.receiving import checks, handover_queries, queries, rules
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


def document_no(text: str) -> str:
    """A document number as typed or scanned (`]C0#D:RCV-…`), upper-cased."""
    return document_number(text)


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
            notice = _lock_notice(s, document_no(notice_no), actor)
            already = _open_receipt_of(s, notice)
            if already is not None:
                return queries.receipt_header(s, already)
            receipt = _from_notice(s, notice, warehouse, po_no)
        else:
            receipt = _from_po(s, warehouse, po_no, supplier, owner)
        require_warehouses(s, actor, receipt.warehouse_id)
        _check_supplier(s, receipt, now)
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


def _check_supplier(s: Session, receipt: Receipt, now: datetime) -> None:
    """首营 (G01/G03): no receipt is opened from a supplier not approved or lapsed today."""
    timezone = s.get_one(Warehouse, receipt.warehouse_id).timezone
    gates.check_party(s, partner=s.get_one(Partner, receipt.supplier_id),
                      today=local_date(now, timezone), action="RECEIVE")


def _lock_notice(s: Session, notice_no: str, actor: Actor) -> AdvanceNotice:
    notice = s.scalars(select(AdvanceNotice).where(AdvanceNotice.notice_no == notice_no)
                       .with_for_update()).one_or_none()
    if notice is None or out_of_sight(actor, notice.warehouse_id):
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
        receipt = lock_receipt(s, receipt_no, actor)
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


def lock_receipt(s: Session, receipt_no: str, actor: Actor) -> Receipt:
    """The receipt, locked FOR UPDATE, or RECEIPT_NOT_FOUND (also when it is out of the
    actor's sight)."""
    number = document_no(receipt_no)
    receipt = s.scalars(select(Receipt).where(Receipt.receipt_no == number)
                        .with_for_update()).one_or_none()
    if receipt is None or out_of_sight(actor, receipt.warehouse_id):
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
    """Receive one scanned unit or carton to the dock as QUARANTINE, after every check.

    Three statements besides the ledger's post: lock the receipt (with its warehouse,
    supplier, notice status, the earlier line of this scan id and the running totals),
    read the unit (item, packaging, known lot and serial, notice expectation, tallies),
    insert the line carrying the new totals. A lot or serial seen for the first time adds
    its insert; the first scan of a notice marks it RECEIVING.
    """
    require(actor, Perm.RECEIVE)
    now = now or utc_now()
    typed = checks.Typed(lot=lot, serial=serial, expiry=expiry, packs=quantity_packs)
    with db.unit_of_work() as uow:
        s = uow.session
        head = lock_for_scan(s, receipt_no, scan_id, actor)
        if head.earlier_id is not None:
            return queries.replayed_scan(s, head.receipt, head.earlier_id)
        require_open(head.receipt)
        if arrival_temp is not None and logger_id is not None:
            set_arrival(head.receipt, arrival_temp, logger_id)
        result = _accept(s, actor=actor, head=head, scan=_Scan(raw, scan_id, typed,
                                                               confirm_over, now))
        uow.commit()
    return result


@dataclass(frozen=True)
class ScanHead:
    """The locked receipt and what a scan needs with it, read in one statement."""

    receipt: Receipt
    timezone: str
    supplier: checks.Supplier
    notice_status: str | None
    earlier_id: int | None
    lines: int
    quantity: int
    dock: Place  # the receipt's location, for the ledger's post


def lock_for_scan(s: Session, receipt_no: str, scan_id: str, actor: Actor) -> ScanHead:
    """Lock the receipt FOR UPDATE and read its scan context, or RECEIPT_NOT_FOUND (also when
    it is out of the actor's sight).

    On PostgreSQL the lock is its own statement first: a statement that waited for a row
    lock re-checks the locked row but not its subqueries, which would still show the
    totals from before the scan it waited for. On SQLite the write lock is already held.
    """
    number = document_no(receipt_no)
    if s.get_bind().dialect.name == "postgresql":
        s.execute(LOCKING_RECEIPT, {"number": number})
    row = s.execute(_scan_head(), {"number": number, "scan_id": scan_id}).one_or_none()
    if row is None or out_of_sight(actor, row[0].warehouse_id):
        raise ReceiptNotFound(receipt_no=number)
    receipt, timezone, code, licence_no, licence_expiry, notice_status, earlier_id, \
        lines, quantity, dock_code, dock_blocked = row
    return ScanHead(receipt, timezone, checks.Supplier(code, licence_no, licence_expiry,
                                                      receipt.supplier_id),
                    notice_status, earlier_id, lines or 0, quantity or 0,
                    Place(receipt.location_id, receipt.warehouse_id, dock_code, dock_blocked))


LOCKING_RECEIPT = select(Receipt.id).where(
    Receipt.receipt_no == bindparam("number")).with_for_update()


@cache
def _scan_head() -> Any:
    """`lock_for_scan`'s read, built once (every scan runs it with parameters)."""
    earlier = (select(ReceiptLine.id).where(ReceiptLine.receipt_id == Receipt.id,
                                            ReceiptLine.scan_id == bindparam("scan_id"))
               .scalar_subquery())
    return (select(Receipt, Warehouse.timezone, Partner.code, Partner.licence_no,
                   Partner.licence_expiry, AdvanceNotice.status, earlier,
                   queries.latest(Receipt.id, ReceiptLine.line_no),
                   queries.latest(Receipt.id, ReceiptLine.receipt_quantity),
                   Location.code, Location.blocked)
            .join(Warehouse, Warehouse.id == Receipt.warehouse_id)
            .join(Location, Location.id == Receipt.location_id)
            .join(Partner, Partner.id == Receipt.supplier_id)
            .outerjoin(AdvanceNotice, AdvanceNotice.id == Receipt.notice_id)
            .where(Receipt.receipt_no == bindparam("number")))


@dataclass(frozen=True)
class _Scan:
    raw: str
    scan_id: str
    typed: checks.Typed
    confirm_over: bool
    now: datetime


def _accept(s: Session, *, actor: Actor, head: ScanHead, scan: _Scan) -> ScanResult:
    receipt, now = head.receipt, scan.now
    today = local_date(now, head.timezone)
    unit = checks.read_unit(s, scan.raw, scan.typed, today, receipt)
    checks.check_qualified(s, head.supplier, unit, today)
    checks.require_tracking(unit)
    known = checks.known_lot(unit)
    checks.require_expiry(unit, known)
    checks.check_shelf_life(unit, known, now, head.timezone)
    known_serial = checks.check_serial(s, receipt, unit, known)
    hold = checks.cold_chain_hold(receipt, unit)
    tally, over = checks.against_notice(unit, confirm_over=scan.confirm_over, actor=actor)
    lot_row = known or checks.new_lot(s, unit)
    serial_row = known_serial or checks.new_serial(s, unit, lot_row)
    totals = queries.Totals(
        expected=tally.expected, unexpected=tally.unexpected,
        received_of_lot=unit.counted.before(tally) + unit.quantity,
        receipt_lines=head.lines + 1, receipt_quantity=head.quantity + unit.quantity)
    line = insert_row(s, ReceiptLine, dict(
        receipt_id=receipt.id, scan_id=scan.scan_id, raw=scan.raw[:300], item_id=unit.item.id,
        packaging_id=unit.packaging.id, lot_id=lot_row.id if lot_row else None,
        serial_id=serial_row.id if serial_row else None, quantity=unit.quantity,
        hold_reason=hold, over_notice=over, confirmed_by=actor.user_id if over else None,
        scanned_at=now, scanned_by=actor.user_id, line_no=totals.receipt_lines,
        receipt_quantity=totals.receipt_quantity, tally_key=tally.key,
        tally=totals.received_of_lot))
    post(s, actor=actor, doc_type="RCV", doc_no=receipt.receipt_no, now=now, lines=[Line(
        kind=MovementKind.RECEIVE, owner_id=receipt.owner_id, item_id=unit.item.id,
        quantity=unit.quantity, lot_id=line.lot_id, serial_id=line.serial_id,
        to_location_id=receipt.location_id, to_status=Status.QUARANTINE,
        partner_id=receipt.supplier_id, reason=f"HOLD: {hold}" if hold else "")],
        known=Known(places={head.dock.id: head.dock}))
    if head.notice_status == NoticeStatus.OPEN:
        s.execute(update(AdvanceNotice).where(AdvanceNotice.id == receipt.notice_id)
                  .values(status=NoticeStatus.RECEIVING))
    return queries.scan_result(receipt, line, unit.item, unit.packaging, lot_row, serial_row,
                               totals, replayed=False, warnings=unit.warnings)


# --- closing --------------------------------------------------------------------------------

def close_receipt(db: Database, *, actor: Actor, receipt_no: str,
                  now: datetime | None = None) -> ReceiptHeader:
    """Close (complete) the receipt once its handover is signed and its papers kept, and store
    its discrepancy list against the notice."""
    require(actor, Perm.RECEIVE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        s = uow.session
        receipt = lock_receipt(s, receipt_no, actor)
        require_open(receipt)
        handover_queries.require_complete(s, receipt, now)
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
