"""POST /scan/parse: an ambiguous scan reaches the station as a refusal, code and both languages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from tests.support.users import actor_of, make_user
from tests.unit.barcode.conftest import GS, with_check

GTIN = with_check("0761234500001")


@pytest.fixture
def receiver(db) -> TestClient:
    actor = actor_of(make_user(db, "rita", "receiver"))
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


def test_two_lots_in_one_symbol_are_refused_naming_both(receiver: TestClient) -> None:
    response = receiver.post("/api/v1/scan/parse",
                             json={"raw": f"]d201{GTIN}10LOTA1{GS}10LOTB2"},
                             headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "CONFLICTING_REPEAT"
    assert body["fields"]["what"] == "10"
    assert (body["fields"]["value"], body["fields"]["second"]) == ("LOTA1", "LOTB2")
    assert "lot (10)" in body["message_en"] and "LOTB2" in body["message_en"]
    assert "批号(10)" in body["message_zh"] and "LOTB2" in body["message_zh"]
    assert body["detail"] == body["message_en"]


def test_a_link_with_an_empty_expiry_is_refused_in_chinese_first(receiver: TestClient) -> None:
    response = receiver.post("/api/v1/scan/parse", json={
        "raw": f"]Q1https://id.gs1.org/01/{GTIN}/10/LOTA1?17="},
        headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "EMPTY_VALUE" and body["fields"]["what"] == "17"
    assert body["detail"] == body["message_zh"] and "失效日期(17)" in body["detail"]
    assert "expiry date (17)" in body["message_en"]


def test_a_serial_of_an_itip_is_accepted(receiver: TestClient) -> None:
    response = receiver.post("/api/v1/scan/parse",
                             json={"raw": f"]d28006{GTIN}0102{GS}21SN1"})
    assert response.status_code == 200, response.text
    assert response.json()["serial"] == "SN1"
    assert response.json()["elements"] == [["8006", f"{GTIN}0102"], ["21", "SN1"]]
