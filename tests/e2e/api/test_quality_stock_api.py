"""The quality team's API for expiry control and nonconforming goods: near-expiry list and
export, the expiry job and the red-area moves, hold → signed decision → destruction record
(two signatures, PDF), in-stock checks."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from medwms.masterdata.tables import Item
from tests.support.nonconforming import balances, put, quality_floor
from tests.support.picking import MANAGER
from tests.support.users import PASSWORD

API = "/api/v1/quality"


@pytest.fixture
def q(db):
    return quality_floor(db)


def client_for(db, actor, **settings):
    app = create_app(Settings(database_url=db.url, **settings), db=db)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


def test_near_expiry_uses_the_setting_and_exports_a_workbook(db, q):
    soon = date.today() + timedelta(days=30)
    put(db, q, "SOON", soon, 3)
    put(db, q, "LATER", date.today() + timedelta(days=400), 3, at="A-02")
    client = client_for(db, q.inspector, near_expiry_days=60)
    [line] = client.get(f"{API}/near-expiry").json()
    assert (line["lot"], line["expiry"], line["quantity"]) == ("SOON", soon.isoformat(), 3)
    assert len(client.get(f"{API}/near-expiry", params={"days": 500}).json()) == 2
    sheet = client.get(f"{API}/near-expiry.xlsx", params={"lang": "en"})
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][:4] == ("Warehouse", "Item", "Name", "Lot") and rows[1][3] == "SOON"


def test_the_list_and_workbook_say_which_threshold_applied(db, q):
    put(db, q, "SOON", date.today() + timedelta(days=30), 3)
    with db.unit_of_work() as uow:
        uow.session.execute(update(Item).where(Item.code == "STENT").values(near_expiry_days=20))
        uow.commit()
    client = client_for(db, q.inspector, near_expiry_days=60)
    assert client.get(f"{API}/near-expiry").json() == []
    [line] = client.get(f"{API}/near-expiry", params={"days": 30}).json()
    assert (line["lot"], line["threshold"], line["applied"]) == ("SOON", 30, "ASKED")
    with db.unit_of_work() as uow:
        uow.session.execute(update(Item).where(Item.code == "STENT").values(near_expiry_days=45))
        uow.commit()
    [line] = client.get(f"{API}/near-expiry").json()
    assert (line["threshold"], line["applied"]) == (45, "ITEM")
    sheet = client.get(f"{API}/near-expiry.xlsx", params={"lang": "zh-CN"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][-2:] == ("预警天数", "预警天数来源") and rows[1][-2:] == (45, "产品自设")
    assert client.get(f"{API}/near-expiry", params={"days": -1}).status_code == 422


def test_the_expiry_job_runs_through_the_api_and_the_move_task_is_listed(db, q):
    put(db, q, "OLD", date(2020, 1, 1), 5)
    client = client_for(db, MANAGER)
    run = client.post(f"{API}/expiry/run")
    assert run.status_code == 200 and run.json()["quantity"] == 5
    assert client.post(f"{API}/expiry/run").json()["locked"] == []
    [task] = client.get(f"{API}/expired-to-move").json()
    moved = client.post(f"{API}/expired/{task['stock_id']}/move", json={"to_location": q.red})
    assert moved.status_code == 200, moved.text
    assert client.get(f"{API}/expired-to-move").json() == []
    assert balances(db) == {("OLD", "WH1-RED-01", "EXPIRED"): 5}


def test_hold_decide_and_destroy_with_two_signatures(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    inspector, qa = client_for(db, q.inspector), client_for(db, q.qa)
    opened = inspector.post(f"{API}/holds", json={"item": "STENT", "lot": "L1",
                                                  "reason": "seal broken"})
    assert opened.status_code == 201, opened.text
    number = opened.json()["hold_no"]
    refused = inspector.post(f"{API}/holds/{number}/decide",
                             json={"decision": "RELEASE", "password": PASSWORD})
    assert refused.status_code == 403
    decided = qa.post(f"{API}/holds/{number}/decide", json={
        "decision": "DESTROY", "red_location": q.red, "password": PASSWORD})
    assert decided.status_code == 200 and decided.json()["decision"] == "DESTROY"
    body = {"item": "STENT", "lot": "L1", "location": q.red, "quantity": 5,
            "method": "焚烧", "place": "危废处理中心", "hold_no": number,
            "password": PASSWORD, "witness": "quinn", "witness_password": PASSWORD}
    same = qa.post(f"{API}/destructions", json=body)
    assert same.status_code == 403 and same.json()["code"] == "WITNESS_IS_OPERATOR"
    made = inspector.post(f"{API}/destructions", json=body)
    assert made.status_code == 201, made.text
    record = made.json()
    assert (record["operator"], record["witness"]) == ("Ivy (ivy)", "Quinn (quinn)")
    assert balances(db) == {}
    pdf = inspector.get(f"{API}/destructions/{record['destruction_no']}/record.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdfium.PdfDocument(pdf.content)[0].get_textpage().get_text_range()
    for shown in ("销毁记录", record["destruction_no"], "焚烧", "危废处理中心", "Ivy", "Quinn"):
        assert shown in text


def test_a_body_cannot_name_the_signer_or_the_time(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    response = client_for(db, q.inspector).post(f"{API}/holds", json={
        "item": "STENT", "lot": "L1", "reason": "x", "opened_by": "someone"})
    assert response.status_code == 422


def test_checks_are_listed_due_and_recorded(db, q):
    inspector = client_for(db, q.inspector, stock_check_days=14)
    tasks = inspector.get(f"{API}/checks/tasks").json()
    assert {t["zone"] for t in tasks} == {"S", "Q", "RED"}
    assert all(t["every_days"] == 14 for t in tasks)
    made = inspector.post(f"{API}/checks", json={
        "warehouse": "WH1", "zone": "S", "storage_ok": True, "conditions_ok": True,
        "monitoring_ok": True, "stock_ok": False, "notes": "L1 cartons wet"})
    assert made.status_code == 201 and made.json()["checked_by"] == "Ivy (ivy)"
    assert inspector.put(f"{API}/checks/plans", json={
        "warehouse": "WH1", "zone": "S", "every_days": 7}).status_code == 403
    assert client_for(db, q.qa).put(f"{API}/checks/plans", json={
        "warehouse": "WH1", "zone": "S", "every_days": 7}).status_code == 204
