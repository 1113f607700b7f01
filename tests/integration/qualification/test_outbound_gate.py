"""Customer qualification before the sale, its lapse at order, allocation and shipping, the
product's at quality release, scope, allowed customers and salesperson letters (G03, G24,
G30)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from medwms.core.clock import local_date, utc_now
from medwms.core.errors import DomainError
from medwms.orders import allocation, orders
from medwms.qualification import service
from medwms.qualification.service import CredentialIn, FileIn
from medwms.qualification.tables import Credential
from medwms.quality.service import conclude_inspection, open_inspection
from medwms.shipping.packing import add_shipping_unit, open_shipment, pack_scan
from medwms.shipping.shipments import confirm_shipment
from tests.support import shipping
from tests.support.picking import MANAGER, NOW, outbound, sale, stent, stock_in
from tests.support.qualification import (
    add_signed,
    approved_file,
    file_of,
    paper_store,
    quality_manager,
    unfile,
)
from tests.support.quality import PASSWORD, RECEIPT, accept, make_arrival

TODAY = date(2026, 11, 25)


@pytest.fixture
def world(db):
    found = outbound(db, min_days=0)
    stock_in(db, found, "L1", date(2028, 6, 30), 50)
    return found


@pytest.fixture
def store(tmp_path):
    return paper_store(tmp_path)


def refusal(action):
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value


def order(db, *lines, now=NOW, salesperson=""):
    return orders.create_order(db, actor=MANAGER, now=now, order=replace(
        sale(*lines), salesperson=salesperson))


def test_an_order_for_a_customer_new_to_quality_is_refused_naming_g24(db, world):
    unfile(db, partner="HOSP1")
    error = refusal(lambda: order(db, stent(5)))
    assert error.code == "QUALIFICATION_NOT_APPROVED"
    assert "G24" in error.message("en") and "HOSP1" in error.message("en")
    assert "销售出库单" in error.message("zh-CN")


def test_an_approved_hospital_gets_its_order_accepted(db, world, store):
    unfile(db, partner="HOSP1")
    qa = quality_manager(db)
    approved_file(db, qa, store, FileIn("CUSTOMER", "HOSP1", customer_type="MEDICAL"),
                  [CredentialIn("MEDICAL_PRACTICE", "PDY0001", valid_until=date(2030, 1, 1),
                                scope="II III")])
    assert order(db, stent(5)).status == "OPEN"


def test_an_other_unit_customer_is_approved_only_with_its_use_statement(db, world, store):
    unfile(db, partner="HOSP1")
    qa = quality_manager(db)
    file = FileIn("CUSTOMER", "HOSP1", customer_type="OTHER")
    error = refusal(lambda: approved_file(db, qa, store, file, []))
    assert error.code == "QUALIFICATION_INCOMPLETE"
    assert "statement of intended use" in error.message("en")


def test_a_lapsed_customer_licence_refuses_order_allocation_and_shipping_with_the_date(
        db, world, store):
    qa = quality_manager(db)
    add_signed(db, qa, file_of(db, partner="HOSP1"),
               CredentialIn("MEDICAL_PRACTICE", "PDY-LAPSING", valid_until=TODAY))
    placed = order(db, stent(5))
    later = NOW + timedelta(days=1)
    for action in (lambda: order(db, stent(1), now=later),
                   lambda: allocation.allocate_order(db, actor=MANAGER,
                                                     order_no=placed.order_no, now=later)):
        error = refusal(action)
        assert error.code == "CREDENTIAL_LAPSED"
        assert "G03" in error.message("en") and "HOSP1" in error.message("en")
        assert "2026-11-25" in error.message("en")


def test_a_product_outside_the_customers_scope_is_refused_at_order_entry(db, world, store):
    qa = quality_manager(db)
    add_signed(db, qa, file_of(db, partner="HOSP1"),
               CredentialIn("TRADING_LICENCE", "京械经营许III", valid_until=date(2030, 1, 1),
                            scope="III 6877"))
    error = refusal(lambda: order(db, stent(2)))
    assert error.code == "OUTSIDE_BUSINESS_SCOPE"
    assert "STENT" in error.message("en") and "III 6877" in error.message("en")


def test_a_product_sold_only_to_hospitals_is_refused_to_a_distributor(db, world, store):
    unfile(db, partner="HOSP1")
    unfile(db, item="STENT")
    qa = quality_manager(db)
    approved_file(db, qa, store, FileIn("CUSTOMER", "HOSP1", customer_type="DISTRIBUTOR"),
                  [CredentialIn("TRADING_LICENCE", "京械经营许1", valid_until=date(2030, 1, 1))])
    approved_file(db, qa, store, FileIn("ITEM", "STENT", catalogue_code="6877",
                                        customers="MEDICAL"),
                  [CredentialIn("REGISTRATION", "国械注准2023", valid_until=date(2030, 1, 1))],
                  purpose="LABEL")
    error = refusal(lambda: order(db, stent(2)))
    assert error.code == "CUSTOMER_NOT_ALLOWED"
    assert "MEDICAL" in error.message("en") and "DISTRIBUTOR" in error.message("en")


def test_a_salesperson_needs_a_valid_letter_covering_the_product(db, world, store):
    qa = quality_manager(db)
    refused_unknown = refusal(lambda: order(db, stent(1), salesperson="110101199001011234"))
    assert refused_unknown.code == "QUALIFICATION_NOT_APPROVED"
    assert "G30" in refused_unknown.message("en")
    letter = CredentialIn("SALESPERSON_LETTER", "SQ-2026-1", valid_until=date(2030, 1, 1),
                          scope="II", person_name="张三", person_id_no="110101199001011234",
                          region="北京")
    number = approved_file(db, qa, store, FileIn("SALESPERSON", "110101199001011234",
                                                 person_name="张三"), [letter])
    assert order(db, stent(1), salesperson="110101199001011234").status == "OPEN"
    with db.reading() as s:
        first = s.scalar(select(Credential.id).where(Credential.number == "SQ-2026-1"))
    service.add_credential(db, actor=qa, file_no=number, replaces=first, password=PASSWORD,
                           credential=replace(letter, number="SQ-2026-2", valid_until=TODAY))
    assert order(db, stent(1), salesperson="110101199001011234").status == "OPEN"
    error = refusal(lambda: order(db, stent(1), salesperson="110101199001011234",
                                  now=NOW + timedelta(days=1)))
    assert error.code == "CREDENTIAL_LAPSED"
    assert "G30" in error.message("en") and "2026-11-25" in error.message("en")


def test_a_lapsed_registration_refuses_quality_release_naming_g06(db, store):
    arrival = make_arrival(db, quantity=4)
    qa = quality_manager(db)
    yesterday = local_date(utc_now()) - timedelta(days=1)
    add_signed(db, qa, file_of(db, item="STENT"),
               CredentialIn("REGISTRATION", "国械注准OLD", valid_until=yesterday))
    number = open_inspection(db, actor=arrival.inspector, receipt_no=RECEIPT, item="STENT",
                             lot="LOTA1").inspection_no
    error = refusal(lambda: conclude_inspection(db, actor=arrival.inspector,
                                                inspection_no=number, finding=accept(),
                                                password=PASSWORD))
    assert error.code == "CREDENTIAL_LAPSED"
    assert "G06" in error.message("en") and yesterday.isoformat() in error.message("en")
    assert "质量放行" in error.message("zh-CN")


def test_a_customer_lapsed_after_verification_is_not_shipped(db, store):
    shipping.world(db)
    shipping.verified_order(db, "SO-1", [shipping.Unit("STENT", "L1", 1)])
    number = open_shipment(db, actor=shipping.PACKER, order_no="SO-1",
                           now=shipping.NOW).shipment_no
    sscc = add_shipping_unit(db, actor=shipping.PACKER, shipment_no=number, cold=False,
                             now=shipping.NOW).sscc
    pack_scan(db, actor=shipping.PACKER, shipment_no=number, sscc=sscc,
              raw=shipping.udi(shipping.STENT, "L1"), now=shipping.NOW)
    qa = quality_manager(db)
    add_signed(db, qa, file_of(db, partner=shipping.CUSTOMER),
               CredentialIn("MEDICAL_PRACTICE", "PDY-9", valid_until=TODAY))
    error = refusal(lambda: confirm_shipment(db, actor=shipping.PACKER, shipment_no=number,
                                             carrier="顺丰速运", waybill="SF1234567890",
                                             now=shipping.NOW + timedelta(days=1)))
    assert error.code == "CREDENTIAL_LAPSED"
    assert shipping.CUSTOMER in error.message("en") and "发货" in error.message("zh-CN")
