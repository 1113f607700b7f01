"""Trace, recall, notices, report, close and EPCIS through the API."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from medwms.recall.trace import TOP_KEYS
from tests.support.recall import STENT_GTIN, build_history
from tests.support.users import PASSWORD, actor_of, make_user


@pytest.fixture
def history(db):
    return build_history(db)


@pytest.fixture
def client(db, history):
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: history.manager
    return TestClient(app)


def pdf_text(content):
    pdf = pdfium.PdfDocument(content)
    return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_trace_endpoint_returns_the_published_shape(client):
    response = client.get("/api/v1/trace", params={"gtin": STENT_GTIN, "lot": "L1"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert tuple(body) == TOP_KEYS and len(body["shipped"]) == 2


def test_unknown_lot_is_a_404_problem_with_a_clear_code(client):
    response = client.get("/api/v1/trace", params={"gtin": STENT_GTIN, "lot": "NOPE"},
                          headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json()["code"] == "NO_SUCH_LOT" and "No such lot" in response.text


def test_open_recall_notice_report_and_signed_close(client, db):
    opened = client.post("/api/v1/recalls", json={
        "gtin": STENT_GTIN, "lots": ["L1"], "reason": "sterility", "risk_class": "I"})
    assert opened.status_code == 201, opened.text
    no = opened.json()["recall_no"]
    assert [c["partner"] for c in opened.json()["consignees"]] == ["HOSP1", "HOSP2-CARD"]
    notice = client.get(f"/api/v1/recalls/{no}/consignees/HOSP1/notice.pdf?lang=en")
    assert notice.headers["content-type"] == "application/pdf"
    text = pdf_text(notice.content)
    assert no in text and "SHP-1" in text and "L1" in text
    assert "召回" in pdf_text(client.get(
        f"/api/v1/recalls/{no}/consignees/HOSP1/notice.pdf?lang=zh-CN").content)
    assert client.post(f"/api/v1/recalls/{no}/consignees/HOSP1/acknowledged").status_code == 200
    notice = client.post(f"/api/v1/recalls/{no}/consignees/HOSP1/notices",
                         json={"channel": "EMAIL", "recipient": "qa@hosp1.cn", "note": "sent"})
    assert notice.status_code == 200, notice.text
    assert notice.json()["consignees"][0]["notices"][0]["channel"] == "EMAIL"
    quality = make_user(db, "qiu", "quality")
    client.app.dependency_overrides[get_actor] = lambda: actor_of(quality)
    refused = client.post(f"/api/v1/recalls/{no}/close",
                          json={"report": "done", "password": PASSWORD},
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 409 and refused.json()["code"] == "RECALL_NOT_CLOSABLE"
    assert "Not notified: HOSP2-CARD" in refused.json()["detail"]
    client.post(f"/api/v1/recalls/{no}/consignees/HOSP2-CARD/notices",
                json={"channel": "PHONE", "recipient": "Dr Liu 139 0000 0000"})
    for partner, used in (("HOSP1", 17), ("HOSP2-CARD", 10)):
        client.post(f"/api/v1/recalls/{no}/consignees/{partner}/report",
                    json={"used": used, "destroyed": 0})
    unsigned = client.post(f"/api/v1/recalls/{no}/close", json={"report": "done"})
    assert unsigned.status_code == 422 and unsigned.json()["code"] == "SIGNATURE_REQUIRED"
    closed = client.post(f"/api/v1/recalls/{no}/close",
                         json={"report": "done", "password": PASSWORD})
    assert closed.status_code == 200 and closed.json()["status"] == "CLOSED"
    detail = client.get(f"/api/v1/recalls/{no}").json()
    assert [e["event"] for e in detail["timeline"]][:3] == ["opened", "blocked",
                                                           "consignees_listed"]
    report = pdf_text(client.get(f"/api/v1/recalls/{no}/report.pdf?lang=en").content)
    assert "Reconciliation" in report and "HOSP1" in report
    assert "Notices sent" in report and "E-mail" in report and "qa@hosp1.cn" in report
    assert "Dr Liu 139 0000 0000" in report


def test_empty_scope_is_refused_with_422(client):
    response = client.post("/api/v1/recalls", json={
        "gtin": STENT_GTIN, "reason": "x", "risk_class": "II"})
    assert response.status_code == 422 and response.json()["code"] == "RECALL_EMPTY_SCOPE"


def test_mock_recall_and_kpi(client):
    client.post("/api/v1/recalls", json={"gtin": STENT_GTIN, "lots": ["L1"], "reason": "drill",
                                         "risk_class": "III", "mock": True})
    kpi = client.get("/api/v1/recalls/kpi/response", params={"mock": True}).json()
    assert kpi["count"] == 1 and kpi["max_ms"] is not None


def test_epcis_endpoint_serves_json_ld(client):
    response = client.get("/api/v1/trace/epcis", params={"gtin": STENT_GTIN, "lot": "L1"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.json()["type"] == "EPCISDocument"


def test_block_again_and_destroy_through_the_api(client):
    no = client.post("/api/v1/recalls", json={
        "gtin": STENT_GTIN, "lots": ["L1"], "reason": "sterility", "risk_class": "I"}).json()[
        "recall_no"]
    again = client.post(f"/api/v1/recalls/{no}/block")
    assert again.status_code == 200 and again.json()["newly_blocked"] == 0
    destroyed = client.post(f"/api/v1/recalls/{no}/destructions", json={
        "location": "WH1-A-01", "lot": "L1", "quantity": 2, "reason": "crushed and incinerated"})
    assert destroyed.status_code == 200, destroyed.text
    timeline = client.get(f"/api/v1/recalls/{no}").json()["timeline"]
    assert [e["detail"] for e in timeline if e["event"] == "destroyed"] == ["2"]
    too_many = client.post(f"/api/v1/recalls/{no}/destructions", json={
        "location": "WH1-A-01", "lot": "L1", "quantity": 999, "reason": "x"})
    assert too_many.status_code == 422 and too_many.json()["code"] == "RECALL_INVALID"
