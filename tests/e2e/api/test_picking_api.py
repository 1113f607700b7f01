"""The picking and verification API: pick list, location check, picks with an Idempotency-Key,
verification by a second person, discrepancies resolved by a manager, problem+json refusals."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from tests.support.picks import PACER_GTIN, STENT_GTIN, at, counts, standard, unit
from tests.support.users import actor_of, make_user


def client_for(db, name: str, *roles: str) -> TestClient:
    actor = actor_of(make_user(db, name, *roles))
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


@pytest.fixture
def picker(db) -> TestClient:
    standard(db)
    return client_for(db, "pat", "picker")


def pick(client, raw, location="A-01", scan_id="s1", key=None, quantity=None):
    body = {"scan_id": scan_id, "location_raw": at(location), "raw": raw}
    if quantity is not None:
        body["quantity"] = quantity
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/waves/WAV-1/picks", json=body, headers=headers)


def pick_everything(client):
    for scan_id, raw, location in (("a", unit(STENT_GTIN, "L1", count=5), "A-01"),
                                   ("b", unit(PACER_GTIN, "PL1", "P1"), "A-02"),
                                   ("c", unit(PACER_GTIN, "PL1", "P2"), "A-02")):
        assert pick(client, raw, location, scan_id).status_code == 201


def test_the_picklist_lists_stops_in_route_order(picker):
    body = picker.get("/api/v1/waves/WAV-1/picklist").json()
    assert [stop["location"] for stop in body["stops"]] == ["WH1-A-02", "WH1-A-01"]
    assert body["remaining"] == 7
    task = body["stops"][1]["tasks"][0]
    assert (task["item"], task["lot"], task["remaining"], task["order_no"]) == (
        "STENT", "L1", 5, "SO-1")


def test_a_location_check_says_what_to_pick_or_refuses(picker):
    ok = picker.post("/api/v1/waves/WAV-1/location", json={"raw": at("A-01")})
    assert ok.status_code == 200 and ok.json()["tasks"][0]["lot"] == "L1"
    wrong = picker.post("/api/v1/waves/WAV-1/location", json={"raw": unit(STENT_GTIN, "L1")})
    assert wrong.status_code == 422 and wrong.json()["code"] == "UNIT_SCANNED_FOR_LOCATION"


def test_a_pick_posts_once_under_one_idempotency_key(picker, db):
    first = pick(picker, unit(STENT_GTIN, "L1"), key="station-1-0001", quantity=2)
    second = pick(picker, unit(STENT_GTIN, "L1"), key="station-1-0001", quantity=2)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.json()["quantity"] == 2 and first.json()["to_location"] == "WH1-STAGE-1"
    assert counts(db).picks == 1


def test_a_resubmitted_scan_id_without_a_key_returns_the_first_result(picker, db):
    first = pick(picker, unit(STENT_GTIN, "L1"), scan_id="same").json()
    again = pick(picker, unit(STENT_GTIN, "L1"), scan_id="same").json()
    assert again["replayed"] and again["pick_id"] == first["pick_id"]
    assert counts(db).picks == 1


def test_a_wrong_lot_is_a_problem_naming_both_lots(picker, db):
    before = counts(db)
    response = picker.post(
        "/api/v1/waves/WAV-1/picks", headers={"Accept-Language": "en"},
        json={"scan_id": "w", "location_raw": at("A-01"), "raw": unit(STENT_GTIN, "L9")})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "WRONG_LOT"
    assert "L9" in body["detail"] and "L1" in body["detail"]
    assert "L9" in body["message_zh"]
    assert counts(db) == before


def test_an_unknown_wave_is_404(picker):
    response = picker.post("/api/v1/waves/NOPE/picks", json={
        "scan_id": "x", "location_raw": at("A-01"), "raw": unit(STENT_GTIN, "L1")})
    assert response.status_code == 404 and response.json()["code"] == "WAVE_NOT_FOUND"


def test_verification_by_another_user_with_a_missing_unit_resolved(picker, db):
    pick_everything(picker)
    vera = client_for(db, "vera", "verifier")
    started = vera.post("/api/v1/orders/SO-1/verification")
    assert started.status_code == 201
    number = started.json()["verification_no"]
    scans = f"/api/v1/verifications/{number}/scans"
    assert vera.post(scans, json={"scan_id": "v1", "raw": unit(STENT_GTIN, "L1", count=5)},
                     headers={"Idempotency-Key": "vera-1"}).json()["discrepancy"] == ""
    vera.post(scans, json={"scan_id": "v2", "raw": unit(PACER_GTIN, "PL1", "P1")})
    finished = vera.post(f"/api/v1/verifications/{number}/finish").json()
    assert finished["status"] == "BLOCKED"
    missing = next(line for line in finished["lines"] if line["discrepancy"] == "MISSING")
    vera.post(scans, json={"scan_id": "v3", "raw": unit(PACER_GTIN, "PL1", "P2")})
    boss = client_for(db, "max", "manager")
    resolved = boss.post(f"/api/v1/verifications/{number}/discrepancies/{missing['id']}/resolve",
                         json={"action": "FOUND", "resolution": "found on the cart"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "PASSED"
    record = vera.get(f"/api/v1/verifications/{number}").json()
    assert record["verifier"] == "vera" and record["pickers"] == ["pat"]
    assert [line["discrepancy"] for line in record["lines"]] == ["", "", "MISSING", ""]
    assert record["lines"][2]["resolved_by"] == "max"
    kpi = boss.get("/api/v1/kpi/pick-accuracy", params={"warehouse": "WH1"}).json()
    assert (kpi["picks"], kpi["verification_errors"]) == (3, 1)


def test_verification_by_the_picker_is_403(db):
    standard(db)
    both = client_for(db, "pat", "picker", "verifier")
    pick_everything(both)
    response = both.post("/api/v1/orders/SO-1/verification")
    assert response.status_code == 403
    assert response.json()["code"] == "VERIFIER_WAS_PICKER"


def test_a_picker_may_not_verify_and_a_verifier_may_not_resolve(picker, db):
    pick_everything(picker)
    assert picker.post("/api/v1/orders/SO-1/verification").status_code == 403
    vera = client_for(db, "vera", "verifier")
    number = vera.post("/api/v1/orders/SO-1/verification").json()["verification_no"]
    wrong = vera.post(f"/api/v1/verifications/{number}/scans",
                      json={"scan_id": "x", "raw": unit(STENT_GTIN, "L9")}).json()
    assert wrong["discrepancy"] == "WRONG_LOT" and wrong["status"] == "BLOCKED"
    response = vera.post(
        f"/api/v1/verifications/{number}/discrepancies/{wrong['line_id']}/resolve",
        json={"action": "REMOVED", "resolution": "mine"})
    assert response.status_code == 403
