"""Packing into SSCC units and shipment confirmation: every refusal changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from medwms.auth.rules import Actor, Perm
from medwms.barcode.checkdigit import has_valid_check_digit
from medwms.core.errors import DomainError
from medwms.ledger.tables import Movement, Stock
from medwms.ledger.verify import verify
from medwms.masterdata.tables import Partner
from medwms.orders.tables import OutboundOrder
from medwms.shipping.packing import add_shipping_unit, open_shipment, pack_scan
from medwms.shipping.shipments import confirm_shipment
from medwms.shipping.tables import ShipmentLine
from tests.integration.shipping.conftest import state
from tests.support.shipping import (
    COLD,
    HIP,
    NOW,
    PACKER,
    STENT,
    SWAB,
    Unit,
    udi,
    verified_order,
)


def refused(code, action, db):
    before = state(db)
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code, caught.value
    assert state(db) == before
    return caught.value


def shipment_of(db, order_no="SO-1", units=None, **kwargs):
    verified_order(db, order_no, units or [Unit("STENT", "L1", 3)], **kwargs)
    return open_shipment(db, actor=PACKER, order_no=order_no, now=NOW).shipment_no


def box(db, shipment_no, cold=False, temp="5"):
    details = {"box_id": "CB-7", "logger_id": "LG-42", "dispatch_temp": Decimal(temp)} \
        if cold else {}
    return add_shipping_unit(db, actor=PACKER, shipment_no=shipment_no, cold=cold, now=NOW,
                             **details).sscc


def pack(db, shipment_no, sscc, raw):
    return pack_scan(db, actor=PACKER, shipment_no=shipment_no, sscc=sscc, raw=raw, now=NOW)


def confirm(db, shipment_no, carrier="顺丰速运", waybill="SF1234567890"):
    return confirm_shipment(db, actor=PACKER, shipment_no=shipment_no, carrier=carrier,
                            waybill=waybill, now=NOW)


PICKER = Actor(None, "pick", frozenset({"picker"}))


def test_packing_and_shipping_need_the_ship_permission_which_a_picker_lacks(outbound):
    shipment_no = shipment_of(outbound)
    sscc = box(outbound, shipment_no)
    for action in (
            lambda: open_shipment(outbound, actor=PICKER, order_no="SO-1", now=NOW),
            lambda: add_shipping_unit(outbound, actor=PICKER, shipment_no=shipment_no, now=NOW),
            lambda: pack_scan(outbound, actor=PICKER, shipment_no=shipment_no, sscc=sscc,
                              raw=udi(STENT, "L1"), now=NOW),
            lambda: confirm_shipment(outbound, actor=PICKER, shipment_no=shipment_no,
                                     carrier="SF", waybill="SF1", now=NOW)):
        error = refused("PERMISSION_DENIED", action, outbound)
        assert error.fields["permission"] == Perm.SHIP.value
    pack(outbound, shipment_no, sscc, udi(STENT, "L1"))  # the shipper may


def test_unknown_order_is_refused(outbound):
    error = refused("ORDER_NOT_FOUND", lambda: open_shipment(
        outbound, actor=PACKER, order_no="SO-NONE", now=NOW), outbound)
    assert "SO-NONE" in error.message("en") and "SO-NONE" in error.message("zh-CN")


@pytest.mark.parametrize(("status", "review"), [("PICKED", "PASSED"), ("VERIFIED", "BLOCKED")])
def test_an_unverified_order_cannot_be_shipped(outbound, status, review):
    verified_order(outbound, "SO-1", [Unit("STENT", "L1", 1)], status=status, review=review)
    refused("ORDER_NOT_VERIFIED", lambda: open_shipment(
        outbound, actor=PACKER, order_no="SO-1", now=NOW), outbound)


def test_opening_twice_gives_the_same_packing_shipment(outbound):
    first = shipment_of(outbound)
    again = open_shipment(outbound, actor=PACKER, order_no="SO-1", now=NOW)
    assert again.shipment_no == first and again.status == "PACKING"


def test_shipping_units_get_unique_valid_ssccs(outbound):
    shipment_no = shipment_of(outbound)
    codes = {box(outbound, shipment_no) for _ in range(5)}
    assert len(codes) == 5
    assert all(len(c) == 18 and has_valid_check_digit(c) and c.startswith("06901234")
               for c in codes)


def test_a_cold_unit_needs_box_logger_and_temperature(outbound):
    shipment_no = shipment_of(outbound)
    error = refused("COLD_BOX_DETAILS_REQUIRED", lambda: add_shipping_unit(
        outbound, actor=PACKER, shipment_no=shipment_no, cold=True, box_id="CB-1"), outbound)
    assert {p.column for p in error.problems} == {"logger_id", "dispatch_temp"}


def test_a_cold_item_into_an_ambient_box_is_refused(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("COLD", "C1", 2)])
    ambient = box(outbound, shipment_no)
    error = refused("COLD_ITEM_IN_AMBIENT_BOX",
                    lambda: pack(outbound, shipment_no, ambient, udi(COLD, "C1")), outbound)
    assert "2" in error.message("en") and ambient in error.message("zh-CN")


def test_an_ambient_item_may_ride_in_a_cold_box(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("STENT", "L1", 1), Unit("COLD", "C1", 1)])
    cold = box(outbound, shipment_no, cold=True)
    pack(outbound, shipment_no, cold, udi(COLD, "C1"))
    assert pack(outbound, shipment_no, cold, udi(STENT, "L1")).left_to_pack == 0


def test_goods_stored_at_30_degrees_ship_in_an_ambient_unit_without_cold_details(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("SWAB", "S1", 2)])
    ambient = box(outbound, shipment_no)  # no box id, logger or dispatch temperature
    assert pack(outbound, shipment_no, ambient, udi(SWAB, "S1")).quantity == 1
    assert pack(outbound, shipment_no, ambient, udi(SWAB, "S1")).left_to_pack == 0
    assert confirm(outbound, shipment_no).status == "SHIPPED"


def test_a_unit_not_picked_for_the_order_is_refused(outbound):
    shipment_no = shipment_of(outbound)
    sscc = box(outbound, shipment_no)
    refused("UNIT_NOT_PICKED_FOR_ORDER",
            lambda: pack(outbound, shipment_no, sscc, udi(STENT, "OTHER")), outbound)
    refused("SHIPPING_UNIT_NOT_FOUND",
            lambda: pack(outbound, shipment_no, "006901234000000000", udi(STENT, "L1")),
            outbound)


def test_packing_beyond_the_picked_quantity_is_refused(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("STENT", "L1", 1)])
    sscc = box(outbound, shipment_no)
    pack(outbound, shipment_no, sscc, udi(STENT, "L1"))
    error = refused("UNIT_NOT_PICKED_FOR_ORDER",
                    lambda: pack(outbound, shipment_no, sscc, udi(STENT, "L1")), outbound)
    assert error.fields["available"] == 0


def test_packing_moves_the_units_into_the_handling_unit(outbound):
    shipment_no = shipment_of(outbound)
    sscc = box(outbound, shipment_no)
    for _ in range(3):
        packed = pack(outbound, shipment_no, sscc, udi(STENT, "L1"))
    assert packed.left_to_pack == 0
    with outbound.reading() as s:
        rows = s.execute(select(Stock.hu_id, Stock.quantity)
                         .where(Stock.location_id == _location(s, "WHA-D-01"))).all()
        lines = [(line.quantity, line.shipping_unit_id is not None)
                 for line in s.scalars(select(ShipmentLine))]
    assert len(rows) == 1 and rows[0].hu_id is not None and rows[0].quantity == 3
    assert lines == [(3, True)]


def _location(s, code):
    from medwms.masterdata.tables import Location
    return s.scalar(select(Location.id).where(Location.code == code))


def test_confirming_ships_to_the_consignee_and_the_ledger_verifies(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("STENT", "L1", 2),
                                               Unit("HIP", "H1", 1, serial="SN-001")])
    sscc = box(outbound, shipment_no)
    pack(outbound, shipment_no, sscc, udi(STENT, "L1"))
    pack(outbound, shipment_no, sscc, udi(STENT, "L1"))
    pack(outbound, shipment_no, sscc, udi(HIP, "H1", "SN-001"))
    shipped = confirm(outbound, shipment_no)
    assert (shipped.status, shipped.transfer, shipped.movements) == ("SHIPPED", False, 2)
    with outbound.reading() as s:
        customer = s.scalar(select(Partner.id).where(Partner.code == "HOSP1"))
        moves = {(m.doc_type, m.partner_id, m.to_location_id, m.quantity) for m in s.scalars(
            select(Movement).where(Movement.doc_no == shipment_no, Movement.kind == "SHIP"))}
        order = s.scalars(select(OutboundOrder.status)).one()
        left = list(s.scalars(select(Stock).where(
            Stock.location_id == _location(s, "WHA-D-01"))))
        assert verify(s).ok
    assert left == []
    assert moves == {("SHP", customer, None, 2), ("SHP", customer, None, 1)}
    assert order == "SHIPPED"


def test_shipping_by_carrier_needs_the_waybill(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("STENT", "L1", 1)])
    pack(outbound, shipment_no, box(outbound, shipment_no), udi(STENT, "L1"))
    refused("WAYBILL_REQUIRED", lambda: confirm(outbound, shipment_no, waybill=""), outbound)
    refused("CARRIER_REQUIRED", lambda: confirm(outbound, shipment_no, carrier=" "), outbound)


def test_unpacked_units_block_the_shipment(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("STENT", "L1", 2)])
    refused("NOTHING_PACKED", lambda: confirm(outbound, shipment_no), outbound)
    pack(outbound, shipment_no, box(outbound, shipment_no), udi(STENT, "L1"))
    error = refused("UNPACKED_UNITS", lambda: confirm(outbound, shipment_no), outbound)
    assert (error.fields["picked"], error.fields["packed"]) == (2, 1)


def test_a_cold_box_out_of_range_blocks_the_shipment(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("COLD", "C1", 1)])
    warm = box(outbound, shipment_no, cold=True, temp="9.5")
    pack(outbound, shipment_no, warm, udi(COLD, "C1"))
    error = refused("COLD_CHAIN_OUT_OF_RANGE", lambda: confirm(outbound, shipment_no),
                    outbound)
    assert "9.5" in error.message("en")


def test_an_order_whose_review_was_reopened_cannot_be_confirmed(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("STENT", "L1", 1)])
    pack(outbound, shipment_no, box(outbound, shipment_no), udi(STENT, "L1"))
    with outbound.unit_of_work() as uow:
        uow.session.scalars(select(OutboundOrder)).one().status = "PICKED"
        uow.commit()
    refused("ORDER_NOT_VERIFIED", lambda: confirm(outbound, shipment_no), outbound)


def test_a_shipped_shipment_cannot_be_packed_or_confirmed_again(outbound):
    shipment_no = shipment_of(outbound, units=[Unit("STENT", "L1", 1)])
    sscc = box(outbound, shipment_no)
    pack(outbound, shipment_no, sscc, udi(STENT, "L1"))
    confirm(outbound, shipment_no)
    refused("SHIPMENT_NOT_PACKING", lambda: confirm(outbound, shipment_no), outbound)
    refused("SHIPMENT_NOT_PACKING", lambda: pack(outbound, shipment_no, sscc,
                                                 udi(STENT, "L1")), outbound)
    refused("SHIPMENT_NOT_FOUND", lambda: confirm(outbound, "SHP-NONE"), outbound)


def test_an_expired_unit_is_not_packed(outbound):
    from datetime import date
    shipment_no = shipment_of(outbound, units=[Unit("STENT", "OLD", 1)],
                              expiry=date(2026, 11, 24))
    sscc = box(outbound, shipment_no)
    refused("SHIPPING_UNIT_EXPIRED", lambda: pack(outbound, shipment_no, sscc,
                                                  udi(STENT, "OLD", expiry=None)), outbound)
