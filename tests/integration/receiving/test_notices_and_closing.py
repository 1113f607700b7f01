"""Advance notices (API path and files), receipts against them, over-notice and closing."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from medwms.core.errors import DomainError
from medwms.receiving import importing, notices, queries, service
from medwms.receiving.tables import AdvanceNotice, AdvanceNoticeLine, Receipt
from tests.support.handover import hand_over
from tests.support.receiving import (
    HIP,
    MANAGER,
    NOW,
    RECEIVER,
    STENT_BOX,
    STENT_CASE,
    UNKNOWN,
    counts,
    udi,
)

GOOD = date(2028, 6, 30)


def make_notice(db, site, *lines, notice_no="ASN-1"):
    return notices.create_notice(db, actor=RECEIVER, supplier=site.supplier,
                                 warehouse=site.warehouse, notice_no=notice_no, po_no="PO-9",
                                 lines=list(lines), now=NOW)


def stent(quantity, lot="L1"):
    return notices.NoticeLineIn(gtin=STENT_CASE, lot=lot, expiry=GOOD, quantity=quantity)


def receive(db, receipt_no, raw, scan_id, **kw):
    return service.receive_scan(db, actor=kw.pop("actor", RECEIVER), receipt_no=receipt_no,
                                raw=raw, scan_id=scan_id, now=NOW, **kw)


def notice_rows(db):
    with db.reading() as s:
        return (s.scalar(select(func.count()).select_from(AdvanceNotice)),
                s.scalar(select(func.count()).select_from(AdvanceNoticeLine)))


def test_a_notice_is_created_with_lines_in_base_units(db, site):
    detail = make_notice(db, site, stent(100), notices.NoticeLineIn(
        gtin=HIP, lot="H1", quantity=2, serials=("SN-1", "SN-2")))
    assert detail.header.notice_no == "ASN-1" and detail.header.quantity == 102
    assert [line.item for line in detail.lines] == ["STENT", "HIP"]
    assert detail.lines[1].serials == ["SN-1", "SN-2"]


def test_a_notice_with_bad_lines_lists_every_problem_and_writes_nothing(db, site):
    with pytest.raises(DomainError) as caught:
        make_notice(db, site, notices.NoticeLineIn(gtin=UNKNOWN, quantity=1),
                    notices.NoticeLineIn(gtin="123", quantity=0),
                    notices.NoticeLineIn(gtin=HIP, quantity=3, serials=("A",)))
    assert caught.value.code == "VALIDATION_ERROR"
    where = {(p.row, p.column) for p in caught.value.problems}  # type: ignore[attr-defined]
    assert {(1, "gtin"), (2, "gtin"), (2, "quantity"), (3, "serials")} <= where
    assert notice_rows(db) == (0, 0)


def test_a_csv_notice_is_imported(db, site):
    data = ("gtin,lot,expiry,quantity,serials\n"
            f"{STENT_CASE},L1,2028-06-30,200,\n{HIP},H1,2028-06-30,2,SN-1;SN-2\n").encode()
    detail = importing.import_notice(db, actor=RECEIVER, data=data, filename="asn.csv",
                                     supplier=site.supplier, warehouse=site.warehouse)
    assert detail.header.lines == 2 and detail.header.notice_no.startswith("ASN-")


def test_an_xlsx_notice_with_chinese_headers_is_imported(db, site):
    book = Workbook()
    sheet = book.active
    sheet.append(["产品标识", "批号", "失效日期", "数量"])
    sheet.append([STENT_CASE, "L1", date(2028, 6, 30), 100])
    out = io.BytesIO()
    book.save(out)
    detail = importing.import_notice(db, actor=RECEIVER, data=out.getvalue(),
                                     filename="asn.xlsx", supplier=site.supplier,
                                     warehouse=site.warehouse, notice_no="ASN-X")
    assert detail.lines[0].expiry == "2028-06-30"


def test_a_file_with_bad_rows_is_refused_whole_naming_each_row(db, site):
    data = ("gtin,lot,expiry,quantity\n"
            f"{STENT_CASE},L1,2028-06-30,100\n{UNKNOWN},L2,2028-06-30,5\n"
            f"{STENT_BOX},L3,30/06/2028,x\n").encode()
    with pytest.raises(DomainError) as caught:
        importing.import_notice(db, actor=RECEIVER, data=data, filename="asn.csv",
                                supplier=site.supplier, warehouse=site.warehouse)
    assert caught.value.code == "IMPORT_REJECTED"
    where = {(p.row, p.column) for p in caught.value.problems}  # type: ignore[attr-defined]
    assert where == {(3, "gtin"), (4, "expiry"), (4, "quantity")}
    assert notice_rows(db) == (0, 0)


def test_opening_by_the_notice_barcode_gives_its_open_receipt(db, site):
    make_notice(db, site, stent(100))
    first = service.open_receipt(db, actor=RECEIVER, notice_no="#D:ASN-1", now=NOW)
    again = service.open_receipt(db, actor=RECEIVER, notice_no="ASN-1", now=NOW)
    assert first.receipt_no == again.receipt_no
    assert (first.dock, first.po_no, first.supplier) == (site.dock, "PO-9", site.supplier)
    with db.reading() as s:
        assert queries.find_receipt_no(s, f"#D:{first.receipt_no}") == first.receipt_no


def test_over_the_notice_needs_a_managers_confirmation(db, site):
    make_notice(db, site, stent(100))
    receipt = service.open_receipt(db, actor=RECEIVER, notice_no="ASN-1", now=NOW).receipt_no
    receive(db, receipt, udi(STENT_CASE, lot="L1", expiry=GOOD), "a")
    box = udi(STENT_BOX, lot="L1", expiry=GOOD)
    before = counts(db)
    with pytest.raises(DomainError) as caught:
        receive(db, receipt, box, "b")
    assert caught.value.code == "QUANTITY_OVER_NOTICE"
    with pytest.raises(DomainError) as caught:
        receive(db, receipt, box, "b", confirm_over=True)
    assert caught.value.code == "PERMISSION_DENIED"
    assert counts(db) == before
    result = receive(db, receipt, box, "b", confirm_over=True, actor=MANAGER)
    assert result.over_notice and (result.expected, result.received_of_lot) == (100, 110)


def test_closing_lists_short_over_and_unexpected_lots(db, site):
    make_notice(db, site, stent(200, "L1"), stent(100, "L2"),
                notices.NoticeLineIn(gtin=HIP, lot="H1", quantity=1, serials=("SN-1",)))
    receipt = service.open_receipt(db, actor=RECEIVER, notice_no="ASN-1", now=NOW).receipt_no
    receive(db, receipt, udi(STENT_CASE, lot="L1", expiry=GOOD), "a")
    unexpected = receive(db, receipt, udi(STENT_BOX, lot="L9", expiry=GOOD), "b")
    assert unexpected.unexpected and unexpected.expected is None
    hand_over(db, receipt)
    closed = service.close_receipt(db, actor=RECEIVER, receipt_no=receipt, now=NOW)
    kinds = {(d["kind"], d["lot_no"], d["expected"], d["received"])
             for d in closed.discrepancies}
    assert kinds == {("SHORT", "L1", 200, 100), ("SHORT", "L2", 100, 0),
                     ("SHORT", "H1", 1, 0), ("UNEXPECTED_LOT", "L9", 0, 10),
                     ("MISSING_SERIAL", "H1", 1, 0)}
    with db.reading() as s:
        stored = json.loads(s.scalars(select(Receipt.discrepancies)).one())
        detail = queries.get_notice(s, "ASN-1")
    assert len(stored) == 5 and detail.header.status == "CLOSED"
    assert [(p.lot, p.expected, p.received) for p in detail.progress][:2] == [
        ("L1", 200, 100), ("L2", 100, 0)]


def test_closing_twice_is_refused(db, site, po_receipt):
    hand_over(db, po_receipt)
    service.close_receipt(db, actor=RECEIVER, receipt_no=po_receipt, now=NOW)
    with pytest.raises(DomainError) as caught:
        service.close_receipt(db, actor=RECEIVER, receipt_no=po_receipt, now=NOW)
    assert caught.value.code == "RECEIPT_CLOSED"


def test_a_closed_notice_can_not_be_received_again(db, site):
    make_notice(db, site, stent(100))
    receipt = service.open_receipt(db, actor=RECEIVER, notice_no="ASN-1", now=NOW).receipt_no
    hand_over(db, receipt)
    service.close_receipt(db, actor=RECEIVER, receipt_no=receipt, now=NOW)
    with pytest.raises(DomainError) as caught:
        service.open_receipt(db, actor=RECEIVER, notice_no="ASN-1", now=NOW)
    assert caught.value.code == "NOTICE_CLOSED"


def test_receiving_without_a_notice_needs_po_and_supplier(db, site):
    with pytest.raises(DomainError) as caught:
        service.open_receipt(db, actor=RECEIVER, warehouse=site.warehouse, now=NOW)
    assert caught.value.code == "VALIDATION_ERROR"


def test_receipt_detail_shows_lines_with_item_lot_and_expiry(db, site, po_receipt):
    receive(db, po_receipt, udi(HIP, lot="H1", expiry=GOOD, serial="SN-1"), "a")
    with db.reading() as s:
        detail = queries.get_receipt(s, po_receipt)
    line = detail.lines[0]
    assert (line.item, line.gtin, line.lot, line.expiry, line.serial, line.quantity) == (
        "HIP", HIP, "H1", "2028-06-30", "SN-1", 1)
