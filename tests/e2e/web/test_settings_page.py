"""The settings page in real Chromium: the administrator changes a runtime setting with a
reason, sees its new effective value and source, then finds the change (old value, new value,
reason) in the audit log; a value below its bound is refused beside the field. On the archive
page the administrator archives a closed receipt: it leaves the receipts list, comes back with
"include archived", and opens by its number."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from medwms.auth import service
from medwms.auth.rules import SYSTEM
from tests.e2e.web.forms_data import DESK
from tests.e2e.web.live import login, shot
from tests.e2e.web.untranslated import assert_translated
from tests.support.archive import closed_receipt
from tests.support.builders import make_item, make_lot, make_site
from tests.support.users import PASSWORD


@pytest.fixture(scope="module")
def root(live_db):
    service.create_user(live_db, actor=SYSTEM, username="root", display_name="Root",
                        password=PASSWORD, roles=["admin"])


def admin_page(browser, url: str, lang: str):
    context = browser.new_context(viewport=DESK, locale=lang)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{url}/lang/{lang}?next=/login")
    login(page, url, "root", PASSWORD)
    return page


def test_an_admin_changes_a_setting_with_a_reason_and_sees_it_in_the_audit_log(
        browser, server, root):
    page = admin_page(browser, server.url, "en")
    page.click("details.menu summary")
    page.click("nav a[href='/settings']")
    row = page.locator("tr[data-name=session_idle_minutes]")
    assert row.locator("span.effective").inner_text() == "30"
    assert row.locator("span.source").inner_text() == "Default"
    row.locator("input[name=value]").fill("0")
    row.locator("input[name=reason]").fill("try a bad value")
    row.locator("button[type=submit]").click()
    row = page.locator("tr[data-name=session_idle_minutes]")
    assert "at least 1" in row.locator(".field-error[data-field=value]").inner_text()
    row.locator("input[name=value]").fill("20")
    row.locator("input[name=reason]").fill("车间共用终端")
    row.locator("button[type=submit]").click()
    page.wait_for_url("**/settings?done=session_idle_minutes*")
    row = page.locator("tr[data-name=session_idle_minutes]")
    assert row.locator("span.effective").inner_text() == "20"
    assert row.locator("td.environment").inner_text() == "30"
    assert row.locator("span.source").inner_text() == "Changed here"
    assert_translated(page, "en")
    shot(page, "settings-changed-en")
    page.goto(f"{server.url}/audit?entity=setting&entity_key=session_idle_minutes")
    change = page.locator("table.audit tbody tr").first
    assert "30" in change.locator("td.values.old").inner_text()
    assert "20" in change.locator("td.values.new").inner_text()
    assert "车间共用终端" in change.inner_text()
    assert "root" in change.locator("td.user").inner_text()


def test_the_settings_page_speaks_chinese(browser, server, root):
    page = admin_page(browser, server.url, "zh-CN")
    page.goto(f"{server.url}/settings")
    assert page.locator("h1").inner_text() == "运行时设置"
    assert_translated(page, "zh-CN")
    shot(page, "settings-zh")


def test_an_admin_archives_a_closed_receipt_which_stays_readable_by_number(
        browser, server, root, live_db):
    with live_db.unit_of_work() as uow:
        site = make_site(uow.session, "WHZ")
        gauze = make_item(uow.session, "GAUZE-Z")
        closed_receipt(uow.session, site, "R-2025-0091", datetime(2025, 3, 1, tzinfo=UTC),
                       (gauze, make_lot(uow.session, gauze, "GZ1", date(2027, 5, 31))))
        uow.commit()
    page = admin_page(browser, server.url, "zh-CN")
    page.goto(f"{server.url}/receipts")
    assert page.locator("a[href='/receipts/R-2025-0091']").count() == 1
    page.goto(f"{server.url}/archive")
    page.fill("input[name=closed_before]", "2026-01-01")
    page.click("form.archive-form button[type=submit]")
    page.wait_for_url("**/archive?done=1")
    row = page.locator("tr[data-number='R-2025-0091']")
    assert row.locator("td.keep-until").inner_text() == "2029-05-31"
    assert_translated(page, "zh-CN")
    shot(page, "archive-zh")
    page.goto(f"{server.url}/receipts")
    assert page.locator("a[href='/receipts/R-2025-0091']").count() == 0
    page.click("a.include-archived")
    assert page.locator("a[href='/receipts/R-2025-0091']").count() == 1
    page.goto(f"{server.url}/receipts/R-2025-0091")
    assert "R-2025-0091" in page.locator("h1").inner_text()
