"""The putaway API: worklist, suggest, confirm (Idempotency-Key), problem+json refusals."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from tests.support.builders import make_lot
from tests.support.putaway import (
    AMBIENT_GTIN,
    COLD_GTIN,
    ambient_item,
    cold_item,
    location_scan,
    make_yard,
    receive,
)
from tests.support.putaway import unit_scan as scan
from tests.support.users import actor_of, make_user


def client_for(db, role: str) -> TestClient:
    actor = actor_of(make_user(db, f"u-{role}", role))
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


@pytest.fixture
def receiver(db) -> TestClient:
    with db.unit_of_work() as uow:
        s = uow.session
        yard = make_yard(s)
        stent, reagent = ambient_item(s), cold_item(s)
        receive(s, yard, stent, make_lot(s, stent, "L1"), 10)
        receive(s, yard, reagent, make_lot(s, reagent, "C1"), 4)
        receive(s, yard, stent, make_lot(s, stent, "BAD"), 2, status="REJECTED")
        receive(s, yard, stent, make_lot(s, stent, "Q1"), 3, status="QUARANTINE")
        uow.commit()
    return client_for(db, "receiver")


def putaways(db) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Movement)
                        .where(Movement.doc_type == "PUT")) or 0


def test_the_worklist_lists_released_and_rejected_lots_with_suggestions(receiver):
    tasks = receiver.get("/api/v1/putaway/tasks").json()["tasks"]
    found = {(t["item"], t["lot"], t["status"]): t["suggested_location"] for t in tasks}
    assert found == {("STENT", "L1", "AVAILABLE"): "WH1-A-01",
                     ("REAGENT", "C1", "AVAILABLE"): "WH1-C-01",
                     ("STENT", "BAD", "REJECTED"): "WH1-R-01"}
    assert {t["colour"] for t in tasks} == {"green", "red"}


def test_suggest_names_the_stock_quantity_and_location(receiver):
    body = receiver.post("/api/v1/putaway/suggest", json={"raw": scan(AMBIENT_GTIN, "L1")}).json()
    assert (body["item"], body["lot"], body["quantity"]) == ("STENT", "L1", 10)
    assert body["suggested_location"] == "WH1-A-01" and body["reason"] == "NEAREST_FREE"
    assert body["why_en"] and body["why_zh"]


def test_confirm_posts_once_under_one_idempotency_key(receiver, db):
    request = {"raw": scan(AMBIENT_GTIN, "L1"), "location_raw": location_scan("A-01")}
    headers = {"Idempotency-Key": "station-3-0042"}
    first = receiver.post("/api/v1/putaway/confirm", json=request, headers=headers)
    second = receiver.post("/api/v1/putaway/confirm", json=request, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.json()["to_location"] == "WH1-A-01"
    assert putaways(db) == 1
    again = receiver.post("/api/v1/putaway/confirm", json=request)
    assert again.status_code == 409 and again.json()["code"] == "NOTHING_TO_PUT_AWAY"
    with db.reading() as s:
        assert verify(s).ok


def test_a_cold_item_to_an_ambient_location_is_a_bilingual_problem(receiver, db):
    response = receiver.post("/api/v1/putaway/confirm", json={
        "raw": scan(COLD_GTIN, "C1"), "location_raw": location_scan("A-01"),
        "override_reason": "cold room full"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "TEMPERATURE_MISMATCH"
    assert "2–8 °C" in body["message_en"] and "15–25 °C" in body["message_en"]
    assert "WH1-A-01" in body["message_zh"]
    assert putaways(db) == 0


def test_another_location_without_a_reason_is_refused(receiver):
    response = receiver.post("/api/v1/putaway/confirm", json={
        "raw": scan(AMBIENT_GTIN, "L1"), "location_raw": location_scan("A-02")})
    assert response.json()["code"] == "LOCATION_NOT_SUGGESTED"
    assert response.json()["fields"]["can_override"] is False


def test_a_manager_overrides_with_a_reason(receiver, db):
    manager = client_for(db, "manager")
    response = manager.post("/api/v1/putaway/confirm", json={
        "raw": scan(AMBIENT_GTIN, "L1"), "location_raw": location_scan("A-02"),
        "override_reason": "A-01 under repair", "quantity": 4})
    assert response.status_code == 201
    assert response.json()["reason"] == "OVERRIDE: A-01 under repair"
    assert response.json()["quantity"] == 4


@pytest.mark.parametrize(("raw", "code"), [
    (location_scan("A-01"), "LOCATION_SCANNED_FOR_UNIT"),
    (scan(AMBIENT_GTIN, "Q1"), "NOT_RELEASED_YET"),
    (scan(AMBIENT_GTIN, "NOPE"), "NOTHING_TO_PUT_AWAY"),
    ("]d20106900000000118", "BAD_CHECK_DIGIT"),
])
def test_bad_unit_scans_are_refused_with_their_codes(receiver, raw, code):
    response = receiver.post("/api/v1/putaway/suggest", json={"raw": raw})
    assert response.status_code in (409, 422)
    assert response.json()["code"] == code


def test_a_unit_scanned_as_the_location_is_refused(receiver, db):
    response = receiver.post("/api/v1/putaway/confirm", json={
        "raw": scan(AMBIENT_GTIN, "L1"), "location_raw": scan(AMBIENT_GTIN, "L1")})
    assert response.json()["code"] == "UNIT_SCANNED_FOR_LOCATION"
    assert putaways(db) == 0


def test_a_zero_quantity_is_a_validation_error(receiver):
    response = receiver.post("/api/v1/putaway/suggest",
                             json={"raw": scan(AMBIENT_GTIN, "L1"), "quantity": 0})
    assert response.status_code == 422 and response.json()["code"] == "VALIDATION_ERROR"
