"""The trace page (timeline + consignee table) and the recall case pages, server-rendered."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from medwms.api.app import create_app
from medwms.config import Settings
from medwms.recall import service
from medwms.recall.rules import Scope
from medwms.web.deps import Visitor, get_visitor
from medwms.web.pages import recall as recall_pages
from tests.support.recall import STENT_GTIN, build_history


@pytest.fixture
def history(db):
    return build_history(db)


def pages(db, history, lang="en"):
    app = create_app(Settings(database_url=db.url), db=db)
    if not any(getattr(r, "path", "") == "/trace" for r in app.routes):
        app.include_router(recall_pages.router)  # until the lead adds it to web.routes
    app.dependency_overrides[get_visitor] = lambda: Visitor(history.manager, "token", lang)
    return TestClient(app)


def test_trace_page_shows_consignees_origin_stock_and_timeline(db, history):
    html = pages(db, history).get("/trace", params={"gtin": STENT_GTIN, "lot": "L1"}).text
    assert 'class="consignees"' in html and "First Hospital (HOSP1)" in html
    assert "Cardiology" in html and "RCV-1" in html and "INS-1" in html
    assert 'class="timeline"' in html and html.count("<li><time>") == 15


def test_trace_page_in_chinese_says_no_such_lot(db, history):
    html = pages(db, history, "zh-CN").get("/trace", params={"gtin": STENT_GTIN,
                                                             "lot": "X"}).text
    assert "无此批次" in html and "追溯" in html


def test_recall_pages_list_and_show_the_case(db, history):
    view = service.open_recall(db, actor=history.manager, scope=Scope(STENT_GTIN, lots=("L1",)),
                               reason="sterility", risk_class="I")
    client = pages(db, history)
    assert view.recall_no in client.get("/recalls").text
    html = client.get(f"/recalls/{view.recall_no}").text
    assert "HOSP1" in html and "notice.pdf" in html and "Consignees listed" in html
    assert "consignees_listed" not in html  # the event in words, not its key
