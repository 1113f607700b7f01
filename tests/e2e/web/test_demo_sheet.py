"""The demo barcode sheet in real Chromium, in both languages and on a 360 px handheld."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from medwms.auth.rules import SYSTEM
from medwms.barcode import parse_scan
from medwms.demo import load_demo
from medwms.demo.sheet import demo_sheet
from medwms.receiving import queries as receiving
from tests.e2e.web.live import login, no_horizontal_scroll, shot
from tests.support.demo import TODAY

HANDHELD = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def demo(live_db):
    return load_demo(live_db, actor=SYSTEM)


@pytest.fixture
def page(browser, server, demo):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, server.url, "picker", "picker-demo-2026")
    yield page
    context.close()


def test_the_sheet_shows_every_demo_barcode_with_chinese_words(page, server, demo, live_db):
    with live_db.reading() as s:
        codes = len(demo_sheet(s).codes)
    page.goto(f"{server.url}/demo/barcodes")
    assert page.locator("h1").inner_text() == "演示条码表"
    assert page.locator("li.code svg").count() == codes
    notice = page.locator("#notice")
    assert "到货通知上的货品" in notice.locator("h2").inner_text()
    assert "冷链货品须先录入到货温度" in notice.inner_text()
    assert "扫描 ×2" in notice.inner_text()
    documents = page.locator("#documents").inner_text()
    for number in (demo.documents.notice, demo.documents.wave, demo.documents.open_order,
                   demo.documents.count_plan, demo.documents.mock_recall):
        assert number in documents
    assert "盘点员：picker, receiver" in page.locator("#count").inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "demo-sheet-zh-360")


def test_the_sheet_in_english_names_items_in_english_and_offers_the_pdf(page, server):
    page.goto(f"{server.url}/lang/en?next=/demo/barcodes")
    assert page.locator("h1").inner_text() == "Demo barcode sheet"
    assert "Units on the advance notice" in page.locator("#notice h2").inner_text()
    assert "Sterile single-use syringe with needle" in page.locator("#notice").inner_text()
    assert "Location labels" in page.locator("#locations h2").inner_text()
    assert "Advance notice" in page.locator("#documents").inner_text()
    link = page.get_by_role("link", name="Download the PDF (A4)")
    answer = page.request.get(f"{server.url}{link.get_attribute('href')}")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    assert no_horizontal_scroll(page)
    shot(page, "demo-sheet-en-360")


def test_the_sheet_is_for_signed_in_users_only(browser, server, demo):
    context = browser.new_context(viewport=HANDHELD)
    page = context.new_page()
    page.goto(f"{server.url}/demo/barcodes")
    assert "/login" in page.url
    context.close()


def screen_scans(page, selector: str) -> list:
    """What a phone would read off the screen: each symbol in `selector`, decoded."""
    found = []
    for symbol in page.locator(selector).all():
        image = Image.open(io.BytesIO(symbol.screenshot()))
        found += [parse_scan(f"{b.symbology_identifier}{b.text}", today=TODAY)
                  for b in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)]
    return found


def test_the_symbols_on_the_screen_scan_back_to_the_notice_and_its_number(page, server, demo,
                                                                           live_db):
    page.goto(f"{server.url}/demo/barcodes")
    with live_db.reading() as s:
        notice = receiving.get_notice(s, demo.documents.notice)
    expected = {(line.gtin, line.lot, serial) for line in notice.lines
                for serial in (line.serials or [None])}
    units = screen_scans(page, "#notice .symbol svg")
    assert {(u.gtin, u.lot, u.serial) for u in units} == expected
    documents = screen_scans(page, "#documents .symbol svg")
    assert [d.document for d in documents][:2] == [demo.documents.notice, demo.documents.wave]
    locations = screen_scans(page, "#locations .symbol svg")
    assert len(locations) == 74 and locations[0].location == "SH1-RCV-01"
