"""Receiving by scan: what an accepted scan writes, and every refusal (which writes nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from medwms.core.errors import DomainError
from medwms.ledger.tables import Lot, Movement, Stock
from medwms.masterdata.tables import Item, Partner
from medwms.receiving import service
from tests.support.handover import hand_over
from tests.support.receiving import (
    COLD_BOX,
    HIP,
    NOW,
    RECEIVER,
    STENT_BOX,
    STENT_CASE,
    UNKNOWN,
    counts,
)
from tests.support.receiving import udi as make_udi

GOOD = date(2028, 6, 30)


def scan(db, receipt_no, raw, scan_id="s1", **kw):
    return service.receive_scan(db, actor=RECEIVER, receipt_no=receipt_no, raw=raw,
                                scan_id=scan_id, now=NOW, **kw)


def refused(db, code, receipt_no, raw, **kw):
    before = counts(db)
    with pytest.raises(DomainError) as caught:
        scan(db, receipt_no, raw, **kw)
    assert caught.value.code == code, caught.value
    assert counts(db) == before
    return caught.value


def test_a_case_scan_receives_100_units_to_the_dock_as_quarantine(db, site, po_receipt):
    result = scan(db, po_receipt, make_udi(STENT_CASE, lot="L1", expiry=GOOD))
    assert (result.item, result.quantity, result.packaging_level) == ("STENT", 100, "case")
    assert (result.lot, result.expiry, result.status) == ("L1", "2028-06-30", "QUARANTINE")
    assert (result.receipt_lines, result.receipt_quantity) == (1, 100)
    with db.reading() as s:
        stock = s.execute(select(Stock.location_id, Stock.status, Stock.quantity)).one()
        movement = s.execute(select(Movement.kind, Movement.doc_type, Movement.doc_no)).one()
        lot = s.execute(select(Lot.lot_no, Lot.expiry)).one()
    assert tuple(stock) == (site.dock_id, "QUARANTINE", 100)
    assert tuple(movement) == ("RECEIVE", "RCV", po_receipt)
    assert tuple(lot) == ("L1", GOOD)


def test_packs_multiply_the_packaging_quantity(db, site, po_receipt):
    result = scan(db, po_receipt, make_udi(STENT_BOX, lot="L1", expiry=GOOD), quantity_packs=3)
    assert result.quantity == 30


def test_the_same_scan_id_is_applied_once(db, site, po_receipt):
    raw = make_udi(STENT_BOX, lot="L1", expiry=GOOD)
    first = scan(db, po_receipt, raw, scan_id="page-1")
    again = scan(db, po_receipt, raw, scan_id="page-1")
    assert again.replayed and again.line_id == first.line_id
    assert counts(db)["movement"] == 1


def test_a_missing_lot_is_asked_for_then_accepted_when_keyed(db, site, po_receipt):
    error = refused(db, "LOT_REQUIRED", po_receipt, make_udi(STENT_BOX, expiry=GOOD))
    assert error.fields["missing"] == "lot"
    assert scan(db, po_receipt, make_udi(STENT_BOX, expiry=GOOD), lot="L7").lot == "L7"


def test_a_missing_serial_is_asked_for_then_accepted_when_keyed(db, site, po_receipt):
    raw = make_udi(HIP, lot="H1", expiry=GOOD)
    refused(db, "SERIAL_REQUIRED", po_receipt, raw)
    assert scan(db, po_receipt, raw, serial="SN-1").serial == "SN-1"


def test_a_missing_expiry_is_asked_for_then_accepted_when_keyed(db, site, po_receipt):
    refused(db, "EXPIRY_REQUIRED", po_receipt, make_udi(STENT_BOX, lot="L1"))
    assert scan(db, po_receipt, make_udi(STENT_BOX, lot="L1"), expiry=GOOD).expiry == \
        "2028-06-30"


def test_a_keyed_value_contradicting_the_barcode_is_refused(db, site, po_receipt):
    refused(db, "SCANNED_VALUE_MISMATCH", po_receipt, make_udi(STENT_BOX, lot="L1",
                                                                 expiry=GOOD), lot="L2")


def test_a_supplier_with_an_expired_licence_is_refused(db, site, po_receipt):
    with db.unit_of_work() as uow:
        uow.session.scalars(select(Partner)).one().licence_expiry = date(2026, 11, 24)
        uow.commit()
    error = refused(db, "SUPPLIER_LICENCE_INVALID", po_receipt,
                    make_udi(STENT_BOX, lot="L1", expiry=GOOD))
    assert "2026-11-24" in error.message("en")


def test_an_item_with_a_lapsed_registration_is_refused(db, site, po_receipt):
    with db.unit_of_work() as uow:
        uow.session.get_one(Item, site.stent_id).registration_expiry = date(2026, 1, 1)
        uow.commit()
    refused(db, "ITEM_REGISTRATION_INVALID", po_receipt,
            make_udi(STENT_BOX, lot="L1", expiry=GOOD))


def test_an_expired_unit_is_refused(db, site, po_receipt):
    refused(db, "UNIT_EXPIRED", po_receipt, make_udi(STENT_BOX, lot="L1",
                                                     expiry=date(2026, 11, 24)))


def test_a_short_dated_unit_is_refused_with_the_days_left(db, site, po_receipt):
    error = refused(db, "SHELF_LIFE_TOO_SHORT", po_receipt,
                    make_udi(STENT_BOX, lot="L123", expiry=date(2026, 12, 1)))
    assert error.message("en") == ("Lot L123 expires 2026-12-01: 6 days left, this item needs "
                                   "180 on receipt.")


def test_a_barcode_contradicting_the_known_lot_expiry_is_refused(db, site, po_receipt):
    scan(db, po_receipt, make_udi(STENT_BOX, lot="L1", expiry=GOOD))
    refused(db, "LOT_CONFLICT", po_receipt, make_udi(STENT_BOX, lot="L1",
                                                     expiry=date(2028, 7, 31)), scan_id="s2")
    with db.reading() as s:
        assert s.scalars(select(Lot.expiry)).one() == GOOD


def test_a_serial_twice_on_a_receipt_is_refused(db, site, po_receipt):
    raw = make_udi(HIP, lot="H1", expiry=GOOD, serial="SN-1")
    scan(db, po_receipt, raw)
    refused(db, "SERIAL_SCANNED_TWICE", po_receipt, raw, scan_id="s2")


def test_a_serial_already_in_stock_is_refused_on_another_receipt(db, site, po_receipt):
    raw = make_udi(HIP, lot="H1", expiry=GOOD, serial="SN-1")
    scan(db, po_receipt, raw)
    other = service.open_receipt(db, actor=RECEIVER, warehouse=site.warehouse, po_no="PO-2",
                                 supplier=site.supplier, now=NOW).receipt_no
    error = refused(db, "SERIAL_IN_STOCK", other, raw, scan_id="s2")
    assert error.fields["location"] == site.dock


def test_unknown_gtin_says_to_add_it_in_master_data(db, site, po_receipt):
    error = refused(db, "UNKNOWN_GTIN", po_receipt, make_udi(UNKNOWN, lot="L1", expiry=GOOD))
    assert error.fields["gtin"] == UNKNOWN
    assert "master data" in error.message("en")


@pytest.mark.parametrize("raw", ["#L:WH1-S-01", "#D:RCV-20261125-AAAAA"])
def test_a_location_or_document_barcode_is_not_a_unit(db, site, po_receipt, raw):
    refused(db, "NOT_A_UNIT", po_receipt, raw)


def test_a_piece_of_a_trade_item_is_refused_with_the_reason(db, site, po_receipt):
    itip = STENT_BOX + "0102"  # piece 1 of 2 (ITIP 8006) of the box
    error = refused(db, "ITIP_PIECE", po_receipt, f"8006{itip}\x1d21SN1")
    assert error.fields["value"] == itip
    assert "whole item" in error.message("en") and "整件货品" in error.message("zh-CN")


def test_a_bad_check_digit_is_refused(db, site, po_receipt):
    raw = make_udi(STENT_BOX, lot="L1", expiry=GOOD)
    bad = raw[:18] + str((int(raw[18]) + 1) % 10) + raw[19:]
    refused(db, "BAD_CHECK_DIGIT", po_receipt, bad)


def test_cold_items_need_the_arrival_recorded(db, site, po_receipt):
    refused(db, "ARRIVAL_REQUIRED", po_receipt, make_udi(COLD_BOX, lot="C1", expiry=GOOD))
    result = scan(db, po_receipt, make_udi(COLD_BOX, lot="C1", expiry=GOOD),
                  arrival_temp=Decimal("5.0"), logger_id="LOG-77")
    assert result.hold_reason == ""


def test_a_cold_arrival_out_of_range_is_received_with_a_hold_reason(db, site, po_receipt):
    service.record_arrival(db, actor=RECEIVER, receipt_no=po_receipt,
                           temperature=Decimal("12"), logger_id="LOG-77")
    result = scan(db, po_receipt, make_udi(COLD_BOX, lot="C1", expiry=GOOD))
    assert result.hold_reason == "arrival 12.0 °C outside 2.0–8.0 °C"
    with db.reading() as s:
        movement = s.execute(select(Movement.to_status, Movement.reason)).one()
    assert tuple(movement) == (
        "QUARANTINE", "HOLD: arrival 12.0 °C outside 2.0–8.0 °C")


def test_the_arrival_is_never_overwritten(db, site, po_receipt):
    service.record_arrival(db, actor=RECEIVER, receipt_no=po_receipt,
                           temperature=Decimal("5"), logger_id="LOG-77")
    with pytest.raises(DomainError) as caught:
        service.record_arrival(db, actor=RECEIVER, receipt_no=po_receipt,
                               temperature=Decimal("6"), logger_id="LOG-77")
    assert caught.value.code == "ARRIVAL_ALREADY_RECORDED"


def test_a_scan_on_a_closed_receipt_is_refused(db, site, po_receipt):
    hand_over(db, po_receipt)
    service.close_receipt(db, actor=RECEIVER, receipt_no=po_receipt, now=NOW)
    refused(db, "RECEIPT_CLOSED", po_receipt, make_udi(STENT_BOX, lot="L1", expiry=GOOD))
