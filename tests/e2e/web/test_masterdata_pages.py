"""The master-data pages in real Chromium: an administrator sets up a warehouse, a zone,
locations, an item with a packaging level and a customer with a licence, changes one, takes
one out of use and reads its history — in Chinese, and once in English."""

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

VACCINE_GTIN = gtin("0690123699991")
VALID = (date.today() + timedelta(days=800)).isoformat()


@pytest.fixture(scope="module")
def admin(live_db):
    make_user(live_db, "ada", "admin", display_name="管理员 Ada")
    return "ada"


def record(db, kind, key):
    with db.reading() as s:
        return queries.get_record(s, KINDS[kind], tuple(key.split(":")))


def save(page, url_end):
    page.click("#record-form button[type=submit]")
    page.wait_for_url(f"**{url_end}")


def test_an_administrator_sets_up_a_site_and_an_item_in_chinese(browser, server, live_db,
                                                                admin):
    context, page = signed_in(browser, server.url, admin, DESK, "zh-CN")
    page.click("details.menu summary")
    assert page.locator("nav h2", has_text="主数据").count() == 1
    page.click("nav a[href='/masterdata/warehouses']")
    page.click("a.new-record")
    page.fill("input[name=code]", "wh9")
    page.fill("input[name=name]", "测试仓")
    save(page, "/masterdata/warehouses/WH9")
    assert "测试仓" in page.locator(".md-fields").inner_text()

    page.goto(f"{server.url}/masterdata/zones/new")
    page.select_option("select[name=warehouse_code]", "WH9")
    page.fill("input[name=code]", "S")
    page.select_option("select[name=kind]", "STORAGE")
    page.fill("input[name=temp_min]", "30")
    page.fill("input[name=temp_max]", "10")
    page.click("#record-form button[type=submit]")
    error = page.locator(".field-error[data-field=temp_min]")
    error.wait_for()
    assert error.inner_text() == "最低温度 30 °C 高于最高温度 10 °C"
    page.fill("input[name=temp_min]", "10")
    page.fill("input[name=temp_max]", "30")
    save(page, "/masterdata/zones/WH9:S")
    assert_translated(page, "zh-CN")

    for code in ("wh9-s-01", "wh9-s-02"):
        page.goto(f"{server.url}/masterdata/locations/new")
        page.select_option("select[name=warehouse_code]", "WH9")
        page.fill("input[name=code]", code)
        page.fill("input[name=zone_code]", "S")
        save(page, f"/masterdata/locations/{code.upper()}")
    assert record(live_db, "locations", "WH9-S-02")["barcode"] == "#L:WH9-S-02"

    page.goto(f"{server.url}/masterdata/items/new")
    page.fill("input[name=code]", "vac-9")
    page.fill("input[name=name_zh]", "冷藏试剂")
    page.select_option("select[name=risk_class]", "II")
    page.select_option("select[name=tracking]", "LOT")
    page.fill("input[name=temp_min]", "2")
    page.fill("input[name=temp_max]", "8")
    page.fill("input[name=registration_no]", "国械注准20263400099")
    page.fill("input[name=registration_expiry]", VALID)
    page.fill("input[name=unit_cost]", "35.5")
    assert page.locator("label", has_text="近效期预警天数（留空 = 按系统设置）").count() == 1
    page.fill("input[name=near_expiry_days]", "90")
    shot(page, "masterdata-item-form-1280")
    save(page, "/masterdata/items/VAC-9")
    assert "冷藏（2–8 °C）" in page.locator("[data-field=storage]").inner_text()
    assert "近效期预警天数（留空 = 按系统设置）" in page.locator(".md-fields").inner_text()
    assert record(live_db, "items", "VAC-9")["near_expiry_days"] == 90
    page.click("a.add-packaging")
    assert page.locator("input[name=item_code]").input_value() == "VAC-9"
    page.fill("input[name=gtin]", VACCINE_GTIN)
    page.fill("input[name=quantity]", "1")
    save(page, f"/masterdata/packaging/{VACCINE_GTIN}")
    page.goto(f"{server.url}/masterdata/items/VAC-9")
    assert VACCINE_GTIN in page.locator(".md-packaging").inner_text()
    assert_translated(page, "zh-CN")

    page.goto(f"{server.url}/masterdata/partners/new")
    page.fill("input[name=code]", "hosp-9")
    page.fill("input[name=name]", "第九人民医院")
    page.select_option("select[name=kind]", "CUSTOMER")
    page.fill("input[name=licence_no]", "PDY-0001")
    page.fill("input[name=licence_expiry]", VALID)
    save(page, "/masterdata/partners/HOSP-9")
    assert page.locator(".md-licence .credential").get_attribute("data-state") == "valid"

    page.click("a.edit-record")
    assert_translated(page, "zh-CN")
    page.fill("input[name=licence_no]", "PDY-0002")
    page.fill("textarea[name=reason]", "许可证换发")
    save(page, "/masterdata/partners/HOSP-9")
    change = page.locator(".md-history tr[data-action=update] li[data-column=licence_no]")
    assert change.locator(".before").inner_text() == "PDY-0001"
    assert change.locator(".after").inner_text() == "PDY-0002"
    assert "许可证换发" in page.locator(".md-history").inner_text()
    assert_translated(page, "zh-CN")

    page.goto(f"{server.url}/masterdata/locations/WH9-S-02")
    page.fill("#in-use-form textarea[name=reason]", "货架损坏")
    page.click("#in-use-form button[type=submit]")
    page.wait_for_selector(".out-of-use")
    history = page.locator(".md-history tr[data-action=deactivate]")
    assert "停用" in history.inner_text() and "货架损坏" in history.inner_text()
    assert record(live_db, "locations", "WH9-S-02")["blocked"] is True
    page.goto(f"{server.url}/masterdata/locations?warehouse=WH9")
    assert page.locator("tr[data-key]").evaluate_all("rows => rows.map(r => r.dataset.key)") \
        == ["WH9-S-01"]
    page.select_option("select[name=status]", "inactive")
    page.click("#md-filters button[type=submit]")
    page.wait_for_url("**status=inactive**")
    assert page.locator("tr[data-key=WH9-S-02] .out-of-use").count() == 1
    assert no_horizontal_scroll(page)
    assert_translated(page, "zh-CN")
    shot(page, "masterdata-locations-1280")
    context.close()


