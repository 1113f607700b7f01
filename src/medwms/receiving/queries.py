"""Read-only questions about notices and receipts, for pages, the API and the scan result."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, false, func, null, select
from sqlalchemy.orm import Session, aliased

from medwms.barcode import ScanWarning, document_number
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner, Warehouse
from medwms.receiving import rules
from medwms.receiving.errors import NoticeNotFound, ReceiptNotFound
from medwms.receiving.tables import AdvanceNotice, AdvanceNoticeLine, Receipt, ReceiptLine
from medwms.runtime.queries import not_archived
from medwms.runtime.rules import ARCHIVED_RECEIPT


@dataclass(frozen=True)
class ReceiptHeader:
    receipt_no: str
    barcode: str
    status: str
    warehouse: str
    supplier: str
    supplier_name: str
    notice_no: str | None
    po_no: str
    dock: str
    transport_mode: str
    arrival_temp: str | None
    logger_id: str
    opened_at: str
    opened_by: int | None
    closed_at: str | None
    discrepancies: list[dict[str, Any]] = field(default_factory=list)
    supplier_name_en: str = ""


@dataclass(frozen=True)
class ScanResult:
    """What the station shows after a scan: the decoded unit and the running totals."""

    receipt_no: str
    scan_id: str
    line_id: int
    item: str
    item_name_zh: str
    item_name_en: str
    gtin: str
    packaging_level: str
    packaging_quantity: int
    quantity: int
    lot: str | None
    expiry: str | None
    production_date: str | None
    serial: str | None
    status: str
    hold_reason: str
    over_notice: bool
    confirmed_by: int | None
    unexpected: bool
    expected: int | None
    received_of_lot: int
    receipt_lines: int
    receipt_quantity: int
    replayed: bool
    warnings: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ReceiptLineView:
    line_id: int
    scan_id: str
    item: str
    item_name_zh: str
    item_name_en: str
    gtin: str
    packaging_level: str
    lot: str | None
    expiry: str | None
    production_date: str | None
    serial: str | None
    quantity: int
    hold_reason: str
    over_notice: bool
    confirmed_by: int | None
    scanned_at: str
    scanned_by: int | None


@dataclass(frozen=True)
class Progress:
    """Expected against received for one notice bucket (item + lot, or item any lot)."""

    item: str
    gtin: str
    lot: str | None
    expected: int
    received: int
    difference: int


@dataclass(frozen=True)
class ReceiptDetail:
    header: ReceiptHeader
    lines: list[ReceiptLineView]
    progress: list[Progress]


@dataclass(frozen=True)
class NoticeHeader:
    notice_no: str
    barcode: str
    status: str
    supplier: str
    supplier_name: str
    warehouse: str
    owner: str
    po_no: str
    expected_on: str | None
    created_at: str
    lines: int
    quantity: int
    supplier_name_en: str = ""


@dataclass(frozen=True)
class NoticeLineView:
    line_no: int
    item: str
    item_name_zh: str
    item_name_en: str
    gtin: str
    lot: str | None
    expiry: str | None
    production_date: str | None
    serials: list[str]
    quantity: int


@dataclass(frozen=True)
class NoticeDetail:
    header: NoticeHeader
    lines: list[NoticeLineView]
    progress: list[Progress]
    receipts: list[str]


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# --- receipts -------------------------------------------------------------------------------

def _header_query() -> Select[*tuple[Any, ...]]:
    return (select(Receipt, Warehouse.code, Partner.code, Partner.name, Location.code,
                   AdvanceNotice.notice_no, Partner.name_en)
            .join(Warehouse, Warehouse.id == Receipt.warehouse_id)
            .join(Partner, Partner.id == Receipt.supplier_id)
            .join(Location, Location.id == Receipt.location_id)
            .outerjoin(AdvanceNotice, AdvanceNotice.id == Receipt.notice_id))


def _header(row: Any) -> ReceiptHeader:
    r, warehouse, supplier, supplier_name, dock, notice_no, supplier_name_en = row
    return ReceiptHeader(
        receipt_no=r.receipt_no, barcode=f"#D:{r.receipt_no}", status=r.status,
        warehouse=warehouse, supplier=supplier, supplier_name=supplier_name,
        notice_no=notice_no, po_no=r.po_no, dock=dock, transport_mode=r.transport_mode,
        arrival_temp=None if r.arrival_temp is None else f"{r.arrival_temp:.1f}",
        logger_id=r.logger_id, opened_at=_iso(r.opened_at) or "", opened_by=r.opened_by,
        closed_at=_iso(r.closed_at),
        discrepancies=json.loads(r.discrepancies) if r.discrepancies else [],
        supplier_name_en=supplier_name_en)


def receipt_header(s: Session, receipt: Receipt) -> ReceiptHeader:
    """The header of one receipt (one query)."""
    s.flush()
    return _header(s.execute(_header_query().where(Receipt.id == receipt.id)).one())


def list_receipts(s: Session, *, status: str | None = None, warehouse: str | None = None,
                  po_no: str | None = None, limit: int = 100, offset: int = 0,
                  include_archived: bool = False) -> list[ReceiptHeader]:
    """Receipts, newest first, filtered by status, warehouse code or PO number; archived
    ones only when asked (they stay readable by number)."""
    query = _header_query()
    if not include_archived:
        query = query.where(not_archived(ARCHIVED_RECEIPT, Receipt.receipt_no))
    if status:
        query = query.where(Receipt.status == status.upper())
    if warehouse:
        query = query.where(Warehouse.code == warehouse.upper())
    if po_no:
        query = query.where(Receipt.po_no == po_no.upper())
    query = query.order_by(Receipt.opened_at.desc(), Receipt.id.desc())
    return [_header(row) for row in s.execute(query.limit(limit).offset(offset))]


def get_receipt(s: Session, receipt_no: str) -> ReceiptDetail:
    """A receipt with its lines and, against a notice, expected vs received."""
    row = s.execute(_header_query().where(Receipt.receipt_no == receipt_no.upper())).first()
    if row is None:
        raise ReceiptNotFound(receipt_no=receipt_no)
    receipt: Receipt = row[0]
    progress = [] if receipt.notice_id is None else notice_progress(s, receipt.notice_id)
    return ReceiptDetail(_header(row), receipt_lines(s, receipt.id), progress)


def receipt_lines(s: Session, receipt_id: int) -> list[ReceiptLineView]:
    """The accepted scans of a receipt, in scan order."""
    query = (select(ReceiptLine, Item, Packaging, Lot, SerialUnit.serial)
             .join(Item, Item.id == ReceiptLine.item_id)
             .join(Packaging, Packaging.id == ReceiptLine.packaging_id)
             .outerjoin(Lot, Lot.id == ReceiptLine.lot_id)
             .outerjoin(SerialUnit, SerialUnit.id == ReceiptLine.serial_id)
             .where(ReceiptLine.receipt_id == receipt_id).order_by(ReceiptLine.id))
    return [ReceiptLineView(
        line_id=line.id, scan_id=line.scan_id, item=item.code, item_name_zh=item.name_zh,
        item_name_en=item.name_en, gtin=pack.gtin, packaging_level=pack.level,
        lot=lot.lot_no if lot else None, expiry=_iso(lot.expiry) if lot else None,
        production_date=_iso(lot.production_date) if lot else None, serial=serial,
        quantity=line.quantity, hold_reason=line.hold_reason, over_notice=line.over_notice,
        confirmed_by=line.confirmed_by, scanned_at=_iso(line.scanned_at) or "",
        scanned_by=line.scanned_by) for line, item, pack, lot, serial in s.execute(query)]


def find_receipt_no(s: Session, document: str) -> str:
    """The receipt number a scanned `#D:RCV-…` (or typed number) names."""
    number = document_number(document)
    found = s.scalars(select(Receipt.receipt_no).where(Receipt.receipt_no == number)).first()
    if found is None:
        raise ReceiptNotFound(receipt_no=number)
    return found


# --- the scan ------------------------------------------------------------------------------

def latest(receipt_id: Any, *columns: Any) -> Any:
    """A scalar subquery: `columns` of the receipt's last line (the running totals)."""
    return (select(*columns).where(ReceiptLine.receipt_id == receipt_id)
            .order_by(ReceiptLine.line_no.desc()).limit(1).scalar_subquery())


