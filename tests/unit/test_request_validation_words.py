"""A malformed request is refused in words in both languages, naming the field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.api.validation import worded
from medwms.auth.rules import SYSTEM
from medwms.config import Settings


def test_a_quantity_below_one_is_worded_in_english_and_chinese():
    en, zh = worded({"type": "greater_than", "loc": ("body", "quantity"), "ctx": {"gt": 0},
                     "msg": "Input should be greater than 0"})
    assert en == "quantity must be greater than 0"
    assert zh == "quantity 必须大于 0"


def test_a_missing_field_and_an_unknown_type_name_the_field():
    assert worded({"type": "missing", "loc": ("body", "lines", 0, "gtin")})[1] == \
        "缺少 lines.0.gtin"
    en, zh = worded({"type": "url_parsing", "loc": ("body", "link"), "msg": "Input is bad"})
    assert en == "link: Input is bad" and zh == "link 的值无效"


def test_the_api_answers_a_bad_body_with_words_for_the_station(tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'v.db'}"))
    app.dependency_overrides[get_actor] = lambda: SYSTEM
    with TestClient(app) as client:
        answer = client.post("/api/v1/counting/tasks/1/scans",
                             json={"raw": "#L:X", "quantity": 0})
    body = answer.json()
    assert answer.status_code == 422 and body["code"] == "VALIDATION_ERROR"
    assert "quantity 必须大于 0" in body["message_zh"]
    assert "quantity must be greater than 0" in body["message_en"]
