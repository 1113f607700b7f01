"""The counting API: plan → blind count → recount by a second user → signed approval."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from tests.support.counting import bin_scan, glove_scan, make_crew, setup_store, stock
from tests.support.users import PASSWORD

ON_HAND = 37  # an odd number, so a leak is easy to spot
FORBIDDEN_KEYS = {"expected", "variance", "balance", "on_hand", "stock", "recounted", "value",
                  "within_tolerance", "needs_recount", "total_quantity"}


def client(db, actor) -> TestClient:
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


@pytest.fixture
def floor(db) -> dict[str, TestClient]:
    store = setup_store(db)
    with db.unit_of_work() as uow:
        stock(uow.session, store, 1, ON_HAND)
        uow.commit()
    crew = make_crew(db)
    return {"ann": client(db, crew.ann), "bob": client(db, crew.bob), "max": client(db, crew.max)}


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def values_of(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in values_of(item)]
    if isinstance(value, list):
        return [v for item in value for v in values_of(item)]
    return [value]


def blind(response) -> dict[str, Any]:
    """The JSON of a counter endpoint, checked to carry no expected figure or balance."""
    assert response.status_code < 300, response.text
    body = response.json()
    assert not keys_of(body) & FORBIDDEN_KEYS, body
    # No value is the book quantity (a timestamp may contain its digits by chance).
    assert ON_HAND not in values_of(body) and str(ON_HAND) not in values_of(body), body
    return body


def count(c: TestClient, plan_no: str, bin_no: int, scans: list[dict[str, Any]]) -> None:
    task = blind(c.post(f"/api/v1/counting/plans/{plan_no}/start",
                        json={"location_raw": bin_scan(bin_no)}))
    for n, body in enumerate(scans):
        blind(c.post(f"/api/v1/counting/tasks/{task['task_id']}/scans", json=body,
                     headers={"Idempotency-Key": f"{plan_no}-{bin_no}-{task['round']}-{n}"}))
    blind(c.get(f"/api/v1/counting/tasks/{task['task_id']}/scans"))
    blind(c.post(f"/api/v1/counting/tasks/{task['task_id']}/close"))


def test_plan_blind_count_recount_and_signed_approval(db, floor):
    ann, bob, boss = floor["ann"], floor["bob"], floor["max"]
    made = boss.post("/api/v1/counting/plans", json={
        "warehouse": "WH1", "kind": "ZONES", "zones": ["S"], "counters": ["ann", "bob"],
        "deadline": "2026-12-01"})
    assert made.status_code == 201, made.text
    plan_no = made.json()["plan_no"]
    assert made.json()["locations"] == 4
    tasks = blind(ann.get("/api/v1/counting/tasks"))["tasks"]
    assert {t["location"] for t in tasks} == {"WH1-A-01", "WH1-A-02", "WH1-A-03", "WH1-A-04"}
    count(ann, plan_no, 1, [{"raw": glove_scan()}] * 3)           # 30 of 37: recount
    for n in (2, 3, 4):
        count(ann, plan_no, n, [])
    refused = ann.post(f"/api/v1/counting/plans/{plan_no}/start",
                       json={"location_raw": bin_scan(1)})
    assert refused.status_code == 409
    assert refused.json()["code"] == "RECOUNT_BY_SAME_COUNTER"
    assert [t["round"] for t in blind(bob.get("/api/v1/counting/tasks"))["tasks"]] == [2]
    count(bob, plan_no, 1, [{"raw": glove_scan()}] * 3 + [{"raw": glove_scan(each=True),
                                                            "quantity": 5}])
    lines = boss.get(f"/api/v1/counting/plans/{plan_no}/variances",
                     params={"only_variances": True}).json()["lines"]
    assert [(ln["expected"], ln["counted"], ln["recounted"], ln["variance"], ln["value"])
            for ln in lines] == [(37, 30, 35, -2, "-5.00")]
    missing = boss.post(f"/api/v1/counting/plans/{plan_no}/approve",
                        json={"password": PASSWORD})
    assert missing.json()["code"] == "COUNT_REASONS_MISSING"
    assert boss.post(f"/api/v1/counting/plans/{plan_no}/reasons", json={"reasons": [
        {"line_id": lines[0]["line_id"], "reason_code": "DAMAGED"}]}).status_code == 200
    wrong = boss.post(f"/api/v1/counting/plans/{plan_no}/approve", json={"password": "nope"})
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "WRONG_PASSWORD"
    done = boss.post(f"/api/v1/counting/plans/{plan_no}/approve", json={"password": PASSWORD})
    assert done.status_code == 200, done.text
    assert done.json()["movements"] == 1 and done.json()["units_removed"] == 2
    again = boss.post(f"/api/v1/counting/plans/{plan_no}/approve", json={"password": PASSWORD})
    assert (again.status_code, again.json()["code"]) == (409, "COUNT_ALREADY_APPROVED")
    on_hand = boss.get("/api/v1/stock", params={"location": "WH1-A-01"}).json()
    assert on_hand["total_quantity"] == 35
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Movement)
                        .where(Movement.doc_type == "CNT", Movement.doc_no == plan_no)) == 1
        assert verify(s).ok
    pdf = boss.get(f"/api/v1/counting/plans/{plan_no}/report.pdf", params={"lang": "en"})
    assert pdf.content.startswith(b"%PDF")
    xlsx = boss.get(f"/api/v1/counting/plans/{plan_no}/report.xlsx")
    assert xlsx.content[:2] == b"PK"
    kpi = boss.get("/api/v1/counting/kpi", params={"since": "2000-01-01T00:00:00Z",
                                                   "until": "2100-01-01T00:00:00Z"}).json()
    assert (kpi["lines_counted"], kpi["lines_without_variance"]) == (1, 0)
    assert kpi["locations_counted"] == 5


def test_counters_cannot_see_variances_and_scans_of_unplanned_places_are_refused(db, floor):
    ann, boss = floor["ann"], floor["max"]
    plan_no = boss.post("/api/v1/counting/plans", json={
        "warehouse": "WH1", "kind": "FULL"}).json()["plan_no"]
    assert ann.get(f"/api/v1/counting/plans/{plan_no}/variances").status_code == 403
    assert ann.get(f"/api/v1/counting/plans/{plan_no}").status_code == 403
    refused = ann.post(f"/api/v1/counting/plans/{plan_no}/start",
                       json={"location_raw": "#L:NOWHERE"})
    assert refused.status_code == 422 and refused.json()["code"] == "NOT_A_LOCATION_SCAN"


def test_a_repeated_idempotency_key_counts_once(db, floor):
    ann, boss = floor["ann"], floor["max"]
    plan_no = boss.post("/api/v1/counting/plans", json={
        "warehouse": "WH1", "kind": "FULL"}).json()["plan_no"]
    task = ann.post(f"/api/v1/counting/plans/{plan_no}/start",
                    json={"location_raw": bin_scan(1)}).json()
    for _ in range(2):
        got = ann.post(f"/api/v1/counting/tasks/{task['task_id']}/scans",
                       json={"raw": glove_scan()}, headers={"Idempotency-Key": "k1"})
    assert got.json()["scans"] == 1
    gone = ann.delete(f"/api/v1/counting/tasks/{task['task_id']}/scans/{got.json()['entry_id']}")
    assert gone.json() == {"task_id": task["task_id"], "scans": 0}


def test_policies_and_abc_can_be_set(db, floor):
    boss = floor["max"]
    put = boss.put("/api/v1/counting/policies/A", json={
        "interval_days": 20, "tolerance_units": 0, "tolerance_pct": "1"})
    assert put.status_code == 200, put.text
    got = {p["abc"]: p for p in boss.get("/api/v1/counting/policies").json()["policies"]}
    assert got["A"]["interval_days"] == 20
    abc = boss.post("/api/v1/counting/abc", json={"since": "2026-01-01T00:00:00Z",
                                                  "until": "2027-01-01T00:00:00Z"})
    assert abc.status_code == 200 and abc.json()["items"] == 2


def test_a_one_counter_plan_gets_its_recount_assigned_and_is_cancelled(db, floor):
    ann, bob, boss = floor["ann"], floor["bob"], floor["max"]
    plan = {"warehouse": "WH1", "kind": "FULL", "counters": ["ann"]}
    refused = boss.post("/api/v1/counting/plans", json=plan)
    assert (refused.status_code, refused.json()["code"]) == (409, "COUNT_NEEDS_TWO_COUNTERS")
    made = boss.post("/api/v1/counting/plans", json={**plan, "accept_one_counter": True})
    assert made.status_code == 201, made.text
    plan_no = made.json()["plan_no"]
    count(ann, plan_no, 1, [{"raw": glove_scan()}])               # 10 of 37: recount
    recounts = boss.get(f"/api/v1/counting/plans/{plan_no}/recounts").json()["recounts"]
    assert [(r["location"], r["first_counter"], r["counter"], r["status"])
            for r in recounts] == [("WH1-A-01", "ann", None, "OPEN")]
    assert bob.get(f"/api/v1/counting/plans/{plan_no}/recounts").status_code == 403
    given = boss.post(f"/api/v1/counting/plans/{plan_no}/recounts",
                      json={"location": "WH1-A-01", "counter": "bob"})
    assert given.status_code == 200, given.text
    assert (given.json()["counter"], given.json()["added_to_plan"]) == ("bob", True)
    mine = blind(bob.get("/api/v1/counting/tasks"))["tasks"]
    assert ("WH1-A-01", 2) in {(t["location"], t["round"]) for t in mine}
    assert ann.post(f"/api/v1/counting/plans/{plan_no}/cancel",
                    json={"reason": "mine"}).status_code == 403
    cancelled = boss.post(f"/api/v1/counting/plans/{plan_no}/cancel",
                          json={"reason": "urgent shipping during the count"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "CANCELLED"
    assert boss.get(f"/api/v1/counting/plans/{plan_no}").json()["status"] == "CANCELLED"
    assert blind(bob.get("/api/v1/counting/tasks"))["tasks"] == []
    again = boss.post(f"/api/v1/counting/plans/{plan_no}/cancel", json={"reason": "again"})
    assert (again.status_code, again.json()["code"]) == (409, "PLAN_NOT_OPEN")