def tally_so_far(receipt_id: Any, item_id: Any, key: Any) -> Any:
    """A scalar subquery: the receipt's running tally of `item_id` under `key` (or NULL)."""
    return (select(ReceiptLine.tally)
            .where(ReceiptLine.receipt_id == receipt_id, ReceiptLine.item_id == item_id,
                   ReceiptLine.tally_key == key)
            .order_by(ReceiptLine.line_no.desc()).limit(1).scalar_subquery())


def expects(notice_id: Any, item_id: Any, lot_no: Any) -> Any:
    """A scalar subquery: the notice's base units of the item and lot (None: no lot), or NULL."""
    if notice_id is None:
        return null()
    lot = AdvanceNoticeLine.lot_no.is_(None) if lot_no is None \
        else AdvanceNoticeLine.lot_no == lot_no
    return (select(func.sum(AdvanceNoticeLine.quantity))
            .where(AdvanceNoticeLine.notice_id == notice_id,
                   AdvanceNoticeLine.item_id == item_id, lot).scalar_subquery())


def unit_query(gtin: str, lot_no: str | None, serial: str | None,
               receipt: Receipt) -> tuple[Any, dict[str, Any]]:
    """Item, packaging, known lot and serial of a scanned GTIN, with what the notice expects
    of the item and lot and the receipt's tallies of them: one indexed statement, and its
    parameters."""
    statement = _unit_statement(lot_no is not None, serial is not None,
                                receipt.notice_id is not None)
    return statement, {"gtin": gtin, "lot_no": lot_no, "serial": serial,
                       "notice_id": receipt.notice_id, "receipt_id": receipt.id,
                       "lot_key": rules.lot_key(lot_no), "any_lot": rules.ANY_LOT}


