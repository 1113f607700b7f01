"""The stock API: query, history, and stock documents with an Idempotency-Key."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.auth.rules import SYSTEM, Actor
from medwms.config import Settings
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Movement
from tests.support.builders import gtin, make_item, make_lot, make_site


@pytest.fixture
def client(db):
    with db.unit_of_work() as uow:
        site = make_site(uow.session)
        item = make_item(uow.session, "STENT", gtin_body="0690000000001")
        lot = make_lot(uow.session, item, "LOTA1")
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1", lines=[Line(
            kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
            quantity=10, to_location_id=site.locations[0].id, to_status="AVAILABLE")])
        uow.commit()
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: Actor(None, "mgr", frozenset({"manager"}))
    return TestClient(app)


def movement_count(db) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Movement))


def test_stock_is_found_by_gtin_with_its_colour(client):
    body = client.get("/api/v1/stock", params={"gtin": gtin("0690000000001")}).json()
    assert body["total_quantity"] == 10
    assert body["rows"][0]["lot"] == "LOTA1"
    assert body["rows"][0]["colour"] == "green"


def test_a_move_posts_once_under_one_idempotency_key(client, db):
    document = {"lines": [{"kind": "MOVE", "item": "STENT", "lot": "LOTA1", "quantity": 3,
                           "from_location": "WH1-A-01", "from_status": "AVAILABLE",
                           "to_location": "WH1-A-02", "to_status": "AVAILABLE"}]}
    headers = {"Idempotency-Key": "handheld-7-0001"}
    first = client.post("/api/v1/stock/documents", json=document, headers=headers)
    second = client.post("/api/v1/stock/documents", json=document, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert movement_count(db) == 2
    history = client.get("/api/v1/movements", params={"location": "WH1-A-02"}).json()
    assert [m["kind"] for m in history] == ["MOVE"]


def test_reusing_a_key_for_another_request_is_refused(client):
    line = {"kind": "MOVE", "item": "STENT", "lot": "LOTA1", "quantity": 1,
            "from_location": "WH1-A-01", "from_status": "AVAILABLE",
            "to_location": "WH1-A-02", "to_status": "AVAILABLE"}
    headers = {"Idempotency-Key": "k1"}
    client.post("/api/v1/stock/documents", json={"lines": [line]}, headers=headers)
    again = client.post("/api/v1/stock/documents",
                        json={"lines": [{**line, "quantity": 2}]}, headers=headers)
    assert again.status_code == 422
    assert again.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_taking_more_than_there_is_is_a_409_problem(client, db):
    response = client.post("/api/v1/stock/documents", json={"lines": [{
        "kind": "MOVE", "item": "STENT", "lot": "LOTA1", "quantity": 11,
        "from_location": "WH1-A-01", "from_status": "AVAILABLE",
        "to_location": "WH1-A-02", "to_status": "AVAILABLE"}]},
        headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "INSUFFICIENT_STOCK"
    assert "10 available" in response.json()["detail"]
    assert movement_count(db) == 1


def test_quarantine_cannot_be_released_by_a_stock_document(client):
    response = client.post("/api/v1/stock/documents", json={"lines": [{
        "kind": "STATUS", "item": "STENT", "lot": "LOTA1", "quantity": 1,
        "from_location": "WH1-A-01", "from_status": "QUARANTINE",
        "to_location": "WH1-A-01", "to_status": "AVAILABLE"}]})
    assert response.status_code == 422
    assert response.json()["problems"][0]["column"] == "to_status"


def test_a_picker_may_not_adjust(client):
    client.app.dependency_overrides[get_actor] = lambda: Actor(None, "p", frozenset({"picker"}))
    response = client.post("/api/v1/stock/documents", json={"lines": [{
        "kind": "ADJUST", "item": "STENT", "lot": "LOTA1", "quantity": 1, "reason": "found",
        "to_location": "WH1-A-01", "to_status": "AVAILABLE"}]})
    assert response.status_code == 403
    assert response.json()["code"] == "PERMISSION_DENIED"


def test_without_a_token_the_api_answers_401(db):
    client = TestClient(create_app(Settings(database_url=db.url), db=db))
    response = client.get("/api/v1/stock")
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"