def test_an_administrator_changes_a_supplier_and_takes_it_out_of_use_in_english(
        browser, server, live_db, admin):
    context, page = signed_in(browser, server.url, admin, DESK, "en")
    page.goto(f"{server.url}/masterdata/partners")
    page.click("a.new-record")
    page.fill("input[name=code]", "sup-7")
    page.fill("input[name=name]", "华东器械")
    page.fill("input[name=name_en]", "East China Devices")
    page.select_option("select[name=kind]", "SUPPLIER")
    page.fill("input[name=licence_no]", "HU-7")
    page.fill("input[name=licence_expiry]", "2001-01-01")
    page.click("#record-form button[type=submit]")
    error = page.locator(".field-error[data-field=licence_expiry]")
    error.wait_for()
    assert error.inner_text().startswith("already expired")
    page.fill("input[name=licence_expiry]", VALID)
    save(page, "/masterdata/partners/SUP-7")

    page.click("a.edit-record")
    page.fill("input[name=contact]", "Mr Wang")
    page.fill("textarea[name=reason]", "new contact")
    save(page, "/masterdata/partners/SUP-7")
    page.fill("#in-use-form textarea[name=reason]", "no longer qualified")
    page.click("#in-use-form button[type=submit]")
    page.wait_for_selector(".out-of-use")
    rows = page.locator(".md-history tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("td").nth(2).inner_text() == "Taken out of use"
    assert "no longer qualified" in rows.nth(0).inner_text()
    assert rows.nth(1).locator("li[data-column=contact] .after").inner_text() == "Mr Wang"
    assert rows.nth(2).locator("td").nth(2).inner_text() == "Created"
    assert record(live_db, "partners", "SUP-7")["active"] is False
    page.goto(f"{server.url}/masterdata/partners?partner_kind=SUPPLIER")
    assert page.locator("tr[data-key=SUP-7]").count() == 0
    page.goto(f"{server.url}/masterdata/partners/SUP-7")
    shot(page, "masterdata-partner-en-1280")
    context.close()
