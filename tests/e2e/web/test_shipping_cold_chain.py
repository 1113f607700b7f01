"""Cold chain at the shipping station in real Chromium: it follows the storage condition.

Cotton swabs stored at ≤ 30 °C are ambient goods: the page neither ticks the cold box nor asks
for a box, a logger or a dispatch temperature, and they ship in a plain unit. A 2–8 °C reagent
still opens the cold-box form, and an ambient unit is refused for it. The carrier field offers
the carriers in use from master data, and still takes any name."""

from __future__ import annotations

import re

import pytest

from medwms.auth.rules import SYSTEM
from medwms.masterdata import service
from tests.e2e.web.live import login, no_horizontal_scroll, scan, shot
from tests.support.shipping import COLD, SWAB, Unit, udi, verified_order, world
from tests.support.users import PASSWORD, make_user

HANDHELD = {"width": 360, "height": 740}


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def prepare(db) -> None:
    """A shipper, and two verified orders: swabs (≤ 30 °C) and a reagent (2–8 °C)."""
    world(db)
    make_user(db, "pete", "shipper", display_name="发货员 Pete")
    verified_order(db, "SO-SWAB", [Unit("SWAB", "S1", 2)])
    verified_order(db, "SO-COLD", [Unit("COLD", "C1", 1)])
    for code, name in (("SF", "顺丰速运"), ("JD", "京东物流"), ("ZT", "中通冷链")):
        service.create_partner(db=db, actor=SYSTEM, values={"code": code, "name": name,
                                                            "kind": "CARRIER"})
    service.deactivate_partner(db=db, actor=SYSTEM, key="ZT", reason="合同终止")


def open_packing(page, url: str, order_no: str) -> None:
    page.goto(f"{url}/stations/shipping")
    page.click(f"button.start[data-order='{order_no}']")
    page.wait_for_url(re.compile(r".*/stations/shipping/SHP-.*"))


def cold_form(page) -> dict[str, bool]:
    """What the page demands: the hint, the ticked cold box, the visible cold fields."""
    return {"hint": page.locator(".cold-hint").count() == 1,
            "ticked": page.locator("#unit-form input[name=cold]").is_checked(),
            "fields": page.locator("#unit-form .cold-fields").is_visible()}


def ship_swabs_in_an_ambient_unit(page, url: str) -> None:
    open_packing(page, url, "SO-SWAB")
    assert cold_form(page) == {"hint": False, "ticked": False, "fields": False}
    assert page.locator("tr[data-key='SWAB|S1|']").get_attribute("data-cold") == "false"
    assert no_horizontal_scroll(page)
    shot(page, "shipping-ambient-swabs-360")
    page.click("#unit-form button[type=submit]")  # nothing to fill in
    page.locator(".units li.unit[data-cold=false]").wait_for()
    for n in (1, 2):
        scan(page, udi(SWAB, "S1"))
        page.locator(".history li.ok").nth(n - 1).wait_for()
    assert page.locator(".pack-left").inner_text() == "0"
    carrier = page.locator("#confirm-form input[name=carrier]")
    offered = page.locator(f"datalist#{carrier.get_attribute('list')} option")
    assert offered.evaluate_all("os => os.map(o => o.value)") == ["京东物流", "顺丰速运"]
    carrier.fill("顺丰速运")
    page.fill("#confirm-form input[name=waybill]", "SF0000000030")
    page.click("#confirm-form button[type=submit]")
    page.locator(".panel.shipment[data-status=SHIPPED]").wait_for()


def the_reagent_still_demands_the_cold_box(page, url: str) -> None:
    open_packing(page, url, "SO-COLD")
    assert page.locator("tr[data-key='COLD|C1|']").get_attribute("data-cold") == "true"
    assert cold_form(page) == {"hint": True, "ticked": True, "fields": True}
    page.click("#unit-form button[type=submit]")  # the box, logger and temperature are due
    refusal = page.locator("#unit-form .msg:not([hidden])")
    refusal.wait_for()
    assert "冷链" in refusal.inner_text()
    assert page.locator(".units li.unit").count() == 0
    page.locator("#unit-form input[name=cold]").set_checked(False)
    page.click("#unit-form button[type=submit]")
    page.locator(".units li.unit[data-cold=false]").wait_for()
    scan(page, udi(COLD, "C1"))  # into the ambient unit: refused
    page.locator(".scan-result.bad").wait_for()
    assert page.locator(".pack-left").inner_text() == "1"
    shot(page, "shipping-cold-reagent-360")


def test_ambient_goods_ship_without_cold_details_and_cold_goods_still_need_them(
        page, server, live_db):
    prepare(live_db)
    login(page, server.url, "pete", PASSWORD)
    ship_swabs_in_an_ambient_unit(page, server.url)
    the_reagent_still_demands_the_cold_box(page, server.url)
