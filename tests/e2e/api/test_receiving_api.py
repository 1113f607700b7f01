"""The receiving API: notices, receipts, the station's scans, problems, and a fixed query cost."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.auth.rules import Actor
from medwms.config import Settings
from medwms.ledger.tables import Lot
from tests.support.handover import PDF, PNG
from tests.support.receiving import (
    COLD_BOX,
    HIP,
    STENT_BOX,
    STENT_CASE,
    UNKNOWN,
    counts,
    inbound,
    udi,
)
from tests.support.statements import count_statements
from tests.support.users import PASSWORD, actor_of, make_user

GOOD = date(2028, 6, 30)
API = "/api/v1"


@pytest.fixture
def site(db):
    return inbound(db)


@pytest.fixture
def client(db, site, tmp_path):
    user = make_user(db, "wang", "receiver")
    app = create_app(Settings(database_url=db.url, attachments_dir=str(tmp_path)), db=db)
    app.dependency_overrides[get_actor] = lambda: actor_of(user)
    return TestClient(app)


@pytest.fixture
def receipt(client, site):
    response = client.post(f"{API}/receipts", json={
        "warehouse": site.warehouse, "po_no": "PO-1", "supplier": site.supplier})
    assert response.status_code == 201, response.text
    return response.json()["receipt_no"]


def test_a_notice_is_created_opened_scanned_and_closed(client, site):
    notice = client.post(f"{API}/notices", json={
        "supplier": site.supplier, "warehouse": site.warehouse, "notice_no": "ASN-7",
        "lines": [{"gtin": STENT_CASE, "lot": "L1", "expiry": "2028-06-30", "quantity": 200}]})
    assert notice.status_code == 201, notice.text
    opened = client.post(f"{API}/receipts", json={"notice_no": "#D:ASN-7"}).json()
    number = opened["receipt_no"]
    assert opened["barcode"] == f"#D:{number}" and opened["dock"] == site.dock
    scanned = client.post(f"{API}/receipts/{number}/scans", json={
        "raw": udi(STENT_CASE, lot="L1", expiry=GOOD), "scan_id": "p-1"})
    assert scanned.status_code == 201, scanned.text
    body = scanned.json()
    assert (body["item"], body["item_name_en"], body["packaging_level"], body["quantity"],
            body["expected"], body["received_of_lot"]) == (
        "STENT", "Device STENT", "case", 100, 200, 100)
    signed = client.post(f"{API}/receipts/{number}/handover", data={
        "deliverer_name": "Wang Wei", "password": PASSWORD},
        files={"deliverer_signature": ("signature.png", PNG, "image/png"),
               "delivery_note": ("note.pdf", PDF, "application/pdf")})
    assert signed.status_code == 200, signed.text
    closed = client.post(f"{API}/receipts/{number}/close").json()
    assert closed["status"] == "CLOSED"
    assert closed["discrepancies"][0]["kind"] == "SHORT"
    detail = client.get(f"{API}/receipts/{number}").json()
    assert detail["lines"][0]["lot"] == "L1" and detail["progress"][0]["received"] == 100
    assert client.get(f"{API}/receipts/by-scan", params={"raw": f"#D:{number}"}).json()[
        "header"]["receipt_no"] == number
    assert client.get(f"{API}/notices/ASN-7").json()["header"]["status"] == "CLOSED"
    assert [r["receipt_no"] for r in client.get(f"{API}/receipts").json()] == [number]


def test_a_scan_resubmitted_with_its_idempotency_key_posts_once(client, db, receipt):
    scan = {"raw": udi(STENT_BOX, lot="L1", expiry=GOOD), "scan_id": "p-9"}
    headers = {"Idempotency-Key": "p-9"}
    first = client.post(f"{API}/receipts/{receipt}/scans", json=scan, headers=headers)
    second = client.post(f"{API}/receipts/{receipt}/scans", json=scan, headers=headers)
    third = client.post(f"{API}/receipts/{receipt}/scans", json=scan)  # same scan_id only
    assert first.json() == second.json()
    assert third.json()["replayed"] is True
    assert counts(db)["movement"] == 1


@pytest.mark.parametrize(("raw", "code", "status"), [
    (udi(UNKNOWN, lot="L1", expiry=GOOD), "UNKNOWN_GTIN", 404),
    ("#L:WH1-S-01", "NOT_A_UNIT", 422),
    (udi(STENT_BOX, expiry=GOOD), "LOT_REQUIRED", 422),
    (udi(HIP, lot="H1", expiry=GOOD), "SERIAL_REQUIRED", 422),
    (udi(STENT_BOX, lot="L1", expiry=date(2026, 1, 1)), "UNIT_EXPIRED", 422),
    (udi(COLD_BOX, lot="C1", expiry=GOOD), "ARRIVAL_REQUIRED", 422),
])
def test_refusals_are_problems_with_a_code_and_both_languages(client, db, receipt, raw, code,
                                                              status):
    before = counts(db)
    response = client.post(f"{API}/receipts/{receipt}/scans", json={"raw": raw,
                                                                      "scan_id": "x"})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code and body["message_en"] and body["message_zh"]
    assert counts(db) == before


def test_the_arrival_is_recorded_then_cold_items_are_received(client, receipt):
    arrival = client.post(f"{API}/receipts/{receipt}/arrival",
                          json={"temperature": "4.5", "logger_id": "LOG-1"})
    assert arrival.json()["arrival_temp"] == "4.5"
    scanned = client.post(f"{API}/receipts/{receipt}/scans", json={
        "raw": udi(COLD_BOX, lot="C1", expiry=GOOD), "scan_id": "c-1"})
    assert scanned.status_code == 201 and scanned.json()["hold_reason"] == ""


def test_a_notice_file_is_imported(client, site):
    data = f"gtin,lot,expiry,quantity\n{STENT_CASE},L1,2028-06-30,100\n".encode()
    response = client.post(f"{API}/notices/import", files={"file": ("asn.csv", data)},
                           data={"supplier": site.supplier, "warehouse": site.warehouse})
    assert response.status_code == 201, response.text
    assert len(client.get(f"{API}/notices").json()) == 1


def add_lots(db, item_ids, count, prefix):
    """Bulk-insert `count` lots spread over the items (executemany)."""
    rows = [{"item_id": item_ids[i % len(item_ids)], "lot_no": f"{prefix}{i:06d}",
             "expiry": date(2028, 1, 1) + timedelta(days=i % 300)} for i in range(count)]
    with db.engine.begin() as conn:
        conn.execute(insert(Lot), rows)


def statements_of_a_scan(client, db, receipt, n):
    with count_statements(db) as seen:
        response = client.post(f"{API}/receipts/{receipt}/scans", json={
            "raw": udi(STENT_BOX, lot=f"NEW{n}", expiry=GOOD), "scan_id": f"q-{n}"})
    assert response.status_code == 201, response.text
    return len(seen)


def test_a_scan_costs_the_same_queries_with_10_or_10000_lots(client, db, site, receipt):
    client.post(f"{API}/receipts/{receipt}/scans", json={
        "raw": udi(STENT_BOX, lot="WARM", expiry=GOOD), "scan_id": "warm"})
    items = [site.stent_id, site.cold_id, site.hip_id]
    add_lots(db, items, 10, "A")
    small = statements_of_a_scan(client, db, receipt, 1)
    add_lots(db, items, 9990, "B")
    large = statements_of_a_scan(client, db, receipt, 2)
    assert small == large


def test_only_receivers_open_receipts(db, site):
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: Actor(None, "aud", frozenset({"auditor"}))
    response = TestClient(app).post(f"{API}/receipts", json={
        "warehouse": site.warehouse, "po_no": "PO-1", "supplier": site.supplier})
    assert response.status_code == 403
