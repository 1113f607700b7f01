"""The complaints pages, server-rendered: the list with its filters and incomplete mark, the
XLSX export of the filtered list, a refusal shown beside its field, and the report page."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from medwms.api.app import create_app
from medwms.complaints import service
from medwms.complaints.service import ReportIn, Units
from medwms.config import Settings
from medwms.web.deps import Visitor, get_visitor
from tests.support.complaints import STENT_GTIN, build_complaint_world


@pytest.fixture
def world(db):
    return build_complaint_world(db)


def pages(db, actor, lang="zh-CN"):
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_visitor] = lambda: Visitor(actor, "token", lang)
    return TestClient(app)


def log(db, actor, lots=()):
    return service.log_report(db, actor=actor, report=ReportIn(
        kind="COMPLAINT", customer="HOSP1", gtin=STENT_GTIN, description="外包装破损",
        units=Units(lots=lots))).complaint_no


def test_the_list_marks_an_incomplete_report_and_filters_it_out(db, world):
    lacking, complete = log(db, world.inspector), log(db, world.inspector, ["L1"])
    client = pages(db, world.inspector)
    html = client.get("/quality/complaints").text
    assert lacking in html and complete in html and "资料不全：缺批号或序列号" in html
    only = client.get("/quality/complaints", params={"incomplete": "no"}).text
    assert complete in only and lacking not in only
    assert "质量投诉" in html and "COMPLAINT<" not in html


def test_the_export_link_carries_the_filters_and_gives_the_filtered_rows(db, world):
    log(db, world.inspector)
    log(db, world.inspector, ["L1"])
    client = pages(db, world.inspector)
    assert "/quality/complaints/export.xlsx?lot=L1" in client.get(
        "/quality/complaints", params={"lot": "L1"}).text
    answer = client.get("/quality/complaints/export.xlsx", params={"lot": "L1"})
    assert answer.headers["content-disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][9] == "L1"


def test_a_lot_we_never_had_is_shown_beside_the_lots_field_and_nothing_is_logged(
        db, world, monkeypatch):
    monkeypatch.setattr("medwms.web.forms.check_csrf", lambda *args: None)  # no cookie here
    answer = pages(db, world.inspector).post("/quality/complaints/new", data={
        "kind": "COMPLAINT", "customer": "HOSP1", "gtin": STENT_GTIN, "lots": "NOPE",
        "description": "破损"})
    assert answer.status_code == 422
    assert 'data-field="lots"' in answer.text and "NOPE" in answer.text
    assert "/quality/complaints/CMP-" not in pages(db, world.inspector).get(
        "/quality/complaints").text


def test_the_report_page_shows_its_lots_notifications_and_no_close_for_an_inspector(db,
                                                                                    world):
    number = log(db, world.inspector, ["L1"])
    html = pages(db, world.inspector).get(f"/quality/complaints/{number}").text
    assert "批号 L1" in html and "已告知注册人/备案人" in html and "尚未" in html
    assert 'id="findings-form"' in html and 'id="close-form"' not in html
    assert 'id="close-form"' in pages(db, world.quality).get(
        f"/quality/complaints/{number}").text