@cache
def _unit_statement(lot: bool, serial: bool, notice: bool) -> Any:
    """`unit_query`'s statement, built once per shape: every scan runs it with parameters
    (building and hashing it cost more than running it)."""
    lot_no: Any = bindparam("lot_no")
    notice_id: Any = bindparam("notice_id") if notice else None
    lot_on = and_(Lot.item_id == Item.id, Lot.lot_no == lot_no) if lot else false()
    serial_on = and_(SerialUnit.item_id == Item.id, SerialUnit.serial == bindparam("serial")) \
        if serial else false()
    receipt_id: Any = bindparam("receipt_id")
    return (select(Item, Packaging, Lot, SerialUnit,
                   expects(notice_id, Item.id, lot_no) if lot else null(),
                   expects(notice_id, Item.id, None),
                   tally_so_far(receipt_id, Item.id, bindparam("lot_key")),
                   tally_so_far(receipt_id, Item.id, bindparam("any_lot")))
            .select_from(Packaging).join(Item, Item.id == Packaging.item_id)
            .outerjoin(Lot, lot_on).outerjoin(SerialUnit, serial_on)
            .where(Packaging.gtin == bindparam("gtin")))


@dataclass(frozen=True)
class Totals:
    """The running totals after a scan."""

    expected: int | None
    unexpected: bool
    received_of_lot: int
    receipt_lines: int
    receipt_quantity: int


