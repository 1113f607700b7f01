"""Every page and station on the demo data, in zh-CN and English, shows words, not codes.

The walk visits the documents of one morning (day_data) in both languages and fails on any
raw status, permission code, verbatim catalogue key or English reason in the Chinese pages
(untranslated.py); then the points of issue 15 one by one, where they showed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from medwms.auth.rules import Role
from medwms.demo.catalogue import demo_password
from tests.e2e.web.day_data import TODAY, WAREHOUSE, Api, Day, hand_over, prepare_day, unit
from tests.e2e.web.live import login, scan
from tests.e2e.web.untranslated import assert_translated

LANGS = ("zh-CN", "en")
GOOD = TODAY + timedelta(days=700)


@pytest.fixture(scope="module")
def day(server, live_db) -> Day:
    return prepare_day(live_db, server.url)


@pytest.fixture(params=LANGS)
def lang(request) -> str:
    return str(request.param)


def signed_in(browser, url: str, role: Role, lang: str):
    """A desktop page in `lang`, signed in as the demo user of `role`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/lang/{lang}?next=/login")
    login(page, url, role.value, demo_password(role))
    return page


@pytest.fixture
def manager(browser, server, lang):
    page = signed_in(browser, server.url, Role.MANAGER, lang)
    yield page
    page.context.close()


def pages_of(d: Day) -> list[str]:
    return [
        "/", "/stock", "/stock?status=HOLD", f"/lots/{d.ambient}/{d.lot}",
        f"/lots/{d.cold}/{d.cold_lot}", "/receipts", f"/receipts/{d.receipt_no}",
        f"/receipts/{d.plain_receipt_no}", "/inspections", "/orders", "/orders?status=PARTIAL",
        f"/orders/{d.order_no}", "/orders/new", f"/waves/{d.wave_no}", "/counting",
        "/counting/new", f"/counting/plans/{d.plan_no}", "/coldchain", "/coldchain/breaches",
        "/coldchain/breaches?status=", f"/coldchain/breaches/{d.breach_no}",
        f"/coldchain/sensors/{d.sensor}", f"/trace?gtin={d.ambient_gtin}&lot={d.lot}",
        f"/trace?gtin={d.ambient_gtin}&lot=DAY2", "/recalls", f"/recalls/{d.recall_no}",
        "/stations/receiving", f"/stations/receiving/{d.receipt_no}", "/stations/inspection",
        f"/stations/inspection/{d.inspection_no}", f"/stations/inspection/{d.held_inspection_no}",
        "/stations/putaway", "/stations/picking", f"/stations/picking/{d.wave_no}",
        "/stations/verification", "/stations/shipping", "/stations/transfers",
        "/stations/returns", "/stations/counting", f"/stations/counting/plans/{d.plan_no}",
        "/stations/scan", "/counting/plans/CNT-NOPE", "/demo/barcodes",
    ]


def test_every_page_of_the_day_shows_words_not_codes(manager, server, day, lang):
    for path in pages_of(day):
        manager.goto(server.url + path)
        assert_translated(manager, lang)


def test_a_refusal_names_the_permission_and_the_thing_in_words(browser, server, day, lang):
    page = signed_in(browser, server.url, Role.PICKER, lang)
    page.goto(f"{server.url}/counting")
    refused = page.locator(".msg.bad").inner_text()
    assert_translated(page, lang)
    assert ("没有权限调整库存" if lang == "zh-CN" else "may not adjust stock") in refused
    page.goto(f"{server.url}/stations/receiving/{day.receipt_no}")
    assert ("没有权限收货" if lang == "zh-CN" else "may not receive goods") in \
        page.locator(".msg.bad").inner_text()
    page.context.close()
    manager = signed_in(browser, server.url, Role.MANAGER, lang)
    manager.goto(f"{server.url}/counting/plans/CNT-NOPE")
    missing = manager.locator(".msg.bad").inner_text()
    assert ("未找到盘点计划 CNT-NOPE" if lang == "zh-CN" else "count plan CNT-NOPE") in missing
    manager.context.close()


def test_the_orders_filter_words_partial_as_an_order_status(manager, server, day, lang):
    manager.goto(f"{server.url}/orders")
    partial = manager.locator("nav.chips a[data-status=PARTIAL]").inner_text()
    assert partial == ("部分分配" if lang == "zh-CN" else "Partly allocated")
    manager.goto(f"{server.url}/orders/{day.order_no}")
    assert manager.locator(".order-status").inner_text() == partial
    backorder = manager.locator(".backorder").inner_text()
    assert ("只分配到" if lang == "zh-CN" else "allocated: the lots passed over") in backorder


def test_the_fefo_reasons_are_said_in_the_page_language(manager, server, day, lang):
    manager.goto(f"{server.url}/orders/{day.order_no}")
    passed = manager.locator(".passed").inner_text()
    assert_translated(manager, lang)
    if lang == "zh-CN":
        assert "不在存储区" in passed and "eligible" not in passed
    else:
        assert "Not in a storage zone" in passed


