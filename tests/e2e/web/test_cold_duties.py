"""The cold-chain duties in real Chromium: the quality manager registers a sensor and keeps its
calibration with the certificate scan, is refused one alarm recipient and names two; the
cold room warms up; one recipient sees the badge and acknowledges the alarm — in zh-CN."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from medwms.auth.rules import SYSTEM
from medwms.coldchain.ingest import ingest
from tests.e2e.web.live import LiveServer, login, logout, shot, start_server
from tests.e2e.web.untranslated import assert_translated
from tests.support.coldchain import SENSOR, make_cold_room, series
from tests.support.users import PASSWORD, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def site(live_db, tmp_path_factory) -> Iterator[LiveServer]:
    make_cold_room(live_db, stocked_at=datetime.now(UTC) - timedelta(days=2))
    for name in ("ann", "bob"):
        make_user(live_db, name, "inspector")
    live = start_server(live_db, attachments_dir=str(tmp_path_factory.mktemp("att")))
    yield live
    live.stop()


def test_calibration_recipients_and_an_acknowledged_alarm(browser, site, live_db):
    page = browser.new_page(viewport={"width": 1024, "height": 900})  # type: ignore[attr-defined]
    login(page, site.url, "quinn", PASSWORD)

    page.goto(f"{site.url}/quality/equipment")
    page.fill("#equipment-form input[name=code]", SENSOR)
    page.select_option("#equipment-form select[name=kind]", "SENSOR")
    page.click("#equipment-form button[type=submit]")
    page.wait_for_url(f"**/quality/equipment/{SENSOR}")
    today = datetime.now(UTC).date()
    page.fill("#check-form input[name=performed_on]", str(today - timedelta(days=5)))
    page.fill("#check-form input[name=certificate_no]", "JL-2026-0815")
    page.fill("#check-form input[name=body]", "省计量测试研究院")
    page.fill("#check-form input[name=next_due]", str(today + timedelta(days=350)))
    page.set_input_files("#check-form input[name=certificate]", files=[
        {"name": "证书.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#check-form button[type=submit]")
    page.wait_for_url("**recorded=1")
    assert page.locator("#state").get_attribute("class") == "status green"
    assert page.locator("table.checks a.scan").inner_text() == "证书.pdf"
    assert_translated(page, "zh-CN")
    shot(page, "cold-duties-calibration")

    page.goto(f"{site.url}/quality/alarm-recipients")
    area = page.locator("form.area[data-area='WH1/CR1']")
    area.locator("input[name=first]").fill("ann")
    area.locator("button[type=submit]").click()
    page.wait_for_load_state()
    refused = page.locator("form.area[data-area='WH1/CR1'] .field-error").inner_text()
    assert "至少需要 2" in refused
    area = page.locator("form.area[data-area='WH1/CR1']")
    area.locator("input[name=first]").fill("ann, bob")
    area.locator("button[type=submit]").click()
    page.wait_for_url("**saved=1")
    assert page.locator("form.area[data-area='WH1/CR1'] input[name=first]").input_value() == \
        "ann, bob"
    assert_translated(page, "zh-CN")
    logout(page)

    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)
    [breach_no] = ingest(live_db, actor=SYSTEM, source="API",
                         readings=series(start, [5.0] + [9.0] * 15 + [5.0])).opened

    login(page, site.url, "ann", PASSWORD)
    assert page.locator("a.alarm-badge").inner_text() == "1"
    page.click("a.alarm-badge")
    card = page.locator(f"li[data-breach='{breach_no}']")
    card.locator("textarea[name=note]").fill("冷库门未关好")
    card.locator("textarea[name=action]").fill("已关门并复核探头")
    card.locator("button[type=submit]").click()
    page.wait_for_url("**acknowledged=1")
    assert page.locator("#alarm-count").inner_text() == "0"
    assert page.locator(f"li[data-breach='{breach_no}'] .acknowledged").count() == 1
    assert page.locator("a.alarm-badge").count() == 0
    assert_translated(page, "zh-CN")
    shot(page, "cold-duties-alarm-acknowledged")
    page.close()
