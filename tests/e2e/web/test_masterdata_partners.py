"""The gaps of master data closed, in real Chromium: an administrator creates a carrier
(物流承运商), edits a supplier's licence kind and scope (经营范围), and takes a packaging level
out of use (hidden from its item, marked when shown, back in use) — in Chinese, the licence
once in English."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from medwms.masterdata import queries
from medwms.masterdata.kinds import KINDS
from tests.e2e.web.forms_data import DESK, signed_in
from tests.e2e.web.live import no_horizontal_scroll, shot
from tests.e2e.web.untranslated import assert_translated
from tests.support.builders import gtin
from tests.support.users import make_user

UNIT_GTIN, CASE_GTIN = gtin("0690123688881"), gtin("1690123688888")
VALID = (date.today() + timedelta(days=800)).isoformat()
SCOPE = "III类: 6846 植入器材; 6877 介入器材"


@pytest.fixture(scope="module")
def admin(live_db):
    make_user(live_db, "ava", "admin", display_name="管理员 Ava")
    return "ava"


def record(db, kind, key):
    with db.reading() as s:
        return queries.get_record(s, KINDS[kind], (key,))


def save(page, url_end):
    page.click("#record-form button[type=submit]")
    page.wait_for_url(f"**{url_end}")


def test_a_carrier_and_a_licence_scope_in_chinese(browser, server, live_db, admin):
    context, page = signed_in(browser, server.url, admin, DESK, "zh-CN")
    page.goto(f"{server.url}/masterdata/partners/new")
    page.fill("input[name=code]", "sf-med")
    page.fill("input[name=name]", "顺丰医药物流")
    page.select_option("select[name=kind]", "CARRIER")
    page.fill("input[name=contact]", "400-811-1111")
    save(page, "/masterdata/partners/SF-MED")
    assert page.locator("[data-field=kind] dd").inner_text() == "物流承运商"
    page.goto(f"{server.url}/masterdata/partners")
    page.select_option("select[name=partner_kind]", "CARRIER")
    page.click("#md-filters button[type=submit]")
    page.wait_for_url("**partner_kind=CARRIER**")
    assert page.locator("tr[data-key]").evaluate_all("rows => rows.map(r => r.dataset.key)") \
        == ["SF-MED"]
    assert_translated(page, "zh-CN")

    page.goto(f"{server.url}/masterdata/partners/new")
    page.fill("input[name=code]", "sup-8")
    page.fill("input[name=name]", "华北器械")
    page.select_option("select[name=kind]", "SUPPLIER")
    page.fill("input[name=licence_no]", "京药监械经营许20260008号")
    page.fill("input[name=licence_expiry]", VALID)
    save(page, "/masterdata/partners/SUP-8")
    page.click("a.edit-record")
    page.select_option("select[name=licence_kind]", "TRADING")
    page.fill("textarea[name=licence_scope]", SCOPE)
    page.fill("textarea[name=reason]", "补录经营范围")
    assert no_horizontal_scroll(page)
    assert_translated(page, "zh-CN")
    save(page, "/masterdata/partners/SUP-8")
    licence = page.locator(".md-licence")
    assert licence.locator(".licence-kind").inner_text() == "医疗器械经营许可证"
    assert licence.locator(".licence-scope").inner_text() == SCOPE
    change = page.locator(".md-history tr[data-action=update] li[data-column=licence_scope]")
    assert change.locator(".after").inner_text() == SCOPE
    assert "经营范围" in change.inner_text()
    assert record(live_db, "partners", "SUP-8")["licence_scope"] == SCOPE
    assert no_horizontal_scroll(page)
    assert_translated(page, "zh-CN")
    shot(page, "masterdata-licence-scope-1280")
    context.close()

    context, page = signed_in(browser, server.url, admin, DESK, "en")
    page.goto(f"{server.url}/masterdata/partners/SUP-8")
    assert page.locator(".md-licence .licence-kind").inner_text() == \
        "Medical device trading licence"
    assert page.locator(".md-licence h3").inner_text() == "Licence scope"
    context.close()


def test_a_packaging_level_taken_out_of_use_in_chinese(browser, server, live_db, admin):
    context, page = signed_in(browser, server.url, admin, DESK, "zh-CN")
    page.goto(f"{server.url}/masterdata/items/new")
    page.fill("input[name=code]", "cath-8")
    page.fill("input[name=name_zh]", "导管")
    page.select_option("select[name=risk_class]", "II")
    page.select_option("select[name=tracking]", "LOT")
    save(page, "/masterdata/items/CATH-8")
    for gtin_, level, quantity in ((UNIT_GTIN, "unit", "1"), (CASE_GTIN, "case", "20")):
        page.goto(f"{server.url}/masterdata/packaging/new?item_code=CATH-8")
        page.fill("input[name=gtin]", gtin_)
        page.fill("input[name=level]", level)
        page.fill("input[name=quantity]", quantity)
        save(page, f"/masterdata/packaging/{gtin_}")

    page.fill("#in-use-form textarea[name=reason]", "供应商更换箱规 GTIN")
    page.click("#in-use-form button[type=submit]")
    page.wait_for_selector("h1 .out-of-use")
    history = page.locator(".md-history tr[data-action=deactivate]")
    assert "停用" in history.inner_text() and "供应商更换箱规 GTIN" in history.inner_text()
    assert record(live_db, "packaging", CASE_GTIN)["active"] is False
    assert_translated(page, "zh-CN")

    page.goto(f"{server.url}/masterdata/items/CATH-8")
    rows = page.locator(".md-packaging tr[data-gtin]")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.gtin)") == [UNIT_GTIN]
    page.click("a.show-all-packaging")
    page.wait_for_url("**packaging=all")
    assert page.locator(f".md-packaging tr[data-gtin='{CASE_GTIN}'] .out-of-use").count() == 1
    assert page.locator(f".md-packaging tr[data-gtin='{UNIT_GTIN}'] .in-use").count() == 1
    assert_translated(page, "zh-CN")
    shot(page, "masterdata-packaging-out-of-use-1280")

    page.click(f".md-packaging a[href='/masterdata/packaging/{CASE_GTIN}']")
    page.fill("#in-use-form textarea[name=reason]", "恢复使用")
    page.click("#in-use-form button[type=submit]")
    page.wait_for_selector("h1 .in-use")
    assert record(live_db, "packaging", CASE_GTIN)["active"] is True
    context.close()
