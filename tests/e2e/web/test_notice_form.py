"""The advance notice form in real Chromium: lines added in the form (one by GTIN, one by item
code), the notice shown and then received at the receiving station; a bad line is named."""

from __future__ import annotations

import re

import pytest

from medwms.receiving import queries
from tests.e2e.web.forms_data import (
    CARTON_GTIN,
    DESK,
    EXPIRY,
    HANDHELD,
    UNIT_GTIN,
    carton,
    prepare,
    signed_in,
)
from tests.e2e.web.live import no_horizontal_scroll, scan, shot


@pytest.fixture(scope="module")
def world(live_db):
    return prepare(live_db)


def fill_line(page, row: int, product: str, lot: str, quantity: str, expiry: str = "") -> None:
    line = page.locator(f"#notice-form fieldset.line[data-row='{row}']")
    line.locator("input[name=product]").fill(product)
    line.locator("input[name=lot]").fill(lot)
    line.locator("input[name=quantity]").fill(quantity)
    if expiry:
        line.locator("input[name=expiry]").fill(expiry)


def test_a_notice_made_in_the_form_is_received_at_the_station(browser, server, live_db, world):
    context, page = signed_in(browser, server.url, "mona", DESK, "en")
    page.goto(f"{server.url}/notices")
    page.click("a[href='/notices/new']")
    page.select_option("select[name=supplier]", "SUP1")
    page.select_option("select[name=warehouse]", "WH1")
    page.fill("input[name=po_no]", "po-7781")
    for _ in range(2):  # three lines are shown: take two away, add one back
        page.locator("fieldset.line button.remove-line").last.click()
    page.click("button.add-line")
    assert page.locator("fieldset.line").count() == 2
    fill_line(page, 1, CARTON_GTIN, "LOTN1", "20", EXPIRY.isoformat())
    fill_line(page, 2, "stent", "LOTN2", "5")
    shot(page, "notice-form-1280")
    page.click("#notice-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/notices/ASN-.*"))
    notice_no = page.locator(".panel.notice").get_attribute("data-notice")
    assert page.locator(".msg.ok").is_visible()
    assert page.locator(".doc-code").inner_text() == f"#D:{notice_no}"
    assert page.locator("table.notice-lines tbody tr").count() == 2
    assert "Coronary stent" in page.locator("table.notice-lines").inner_text()

    with live_db.reading() as s:
        detail = queries.get_notice(s, notice_no)
    assert detail.header.po_no == "PO-7781" and detail.header.supplier == "SUP1"
    assert [(x.gtin, x.lot, x.quantity) for x in detail.lines] == [
        (CARTON_GTIN, "LOTN1", 20), (UNIT_GTIN, "LOTN2", 5)]

    page.goto(f"{server.url}/stations/receiving")
    scan(page, f"#D:{notice_no}")
    page.wait_for_url(re.compile(r".*/stations/receiving/RCV-.*"))
    scan(page, carton("LOTN1", EXPIRY, "C0001"))
    page.locator(".history li.ok").first.wait_for()
    assert "10 / 20" in page.locator(".scan-result.ok").inner_text()
    with live_db.reading() as s:
        progress = {p.lot: p.received for p in queries.get_notice(s, notice_no).progress}
    assert progress == {"LOTN1": 10, "LOTN2": 0}
    context.close()


def test_the_notice_form_names_the_bad_line_and_field_at_360(browser, server, live_db, world):
    context, page = signed_in(browser, server.url, "mona", HANDHELD, "zh-CN")
    with live_db.reading() as s:
        before = len(queries.list_notices(s))
    page.goto(f"{server.url}/notices/new")
    page.select_option("select[name=supplier]", "SUP1")
    fill_line(page, 1, CARTON_GTIN, "LOTN3", "10")
    fill_line(page, 2, "NOSUCHITEM", "LOTN4", "10")
    assert no_horizontal_scroll(page)
    page.click("#notice-form button[type=submit]")
    error = page.locator("fieldset.line[data-row='2'] .field-error[data-field=product]")
    error.wait_for()
    assert "未知的产品编码" in error.inner_text()
    assert page.locator("fieldset.line[data-row='2'] input[name=product]"
                        ).get_attribute("aria-invalid") == "true"
    assert page.locator("fieldset.line[data-row='1'] .field-error").count() == 0
    assert page.locator("fieldset.line[data-row='1'] input[name=lot]").input_value() == "LOTN3"
    assert "未保存任何内容" in page.locator(".msg.bad.refusal").inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "notice-form-refused-360")
    with live_db.reading() as s:
        assert len(queries.list_notices(s)) == before
    context.close()
