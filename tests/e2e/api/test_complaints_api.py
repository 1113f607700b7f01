"""Complaints and adverse events through the API: log by scanned UDI, list with filters,
refusals as problem+json, notifications, close, and the XLSX export for the registrant."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from tests.support.complaints import PACER_GTIN, STENT_GTIN, build_complaint_world, gs1_udi


@pytest.fixture
def world(db):
    return build_complaint_world(db)


def client_as(db, actor):
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


def test_an_adverse_event_is_logged_by_scan_worked_and_closed(db, world):
    api = client_as(db, world.quality)
    made = api.post("/api/v1/complaints", json={
        "kind": "ADVERSE_EVENT", "severity": "SERIOUS", "customer": "HOSP1",
        "description": "lead fracture", "scans": [gs1_udi(PACER_GTIN, lot="P1",
                                                           serial="PS-1")]})
    assert made.status_code == 201, made.text
    number = made.json()["complaint_no"]
    assert made.json()["units"][0]["serial"] == "PS-1" and not made.json()["incomplete"]
    assert made.json()["received_by"] == "Qiu Quality (qiu)"
    base = f"/api/v1/complaints/{number}"
    assert api.post(f"{base}/findings", json={"cause": "handling", "actions": "lot held",
                                              "reply": "replaced"}).status_code == 200
    refused = api.post(f"{base}/close")
    assert refused.status_code == 409 and refused.json()["code"] == "COMPLAINT_NOT_CLOSABLE"
    told = api.post(f"{base}/notifications", json={"party": "REGISTRANT", "channel": "EMAIL"})
    assert told.json()["notices"][0]["by"] == "Qiu Quality (qiu)"
    closed = api.post(f"{base}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "CLOSED"


def test_a_client_cannot_send_who_or_when(db, world):
    answer = client_as(db, world.inspector).post("/api/v1/complaints", json={
        "kind": "COMPLAINT", "customer": "HOSP1", "gtin": STENT_GTIN, "description": "d",
        "received_by": "someone else", "received_at": "2020-01-01T00:00:00Z"})
    assert answer.status_code == 422


def test_the_list_marks_incomplete_reports_and_filters_them(db, world):
    api = client_as(db, world.inspector)
    for lots in ([], ["L1"]):
        assert api.post("/api/v1/complaints", json={
            "kind": "COMPLAINT", "customer": "HOSP1", "gtin": STENT_GTIN,
            "description": "crushed box", "lots": lots}).status_code == 201
    every = api.get("/api/v1/complaints").json()
    assert sorted(r["incomplete"] for r in every) == [False, True]
    [lacking] = api.get("/api/v1/complaints", params={"incomplete": "true"}).json()
    assert lacking["units"] == []
    assert len(api.get("/api/v1/complaints", params={"lot": "L1"}).json()) == 1


def test_an_inspector_may_not_close_a_report(db, world):
    api = client_as(db, world.inspector)
    number = api.post("/api/v1/complaints", json={
        "kind": "COMPLAINT", "customer": "HOSP1", "gtin": STENT_GTIN, "description": "d",
        "lots": ["L1"]}).json()["complaint_no"]
    answer = api.post(f"/api/v1/complaints/{number}/close")
    assert answer.status_code == 403 and answer.json()["code"] == "PERMISSION_DENIED"


def test_an_unknown_lot_is_refused_naming_the_gtin_and_lot(db, world):
    answer = client_as(db, world.inspector).post("/api/v1/complaints", json={
        "kind": "COMPLAINT", "customer": "HOSP1", "gtin": STENT_GTIN, "description": "d",
        "lots": ["ZZ9"]})
    assert answer.status_code == 404 and answer.json()["code"] == "COMPLAINT_UNKNOWN_UNIT"
    assert "ZZ9" in answer.json()["message_en"] and STENT_GTIN in answer.json()["message_zh"]


def test_the_export_is_a_workbook_with_one_row_per_report_and_incomplete_marked(db, world):
    api = client_as(db, world.inspector)
    api.post("/api/v1/complaints", json={"kind": "COMPLAINT", "customer": "HOSP1",
                                         "gtin": STENT_GTIN, "description": "no lot"})
    answer = api.get("/api/v1/complaints/export.xlsx")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "报告编号 / Report no." and len(rows) == 2
    assert rows[1][4].startswith("INCOMPLETE") and rows[1][6] == "第一医院"
    assert "(Asia/Shanghai)" in rows[1][11]
