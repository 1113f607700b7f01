"""Transfers between warehouses (跨仓调拨): in transit, received at B, short units, resolution."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from medwms.core.errors import DomainError
from medwms.ledger.queries import StockFilter, stock
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from medwms.shipping.packing import add_shipping_unit, open_shipment, pack_scan
from medwms.shipping.queries import in_transit, shipment_view
from medwms.shipping.shipments import confirm_shipment
from medwms.shipping.transfers import (
    close_transfer_receipt,
    receive_transfer_scan,
    resolve_transfer_line,
)
from tests.integration.shipping.conftest import state
from tests.support.shipping import (
    COLD,
    HIP,
    MANAGER,
    NOW,
    PACKER,
    RECEIVER,
    STENT,
    Unit,
    udi,
    verified_order,
)

UNITS = [Unit("STENT", "L1", 2), Unit("HIP", "H1", 1, serial="SN-001"), Unit("COLD", "C1", 1)]


def refused(code, action, db):
    before = state(db)
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code, caught.value
    assert state(db) == before
    return caught.value


@pytest.fixture
def transfer(outbound):
    """TR-1 from WHA to WHB shipped: stent ×2 and hip SN-001 in one box, the reagent cold."""
    verified_order(outbound, "TR-1", UNITS, to_warehouse="WHB")
    shipment_no = open_shipment(outbound, actor=PACKER, order_no="TR-1", now=NOW).shipment_no
    box = add_shipping_unit(outbound, actor=PACKER, shipment_no=shipment_no, now=NOW).sscc
    cold = add_shipping_unit(outbound, actor=PACKER, shipment_no=shipment_no, cold=True,
                             box_id="CB-1", logger_id="LG-1", dispatch_temp=Decimal(4),
                             now=NOW).sscc
    for raw, sscc in ((udi(STENT, "L1"), box), (udi(STENT, "L1"), box),
                      (udi(HIP, "H1", "SN-001"), box), (udi(COLD, "C1"), cold)):
        pack_scan(outbound, actor=PACKER, shipment_no=shipment_no, sscc=sscc, raw=raw, now=NOW)
    confirm_shipment(outbound, actor=PACKER, shipment_no=shipment_no, carrier="OWN",
                     waybill="沪A12345 张师傅", now=NOW)
    return shipment_no, box, cold


def receive(db, shipment_no, raw, temp=None):
    return receive_transfer_scan(db, actor=RECEIVER, shipment_no=shipment_no, raw=raw,
                                 arrival_temp=None if temp is None else Decimal(temp), now=NOW)


def sscc_scan(sscc):
    return "]C100" + sscc


def test_shipped_transfer_is_in_transit_in_both_warehouses_views(transfer, outbound):
    shipment_no, _, _ = transfer
    with outbound.reading() as s:
        sent = stock(s, StockFilter(warehouse="WHA", status="IN_TRANSIT"))
        view_b = in_transit(s, "WHB")
        view_a = in_transit(s, "WHA")
        assert verify(s).ok
    assert {(r.location, r.item, r.lot, r.serial, r.quantity, r.colour) for r in sent} == {
        ("WHA-TRANSIT", "STENT", "L1", None, 2, "yellow"),
        ("WHA-TRANSIT", "HIP", "H1", "SN-001", 1, "yellow"),
        ("WHA-TRANSIT", "COLD", "C1", None, 1, "yellow")}
    assert {(i.shipment_no, i.from_warehouse, i.item, i.outstanding) for i in view_b.incoming} \
        == {(shipment_no, "WHA", "STENT", 2), (shipment_no, "WHA", "HIP", 1),
            (shipment_no, "WHA", "COLD", 1)}
    assert len(view_a.outgoing) == 3 and view_a.incoming == []
    assert view_b.outgoing == []


def test_receiving_at_b_with_one_unit_missing_reports_it_and_leaves_it_in_transit(
        transfer, outbound):
    shipment_no, _, cold = transfer
    first = receive(outbound, shipment_no, udi(STENT, "L1"))
    receive(outbound, shipment_no, udi(STENT, "L1"))
    by_box = receive(outbound, shipment_no, sscc_scan(cold), temp="5.0")
    assert [(p.item, p.quantity, p.status) for p in first.received] == \
        [("STENT", 1, "AVAILABLE")]
    assert [(p.item, p.status) for p in by_box.received] == [("COLD", "AVAILABLE")]
    report = close_transfer_receipt(outbound, actor=RECEIVER, shipment_no=shipment_no, now=NOW)
    assert (report.status, report.outstanding) == ("SHORT", 1)
    assert [(d["item"], d["serial"], d["quantity"]) for d in report.discrepancies["short"]] == \
        [("HIP", "SN-001", 1)]
    with outbound.reading() as s:
        at_b = stock(s, StockFilter(warehouse="WHB"))
        still = stock(s, StockFilter(warehouse="WHA", status="IN_TRANSIT"))
        coming = in_transit(s, "WHB").incoming
        stored = shipment_view(s, shipment_no).discrepancies
        assert verify(s).ok
    assert {(r.location, r.item, r.status, r.quantity) for r in at_b} == {
        ("WHB-R-01", "STENT", "AVAILABLE", 2), ("WHB-R-01", "COLD", "AVAILABLE", 1)}
    assert [(r.item, r.serial, r.location) for r in still] == [("HIP", "SN-001", "WHA-TRANSIT")]
    assert [(i.item, i.outstanding) for i in coming] == [("HIP", 1)]
    assert stored["short"][0]["serial"] == "SN-001"


def test_the_receipt_posts_transfer_out_and_in_in_one_document(transfer, outbound):
    shipment_no, box, _ = transfer
    receive(outbound, shipment_no, sscc_scan(box))
    with outbound.reading() as s:
        kinds = [(m.kind, m.from_status, m.to_status) for m in s.scalars(
            select(Movement).where(Movement.doc_no == shipment_no).order_by(Movement.id))
            if m.kind in ("TRANSFER_OUT", "TRANSFER_IN") and m.from_status != "AVAILABLE"]
    assert kinds == [("TRANSFER_OUT", "IN_TRANSIT", None), ("TRANSFER_IN", None, "AVAILABLE")] * 2


def test_a_broken_cold_chain_sends_the_units_to_quarantine(transfer, outbound):
    shipment_no, _, _ = transfer
    scan = receive(outbound, shipment_no, udi(COLD, "C1"), temp="12.5")
    assert [(p.status, p.reason) for p in scan.received] == [
        ("QUARANTINE", "HOLD: cold chain broken in transit: arrival 12.5 °C outside 2–8 °C")]
    assert scan.warnings
    with outbound.reading() as s:
        report = shipment_view(s, shipment_no).discrepancies
    assert report["cold_chain"][0]["temperature"] == "12.5"


def test_a_cold_unit_needs_its_arrival_temperature(transfer, outbound):
    shipment_no, _, cold = transfer
    refused("ARRIVAL_TEMPERATURE_REQUIRED",
            lambda: receive(outbound, shipment_no, sscc_scan(cold)), outbound)


def test_over_and_unexpected_scans_are_reported_and_post_nothing(transfer, outbound):
    shipment_no, _, _ = transfer
    receive(outbound, shipment_no, udi(STENT, "L1"))
    receive(outbound, shipment_no, udi(STENT, "L1"))
    with outbound.reading() as s:
        moves = s.scalar(select(Movement.id).order_by(Movement.id.desc()).limit(1))
    over = receive(outbound, shipment_no, udi(STENT, "L1"))
    stranger = receive(outbound, shipment_no, udi(STENT, "L9"))
    assert (over.over, over.unexpected, stranger.over, stranger.unexpected) == (1, 0, 0, 1)
    with outbound.reading() as s:
        assert s.scalar(select(Movement.id).order_by(Movement.id.desc()).limit(1)) == moves
        report = shipment_view(s, shipment_no).discrepancies
    assert [(d["item"], d["lot"]) for d in report["over"]] == [("STENT", "L1")]
    assert [(d["item"], d["lot"]) for d in report["unexpected"]] == [("STENT", "L9")]


def test_a_manager_resolves_the_missing_unit_as_found_or_lost(transfer, outbound):
    shipment_no, _, cold = transfer
    receive(outbound, shipment_no, udi(STENT, "L1"))
    receive(outbound, shipment_no, udi(STENT, "L1"))
    receive(outbound, shipment_no, sscc_scan(cold), temp="4")
    short = close_transfer_receipt(outbound, actor=RECEIVER, shipment_no=shipment_no)
    line_id = short.discrepancies["short"][0]["line_id"]
    refused("PERMISSION_DENIED", lambda: resolve_transfer_line(
        outbound, actor=RECEIVER, shipment_no=shipment_no, line_id=line_id, outcome="LOST",
        quantity=1, reason="x"), outbound)
    refused("NOTHING_OUTSTANDING", lambda: resolve_transfer_line(
        outbound, actor=MANAGER, shipment_no=shipment_no, line_id=line_id, outcome="LOST",
        quantity=2, reason="lost"), outbound)
    done = resolve_transfer_line(outbound, actor=MANAGER, shipment_no=shipment_no,
                                 line_id=line_id, outcome="LOST", quantity=1,
                                 reason="承运商确认丢失 carrier confirmed loss")
    assert (done.status, done.outstanding) == ("RECEIVED", 0)
    with outbound.reading() as s:
        written = s.scalars(select(Movement).where(Movement.kind == "ADJUST")).one()
        assert written.reason.startswith("LOST in transit")
        assert written.from_status == "IN_TRANSIT"
        assert verify(s).ok
        assert stock(s, StockFilter(status="IN_TRANSIT")) == []


def test_a_found_unit_is_received_at_b(transfer, outbound):
    shipment_no, _, _ = transfer
    report = close_transfer_receipt(outbound, actor=RECEIVER, shipment_no=shipment_no)
    hip = next(d for d in report.discrepancies["short"] if d["item"] == "HIP")
    done = resolve_transfer_line(outbound, actor=MANAGER, shipment_no=shipment_no,
                                 line_id=hip["line_id"], outcome="FOUND", quantity=1,
                                 reason="found on the truck")
    assert done.status == "SHORT" and done.outstanding == 3
    with outbound.reading() as s:
        assert [(r.item, r.location) for r in stock(s, StockFilter(warehouse="WHB"))] == \
            [("HIP", "WHB-R-01")]


def test_receiving_against_a_customer_shipment_or_unknown_number_is_refused(outbound):
    verified_order(outbound, "SO-1", [Unit("STENT", "L1", 1)])
    shipment_no = open_shipment(outbound, actor=PACKER, order_no="SO-1", now=NOW).shipment_no
    refused("NOT_A_TRANSFER", lambda: receive(outbound, shipment_no, udi(STENT, "L1")),
            outbound)
    refused("SHIPMENT_NOT_FOUND", lambda: receive(outbound, "SHP-NOPE", udi(STENT, "L1")),
            outbound)


def test_a_transfer_still_packing_cannot_be_received(outbound):
    verified_order(outbound, "TR-2", [Unit("STENT", "L1", 1)], to_warehouse="WHB")
    shipment_no = open_shipment(outbound, actor=PACKER, order_no="TR-2", now=NOW).shipment_no
    refused("SHIPMENT_NOT_SHIPPED", lambda: receive(outbound, shipment_no, udi(STENT, "L1")),
            outbound)
