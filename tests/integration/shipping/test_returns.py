"""Customer returns: against the original shipment, into QUARANTINE, never-shipped flagged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from medwms.core.errors import DomainError
from medwms.ledger.queries import StockFilter, stock
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from medwms.masterdata.tables import Partner
from medwms.shipping.packing import add_shipping_unit, open_shipment, pack_scan
from medwms.shipping.queries import return_view
from medwms.shipping.returns import open_return, return_scan
from medwms.shipping.shipments import confirm_shipment
from tests.integration.shipping.conftest import state
from tests.support.shipping import HIP, NOW, PACKER, RECEIVER, STENT, Unit, udi, verified_order


def refused(code, action, db):
    before = state(db)
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code, caught.value
    assert state(db) == before
    return caught.value


@pytest.fixture
def shipped(outbound):
    """SO-1 shipped to HOSP1: stent L1 ×2 and hip SN-001."""
    verified_order(outbound, "SO-1", [Unit("STENT", "L1", 2),
                                      Unit("HIP", "H1", 1, serial="SN-001")])
    shipment_no = open_shipment(outbound, actor=PACKER, order_no="SO-1", now=NOW).shipment_no
    box = add_shipping_unit(outbound, actor=PACKER, shipment_no=shipment_no, now=NOW).sscc
    for raw in (udi(STENT, "L1"), udi(STENT, "L1"), udi(HIP, "H1", "SN-001")):
        pack_scan(outbound, actor=PACKER, shipment_no=shipment_no, sscc=box, raw=raw, now=NOW)
    confirm_shipment(outbound, actor=PACKER, shipment_no=shipment_no, carrier="SF",
                     waybill="SF1", now=NOW)
    return shipment_no


def opened(db, shipment_no):
    return open_return(db, actor=RECEIVER, shipment_no=shipment_no, reason="包装破损 damaged",
                       now=NOW).return_no


def scan(db, return_no, scan_id, raw, **kwargs):
    return return_scan(db, actor=RECEIVER, return_no=return_no, scan_id=scan_id, raw=raw,
                       now=NOW, **kwargs)


def test_a_returned_unit_goes_to_quarantine_in_the_returns_zone(shipped, outbound):
    return_no = opened(outbound, shipped)
    back = scan(outbound, return_no, "s1", udi(HIP, "H1", "SN-001"))
    assert (back.item, back.serial, back.location, back.status, back.flagged) == \
        ("HIP", "SN-001", "WHA-T-01", "QUARANTINE", "")
    with outbound.reading() as s:
        customer = s.scalar(select(Partner.id).where(Partner.code == "HOSP1"))
        move = s.scalars(select(Movement).where(Movement.doc_type == "RET")).one()
        assert (move.kind, move.doc_no, move.partner_id, move.to_status) == \
            ("RETURN", return_no, customer, "QUARANTINE")
        assert move.reason.startswith("RETURN: 包装破损")
        rows = stock(s, StockFilter(warehouse="WHA", status="QUARANTINE"))
        assert [(r.item, r.serial, r.location) for r in rows] == [("HIP", "SN-001", "WHA-T-01")]
        assert verify(s).ok


def test_a_scan_id_applies_once(shipped, outbound):
    return_no = opened(outbound, shipped)
    scan(outbound, return_no, "s1", udi(STENT, "L1"))
    again = scan(outbound, return_no, "s1", udi(STENT, "L1"))
    assert again.replayed and again.location == "WHA-T-01"
    with outbound.reading() as s:
        assert len(return_view(s, return_no).lines) == 1


def test_a_unit_never_shipped_to_the_customer_is_refused_then_accepted_flagged(
        shipped, outbound):
    return_no = opened(outbound, shipped)
    error = refused("RETURN_UNIT_NOT_SHIPPED",
                    lambda: scan(outbound, return_no, "s1", udi(HIP, "H1", "SN-999")), outbound)
    assert "never shipped" in error.message("en") and "从未发往" in error.message("zh-CN")
    back = scan(outbound, return_no, "s1", udi(HIP, "H1", "SN-999"), accept_flagged=True)
    assert back.flagged and back.status == "QUARANTINE"
    with outbound.reading() as s:
        assert return_view(s, return_no).lines[0].flagged.startswith("this serial was never")
        assert "FLAGGED" in s.scalars(select(Movement.reason)
                                      .where(Movement.doc_type == "RET")).one()


def test_more_than_shipped_of_a_lot_is_flagged(shipped, outbound):
    return_no = opened(outbound, shipped)
    scan(outbound, return_no, "s1", udi(STENT, "L1"))
    scan(outbound, return_no, "s2", udi(STENT, "L1"))
    error = refused("RETURN_UNIT_NOT_SHIPPED",
                    lambda: scan(outbound, return_no, "s3", udi(STENT, "L1")), outbound)
    assert "more returned (3) than shipped (2)" in error.message("en")


def test_a_return_needs_a_reason_and_a_shipped_customer_shipment(shipped, outbound):
    refused("VALIDATION_ERROR", lambda: open_return(outbound, actor=RECEIVER,
                                                    shipment_no=shipped, reason=" "), outbound)
    refused("SHIPMENT_NOT_FOUND", lambda: opened(outbound, "SHP-NONE"), outbound)
    refused("RETURN_NOT_FOUND", lambda: scan(outbound, "RET-NONE", "s", udi(STENT, "L1")),
            outbound)


def test_a_return_against_a_shipment_not_yet_shipped_is_refused(outbound):
    verified_order(outbound, "SO-2", [Unit("STENT", "L1", 1)])
    shipment_no = open_shipment(outbound, actor=PACKER, order_no="SO-2", now=NOW).shipment_no
    refused("SHIPMENT_NOT_SHIPPED", lambda: opened(outbound, shipment_no), outbound)


def test_a_serial_still_in_our_stock_cannot_come_back(shipped, outbound):
    verified_order(outbound, "SO-3", [Unit("HIP", "H1", 1, serial="SN-002")])
    return_no = opened(outbound, shipped)
    error = refused("RETURN_SERIAL_IN_STOCK",
                    lambda: scan(outbound, return_no, "s1", udi(HIP, "H1", "SN-002"),
                                 accept_flagged=True), outbound)
    assert "SN-002" in error.message("zh-CN")
