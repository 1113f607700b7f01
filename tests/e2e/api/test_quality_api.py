"""The inspection station's API: pending lots, open, conclude with a signature, PDFs, ZPL."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from tests.support.quality import PASSWORD, RECEIPT, make_arrival, snapshot, stock_by_status

GOOD = {"conclusion": "ACCEPT", "sample_size": 2, "packaging_ok": True, "label_ok": True,
        "certificate_ok": True, "temperature_ok": True, "notes": "ok", "password": PASSWORD}


@pytest.fixture
def arrival(db):
    return make_arrival(db)


def client_for(db, actor):
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


@pytest.fixture
def inspector(db, arrival):
    return client_for(db, arrival.inspector)


def opened(client):
    response = client.post("/api/v1/inspections",
                           json={"receipt_no": RECEIPT, "item": "STENT", "lot": "LOTA1"})
    assert response.status_code == 201, response.text
    return response.json()["inspection_no"]


def test_pending_lists_the_received_lot(inspector):
    [lot] = inspector.get("/api/v1/inspections/pending").json()
    assert (lot["receipt_no"], lot["item"], lot["lot"], lot["quantity"]) == (
        RECEIPT, "STENT", "LOTA1", 10)
    assert lot["received_by"] == ["rita"] and lot["inspection_no"] is None


def test_release_through_the_api_signs_and_makes_stock_available(inspector, db):
    number = opened(inspector)
    response = inspector.post(f"/api/v1/inspections/{number}/conclude", json=GOOD,
                              headers={"Idempotency-Key": "station-1"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "DONE" and body["signature_meaning"] == "released"
    assert body["inspector"] == "ivan" and len(body["record_hash"]) == 64
    assert stock_by_status(db) == {"AVAILABLE": 10}
    again = inspector.post(f"/api/v1/inspections/{number}/conclude", json=GOOD,
                           headers={"Idempotency-Key": "station-1"})
    assert again.json() == body and stock_by_status(db) == {"AVAILABLE": 10}
    assert inspector.get(f"/api/v1/inspections/{number}").json()["record_hash"] == \
        body["record_hash"]
    assert inspector.get("/api/v1/inspections/pending").json() == []


def test_wrong_password_is_a_403_problem_and_changes_nothing(inspector, db):
    number = opened(inspector)
    before = snapshot(db)
    response = inspector.post(f"/api/v1/inspections/{number}/conclude",
                              json={**GOOD, "password": "wrong-password-1"},
                              headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "WRONG_PASSWORD"
    assert snapshot(db) == before


def test_reject_without_reason_is_a_422_problem(inspector):
    number = opened(inspector)
    response = inspector.post(f"/api/v1/inspections/{number}/conclude",
                              json={**GOOD, "conclusion": "REJECT"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "REJECT_NEEDS_REASON" and "拒收" in body["message_zh"]


def test_the_inspector_name_cannot_be_typed(inspector, db):
    number = opened(inspector)
    before = snapshot(db)
    response = inspector.post(f"/api/v1/inspections/{number}/conclude",
                              json={**GOOD, "inspector": "someone else",
                                    "signed_at": "2020-01-01T00:00:00Z"})
    assert response.status_code == 422
    assert snapshot(db) == before


def test_receiver_signing_a_release_is_refused_with_its_code(db, arrival):
    receiver = arrival.receiver.__class__(arrival.receiver.user_id, "rita",
                                          frozenset({"receiver", "inspector"}))
    client = client_for(db, receiver)
    number = opened(client)
    response = client.post(f"/api/v1/inspections/{number}/conclude", json=GOOD)
    assert response.status_code == 403 and response.json()["code"] == "RECEIVER_CANNOT_RELEASE"


def test_unknown_inspection_and_lot_not_in_quarantine(inspector):
    assert inspector.get("/api/v1/inspections/QC-NOPE").json()["code"] == \
        "INSPECTION_NOT_FOUND"
    response = inspector.post("/api/v1/inspections",
                              json={"receipt_no": "RCV-X", "item": "STENT", "lot": "LOTA1"})
    assert response.status_code == 409 and response.json()["code"] == "NOT_IN_QUARANTINE"


def test_record_pdf_labels_pdf_and_zpl_are_served(inspector):
    number = opened(inspector)
    inspector.post(f"/api/v1/inspections/{number}/conclude", json=GOOD)
    for path, kind in ((f"inspections/{number}/record.pdf?lang=en", "application/pdf"),
                       (f"inspections/{number}/record.pdf", "application/pdf"),
                       (f"receipts/{RECEIPT}/acceptance.pdf?lang=zh-CN", "application/pdf"),
                       (f"inspections/{number}/labels.pdf?sheet=true", "application/pdf"),
                       (f"inspections/{number}/labels.zpl?dpmm=12", "text/plain")):
        response = inspector.get(f"/api/v1/{path}")
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"].startswith(kind)
    english = inspector.get(f"/api/v1/inspections/{number}/record.pdf?lang=en").content
    text = pdfium.PdfDocument(english)[0].get_textpage().get_text_range()
    assert "Receipt and acceptance record" in text
    zpl = inspector.get(f"/api/v1/inspections/{number}/labels.zpl").text
    assert "^BXN," in zpl and "^FD_101" in zpl


def test_labels_of_a_pending_inspection_are_refused(inspector):
    number = opened(inspector)
    response = inspector.get(f"/api/v1/inspections/{number}/labels.pdf")
    assert response.status_code == 409 and response.json()["code"] == "NOTHING_RELEASED"
