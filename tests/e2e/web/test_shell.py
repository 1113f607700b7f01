"""The web shell in real Chromium: sign-in, the menu by role, languages, 360 px, a scan."""

from __future__ import annotations

import pytest

from medwms.auth.rules import SYSTEM
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from tests.e2e.web.live import login, logout, no_horizontal_scroll, scan, shot
from tests.support.builders import gtin, make_item, make_lot, make_site
from tests.support.users import PASSWORD, make_user

HANDHELD = {"width": 360, "height": 740}
STENT_GTIN = gtin("0761234500001")


@pytest.fixture(scope="module")
def shell_data(live_db):
    make_user(live_db, "rita", "receiver")
    make_user(live_db, "ivan", "inspector")
    with live_db.unit_of_work() as uow:
        site = make_site(uow.session)
        item = make_item(uow.session, "STENT", gtin_body=STENT_GTIN[:13])
        lot = make_lot(uow.session, item, "LOTA1")
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="R1", lines=[Line(
            kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
            quantity=10, to_location_id=site.locations[0].id, to_status="AVAILABLE")])
        uow.commit()


@pytest.fixture
def page(browser, server, shell_data):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def menu_links(page) -> list[str]:
    return page.eval_on_selector_all(".menu nav a", "els => els.map(e => e.getAttribute('href'))")


def test_an_anonymous_visitor_is_sent_to_sign_in(page, server):
    page.goto(f"{server.url}/stock")
    assert "/login" in page.url
    assert page.locator("h1").inner_text() == "登录"


def test_a_wrong_password_is_refused_in_chinese(page, server):
    login(page, server.url, "rita", "not-the-password")
    assert "用户名或密码错误" in page.locator(".msg.bad").inner_text()


def test_the_menu_shows_what_each_role_may_do(page, server):
    login(page, server.url, "rita", PASSWORD)
    receiver = menu_links(page)
    assert "/stations/receiving" in receiver
    assert "/stations/inspection" not in receiver
    logout(page)
    login(page, server.url, "ivan", PASSWORD)
    inspector = menu_links(page)
    assert "/stations/inspection" in inspector
    assert "/stations/receiving" not in inspector


def test_the_language_switch_shows_english_and_back(page, server):
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/stock")
    assert page.locator("h1").inner_text() == "库存"
    page.click("a[lang=en]")
    page.wait_for_url("**/stock")
    assert page.locator("h1").inner_text() == "Stock"
    assert page.locator(".status.green").first.inner_text() == "Available"
    shot(page, "stock-360-en")
    page.click("a[lang=zh-CN]")
    assert page.locator("h1").inner_text() == "库存"


def test_pages_fit_a_360_px_handheld(page, server):
    login(page, server.url, "rita", PASSWORD)
    for path in ("/", "/stock", "/stock?item=STENT", "/stations/scan", "/lots/STENT/LOTA1"):
        page.goto(server.url + path)
        assert no_horizontal_scroll(page), path
    page.goto(f"{server.url}/")
    page.click("details.menu summary")
    assert no_horizontal_scroll(page)
    shot(page, "home-menu-360")


def test_a_scanner_typed_udi_is_decoded_green(page, server):
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/stations/scan")
    scan(page, f"]d201{STENT_GTIN}17280630" "10LOTA1\x1d21SN0001")
    result = page.locator(".scan-result.ok")
    result.wait_for()
    text = result.inner_text()
    assert "STENT" in text and "LOTA1" in text and "SN0001" in text and "2028-06-30" in text
    assert page.locator(".scan").get_attribute("data-sound") == "ok"
    assert page.evaluate("document.activeElement.classList.contains('scan-input')")
    shot(page, "scan-ok-360")


def test_a_bad_check_digit_is_refused_red_with_the_reason(page, server):
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/stations/scan")
    scan(page, "]d20107612345000016")
    result = page.locator(".scan-result.bad")
    result.wait_for()
    assert "校验" in result.inner_text()
    assert page.locator(".history li.bad").count() == 1
    assert page.locator(".scan").get_attribute("data-sound") == "refused"
    shot(page, "scan-refused-360")


def test_a_scan_lost_on_the_network_is_retried_with_the_same_id(page, server):
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/stations/scan")
    sent: list[str] = []

    def drop_first_answer(route):
        sent.append(route.request.headers["idempotency-key"])
        if len(sent) == 1:
            route.fetch()  # the server applies it, the answer is lost on the way back
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/scan/parse", drop_first_answer)
    scan(page, f"]d201{STENT_GTIN}10LOTA1")
    page.locator(".history li.wait", has_text="未发送").wait_for()
    page.locator(".scan-result.ok").wait_for()
    assert len(sent) == 2 and sent[0] == sent[1]
    assert page.locator(".scan").get_attribute("data-replayed") == "true"


def test_a_page_the_role_may_not_use_says_why(page, server):
    login(page, server.url, "ivan", PASSWORD)
    response = page.goto(f"{server.url}/stations/receiving")
    assert response.status == 403
    assert "没有权限" in page.locator(".msg.bad").inner_text()