def scan_result(receipt: Receipt, line: ReceiptLine, item: Item, pack: Packaging,
                lot: Lot | None, serial: SerialUnit | None, totals: Totals, *,
                replayed: bool, warnings: Sequence[ScanWarning] = ()) -> ScanResult:
    """The station's view of one receipt line, from what the scan already holds."""
    return ScanResult(
        receipt_no=receipt.receipt_no, scan_id=line.scan_id, line_id=line.id, item=item.code,
        item_name_zh=item.name_zh, item_name_en=item.name_en, gtin=pack.gtin,
        packaging_level=pack.level, packaging_quantity=pack.quantity, quantity=line.quantity,
        lot=lot.lot_no if lot else None, expiry=_iso(lot.expiry) if lot else None,
        production_date=_iso(lot.production_date) if lot else None,
        serial=serial.serial if serial else None, status="QUARANTINE",
        hold_reason=line.hold_reason, over_notice=line.over_notice,
        confirmed_by=line.confirmed_by, unexpected=totals.unexpected,
        expected=totals.expected, received_of_lot=totals.received_of_lot,
        receipt_lines=totals.receipt_lines, receipt_quantity=totals.receipt_quantity,
        replayed=replayed, warnings=[{"code": w.code, "message_en": w.message_en,
                                      "message_zh": w.message_zh} for w in warnings])


def replayed_scan(s: Session, receipt: Receipt, line_id: int) -> ScanResult:
    """The answer to a scan id seen before: its line, with today's running totals (one query)."""
    named = expects(receipt.notice_id, ReceiptLine.item_id, Lot.lot_no)
    any_lot = expects(receipt.notice_id, ReceiptLine.item_id, None)
    row = s.execute(
        select(ReceiptLine, Item, Packaging, Lot, SerialUnit, named, any_lot,
               tally_so_far(receipt.id, ReceiptLine.item_id, ReceiptLine.tally_key),
               latest(receipt.id, ReceiptLine.line_no),
               latest(receipt.id, ReceiptLine.receipt_quantity))
        .join(Item, Item.id == ReceiptLine.item_id)
        .join(Packaging, Packaging.id == ReceiptLine.packaging_id)
        .outerjoin(Lot, Lot.id == ReceiptLine.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == ReceiptLine.serial_id)
        .where(ReceiptLine.id == line_id)).one()
    line, item, pack, lot, serial, named_qty, any_qty, tally, count, total = row
    expected = any_qty if line.tally_key == rules.ANY_LOT else (named_qty if lot else None)
    totals = Totals(expected=expected,
                    unexpected=receipt.notice_id is not None and expected is None,
                    received_of_lot=tally, receipt_lines=count, receipt_quantity=total)
    return scan_result(receipt, line, item, pack, lot, serial, totals, replayed=True)


def notice_lines(s: Session, notice_id: int, *,
                 item_id: int | None = None) -> list[rules.NoticeLine]:
    """A notice's lines as the rules see them (optionally of one item)."""
    query = (select(AdvanceNoticeLine, Item.code)
             .join(Item, Item.id == AdvanceNoticeLine.item_id)
             .where(AdvanceNoticeLine.notice_id == notice_id)
             .order_by(AdvanceNoticeLine.line_no))
    if item_id is not None:
        query = query.where(AdvanceNoticeLine.item_id == item_id)
    return [rules.NoticeLine(item_id=line.item_id, item=code, gtin=line.gtin,
                             lot_no=line.lot_no, quantity=line.quantity,
                             serials=tuple(x for x in line.serials.split("\n") if x))
            for line, code in s.execute(query)]


def received(s: Session, receipt_ids: Sequence[int], *,
             item_id: int | None = None) -> list[rules.Received]:
    """The receipt lines of some receipts as the rules see them (optionally of one item)."""
    query = (select(ReceiptLine.item_id, Item.code, Lot.lot_no, SerialUnit.serial,
                    ReceiptLine.quantity)
             .join(Item, Item.id == ReceiptLine.item_id)
             .outerjoin(Lot, Lot.id == ReceiptLine.lot_id)
             .outerjoin(SerialUnit, SerialUnit.id == ReceiptLine.serial_id)
             .where(ReceiptLine.receipt_id.in_(receipt_ids)))
    if item_id is not None:
        query = query.where(ReceiptLine.item_id == item_id)
    return [rules.Received(item_id=i, item=code, lot_no=lot_no, quantity=q, serial=serial)
            for i, code, lot_no, serial, q in s.execute(query)]


# --- notices --------------------------------------------------------------------------------

