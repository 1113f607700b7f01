"""Outbound stations in real Chromium: the lists under the scan box follow each scan without a
reload — verification (re-scanned counts and discrepancies), customer returns, transfer
receiving."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from medwms.shipping.packing import add_shipping_unit, open_shipment, pack_scan
from medwms.shipping.returns import open_return
from medwms.shipping.shipments import confirm_shipment
from medwms.verification.service import start_verification
from medwms.verification.tables import Verification
from tests.e2e.web.live import login, scan, shot
from tests.support.shipping import NOW, PACKER, RECEIVER, STENT, Unit, udi, verified_order, world
from tests.support.users import PASSWORD, actor_of, make_user

HANDHELD = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def people(live_db):
    world(live_db)
    return {"vera": actor_of(make_user(live_db, "vera", "verifier")),
            "rita": actor_of(make_user(live_db, "rita", "receiver"))}


@pytest.fixture
def page(browser, server, people):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def stay_on_page(page) -> None:
    page.evaluate("window.sameWindow = true")


def still_on_page(page) -> bool:
    return bool(page.evaluate("window.sameWindow === true"))


def refreshed(page, times: int) -> None:
    """Wait until the live lists were read again after `times` accepted scans (a selector,
    not wait_for_function: the page's policy forbids the eval that one polls with)."""
    page.locator(f"body[data-live-refreshed='{times}']").wait_for(state="attached")


def shipped(db, order_no: str, units: int, **kwargs) -> str:
    """`order_no`, `units` stents of lot L1, packed in one box and shipped."""
    verified_order(db, order_no, [Unit("STENT", "L1", units)], **kwargs)
    number = open_shipment(db, actor=PACKER, order_no=order_no, now=NOW).shipment_no
    box = add_shipping_unit(db, actor=PACKER, shipment_no=number, now=NOW).sscc
    for _ in range(units):
        pack_scan(db, actor=PACKER, shipment_no=number, sscc=box, raw=udi(STENT, "L1"), now=NOW)
    confirm_shipment(db, actor=PACKER, shipment_no=number, carrier="SF", waybill="SF1", now=NOW)
    return number


def test_verification_counts_and_discrepancies_follow_each_scan(page, server, live_db, people):
    verified_order(live_db, "SO-V", [Unit("STENT", "L1", 2)], status="PICKED")
    with live_db.unit_of_work() as uow:  # picked, not yet verified: vera starts the review
        uow.session.execute(delete(Verification).where(Verification.verification_no == "V-SO-V"))
        uow.commit()
    number = start_verification(live_db, actor=people["vera"], order_no="SO-V").verification_no
    login(page, server.url, "vera", PASSWORD)
    page.goto(f"{server.url}/stations/verification/{number}")
    confirmed = page.locator("[data-live=expected] td.confirmed")
    assert confirmed.inner_text() == "0"
    assert page.locator("[data-live=discrepancies] li.discrepancy").count() == 0
    stay_on_page(page)
    scan(page, udi(STENT, "L1"))
    refreshed(page, 1)
    assert confirmed.inner_text() == "1"
    scan(page, udi(STENT, "L7"))  # a lot that was not picked: recorded, and it blocks
    refreshed(page, 2)
    assert "L7" in page.locator(".scan-result").inner_text()
    listed = page.locator("[data-live=discrepancies] li.discrepancy.open")
    assert listed.count() == 1 and listed.get_attribute("data-kind") == "WRONG_LOT"
    assert "L7" in listed.inner_text()
    assert page.locator("[data-live=head] .v-status").get_attribute("class").count("red") == 1
    assert still_on_page(page)
    shot(page, "verification-live-360")


def test_returned_units_are_listed_as_they_are_scanned(page, server, live_db, people):
    shipment_no = shipped(live_db, "SO-R", 2)
    return_no = open_return(live_db, actor=RECEIVER, shipment_no=shipment_no,
                            reason="包装破损 damaged", now=NOW).return_no
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/stations/returns/{return_no}")
    lines = page.locator("[data-live=lines] li:not(.small)")
    assert lines.count() == 0
    stay_on_page(page)
    scan(page, udi(STENT, "L1"))
    refreshed(page, 1)
    assert lines.count() == 1 and "L1" in lines.first.inner_text()
    assert still_on_page(page)


def test_transfer_receiving_counts_each_unit_on_its_line(page, server, live_db, people):
    shipment_no = shipped(live_db, "TR-L", 2, to_warehouse="WHB")
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/stations/transfers/{shipment_no}")
    count = page.locator("[data-live=lines] li", has_text="L1").locator(".count")
    assert count.inner_text() == "0 / 2"
    stay_on_page(page)
    scan(page, udi(STENT, "L1"))
    refreshed(page, 1)
    assert count.inner_text() == "1 / 2"
    assert still_on_page(page)
    shot(page, "transfer-receiving-live-360")
