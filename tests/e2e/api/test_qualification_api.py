"""The qualification API: a file opened, credentials and a scanned paper added, submitted,
approved with the password by quality only; the receipt it unlocks; the expiring list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from medwms.core.clock import local_date, utc_now
from tests.support.qualification import PDF, unfile
from tests.support.receiving import inbound
from tests.support.users import PASSWORD, actor_of, make_user

API = "/api/v1"
SOON = local_date(utc_now()) + timedelta(days=12)


@pytest.fixture
def site(db):
    found = inbound(db)
    unfile(db, partner=found.supplier)
    return found


def client_as(db, tmp_path, user):
    settings = Settings(database_url=db.url, attachments_dir=str(tmp_path / "papers"))
    app = create_app(settings, db=db)
    app.dependency_overrides[get_actor] = lambda: actor_of(user)
    return TestClient(app)


@pytest.fixture
def qa(db, tmp_path):
    return client_as(db, tmp_path, make_user(db, "qm", "quality"))


@pytest.fixture
def receiver(db, tmp_path):
    return client_as(db, tmp_path, make_user(db, "rita", "receiver"))


def submitted(qa, site):
    opened = qa.post(f"{API}/qualification/files", json={"subject": "SUPPLIER",
                                                         "code": site.supplier})
    assert opened.status_code == 201, opened.text
    number = opened.json()["file_no"]
    for kind, no in (("BUSINESS_LICENCE", "91310000MA1"), ("TRADING_FILING", "沪械备2020")):
        added = qa.post(f"{API}/qualification/files/{number}/credentials",
                        json={"kind": kind, "number": no, "valid_until": SOON.isoformat(),
                              "scope": "II III"})
        assert added.status_code == 201, added.text
    paper = qa.post(f"{API}/qualification/files/{number}/papers",
                    files={"file": ("licence.pdf", PDF, "application/pdf")},
                    data={"purpose": "BUSINESS_LICENCE"})
    assert paper.status_code == 201, paper.text
    assert paper.json()["papers"][0]["media_type"] == "application/pdf"
    assert qa.post(f"{API}/qualification/files/{number}/submit").json()["state"] == "SUBMITTED"
    return number


def open_receipt(client, site):
    return client.post(f"{API}/receipts", json={"warehouse": site.warehouse, "po_no": "PO-1",
                                                "supplier": site.supplier})


def test_quality_approves_through_the_api_and_the_receipt_is_then_accepted(qa, receiver,
                                                                             site):
    refused = open_receipt(receiver, site)
    assert refused.status_code == 409
    assert refused.json()["code"] == "QUALIFICATION_NOT_APPROVED"
    number = submitted(qa, site)
    wrong = qa.post(f"{API}/qualification/files/{number}/approve", json={"password": "nope"})
    assert wrong.status_code in (401, 403) and wrong.json()["code"] == "WRONG_PASSWORD"
    approved = qa.post(f"{API}/qualification/files/{number}/approve",
                       json={"password": PASSWORD})
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "APPROVED" and approved.json()["missing_en"] == ""
    assert open_receipt(receiver, site).status_code == 201


def test_a_receiver_may_not_approve(qa, receiver, site):
    number = submitted(qa, site)
    response = receiver.post(f"{API}/qualification/files/{number}/approve",
                             json={"password": PASSWORD})
    assert response.status_code == 403


def test_approval_names_what_is_missing(qa, site):
    opened = qa.post(f"{API}/qualification/files", json={"subject": "SUPPLIER",
                                                         "code": site.supplier}).json()
    number = opened["file_no"]
    assert "business licence" in opened["missing_en"]
    qa.post(f"{API}/qualification/files/{number}/submit")
    refused = qa.post(f"{API}/qualification/files/{number}/approve",
                      json={"password": PASSWORD})
    assert refused.status_code == 422
    assert refused.json()["code"] == "QUALIFICATION_INCOMPLETE"
    assert "G01" in refused.json()["detail"] or "G01" in refused.text


def test_a_paper_that_is_not_a_pdf_or_image_is_refused(qa, site):
    number = qa.post(f"{API}/qualification/files", json={"subject": "SUPPLIER",
                                                         "code": site.supplier}).json()["file_no"]
    response = qa.post(f"{API}/qualification/files/{number}/papers",
                       files={"file": ("licence.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert response.status_code == 422


def test_the_expiring_list_uses_the_setting_or_the_days_asked(qa, site):
    number = submitted(qa, site)
    listed = qa.get(f"{API}/qualification/expiring").json()
    assert {row["number"] for row in listed} == {"91310000MA1", "沪械备2020"}
    assert all(row["file_no"] == number and row["days_left"] == 12 for row in listed)
    assert qa.get(f"{API}/qualification/expiring", params={"days": 5}).json() == []
