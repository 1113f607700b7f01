"""Pages on a closed network and a small screen: the API docs with no internet, not-found pages
in the UI language, and the stock table at 360 px with location and quantity in sight."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from medwms.auth.rules import SYSTEM
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.masterdata.tables import Location
from tests.e2e.web.live import login, shot
from tests.support.builders import make_item, make_lot, make_site
from tests.support.users import PASSWORD, make_user

HANDHELD = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
LONG_LOCATION = "WH1-COLD-A-12-03-4"


@pytest.fixture(scope="module")
def stock_data(live_db):
    make_user(live_db, "kim", "manager")
    with live_db.unit_of_work() as uow:
        s = uow.session
        site = make_site(s, locations=1)
        far = Location(warehouse_id=site.warehouse.id, zone_id=site.locations[0].zone_id,
                       code=LONG_LOCATION, barcode=f"#L:{LONG_LOCATION}")
        s.add(far)
        s.flush()
        item = make_item(s, "MDT-STENT-0042")
        lot = make_lot(s, item, "2501030117-B")
        post(s, actor=SYSTEM, doc_type="RCV", doc_no="R1", lines=[Line(
            kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
            quantity=12345, to_location_id=far.id, to_status="QUARANTINE")])
        uow.commit()


def closed_network(browser, viewport, locale):
    """A browser context that can reach 127.0.0.1 only; what it tried elsewhere is listed."""
    context = browser.new_context(viewport=viewport, locale=locale)
    outside: list[str] = []

    def only_local(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page, outside


def test_the_api_docs_render_without_internet(browser, server):
    context, page, outside = closed_network(browser, DESK, "en")
    page.goto(f"{server.url}/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "medwms" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary-path", has_text="/api/v1/scan/parse").first.wait_for()
    shot(page, "docs-offline-1280")
    page.goto(f"{server.url}/redoc")
    assert page.url == f"{server.url}/docs"
    page.locator(".swagger-ui .info .title").wait_for()
    assert outside == []
    context.close()


def test_an_unknown_url_is_the_not_found_page_in_the_ui_language(browser, server):
    context, page, _outside = closed_network(browser, HANDHELD, "zh-CN")
    answer = page.goto(f"{server.url}/no/such/page")
    assert answer.status == 404
    assert answer.headers["content-type"].startswith("text/html")
    refusal = page.locator(".msg.bad[data-code=NOT_FOUND]")
    assert refusal.inner_text() == "没有此页面：/no/such/page。"
    page.click("a[lang=en]")
    page.goto(f"{server.url}/no/such/page")
    assert refusal.inner_text() == "There is no page at /no/such/page."
    api = page.request.get(f"{server.url}/api/v1/no-such-thing")
    assert api.status == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["code"] == "NOT_FOUND"
    context.close()


def test_a_lot_that_does_not_exist_is_a_not_found_page(browser, server, stock_data):
    context, page, _outside = closed_network(browser, HANDHELD, "zh-CN")
    login(page, server.url, "kim", PASSWORD)
    answer = page.goto(f"{server.url}/lots/MDT-STENT-0042/NO-SUCH-LOT")
    assert answer.status == 404
    assert page.locator(".msg.bad[data-code=LOT_NOT_FOUND]").inner_text() == \
        "物料 MDT-STENT-0042 没有批号 NO-SUCH-LOT。"
    assert page.goto(f"{server.url}/lots/MDT-STENT-0042/2501030117-B").status == 200
    context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_stock_table_keeps_location_and_quantity_in_sight_at_360_px(browser, server,
                                                                       stock_data, locale):
    context, page, _outside = closed_network(browser, HANDHELD, locale)
    login(page, server.url, "kim", PASSWORD)
    if locale == "en":
        page.click("a[lang=en]")
    page.goto(f"{server.url}/stock")
    row = page.locator(f"table.stock tr[data-location='{LONG_LOCATION}']")
    for cell in ("td.loc", "td.item", "td.lot", "td.num"):
        box = row.locator(cell).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, cell
    assert row.locator("td.num").inner_text() == "12345"
    assert row.get_attribute("data-colour") == "yellow"  # the location cell's edge
    shot(page, f"stock-360-{locale}")
    context.close()
