"""The recall form in real Chromium: a mock recall (drill) opened from the recalls page shows
its case and blocks nothing; a real recall is refused until its blocking is confirmed, and
then blocks the lot."""

from __future__ import annotations

import re

import pytest

from medwms.ledger import queries as stock
from medwms.recall import queries
from tests.e2e.web.forms_data import DESK, HANDHELD, STOCK, UNIT_GTIN, prepare, signed_in
from tests.e2e.web.live import no_horizontal_scroll, shot


@pytest.fixture(scope="module")
def world(live_db):
    return prepare(live_db)


def statuses(db, lot: str) -> set[str]:
    with db.reading() as s:
        return {row.status for row in stock.stock(s, stock.StockFilter(lot=lot))}


def fill_scope(page, lots: str, risk_class: str, reason: str) -> None:
    page.fill("input[name=gtin]", UNIT_GTIN)
    page.fill("input[name=lots]", lots)
    page.check(f"input[name=risk_class][value={risk_class}]")
    page.fill("textarea[name=reason]", reason)


def test_a_mock_recall_shows_its_case_and_blocks_nothing(browser, server, live_db, world):
    context, page = signed_in(browser, server.url, "mona", DESK, "zh-CN")
    page.goto(f"{server.url}/recalls")
    page.click("a.open-mock")
    assert page.locator("input[name=kind][value=MOCK]").is_checked()
    fill_scope(page, "LOTR1, LOTR2", "II", "演练：供应商通报灭菌偏差")
    shot(page, "recall-form-mock-1280")
    page.click("#recall-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/recalls/MCK-.*"))
    recall_no = page.url.rsplit("/", 1)[1]
    assert "模拟" in page.locator("h1").inner_text()
    assert "演练：供应商通报灭菌偏差" in page.locator("main").inner_text()
    with live_db.reading() as s:
        case = queries.recall_view(s, recall_no)
    assert case.mock and case.risk_class == "II" and case.gtin == UNIT_GTIN
    assert case.scope["lots"] == ["LOTR1", "LOTR2"]
    assert case.blocked_units == STOCK["LOTR1"] + STOCK["LOTR2"]
    assert statuses(live_db, "LOTR1") == statuses(live_db, "LOTR2") == {"AVAILABLE"}
    context.close()


def test_a_real_recall_waits_for_its_confirmation_then_blocks(browser, server, live_db, world):
    context, page = signed_in(browser, server.url, "mona", HANDHELD, "en")
    with live_db.reading() as s:
        before = len(queries.list_recalls(s))
    page.goto(f"{server.url}/recalls/new")
    page.check("input[name=kind][value=REAL]")
    fill_scope(page, "LOTR1", "I", "Sterility breach reported by the manufacturer")
    page.click("#recall-form button[type=submit]")
    error = page.locator(".field-error[data-field=confirm]")
    error.wait_for()
    assert "tick to confirm" in error.inner_text()
    assert page.locator("input[name=lots]").input_value() == "LOTR1"
    assert no_horizontal_scroll(page)
    shot(page, "recall-form-unconfirmed-360")
    with live_db.reading() as s:
        assert len(queries.list_recalls(s)) == before
    assert statuses(live_db, "LOTR1") == {"AVAILABLE"}

    page.check("input[name=confirm]")
    page.click("#recall-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/recalls/RCL-.*"))
    with live_db.reading() as s:
        case = queries.recall_view(s, page.url.rsplit("/", 1)[1])
    assert not case.mock and case.blocked_units == STOCK["LOTR1"]
    assert statuses(live_db, "LOTR1") == {"RECALLED"}
    assert statuses(live_db, "LOTR2") == {"AVAILABLE"}
    context.close()
