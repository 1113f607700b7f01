"""首营 of a supplier and a product, and the receiving they unlock or block (G01–G03, G06)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from medwms.auth.errors import WrongPassword
from medwms.auth.rules import Actor
from medwms.auth.tables import AuditRecord
from medwms.core.errors import DomainError, PermissionDenied
from medwms.qualification import queries, service
from medwms.qualification.errors import ApprovalIncomplete, FileInWrongState
from medwms.qualification.service import CredentialIn, FileIn
from medwms.receiving import service as receiving
from tests.support.qualification import (
    add_signed,
    file_of,
    paper_store,
    quality_manager,
    submitted_file,
    supplier_papers,
    unfile,
)
from tests.support.receiving import NOW, RECEIVER, STENT_BOX, inbound, udi
from tests.support.users import PASSWORD, actor_of, make_user

GOOD = date(2028, 6, 30)
TODAY = date(2026, 11, 25)  # NOW in Shanghai


@pytest.fixture
def site(db):
    return inbound(db)


@pytest.fixture
def store(tmp_path):
    return paper_store(tmp_path)


def open_receipt(db, site):
    return receiving.open_receipt(db, actor=RECEIVER, warehouse=site.warehouse, po_no="PO-1",
                                  supplier=site.supplier, now=NOW).receipt_no


def scan(db, receipt_no, scan_id="s1", now=NOW):
    return receiving.receive_scan(db, actor=RECEIVER, receipt_no=receipt_no, scan_id=scan_id,
                                  raw=udi(STENT_BOX, lot="L1", expiry=GOOD), now=now)


def refusal(action):
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value


def test_a_supplier_new_to_quality_is_refused_at_receiving_naming_g01_and_the_party(db, site):
    unfile(db, partner=site.supplier)
    error = refusal(lambda: open_receipt(db, site))
    assert error.code == "QUALIFICATION_NOT_APPROVED"
    assert "G01" in error.message("en") and site.supplier in error.message("en")
    assert "2026-11-25" in error.message("en") and "首营档案" in error.message("zh-CN")


def test_an_unapproved_product_is_refused_at_the_scan_naming_g02(db, site):
    receipt = open_receipt(db, site)
    unfile(db, item="STENT")
    error = refusal(lambda: scan(db, receipt))
    assert error.code == "QUALIFICATION_NOT_APPROVED"
    assert "G02" in error.message("en") and "STENT" in error.message("en")


def test_approval_by_someone_outside_quality_is_refused(db, site, store):
    unfile(db, partner=site.supplier)
    qa = quality_manager(db)
    number = submitted_file(db, qa, store, FileIn("SUPPLIER", site.supplier), supplier_papers())
    inspector = actor_of(make_user(db, "ivan", "inspector"))
    manager = actor_of(make_user(db, "mona", "manager"))
    for who in (inspector, manager, RECEIVER):
        with pytest.raises(PermissionDenied):
            service.approve_file(db, actor=who, file_no=number, password=PASSWORD)
    assert refusal(lambda: open_receipt(db, site)).code == "QUALIFICATION_NOT_APPROVED"


def test_quality_approval_with_the_password_lets_the_receipt_and_scan_through(db, site, store):
    unfile(db, partner=site.supplier)
    qa = quality_manager(db)
    number = submitted_file(db, qa, store, FileIn("SUPPLIER", site.supplier), supplier_papers())
    with pytest.raises(WrongPassword):
        service.approve_file(db, actor=qa, file_no=number, password="wrong-password")
    service.approve_file(db, actor=qa, file_no=number, password=PASSWORD)
    assert scan(db, open_receipt(db, site)).quantity == 10
    with db.reading() as s:
        signed = s.scalars(select(AuditRecord).where(AuditRecord.entity == "signature",
                                                     AuditRecord.entity_key
                                                     == f"qual_file:{number}")).one()
        assert signed.actor_name == "qm" and "approved" in signed.after
    view = queries.file_view(db, actor=qa, file_no=number, today=TODAY)
    assert view.state == "APPROVED" and view.decided_by == "质量负责人 QM"
    assert [p.media_type for p in view.papers] == ["application/pdf"]


def test_approval_is_refused_naming_what_the_supplier_file_lacks(db, site, store):
    unfile(db, partner=site.supplier)
    qa = quality_manager(db)
    number = submitted_file(db, qa, store, FileIn("SUPPLIER", site.supplier),
                            supplier_papers()[:1])
    with pytest.raises(ApprovalIncomplete) as caught:
        service.approve_file(db, actor=qa, file_no=number, password=PASSWORD)
    assert "trading licence/filing" in caught.value.message("en")
    assert "经营许可证" in caught.value.message("zh-CN")
    with pytest.raises(FileInWrongState):
        service.add_credential(db, actor=qa, file_no=number, credential=supplier_papers()[1])
    service.reject_file(db, actor=qa, file_no=number, reason="缺经营许可证", password=PASSWORD)
    service.add_credential(db, actor=qa, file_no=number, credential=supplier_papers()[1])
    service.submit_file(db, actor=qa, file_no=number)
    service.approve_file(db, actor=qa, file_no=number, password=PASSWORD)


def test_a_product_file_without_registration_cannot_be_approved(db, site, store):
    unfile(db, item="STENT")
    qa = quality_manager(db)
    number = submitted_file(db, qa, store, FileIn("ITEM", "STENT", catalogue_code="6846"), [],
                            purpose="LABEL")
    with pytest.raises(ApprovalIncomplete) as caught:
        service.approve_file(db, actor=qa, file_no=number, password=PASSWORD)
    assert "registration certificate" in caught.value.message("en")


def test_a_lapsed_supplier_licence_blocks_the_scan_with_rule_party_and_date(db, site, store):
    receipt = open_receipt(db, site)
    qa = quality_manager(db)
    add_signed(db, qa, file_of(db, partner=site.supplier),
               CredentialIn("TRADING_LICENCE", "沪械经营许LAPSING", valid_until=TODAY))
    assert scan(db, receipt).quantity == 10  # valid through its last day
    error = refusal(lambda: scan(db, receipt, "s2", now=NOW + timedelta(days=1)))
    assert error.code == "CREDENTIAL_LAPSED"
    text = error.message("en")
    assert "G03" in text and site.supplier in text and "2026-11-25" in text
    assert "已于 2026-11-25 过期" in error.message("zh-CN")


def test_a_renewal_signed_by_quality_lifts_the_block(db, site, store):
    qa = quality_manager(db)
    number = file_of(db, partner=site.supplier)
    old = add_signed(db, qa, number, CredentialIn("TRADING_LICENCE", "OLD",
                                                  valid_until=TODAY - timedelta(days=1)))
    assert refusal(lambda: open_receipt(db, site)).code == "CREDENTIAL_LAPSED"
    with pytest.raises(PermissionDenied):
        service.add_credential(db, actor=actor_of(make_user(db, "ivan", "inspector")),
                               file_no=number, credential=CredentialIn("TRADING_LICENCE", "NEW"),
                               replaces=old, password=PASSWORD)
    service.add_credential(db, actor=qa, file_no=number, replaces=old, password=PASSWORD,
                           credential=CredentialIn("TRADING_LICENCE", "NEW",
                                                   valid_until=date(2031, 1, 1)))
    assert open_receipt(db, site)


def test_a_lapsed_registration_blocks_receiving_of_that_product_naming_g06(db, site, store):
    receipt = open_receipt(db, site)
    qa = quality_manager(db)
    add_signed(db, qa, file_of(db, item="STENT"),
               CredentialIn("REGISTRATION", "国械注准2019", valid_until=TODAY - timedelta(days=3)))
    error = refusal(lambda: scan(db, receipt))
    assert error.code == "CREDENTIAL_LAPSED" and "G06" in error.message("en")
    assert "STENT" in error.message("en") and "2026-11-22" in error.message("en")


def test_a_product_outside_the_suppliers_scope_is_refused(db, site, store):
    receipt = open_receipt(db, site)
    qa = quality_manager(db)
    add_signed(db, qa, file_of(db, partner=site.supplier),
               CredentialIn("TRADING_LICENCE", "沪械经营许III", valid_until=date(2031, 1, 1),
                            scope="III"))
    error = refusal(lambda: scan(db, receipt))  # STENT is a class II device
    assert error.code == "OUTSIDE_BUSINESS_SCOPE"
    assert "STENT" in error.message("en") and site.supplier in error.message("en")
    add_signed(db, qa, file_of(db, partner=site.supplier),
               CredentialIn("TRADING_FILING", "沪械备1", valid_until=date(2031, 1, 1),
                            scope="II"))
    assert scan(db, receipt).quantity == 10


def test_the_warning_list_shows_credentials_within_n_days_and_the_lapsed(db, site, store):
    qa = quality_manager(db)
    number = file_of(db, partner=site.supplier)
    for name, days in (("SOON", 10), ("LATER", 40), ("GONE", -2)):
        add_signed(db, qa, number, CredentialIn("TRADING_LICENCE", name,
                                                valid_until=TODAY + timedelta(days=days)))
    listed = queries.expiring(db, actor=RECEIVER, today=TODAY, days=30)
    assert [(row.number, row.days_left) for row in listed] == [("GONE", -2), ("SOON", 10)]
    assert [row.number for row in queries.expiring(db, actor=RECEIVER, today=TODAY,
                                                   days=45)] == ["GONE", "SOON", "LATER"]
    assert listed[0].code == site.supplier and listed[0].subject == "SUPPLIER"


def test_receivers_may_not_open_or_approve_files(db, site):
    reader = Actor(None, "rcv", frozenset({"receiver"}))
    with pytest.raises(PermissionDenied):
        service.open_file(db, actor=reader, file=FileIn("ITEM", "STENT"))


def test_a_second_file_for_the_same_party_is_refused(db, site, store):
    qa = quality_manager(db)
    error = refusal(lambda: service.open_file(db, actor=qa, file=FileIn("SUPPLIER",
                                                                         site.supplier)))
    assert error.code == "QUALIFICATION_FILE_EXISTS"
