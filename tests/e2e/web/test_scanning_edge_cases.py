"""What scanners really send, in real Chromium: labels and GS1 Digital Links behind an AIM
prefix, GTINs of zeros and GTINs nobody knows, and another serial of the allocated lot at
picking — taken, said in amber and recorded."""

from __future__ import annotations

import re

import pytest

from tests.e2e.web.live import login, scan, shot
from tests.support.builders import gtin
from tests.support.picks import PACER_GTIN, standard
from tests.support.users import PASSWORD, make_user

HANDHELD = {"width": 360, "height": 740}
PACER = gtin(PACER_GTIN)
UNKNOWN = gtin("0690000009991")


@pytest.fixture(scope="module")
def floor(live_db):
    """Wave WAV-1: PACER lot PL1 serials P1 and P2 allocated at WH1-A-02, P3 free there."""
    standard(live_db)
    make_user(live_db, "pat", "picker")


@pytest.fixture
def page(browser, server, floor):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, server.url, "pat", PASSWORD)
    yield page
    context.close()


def last_answer(page, n: int):
    """The result box once the station's history shows `n` answered scans."""
    page.locator(".history li:not(.wait)").nth(n - 1).wait_for()
    return page.locator(".scan-result")


def digital_link(serial: str) -> str:
    return f"]Q1https://id.gs1.org/01/{PACER}/10/PL1/21/{serial}?17=280131"


def test_a_substituted_serial_is_picked_said_in_amber_and_shown_on_the_pick_list(page, server):
    page.goto(f"{server.url}/stations/picking")
    scan(page, "]C0#D:WAV-1")  # the wave label, read with the scanner's AIM prefix
    page.wait_for_url("**/stations/picking/WAV-1")
    scan(page, "]Q1#L:WH1-A-02")
    page.locator(".panel.picking .here:not([hidden])").wait_for()
    assert page.locator(".panel.picking .location").inner_text() == "WH1-A-02"
    scan(page, digital_link("P3"))
    answer = last_answer(page, 2)
    assert "warn" in answer.get_attribute("class")
    warning = answer.locator(".scan-warnings li").inner_text()
    assert "P3" in warning and "P1" in warning
    assert page.locator(".history li.warn").count() == 1
    page.locator(".stops li[data-location='WH1-A-02'] .tasks li", has_text="P3").wait_for()
    assert page.locator(".stops li[data-location='WH1-A-02'] .tasks li",
                        has_text="P1").count() == 0
    shot(page, "picking-serial-substituted-360")
    scan(page, "]C0#L:WH1-A-01")  # another location label, AIM prefix and all
    # a selector, not wait_for_function: the page's policy forbids the eval it polls with
    page.locator(".panel.picking .location").filter(
        has_text=re.compile(r"^WH1-A-01$")).wait_for()


def test_gtins_of_zeros_and_unknown_gtins_are_refused_at_picking_by_name(page, server):
    page.goto(f"{server.url}/stations/picking/WAV-1")
    scan(page, "#L:WH1-A-02")
    last_answer(page, 1)
    scan(page, f"]d201{'0' * 14}10PL1")
    zeros = last_answer(page, 2)
    assert "bad" in zeros.get_attribute("class") and "全为零" in zeros.inner_text()
    scan(page, f"]d201{UNKNOWN}10PL1")
    unknown = last_answer(page, 3)
    assert "bad" in unknown.get_attribute("class") and UNKNOWN in unknown.inner_text()


def test_the_scan_check_warns_of_an_unknown_gtin_and_refuses_zeros(page, server):
    page.goto(f"{server.url}/stations/scan")
    scan(page, f"]Q1https://id.gs1.org/01/{UNKNOWN}/10/L1")
    unknown = last_answer(page, 1)
    assert "warn" in unknown.get_attribute("class")
    assert UNKNOWN in unknown.locator(".scan-warnings").inner_text()
    assert page.locator(".scan").get_attribute("data-sound") == "warning"
    scan(page, digital_link("P1"))
    known = last_answer(page, 2)
    assert "warn" not in known.get_attribute("class") and "PACER" in known.inner_text()
    scan(page, "0" * 13)
    zeros = last_answer(page, 3)
    assert "bad" in zeros.get_attribute("class") and "全为零" in zeros.inner_text()
    shot(page, "scan-check-zeros-360")
