"""The counting flow in real Chromium: a manager makes a plan on the page → a counter counts
blind by scanning (the book quantity is never in the page nor in the JSON it receives; a
mistaken scan is deleted; empty bins are closed empty) → the variance sends the bin to a
recount that the first counter is refused and a second counter does → the manager sets a
reason and approves with a signature → the ledger shows the adjustment and verifies."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from medwms.counting import plans
from medwms.ledger.verify import verify
from tests.e2e.web.live import login, logout, no_horizontal_scroll, scan
from tests.support.counting import bin_scan, glove_scan, make_crew, setup_store, stock
from tests.support.users import PASSWORD

HANDHELD = {"width": 360, "height": 740}
SCREENS = Path("/tmp/medwms-screens-counting")
BOOK = 4873          # gloves of lot L1 in bin 1: a number that cannot appear by chance
FIRST = 4870         # ann's count (−3: outside a zero tolerance → recount)
SECOND = 4871        # bob's recount (−2: the adjustment)
FORBIDDEN_KEYS = {"expected", "variance", "balance", "on_hand", "stock", "recounted", "value",
                  "within_tolerance", "needs_recount", "total_quantity"}


@pytest.fixture
def page(browser, server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def prepare(db) -> None:
    """WH1 with four bins, BOOK gloves in bin 1, counters ann and bob, manager max."""
    store = setup_store(db)
    with db.unit_of_work() as uow:
        stock(uow.session, store, 1, BOOK)
        uow.commit()
    crew = make_crew(db)
    plans.set_policy(db, actor=crew.max, abc="C", interval_days=365, tolerance_units=0,
                     tolerance_pct=Decimal(0))


def shot(page, name: str) -> None:
    """A full-page screenshot at 360 px, after checking the page does not scroll sideways."""
    assert no_horizontal_scroll(page), name
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def accepted(page, n: int) -> None:
    """Wait until the station's history shows `n` accepted scans."""
    page.locator(".history li.ok").nth(n - 1).wait_for()


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


class Received:
    """Every JSON answer of the counting API that a page receives (caught on the way in)."""

    def __init__(self, page) -> None:
        self.bodies: list[Any] = []
        page.route("**/api/v1/counting/**", self.keep)

    def keep(self, route) -> None:
        response = route.fetch()
        if "json" in response.headers.get("content-type", ""):
            self.bodies.append(response.json())
        route.fulfill(response=response)

    def assert_blind(self) -> None:
        assert self.bodies
        for body in self.bodies:
            problem = str(body.get("type", "")).startswith("urn:medwms:error")
            assert problem or not keys_of(body) & FORBIDDEN_KEYS, body
            assert str(BOOK) not in json.dumps(body), body


def assert_blind_page(page) -> None:
    """Neither the HTML nor the page's text carries the book quantity."""
    assert str(BOOK) not in page.content()


def create_plan_on_the_page(page, url: str) -> str:
    login(page, url, "max", PASSWORD)
    page.goto(f"{url}/counting/new")
    page.check("input[name=kind][value=FULL]")
    page.check("input[name=counters][value=ann]")
    page.check("input[name=counters][value=bob]")
    page.fill("input[name=deadline]", "2099-12-31")
    shot(page, "plan-new-360")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/counting/plans/CNT.*"))
    assert page.locator("[data-tasks=OPEN] strong").inner_text() == "4"
    plan_no = page.locator(".panel.count-plan-admin").get_attribute("data-plan")
    logout(page)
    return plan_no


def open_location(page, url: str, plan_no: str, bin_no: int) -> None:
    page.goto(f"{url}/stations/counting/plans/{plan_no}")
    scan(page, bin_scan(bin_no))
    page.wait_for_url(re.compile(r".*/stations/counting/tasks/\d+"))


def close_location(page, *, empty: bool) -> None:
    if empty:  # "close this location as empty?"
        page.once("dialog", lambda dialog: dialog.accept())
    page.click("#close-empty" if empty else "#close")
    page.locator("p.closed").wait_for()


def first_count(page, url: str, plan_no: str) -> None:
    login(page, url, "ann", PASSWORD)
    received = Received(page)
    page.goto(f"{url}/stations/counting")
    page.click("details.menu summary")
    assert page.locator("nav a[href='/stations/counting']").inner_text() == "盘点"
    page.click("details.menu summary")
    shot(page, "count-open-360")
    page.focus("#plan-input")
    scan(page, f"#D:{plan_no}")
    page.wait_for_url(f"**/stations/counting/plans/{plan_no}")
    assert page.locator("ul.locations li[data-location]").count() == 4
    scan(page, "#L:WH9-NOWHERE")  # not a location of this plan: refused, nothing opened
    page.locator(".scan-result.bad").wait_for()
    shot(page, "count-plan-refused-360")
    scan(page, bin_scan(1))
    page.wait_for_url(re.compile(r".*/stations/counting/tasks/\d+"))
    count_bin_one(page)
    close_location(page, empty=False)
    for bin_no in (2, 3, 4):
        open_location(page, url, plan_no, bin_no)
        assert page.locator("#close-empty").is_visible()
        close_location(page, empty=True)
    shot(page, "count-plan-done-360")
    received.assert_blind()
    refused_recount(page)
    answer = page.goto(f"{url}/counting/plans/{plan_no}")  # the variance page is for managers
    assert answer is not None and answer.status == 403
    assert_blind_page(page)
    page.goto(f"{url}/stations/counting")
    logout(page)


