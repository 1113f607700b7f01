"""A held cold scan at the receiving station, in real Chromium: posted once, by the person.

A 2–8 °C carton scanned before the arrival temperature is held (nothing posted). Recording the
temperature posts nothing either: the held scan stays shown with "post" and "discard". The
receiver's habitual re-scan of the carton then receives it once — 10 units, not 20 — and the
held scan is still only offered. On a second receipt the receiver posts the held scan with
the button instead."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medwms.ledger.tables import Movement
from medwms.receiving import service
from medwms.receiving.tables import Receipt
from tests.e2e.web.live import login, no_horizontal_scroll, scan, shot
from tests.support.receiving import COLD_BOX, RECEIVER, Inbound, inbound, udi
from tests.support.users import PASSWORD, make_user

HANDHELD = {"width": 360, "height": 740}
CARTON = udi(COLD_BOX, lot="C1", expiry=date(2028, 6, 30))  # a box of 10 vaccine carriers


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def site(live_db) -> Inbound:
    """The receiving site of tests.support.receiving and a receiver, once per module."""
    make_user(live_db, "rita", "receiver", display_name="收货员 Rita")
    return inbound(live_db)


def open_receipt(db, site: Inbound, po_no: str) -> str:
    return service.open_receipt(db, actor=RECEIVER, warehouse=site.warehouse, po_no=po_no,
                                supplier=site.supplier).receipt_no


def received(db, receipt_no: str) -> int:
    """Units the ledger received on the receipt."""
    with db.reading() as s:
        return int(s.scalar(select(func.coalesce(func.sum(Movement.quantity), 0)).where(
            Movement.kind == "RECEIVE", Movement.doc_no == receipt_no)))


class ScanPosts:
    """Counts the scans the page sends to the receipt (whatever their answer)."""

    def __init__(self, page) -> None:
        self.n = 0
        page.on("request", self.seen)

    def seen(self, request) -> None:
        if request.method == "POST" and re.search(r"/api/v1/receipts/[^/]+/scans$", request.url):
            self.n += 1


def scan_and_hold(page, url: str, receipt_no: str) -> ScanPosts:
    page.goto(f"{url}/stations/receiving/{receipt_no}")
    posts = ScanPosts(page)
    scan(page, CARTON)
    page.locator(".scan-result.bad").wait_for()  # ARRIVAL_REQUIRED: refused, nothing posted
    assert posts.n == 1
    return posts


def record_arrival(page) -> None:
    page.fill("#arrival-form input[name=temperature]", "5.0")
    page.fill("#arrival-form input[name=logger_id]", "LOG-77")
    page.click("#arrival-form button[type=submit]")
    page.locator(".arrival-shown", has_text="5.0").wait_for()


def test_a_held_scan_is_not_sent_again_by_itself(page, server, live_db, site):
    receipt_no = open_receipt(live_db, site, "PO-HELD-1")
    login(page, server.url, "rita", PASSWORD)
    posts = scan_and_hold(page, server.url, receipt_no)
    record_arrival(page)
    page.wait_for_timeout(800)  # time enough for any re-send to leave the page
    assert posts.n == 1 and received(live_db, receipt_no) == 0
    assert page.locator(".history li.ok").count() == 0
    assert page.locator(".history li.held").count() == 1  # shown as held, not as sent
    assert page.locator("#held").is_visible() and page.locator("#post-held").is_enabled()
    assert no_horizontal_scroll(page)
    shot(page, "receiving-held-360")
    scan(page, CARTON)  # the receiver's habit: scan the carton again
    page.locator(".history li.ok").wait_for()
    assert received(live_db, receipt_no) == 10
    assert posts.n == 2
    assert page.locator("#held").is_visible()  # still only offered, never sent by itself
    assert "同一条码已重新扫描" in page.locator("#held .held-note").inner_text()
    page.click("#discard-held")
    assert page.locator("#held").is_hidden()
    page.wait_for_timeout(300)
    assert posts.n == 2 and received(live_db, receipt_no) == 10


def test_the_held_scan_is_posted_by_the_button(page, server, live_db, site):
    receipt_no = open_receipt(live_db, site, "PO-HELD-2")
    login(page, server.url, "rita", PASSWORD)
    posts = scan_and_hold(page, server.url, receipt_no)
    assert page.locator("#held").is_visible()
    assert page.locator("#post-held").is_disabled()  # no arrival yet: posting would fail
    record_arrival(page)
    assert received(live_db, receipt_no) == 0
    page.click("#post-held")
    page.locator(".history li.ok").wait_for()
    assert page.locator("#held").is_hidden()
    assert posts.n == 2 and received(live_db, receipt_no) == 10
    with live_db.reading() as s:
        arrival = s.scalar(select(Receipt.arrival_temp).where(Receipt.receipt_no == receipt_no))
    assert arrival == Decimal("5.0")