def test_held_cold_lots_say_why_in_the_page_language(manager, server, day, lang):
    manager.goto(f"{server.url}/receipts/{day.receipt_no}")
    held = manager.locator("table td", has_text="12.5").first.inner_text()
    expected = ("到货温度 12.5 °C，超出 2.0–8.0 °C" if lang == "zh-CN"
                else "arrival 12.5 °C outside 2.0–8.0 °C")
    assert held == expected
    manager.goto(f"{server.url}/lots/{day.cold}/{day.cold_lot}")
    reason = manager.locator("table td", has_text="12.5").first.inner_text()
    assert reason.startswith("暂扣：到货温度" if lang == "zh-CN" else "On hold: arrival")


def test_the_signature_meaning_is_a_word(manager, server, day, lang):
    manager.goto(f"{server.url}/stations/inspection/{day.inspection_no}")
    signature = manager.locator(".record .signature").inner_text()
    assert signature.endswith("合格放行" if lang == "zh-CN" else "released")
    status = manager.locator(".record[data-status=DONE]").first.inner_text()
    assert ("已完成" if lang == "zh-CN" else "Done") in status


def test_the_trace_shows_the_supplier_and_no_empty_values(manager, server, day, lang):
    manager.goto(f"{server.url}/trace?gtin={day.ambient_gtin}&lot=DAY2")
    supplier = manager.locator("td.supplier").first.inner_text()
    name = "上海医药分销控股有限公司" if lang == "zh-CN" else "Shanghai Pharmaceutical"
    assert name in supplier and "(SUP-SHY)" in supplier
    assert manager.locator("td.notice").first.inner_text() == "—"  # received without a notice
    assert_translated(manager, lang)


def test_english_mode_shows_the_english_names(browser, server, day):
    for lang, item, supplier, hospital in (
            ("en", "Sterile single-use syringe with needle", "Sinopharm Holding",
             "Ruijin Hospital"),
            ("zh-CN", "一次性使用无菌注射器 带针", "国药控股上海生物医药有限公司",
             "上海交通大学医学院附属瑞金医院")):
        page = signed_in(browser, server.url, Role.MANAGER, lang)
        page.goto(f"{server.url}/stock?item={day.ambient}")
        assert item in page.locator("table.stock").inner_text()
        page.goto(f"{server.url}/receipts/{day.receipt_no}")
        assert supplier in page.locator(".panel").first.inner_text()
        page.goto(f"{server.url}/orders/{day.order_no}")
        panel = page.locator(".panel.order").inner_text()
        assert hospital in panel and item in page.locator("section.line").inner_text()
        page.goto(f"{server.url}/trace?gtin={day.ambient_gtin}&lot={day.lot}")
        assert item in page.locator("main h2").first.inner_text()
        page.context.close()


def test_a_mismatched_order_is_refused_in_words(manager, server, day, lang):
    manager.goto(f"{server.url}/orders/new")
    manager.select_option("select[name=kind]", "SALE")
    manager.select_option("select[name=consignee]", "CUS-RJH-CATH")
    line = manager.locator("fieldset.line[data-line='0']")
    line.locator("select[name=item]").select_option(day.ambient)
    line.locator("input[name=quantity]").fill("1")
    manager.locator("#order-form button[type=submit]").click()
    manager.locator("#order-form .msg.bad:not([hidden])").first.wait_for()
    assert ("销售出库单的收货单位应为客户" if lang == "zh-CN"
            else "a sales order goes to a customer") in manager.locator("#order-form").inner_text()
    assert_translated(manager, lang)


def test_a_receipt_without_a_notice_closes_and_stops_scanning(browser, server, day, lang):
    receiver = Api(server.url, Role.RECEIVER)
    receipt = receiver.post("/receipts", {"warehouse": WAREHOUSE, "supplier": "SUP-SHY",
                                          "po_no": f"PO-{lang}"})["receipt_no"]
    receiver.post(f"/receipts/{receipt}/arrival", {"temperature": "12.5", "logger_id": "LOG-2"})
    hand_over(receiver, receipt, cold=True)  # the papers and both signatures, before closing
    page = signed_in(browser, server.url, Role.RECEIVER, lang)
    page.goto(f"{server.url}/stations/receiving/{receipt}")
    scan(page, unit(day.cold_gtin, f"HELD-{lang}", GOOD))
    page.locator(".history li.ok").first.wait_for()
    shown = page.locator(".scan-result.ok").inner_text()
    assert ("到货温度 12.5 °C" if lang == "zh-CN" else "arrival 12.5 °C") in shown
    assert_translated(page, lang)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#close-receipt")
    closed = page.locator("#closed strong")
    closed.wait_for()
    assert closed.inner_text() == ("收货单已关闭，扫描已停止。" if lang == "zh-CN"
                                   else "Receipt closed: scanning has stopped.")
    assert page.locator("#receive").is_hidden() and page.locator("#receive-input").is_disabled()
    assert page.locator("#close-receipt").is_hidden()
    page.keyboard.type(unit(day.cold_gtin, f"HELD-{lang}", GOOD))  # the scanner fires again
    page.keyboard.press("Enter")
    assert page.locator(".history li").count() == 1
    assert len(receiver.client.get(f"/receipts/{receipt}").json()["lines"]) == 1
    page.context.close()
