"""A complaint in real Chromium, on the demo data: the quality manager traces the lot the demo
shipped to 协和, logs the hospital's complaint on it from the trace page, finds it listed on
that lot's trace, is refused closing it without the cause and actions, records them and
closes it — in zh-CN."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from medwms.auth.rules import SYSTEM, Role
from medwms.complaints import queries
from medwms.demo import load_demo
from medwms.demo.catalogue import demo_password
from medwms.demo.choose import unit_gtin
from medwms.demo.numbers import SHIPPED_ORDER
from medwms.orders import queries as orders
from tests.e2e.web.live import login, no_horizontal_scroll, shot
from tests.e2e.web.untranslated import assert_translated

CUSTOMER = "CUS-PUMCH"
QUALITY = Role.QUALITY_MANAGER


@dataclass(frozen=True)
class Shipped:
    gtin: str
    lot: str


@pytest.fixture(scope="module")
def shipped(live_db) -> Shipped:
    load_demo(live_db, actor=SYSTEM)
    with live_db.reading() as s:
        line = orders.order_view(s, SHIPPED_ORDER).lines[0]
        lot = sorted({a.lot for a in line.allocations if a.lot})[0]
        return Shipped(unit_gtin(s, line.item), lot)


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"#{form} button[type=submit]")


def trace_row(page, url: str, shipped: Shipped, number: str):
    page.goto(f"{url}/trace?gtin={shipped.gtin}&lot={shipped.lot}")
    return page.locator("table.trace-complaints tr", has_text=number)


def test_a_complaint_logged_on_a_lot_shows_on_its_trace_and_is_closed(browser, server,
                                                                      live_db, shipped):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/lang/zh-CN?next=/login")
    login(page, server.url, QUALITY.value, demo_password(QUALITY))

    page.goto(f"{server.url}/trace?gtin={shipped.gtin}&lot={shipped.lot}")
    with page.expect_navigation():
        page.click("a.log-complaint")
    assert page.input_value("input[name=gtin]") == shipped.gtin
    assert page.input_value("input[name=lots]") == shipped.lot
    page.check("input[name=kind][value=COMPLAINT]")
    page.fill("input[name=customer]", CUSTOMER)
    page.fill("textarea[name=description]", "手术室开包时发现内包装密封不严")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/quality/complaints/CMP-[^/]*$"))
    number = page.url.rsplit("/", 1)[1]
    assert shipped.lot in page.locator("dd.units").inner_text()
    assert_translated(page, "zh-CN")

    row = trace_row(page, server.url, shipped, number)
    assert "质量投诉" in row.inner_text() and "进行中" in row.inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "trace-with-complaint-1280")

    with page.expect_navigation():
        row.locator("a").click()
    submit(page, "close-form")
    refusal = page.locator(".refusal").first.inner_text()
    assert "尚不能关闭" in refusal and "未登记查明的原因" in refusal
    page.fill("#findings-form textarea[name=cause]", "运输途中受压导致封口破损")
    page.fill("#findings-form textarea[name=actions]", "为医院更换同批号产品，提醒承运商加固包装")
    page.fill("#findings-form textarea[name=reply]", "已电话答复设备科并更换产品")
    submit(page, "findings-form")
    assert page.locator("dd.status").inner_text() == "调查中"
    submit(page, "close-form")
    assert page.locator("dd.status").inner_text() == "已完成"
    assert page.locator("#close-form").count() == 0
    assert_translated(page, "zh-CN")

    assert "已完成" in trace_row(page, server.url, shipped, number).inner_text()
    with live_db.reading() as s:
        closed = queries.complaint_view(s, number)
    assert (closed.status, closed.customer) == ("CLOSED", CUSTOMER)
    assert closed.closed_by is not None and closed.replied_by is not None
    context.close()