def _notice_query() -> Select[*tuple[Any, ...]]:
    totals = (select(AdvanceNoticeLine.notice_id, func.count().label("n"),
                     func.sum(AdvanceNoticeLine.quantity).label("q"))
              .group_by(AdvanceNoticeLine.notice_id).subquery())
    supplier = aliased(Partner)
    return (select(AdvanceNotice, supplier.code, supplier.name, Warehouse.code, Owner.code,
                   totals.c.n, totals.c.q, supplier.name_en)
            .join(supplier, supplier.id == AdvanceNotice.supplier_id)
            .join(Warehouse, Warehouse.id == AdvanceNotice.warehouse_id)
            .join(Owner, Owner.id == AdvanceNotice.owner_id)
            .outerjoin(totals, totals.c.notice_id == AdvanceNotice.id))


def _notice_header(row: Any) -> NoticeHeader:
    n, supplier, supplier_name, warehouse, owner, lines, quantity, supplier_name_en = row
    return NoticeHeader(
        notice_no=n.notice_no, barcode=f"#D:{n.notice_no}", status=n.status,
        supplier=supplier, supplier_name=supplier_name, warehouse=warehouse, owner=owner,
        po_no=n.po_no, expected_on=_iso(n.expected_on), created_at=_iso(n.created_at) or "",
        lines=int(lines or 0), quantity=int(quantity or 0), supplier_name_en=supplier_name_en)


def list_notices(s: Session, *, status: str | None = None, supplier: str | None = None,
                 warehouse: str | None = None, limit: int = 100,
                 offset: int = 0) -> list[NoticeHeader]:
    """Advance notices, newest first."""
    query = _notice_query()
    if status:
        query = query.where(AdvanceNotice.status == status.upper())
    if warehouse:
        query = query.where(Warehouse.code == warehouse.upper())
    if supplier:
        query = query.where(AdvanceNotice.supplier_id.in_(
            select(Partner.id).where(Partner.code == supplier.upper())))
    query = query.order_by(AdvanceNotice.created_at.desc(), AdvanceNotice.id.desc())
    return [_notice_header(row) for row in s.execute(query.limit(limit).offset(offset))]


def get_notice(s: Session, notice_no: str) -> NoticeDetail:
    """A notice with its lines, expected vs received over its receipts, and the receipts."""
    number = document_number(notice_no)
    row = s.execute(_notice_query().where(AdvanceNotice.notice_no == number)).first()
    if row is None:
        raise NoticeNotFound(notice_no=number)
    notice: AdvanceNotice = row[0]
    query = (select(AdvanceNoticeLine, Item).join(Item, Item.id == AdvanceNoticeLine.item_id)
             .where(AdvanceNoticeLine.notice_id == notice.id)
             .order_by(AdvanceNoticeLine.line_no))
    lines = [NoticeLineView(
        line_no=line.line_no, item=item.code, item_name_zh=item.name_zh,
        item_name_en=item.name_en, gtin=line.gtin, lot=line.lot_no, expiry=_iso(line.expiry),
        production_date=_iso(line.production_date),
        serials=[x for x in line.serials.split("\n") if x], quantity=line.quantity)
        for line, item in s.execute(query)]
    receipts = list(s.scalars(select(Receipt.receipt_no).where(Receipt.notice_id == notice.id)
                              .order_by(Receipt.id)))
    return NoticeDetail(_notice_header(row), lines, notice_progress(s, notice.id), receipts)


def notice_progress(s: Session, notice_id: int) -> list[Progress]:
    """Expected vs received per notice bucket, over every receipt of the notice."""
    lines = notice_lines(s, notice_id)
    ids = list(s.scalars(select(Receipt.id).where(Receipt.notice_id == notice_id)))
    got = received(s, ids) if ids else []
    first: dict[rules.Bucket, rules.NoticeLine] = {}
    for line in lines:
        first.setdefault((line.item_id, line.lot_no), line)
    out = []
    for key, line in first.items():
        want, have = rules.expected_in(lines, key), rules.received_in(lines, got, key)
        out.append(Progress(line.item, line.gtin, key[1], want, have, have - want))
    return out
