"""The inbound flow in real Chromium: receive by scan, release with a signature, put away."""

from __future__ import annotations

import re

import pytest

from tests.e2e.web.inbound_data import GOOD_EXPIRY, SHORT_EXPIRY, carton, prepare
from tests.e2e.web.live import login, logout, no_horizontal_scroll, scan, shot
from tests.support.users import PASSWORD

HANDHELD = {"width": 360, "height": 740}


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def receive_three_cartons(page, url: str, notice_no: str) -> None:
    login(page, url, "rita", PASSWORD)
    page.goto(f"{url}/stations/receiving")
    scan(page, f"#D:{notice_no}")
    page.wait_for_url(re.compile(r".*/stations/receiving/RCV-.*"))
    for n, serial in enumerate(("C0001", "C0002"), start=1):
        scan(page, carton("LOTA1", GOOD_EXPIRY, serial))
        page.locator(".history li.ok").nth(n - 1).wait_for()
    assert "20 / 20" in page.locator(".scan-result.ok").inner_text()
    scan(page, carton("LOTS9", SHORT_EXPIRY, "C0003"))
    refused = page.locator(".scan-result.bad")
    refused.wait_for()
    reason = refused.inner_text()
    assert "批号 LOTS9" in reason and "该产品收货要求至少 180 天" in reason
    assert page.locator(".scan").get_attribute("data-sound") == "refused"
    assert no_horizontal_scroll(page)
    shot(page, "receiving-refused-360")


def release_with_signature(page, url: str) -> None:
    login(page, url, "ivan", PASSWORD)
    page.goto(f"{url}/stations/inspection")
    shot(page, "inspection-list-360")
    page.locator(".pending li", has_text="LOTA1").locator("button.inspect").click()
    page.wait_for_url(re.compile(r".*/stations/inspection/QC-.*"))
    page.fill("input[name=sample_size]", "2")
    for name in ("packaging_ok", "label_ok", "certificate_ok"):
        page.select_option(f"select[name={name}]", "true")
    page.check("input[name=conclusion][value=ACCEPT]")
    page.fill("input[name=password]", "wrong-password-1")
    page.click("#conclude button[type=submit]")
    page.locator("#conclude .msg:not([hidden])").wait_for()
    page.fill("input[name=password]", PASSWORD)
    page.click("#conclude button[type=submit]")
    page.locator(".record .signature").wait_for()
    assert "ivan" in page.locator(".record .signature").inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "inspection-signed-360")


def put_away(page, url: str, location: str) -> None:
    login(page, url, "rita", PASSWORD)
    page.goto(f"{url}/stations/putaway")
    # The same carton label as at receiving, serial and all: a lot-tracked item's stock
    # carries no serial, so putaway must not narrow by it.
    scan(page, carton("LOTA1", GOOD_EXPIRY, "C0001"))
    suggested = page.locator(".panel.target .suggested")
    suggested.wait_for()
    assert suggested.inner_text() == location
    shot(page, "putaway-suggested-360")
    scan(page, f"#L:{location}")
    page.locator(".history li.ok").nth(1).wait_for()  # the suggestion, then the putaway
    page.locator(".panel.target").wait_for(state="hidden")
    assert location in page.locator(".scan-result.ok").inner_text()
    shot(page, "putaway-done-360")


def test_received_cartons_are_released_and_put_away_available(page, server, live_db):
    inbound = prepare(live_db)
    receive_three_cartons(page, server.url, inbound.notice_no)
    page.goto(f"{server.url}/stock?lot=LOTA1")
    assert page.locator("tr[data-status=QUARANTINE] .status.yellow").count() == 1
    logout(page)
    release_with_signature(page, server.url)
    logout(page)
    put_away(page, server.url, inbound.storage[0])
    page.goto(f"{server.url}/stock?lot=LOTA1")
    row = page.locator("table.stock tbody tr")
    assert row.count() == 1
    assert row.get_attribute("data-location") == inbound.storage[0]
    assert row.get_attribute("data-status") == "AVAILABLE"
    assert row.locator(".status.green").inner_text() == "合格可用"
    assert row.locator("td.num").inner_text() == "20"
    assert page.locator("tr[data-status=QUARANTINE]").count() == 0
    shot(page, "stock-available-360")
    page.click("table.stock a")
    page.wait_for_url("**/lots/STENT/LOTA1")
    assert "ivan" in page.locator(".record .signature").inner_text()
    assert page.locator("td.kind", has_text="上架").count() == 1
    assert no_horizontal_scroll(page)
    shot(page, "lot-360")
