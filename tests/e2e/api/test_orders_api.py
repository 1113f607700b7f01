"""The orders and waves API: create, import, allocate, explain, cancel, wave, pick list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.auth.rules import Actor
from medwms.config import Settings
from medwms.masterdata.tables import Partner
from tests.support.picking import STENT_BOX, counts, outbound, stock_in

MANAGER = Actor(None, "mgr", frozenset({"manager"}))
EN = {"Accept-Language": "en"}
# The API runs on the real clock: dates relative to today keep these tests true any day.
TODAY = date.today()
DELIVERY = TODAY + timedelta(days=6)
GOOD, SHORT = TODAY + timedelta(days=800), TODAY + timedelta(days=46)


@pytest.fixture
def client(db):
    world = outbound(db, min_days=180)
    stock_in(db, world, "GOOD", GOOD, 10, at="A-03")
    stock_in(db, world, "SHORT", SHORT, 50, at="A-01")
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: MANAGER
    return TestClient(app)


def order_body(**extra):
    return {"order_no": "SO-1", "warehouse": "WH1", "consignee": "HOSP1",
            "delivery_date": DELIVERY.isoformat(),
            "lines": [{"item": "STENT", "quantity": 12}], **extra}


def test_an_order_is_created_allocated_explained_and_listed(client):
    made = client.post("/api/v1/orders", json=order_body(),
                       headers={"Idempotency-Key": "erp-1"})
    assert made.status_code == 201
    assert made.json()["status"] == "OPEN"
    allocated = client.post("/api/v1/orders/SO-1/allocate").json()
    line = allocated["lines"][0]
    assert allocated["status"] == "PARTIAL"
    assert (line["allocated_qty"], line["backorder_qty"]) == (10, 2)
    assert f"lot SHORT expires {SHORT.isoformat()}" in line["backorder_reason"]
    assert line["allocations"][0] | {"id": 0} == {
        "id": 0, "location": "WH1-A-03", "lot": "GOOD", "expiry": GOOD.isoformat(),
        "serial": None, "quantity": 10, "picked_qty": 0, "status": "OPEN", "wave": None}
    explained = client.get("/api/v1/orders/SO-1/explain").json()
    passed = explained["lines"][0]["explanation"]["passed"]
    assert [(p["lot"], p["reason"]) for p in passed] == [("SHORT", "SHELF_LIFE")]
    listed = client.get("/api/v1/orders", params={"status": "PARTIAL"}).json()["orders"]
    assert [(o["order_no"], o["lines"]) for o in listed] == [("SO-1", 1)]
    assert client.get("/api/v1/orders/so-1").json()["order_no"] == "SO-1"


def test_a_box_gtin_line_counts_packs(client):
    body = order_body(lines=[{"gtin": STENT_BOX, "quantity": 2}])
    made = client.post("/api/v1/orders", json=body).json()
    assert made["lines"][0]["quantity"] == 20


def test_bad_lines_are_a_422_naming_each_problem_and_nothing_is_written(client, db):
    before = counts(db)
    response = client.post("/api/v1/orders", headers=EN, json=order_body(lines=[
        {"item": "NOPE", "quantity": 1}, {"gtin": "06900000099990", "quantity": 1},
        {"item": "STENT", "quantity": 0}]))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "ORDER_INVALID"
    assert [(p["row"], p["column"]) for p in body["problems"]] == [
        (1, "item"), (2, "gtin"), (3, "quantity")]
    assert counts(db) == before


def test_an_empty_order_is_refused(client, db):
    response = client.post("/api/v1/orders", json=order_body(lines=[]))
    assert response.status_code == 422
    assert response.json()["code"] == "ORDER_INVALID"
    assert counts(db)["outbound_order"] == 0


def test_an_unknown_order_is_a_404_everywhere(client):
    for method, path in (("get", "/api/v1/orders/SO-404"), ("get", "/api/v1/orders/SO-404/explain"),
                         ("post", "/api/v1/orders/SO-404/allocate")):
        response = getattr(client, method)(path)
        assert response.status_code == 404
        assert response.json()["code"] == "ORDER_NOT_FOUND"
    assert client.get("/api/v1/waves/WAV-404").json()["code"] == "WAVE_NOT_FOUND"


def test_an_import_makes_orders_or_refuses_the_file(client, db):
    good = b"order_no,warehouse,consignee,item,quantity\nSO-9,WH1,HOSP1,STENT,2\n"
    made = client.post("/api/v1/orders/import", files={"file": ("o.csv", good, "text/csv")})
    assert made.status_code == 201
    assert [o["order_no"] for o in made.json()["orders"]] == ["SO-9"]
    bad = b"order_no,warehouse,consignee,item,quantity\nSO-8,WH1,HOSP1,STENT,x\n"
    refused = client.post("/api/v1/orders/import", files={"file": ("o.csv", bad, "text/csv")})
    assert refused.status_code == 422
    assert refused.json()["problems"][0] | {"message": ""} == {
        "row": 2, "column": "quantity", "value": "x", "message": ""}
    assert counts(db)["outbound_order"] == 1


def test_a_wave_shows_its_route_and_pick_list(client):
    client.post("/api/v1/orders", json=order_body(lines=[{"item": "STENT", "quantity": 4}]))
    made = client.post("/api/v1/waves", json={"orders": ["SO-1"]})
    assert made.status_code == 201
    wave = made.json()
    assert wave["route"] == ["WH1-SHIP-01", "WH1-A-03", "WH1-SHIP-01"]
    assert wave["route_length"] == wave["plain_length"] == 18.0
    assert wave["saving"] == 0.0
    assert client.get(f"/api/v1/waves/{wave['wave_no']}").json() == wave
    picks = client.get(f"/api/v1/waves/{wave['wave_no']}/picklist").json()
    assert picks["stops"][0]["location"] == "WH1-A-03"
    first = picks["stops"][0]["tasks"][0]
    assert (first["order_no"], first["item"], first["lot"], first["quantity"]) == (
        "SO-1", "STENT", "GOOD", 4)


def test_a_cancelled_order_cannot_join_a_wave(client):
    client.post("/api/v1/orders", json=order_body())
    cancelled = client.post("/api/v1/orders/SO-1/cancel", json={"reason": "withdrawn"})
    assert cancelled.json()["status"] == "CANCELLED"
    refused = client.post("/api/v1/waves", json={"orders": ["SO-1"]})
    assert refused.status_code == 409
    assert refused.json()["code"] == "ORDER_NOT_ALLOCATABLE"


def test_an_expired_customer_licence_is_a_409_with_its_code(client, db):
    with db.unit_of_work() as uow:
        uow.session.scalars(select(Partner)).one().licence_expiry = date(2020, 1, 1)
        uow.commit()
    response = client.post("/api/v1/orders", json=order_body(), headers=EN)
    assert response.status_code == 409
    assert response.json()["code"] == "CUSTOMER_LICENCE_INVALID"
    assert "HOSP1" in response.json()["detail"]


def test_a_verifier_may_not_create_an_order(client):
    client.app.dependency_overrides[get_actor] = lambda: Actor(None, "v", frozenset({"verifier"}))
    response = client.post("/api/v1/orders", json=order_body())
    assert response.status_code == 403
