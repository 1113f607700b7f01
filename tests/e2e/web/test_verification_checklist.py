"""The outbound review checklist in real Chromium: the verifier marks "label mismatch" before
scanning the stents; the scan is recorded in red, the order is held, shipping refuses it, and
the block is on the quality page for the quality manager to decide."""

from __future__ import annotations

import pytest

from medwms.core.errors import DomainError
from medwms.picking import picks
from medwms.shipping.packing import open_shipment
from medwms.verification import blocks
from medwms.verification import service as verification
from tests.e2e.web.live import login, no_horizontal_scroll, scan, shot
from tests.support.builders import NOW
from tests.support.picks import PACER_GTIN, STENT_GTIN, at, standard, unit
from tests.support.users import PASSWORD, actor_of, make_user

HANDHELD = {"width": 360, "height": 740}


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def crew(live_db):
    """SO-1 picked by pat; vera's verification of it started; sam ships, quinn is quality."""
    standard(live_db)
    people = {name: actor_of(make_user(live_db, name, role)) for name, role in (
        ("pat", "picker"), ("vera", "verifier"), ("sam", "shipper"), ("quinn", "quality"))}
    for scan_id, raw, location in (("a", unit(STENT_GTIN, "L1", count=5), "A-01"),
                                   ("b", unit(PACER_GTIN, "PL1", "P1"), "A-02"),
                                   ("c", unit(PACER_GTIN, "PL1", "P2"), "A-02")):
        picks.pick_unit(live_db, actor=people["pat"], wave_no="WAV-1",
                        location_raw=at(location), raw=raw, scan_id=scan_id, now=NOW)
    number = verification.start_verification(live_db, actor=people["vera"], order_no="SO-1",
                                             now=NOW).verification_no
    return people, number


def test_a_failed_label_check_holds_the_order_for_quality(page, server, live_db, crew):
    people, number = crew
    login(page, server.url, "vera", PASSWORD)
    page.goto(f"{server.url}/stations/verification/{number}")
    assert page.locator("#checklist .checklist-state").inner_text() == "全部合格"
    page.check('#checklist input[value="LABEL"]')
    assert "不合格" in page.locator("#checklist .checklist-state").inner_text()
    page.locator("#verify input").first.focus()
    scan(page, unit(STENT_GTIN, "L1", count=5))
    page.locator("#verify .scan-result.bad").wait_for()
    assert "质量" in page.locator("#verify .verdict").inner_text()
    assert not page.is_checked('#checklist input[value="LABEL"]')  # cleared for the next unit
    page.locator(".review-blocks .review-block").wait_for()
    assert no_horizontal_scroll(page)
    shot(page, "verification-checklist-failed")
    for serial in ("P1", "P2"):  # all fine: nothing to press, the scan confirms the four
        scan(page, unit(PACER_GTIN, "PL1", serial))
        page.locator("#verify .scan-result.ok").wait_for()
    with live_db.reading() as s:
        [task] = blocks.review_blocks(s)
    assert task.failed == ("LABEL",) and task.order_no == "SO-1"
    verification.finish(live_db, actor=people["vera"], verification_no=number)
    with pytest.raises(DomainError) as refused:
        open_shipment(live_db, actor=people["sam"], order_no="SO-1")
    assert refused.value.code == "REVIEW_BLOCKED"

    quality = page.context.browser.new_context(viewport=HANDHELD, locale="zh-CN").new_page()
    login(quality, server.url, "quinn", PASSWORD)
    quality.goto(f"{server.url}/quality/review-blocks")
    block = quality.locator(f'.review-block[data-block="{task.id}"]')
    assert "标签缺失" in block.inner_text() and task.udi in block.inner_text()
    block.locator("input[name=decision]").fill("标签已重新打印并核对")
    block.locator("input[name=password]").fill(PASSWORD)
    block.locator("button[type=submit]").click()
    quality.wait_for_url("**/quality/review-blocks?status=CLEARED")
    assert "标签已重新打印并核对" in quality.locator(".review-blocks").inner_text()
    quality.context.close()
    assert open_shipment(live_db, actor=people["sam"], order_no="SO-1").status == "PACKING"
