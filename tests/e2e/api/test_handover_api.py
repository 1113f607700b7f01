"""The handover and review-record API: a receipt closes only after its handover; the
review record is exported with every field; review blocks are listed and cleared."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from medwms.picking import picks
from medwms.verification import service as verification
from tests.support.builders import NOW
from tests.support.handover import JPEG, LOGGER_CSV, PDF, PNG
from tests.support.picks import PACER_GTIN, STENT_GTIN, at, standard, unit
from tests.support.receiving import COLD_BOX, inbound, udi
from tests.support.users import PASSWORD, actor_of, make_user

API = "/api/v1"
GOOD = date(2028, 6, 30)


def client_as(db, user, tmp_path):
    app = create_app(Settings(database_url=db.url, attachments_dir=str(tmp_path)), db=db)
    app.dependency_overrides[get_actor] = lambda: actor_of(user)
    return TestClient(app)


@pytest.fixture
def receiver(db, tmp_path):
    site = inbound(db)
    client = client_as(db, make_user(db, "wang", "receiver", display_name="Wang Fang"),
                       tmp_path)
    number = client.post(f"{API}/receipts", json={
        "warehouse": site.warehouse, "po_no": "PO-1", "supplier": site.supplier}).json()[
        "receipt_no"]
    return client, number


def sign(client, number, **files):
    return client.post(f"{API}/receipts/{number}/handover", data={
        "deliverer_name": "Li Ming (顺丰)", "password": PASSWORD, "signed_by": "DRAWN"},
        files={"deliverer_signature": ("signature.png", PNG, "image/png"), **files})


def test_a_receipt_closes_only_after_its_handover(receiver):
    client, number = receiver
    refused = client.post(f"{API}/receipts/{number}/close")
    assert refused.status_code == 409 and refused.json()["code"] == "HANDOVER_INCOMPLETE"
    assert client.get(f"{API}/receipts/{number}/handover").json()["complete"] is False
    signed = sign(client, number, delivery_note=("随货同行单.pdf", PDF, "application/pdf"),
                  waybill=("waybill.jpg", JPEG, "image/jpeg"))
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert body["complete"] and body["receiver_name"] == "Wang Fang"
    assert body["deliverer_name"] == "Li Ming (顺丰)"
    assert {p["purpose"] for p in body["papers"]} == {"DELIVERY_NOTE", "WAYBILL"}
    signature = body["deliverer_signature"]
    kept = client.get(f"{API}/attachments/{signature['id']}")
    assert kept.content == PNG and "attachment" in kept.headers["content-disposition"]
    assert client.post(f"{API}/receipts/{number}/close").json()["status"] == "CLOSED"


def test_a_handover_without_the_delivery_note_is_refused_in_both_languages(receiver):
    client, number = receiver
    refused = sign(client, number, waybill=("waybill.jpg", JPEG, "image/jpeg"))
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "HANDOVER_INCOMPLETE"
    assert "the delivery note scan" in body["message_en"] and "SUP1" in body["message_en"]
    assert "随货同行单扫描件" in body["message_zh"]
    assert body["fields"]["missing"] == ["DELIVERY_NOTE"]


def test_a_cold_receipt_takes_the_loggers_csv_as_its_temperature_record(receiver):
    client, number = receiver
    scanned = client.post(f"{API}/receipts/{number}/scans", json={
        "raw": udi(COLD_BOX, lot="C1", expiry=GOOD), "scan_id": "c-1",
        "arrival_temp": "5.0", "logger_id": "LOG-1"})
    assert scanned.status_code == 201, scanned.text
    signed = sign(client, number, delivery_note=("note.pdf", PDF, "application/pdf"),
                  temperature_record=("logger.csv", LOGGER_CSV, "text/csv"))
    assert signed.status_code == 200, signed.text
    media = {p["purpose"]: p["media_type"] for p in signed.json()["papers"]}
    assert media["TEMPERATURE_RECORD"] == "text/csv"


@pytest.fixture
def reviewed(db, tmp_path):
    """SO-1 picked by pat; vera reviews it and answers "label mismatch" for the stents."""
    standard(db)
    pat, vera = (actor_of(make_user(db, name, role)) for name, role in (
        ("pat", "picker"), ("vera", "verifier")))
    for scan_id, raw, location in (("a", unit(STENT_GTIN, "L1", count=5), "A-01"),
                                   ("b", unit(PACER_GTIN, "PL1", "P1"), "A-02"),
                                   ("c", unit(PACER_GTIN, "PL1", "P2"), "A-02")):
        picks.pick_unit(db, actor=pat, wave_no="WAV-1", location_raw=at(location), raw=raw,
                        scan_id=scan_id, now=NOW)
    number = verification.start_verification(db, actor=vera, order_no="SO-1",
                                             now=NOW).verification_no
    return db, tmp_path, number, vera


def test_a_checklist_answer_over_the_api_raises_a_block_quality_lists_and_clears(reviewed):
    db, tmp_path, number, vera = reviewed
    app = create_app(Settings(database_url=db.url, attachments_dir=str(tmp_path)), db=db)
    app.dependency_overrides[get_actor] = lambda: vera
    client = TestClient(app)
    scanned = client.post(f"{API}/verifications/{number}/scans", json={
        "raw": unit(STENT_GTIN, "L1", count=5), "scan_id": "v1", "failed": ["LABEL"]})
    assert scanned.status_code == 201, scanned.text
    assert scanned.json()["failed"] == "LABEL" and scanned.json()["udi"].startswith("(01)")
    [task] = client.get(f"{API}/quality/review-blocks").json()
    assert task["failed"] == ["LABEL"] and task["order_no"] == "SO-1"
    record = client.get(f"{API}/verifications/{number}/review-record").json()
    [line] = record["lines"]
    assert set(line) >= {"name_zh", "model_spec", "manufacturer", "registration_no", "lot",
                         "serial", "expiry", "unit", "quantity", "udi", "checklist"}
    assert line["checklist"]["label_ok"] is False and record["reviewer"] == "vera"
    assert set(record) >= {"customer", "outbound_date", "order_no"}
    pdf = client.get(f"{API}/verifications/{number}/review-record.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    quality = client_as(db, make_user(db, "quinn", "quality"), tmp_path)
    cleared = quality.post(f"{API}/quality/review-blocks/{task['id']}/clear",
                           json={"decision": "label reprinted and checked", "password": PASSWORD})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["status"] == "CLEARED"
    assert client.get(f"{API}/quality/review-blocks").json() == []
