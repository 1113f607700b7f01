"""Inbound stations in real Chromium: the lists under the scan box follow each scan without a
reload (receiving against the notice, the putaway queue), a GS1 Digital Link read with its AIM
prefix is received, and the pages that show times mark the warehouse's zone."""

from __future__ import annotations

import re

import pytest

from medwms.auth.rules import SYSTEM
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Location, Owner
from tests.e2e.web.inbound_data import CARTON_GTIN, GOOD_EXPIRY, carton, prepare
from tests.e2e.web.live import login, scan, shot
from tests.support.users import PASSWORD

HANDHELD = {"width": 360, "height": 740}
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?(?P<zone> [+-]\d{2}:\d{2})?")


@pytest.fixture(scope="module")
def inbound(live_db):
    return prepare(live_db)


@pytest.fixture
def page(browser, server, inbound):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def stay_on_page(page) -> None:
    """Mark the window: a reload or navigation would lose the mark."""
    page.evaluate("window.sameWindow = true")


def still_on_page(page) -> bool:
    return bool(page.evaluate("window.sameWindow === true"))


def times_without_zone(page) -> list[str]:
    """Every date-time in the page's text that lacks its zone offset."""
    text = page.locator("main").inner_text()
    return [m.group(0) for m in MOMENT.finditer(text) if not m.group("zone")]


def digital_link(lot: str) -> str:
    """A GS1 Digital Link in a QR code, as a scanner with AIM prefixes on types it."""
    return f"]Q1https://id.gs1.org/01/{CARTON_GTIN}/10/{lot}?17={GOOD_EXPIRY:%y%m%d}"


def test_the_notice_progress_follows_each_scan_and_times_show_their_zone(page, server,
                                                                         inbound):
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/stations/receiving")
    scan(page, f"#D:{inbound.notice_no}")
    page.wait_for_url(re.compile(r".*/stations/receiving/RCV-.*"))
    receipt_no = page.url.rsplit("/", 1)[1]
    received = page.locator("[data-live=progress] tbody tr", has_text="LOTA1").locator(
        "td.num").nth(1)
    assert received.inner_text() == "0"
    stay_on_page(page)
    scan(page, carton("LOTA1", GOOD_EXPIRY, "C0001"))
    page.locator("body[data-live-refreshed='1']").wait_for(state="attached")
    assert received.inner_text() == "10"
    scan(page, digital_link("LOTA1"))
    page.locator(".history li.ok").nth(1).wait_for()
    assert "20 / 20" in page.locator(".scan-result.ok").inner_text()
    page.locator("body[data-live-refreshed='2']").wait_for(state="attached")
    assert received.inner_text() == "20"
    assert still_on_page(page)
    shot(page, "receiving-progress-live-360")
    for url in ("/receipts", f"/receipts/{receipt_no}", "/lots/STENT/LOTA1"):
        page.goto(f"{server.url}{url}")
        assert "+08:00" in page.locator("main").inner_text(), url
        assert times_without_zone(page) == [], url


@pytest.fixture
def released_at_dock(live_db, inbound):
    """Lot LOTP, released, waiting at the dock."""
    with live_db.unit_of_work() as uow:
        s = uow.session
        item = s.query(Item).filter_by(code="STENT").one()
        lot = Lot(item_id=item.id, lot_no="LOTP", expiry=GOOD_EXPIRY)
        s.add(lot)
        s.flush()
        dock = s.query(Location).filter_by(code="WH1-DOCK-01").one()
        post(s, actor=SYSTEM, doc_type="RCV", doc_no="RCV-LIVE", lines=[Line(
            kind="RECEIVE", owner_id=s.query(Owner).filter_by(code="SELF").one().id,
            item_id=item.id, lot_id=lot.id, quantity=10, to_location_id=dock.id,
            to_status="AVAILABLE")])
        uow.commit()


def test_the_putaway_queue_drops_a_unit_once_it_is_put_away(page, server, inbound,
                                                           released_at_dock):
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/stations/putaway")
    queue = page.locator("[data-live=tasks]")
    assert queue.locator("li", has_text="LOTP").count() == 1
    stay_on_page(page)
    scan(page, carton("LOTP", GOOD_EXPIRY, "C0009"))
    target = page.locator(".panel.target .suggested")
    target.wait_for()
    scan(page, f"#L:{target.inner_text()}")
    page.locator(".panel.target").wait_for(state="hidden")
    queue.locator("li", has_text="LOTP").wait_for(state="detached")
    assert still_on_page(page)
    shot(page, "putaway-queue-live-360")