def count_bin_one(page) -> None:
    """Two boxes, a single glove by mistake (deleted), then a pack with a keyed quantity."""
    for n, raw in enumerate([glove_scan(), glove_scan(), glove_scan(each=True)], start=1):
        scan(page, raw)
        accepted(page, n)
    assert page.locator(".panel .units").inner_text() == "21"
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("li.entry[data-quantity='1'] button.remove").click()
    page.locator("li.entry[data-quantity='1']").wait_for(state="detached")
    page.fill("#pack-quantity", str(FIRST - 20))
    page.press("#pack-quantity", "Enter")
    scan(page, glove_scan())
    accepted(page, 4)
    assert page.locator(".panel .units").inner_text() == str(FIRST)
    assert page.locator("li.entry").count() == 3
    assert_blind_page(page)
    shot(page, "count-bin-360")
    page.reload()  # what the server renders is the counter's own scans only
    assert page.locator(".panel .units").inner_text() == str(FIRST)
    assert_blind_page(page)


def refused_recount(page) -> None:
    """Bin 1 waits for a recount, which its first counter may not do."""
    assert page.locator("ul.locations li[data-location]").count() == 0
    scan(page, bin_scan(1))
    refused = page.locator(".scan-result.bad")
    refused.wait_for()
    assert "复盘" in refused.inner_text() and "ann" in refused.inner_text()
    assert "/stations/counting/plans/" in page.url
    shot(page, "recount-refused-360")


def recount(page, url: str, plan_no: str) -> None:
    login(page, url, "bob", PASSWORD)
    received = Received(page)
    page.goto(f"{url}/stations/counting/plans/{plan_no}")
    row = page.locator("ul.locations li[data-location='WH1-A-01']")
    assert row.get_attribute("data-round") == "2"
    row.locator("button.start").click()
    page.wait_for_url(re.compile(r".*/stations/counting/tasks/\d+"))
    page.fill("#pack-quantity", str(SECOND - 10))
    page.press("#pack-quantity", "Enter")
    scan(page, glove_scan())
    accepted(page, 1)
    scan(page, glove_scan())
    accepted(page, 2)
    assert page.locator(".panel .units").inner_text() == str(SECOND)
    assert_blind_page(page)
    shot(page, "recount-bin-360")
    close_location(page, empty=False)
    received.assert_blind()
    logout(page)


def approve_with_signature(page, url: str, plan_no: str) -> None:
    login(page, url, "max", PASSWORD)
    page.goto(f"{url}/counting/plans/{plan_no}")
    line = page.locator("ul.variances li.variance")
    assert line.count() == 1
    cells = line.locator(".figures dd").all_inner_texts()
    assert cells == [str(BOOK), str(FIRST), str(SECOND), "-2", "-5.00"], cells
    line.locator("select[name=reason]").select_option("DAMAGED")
    page.click("button.save-reasons")
    page.wait_for_load_state()
    page.locator("ul.variances select[name=reason] option[value=DAMAGED][selected]").wait_for(
        state="attached")
    page.fill("#approve-form input[name=password]", "wrong-password")
    page.click("#approve-form button[type=submit]")
    page.locator("#approve-form .msg:not([hidden])").wait_for()
    assert page.locator(".panel[data-status=APPROVED]").count() == 0
    shot(page, "plan-variances-360")
    page.fill("#approve-form input[name=password]", PASSWORD)
    page.click("#approve-form button[type=submit]")
    page.locator(".panel.count-plan-admin[data-status=APPROVED]").wait_for()
    assert "max" in page.locator(".panel .signed").inner_text()
    assert page.locator("a.report-pdf").count() == 1
    shot(page, "plan-approved-360")


def check_the_ledger(page, url: str, live_db, plan_no: str) -> None:
    moves = page.request.get(f"{url}/api/v1/movements?item=GLOVE&lot=L1").json()
    counted = [m for m in moves if m["doc_type"] == "CNT"]
    assert [(m["doc_no"], m["quantity"]) for m in counted] == [(plan_no, 2)], counted
    pdf = page.request.get(f"{url}/api/v1/counting/plans/{plan_no}/report.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    xlsx = page.request.get(f"{url}/api/v1/counting/plans/{plan_no}/report.xlsx")
    assert xlsx.ok and xlsx.body()[:2] == b"PK"
    page.goto(f"{url}/lots/GLOVE/L1")
    assert page.locator("td", has_text=plan_no).count() >= 1
    shot(page, "lot-adjusted-360")
    page.goto(f"{url}/counting")
    assert page.locator(f".plans li[data-plan='{plan_no}'][data-status=APPROVED]").count() == 1
    shot(page, "plans-kpi-360")
    with live_db.reading() as s:
        assert verify(s).ok


def test_a_blind_count_is_recounted_approved_and_posted(page, server, live_db):
    prepare(live_db)
    plan_no = create_plan_on_the_page(page, server.url)
    first_count(page, server.url, plan_no)
    recount(page, server.url, plan_no)
    approve_with_signature(page, server.url, plan_no)
    check_the_ledger(page, server.url, live_db, plan_no)

