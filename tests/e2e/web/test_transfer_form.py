"""The transfer form in real Chromium: a transfer from WH1 to WH2 made on a handheld is an
order of kind TRANSFER that allocates like any order; a transfer to its own warehouse is
refused beside the "to warehouse" field."""

from __future__ import annotations

import re

import pytest

from medwms.orders import queries
from tests.e2e.web.forms_data import DESK, HANDHELD, prepare, signed_in
from tests.e2e.web.live import no_horizontal_scroll, shot


@pytest.fixture(scope="module")
def world(live_db):
    return prepare(live_db)


def fill_transfer(page, to_warehouse: str, lines: list[tuple[str, str, str]]) -> None:
    page.select_option("select[name=warehouse]", "WH1")
    page.select_option("select[name=to_warehouse]", to_warehouse)
    for n, (item, quantity, lot) in enumerate(lines, start=1):
        line = page.locator(f"#order-form fieldset.line[data-row='{n}']")
        line.locator("select[name=item]").select_option(item)
        line.locator("input[name=quantity]").fill(quantity)
        line.locator("input[name=lot]").fill(lot)


def test_a_transfer_made_on_a_handheld_is_allocated_like_an_order(browser, server, live_db,
                                                                   world):
    context, page = signed_in(browser, server.url, "mona", HANDHELD, "zh-CN")
    page.goto(f"{server.url}/orders")
    page.click("a.new-transfer")
    page.wait_for_url("**/orders/new?kind=TRANSFER")
    assert page.locator("select[name=consignee]").count() == 0
    fill_transfer(page, "WH2", [("STENT", "4", "LOTT1")])
    assert no_horizontal_scroll(page)
    shot(page, "transfer-form-360")
    page.click("#order-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/orders/OUT-.*"))
    order_no = page.locator(".panel.order").get_attribute("data-order")
    assert "调拨" in page.locator(".panel.order").inner_text()
    assert "WH1 → WH2" in page.locator(".panel.order").inner_text()
    page.click("button.allocate")
    page.locator(".panel.order[data-status=ALLOCATED]").wait_for()
    assert "LOTT1" in page.locator("section.line[data-line='1'] .allocations").inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "transfer-allocated-360")
    with live_db.reading() as s:
        order = queries.order_view(s, order_no)
    assert (order.kind, order.warehouse, order.to_warehouse) == ("TRANSFER", "WH1", "WH2")
    assert order.status == "ALLOCATED"
    assert [(x.item, x.quantity, x.lot, x.allocated_qty) for x in order.lines] == [
        ("STENT", 4, "LOTT1", 4)]
    context.close()


def test_a_transfer_to_its_own_warehouse_is_refused_beside_the_field(browser, server, live_db,
                                                                      world):
    context, page = signed_in(browser, server.url, "mona", DESK, "en")
    with live_db.reading() as s:
        before = len(queries.list_orders(s))
    page.goto(f"{server.url}/orders/new?kind=TRANSFER")
    fill_transfer(page, "WH1", [("STENT", "2", "")])
    page.click("#order-form button[type=submit]")
    error = page.locator(".field-error[data-field=to_warehouse]")
    error.wait_for()
    assert error.inner_text() == "a transfer goes to another warehouse"
    assert page.locator("select[name=to_warehouse]").get_attribute("aria-invalid") == "true"
    assert page.locator("fieldset.line[data-row='1'] select[name=item]").input_value() == "STENT"
    assert page.locator("input[name=kind]").input_value() == "TRANSFER"
    assert no_horizontal_scroll(page)
    shot(page, "transfer-refused-1280")
    with live_db.reading() as s:
        assert len(queries.list_orders(s)) == before
    context.close()
