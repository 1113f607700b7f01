"""A count that used to get stuck, walked in real Chromium.

The manager makes a plan with one counter (the page warns, the server refuses until the manager
accepts it) → ann counts a variance → bob, not on the plan, is refused the recount → the manager
adds bob on the plan page → bob recounts → the manager approves. A second one-counter plan: the
manager assigns its recount to bob by name, then cancels the plan with a reason — bob's station
no longer offers it, and nothing is posted."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medwms.counting import plans
from medwms.ledger.tables import Movement
from tests.e2e.web.live import login, logout, no_horizontal_scroll, scan, shot
from tests.support.counting import bin_scan, count_bin, glove_scan, make_crew, setup_store, stock
from tests.support.users import PASSWORD

HANDHELD = {"width": 360, "height": 740}


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # "close empty?", "cancel the plan?"
    yield page
    context.close()


@pytest.fixture(scope="module")
def crew(live_db):
    """WH1 with four bins, 30 gloves in bin 1, counters ann and bob, manager max."""
    store = setup_store(live_db)
    with live_db.unit_of_work() as uow:
        stock(uow.session, store, 1, 30)
        uow.commit()
    crew = make_crew(live_db)
    plans.set_policy(live_db, actor=crew.max, abc="C", interval_days=365, tolerance_units=0,
                     tolerance_pct=Decimal(0))
    return crew


def create_one_counter_plan(page, url: str) -> str:
    login(page, url, "max", PASSWORD)
    page.goto(f"{url}/counting/new")
    page.check("input[name=kind][value=FULL]")
    warning = page.locator(".one-counter")
    page.check("input[name=counters][value=ann]")
    assert warning.is_visible()                      # the page warns at once
    page.click("#plan-form button[type=submit]")
    refusal = page.locator("#plan-form .msg:not([hidden])")
    refusal.wait_for()
    assert "复盘" in refusal.inner_text()             # the server refuses it too
    assert "/counting/new" in page.url
    shot(page, "count-one-counter-warned-360")
    page.check("input[name=accept_one_counter]")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/counting/plans/CNT.*"))
    assert page.locator("p.one-counter").is_visible()  # and the plan page keeps saying so
    plan_no = page.locator(".panel.count-plan-admin").get_attribute("data-plan")
    logout(page)
    return plan_no


def open_location(page, url: str, plan_no: str, bin_no: int) -> None:
    page.goto(f"{url}/stations/counting/plans/{plan_no}")
    scan(page, bin_scan(bin_no))
    page.wait_for_url(re.compile(r".*/stations/counting/tasks/\d+"))


def close_location(page, *, empty: bool) -> None:
    page.click("#close-empty" if empty else "#close")
    page.locator("p.closed").wait_for()


def count_boxes(page, boxes: int) -> None:
    for n in range(1, boxes + 1):
        scan(page, glove_scan())
        page.locator(".history li.ok").nth(n - 1).wait_for()


def ann_counts_a_variance(page, url: str, plan_no: str) -> None:
    """20 of 30 in bin 1: outside a zero tolerance, so bin 1 waits for a recount."""
    login(page, url, "ann", PASSWORD)
    open_location(page, url, plan_no, 1)
    count_boxes(page, 2)
    close_location(page, empty=False)
    for bin_no in (2, 3, 4):
        open_location(page, url, plan_no, bin_no)
        close_location(page, empty=True)
    logout(page)


def bob_is_refused(page, url: str, plan_no: str) -> None:
    login(page, url, "bob", PASSWORD)
    page.goto(f"{url}/stations/counting/plans/{plan_no}")
    scan(page, bin_scan(1))
    refused = page.locator(".scan-result.bad")
    refused.wait_for()
    assert "bob" in refused.inner_text() and "主管" in refused.inner_text()
    logout(page)


def manager_adds_bob(page, url: str, plan_no: str) -> None:
    login(page, url, "max", PASSWORD)
    page.goto(f"{url}/counting/plans/{plan_no}")
    recount = page.locator("ul.recounts li[data-location='WH1-A-01']")
    assert recount.get_attribute("data-status") == "OPEN"
    page.select_option("#counter-form select[name=username]", "bob")
    page.click("#counter-form button.add-counter")
    page.locator(".panel .small", has_text="ann, bob").wait_for()
    assert page.locator("p.one-counter").count() == 0
    assert no_horizontal_scroll(page)
    shot(page, "count-counter-added-360")
    logout(page)


def bob_recounts(page, url: str, plan_no: str) -> None:
    login(page, url, "bob", PASSWORD)
    page.goto(f"{url}/stations/counting/plans/{plan_no}")
    row = page.locator("ul.locations li[data-location='WH1-A-01']")
    assert row.get_attribute("data-round") == "2"
    row.locator("button.start").click()
    page.wait_for_url(re.compile(r".*/stations/counting/tasks/\d+"))
    count_boxes(page, 3)                              # 30: the book was right
    close_location(page, empty=False)
    logout(page)


def manager_approves(page, url: str, plan_no: str) -> None:
    login(page, url, "max", PASSWORD)
    page.goto(f"{url}/counting/plans/{plan_no}")
    assert page.locator("ul.recounts").count() == 0
    page.fill("#approve-form input[name=password]", PASSWORD)
    page.click("#approve-form button[type=submit]")
    page.locator(".panel.count-plan-admin[data-status=APPROVED]").wait_for()
    logout(page)


def test_a_one_counter_count_is_unstuck_by_adding_a_counter(page, server, live_db, crew):
    plan_no = create_one_counter_plan(page, server.url)
    ann_counts_a_variance(page, server.url, plan_no)
    bob_is_refused(page, server.url, plan_no)
    manager_adds_bob(page, server.url, plan_no)
    bob_recounts(page, server.url, plan_no)
    manager_approves(page, server.url, plan_no)
    assert count_movements(live_db, plan_no) == 0  # recounted right: nothing to adjust


def count_movements(db, plan_no: str) -> int:
    """The ledger's movements of a count plan (its approval's adjustments)."""
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Movement).where(
            Movement.doc_type == "CNT", Movement.doc_no == plan_no))


def one_counter_plan_with_a_variance(db, crew) -> str:
    plan_no = plans.create_plan(db, actor=crew.max, warehouse="WH1", kind="FULL",
                                counters=("ann",), accept_one_counter=True).plan_no
    count_bin(db, crew.ann, plan_no, 1, [glove_scan()])
    for bin_no in (2, 3, 4):
        count_bin(db, crew.ann, plan_no, bin_no, [])
    return plan_no


def test_a_recount_is_assigned_by_name_and_the_plan_is_cancelled(page, server, live_db, crew):
    plan_no = one_counter_plan_with_a_variance(live_db, crew)
    login(page, server.url, "max", PASSWORD)
    page.goto(f"{server.url}/counting/plans/{plan_no}")
    recount = page.locator("ul.recounts li[data-location='WH1-A-01']")
    assert recount.locator("option[value=ann]").count() == 0  # never its first counter
    recount.locator("select[name=counter]").select_option("bob")
    recount.locator("button.assign").click()
    page.locator("ul.recounts li[data-location='WH1-A-01'][data-counter=bob]").wait_for()
    assert "bob" in page.locator("ul.recounts .assigned").inner_text()
    logout(page)
    login(page, server.url, "bob", PASSWORD)
    page.goto(f"{server.url}/stations/counting/plans/{plan_no}")
    assert page.locator("ul.locations li[data-location='WH1-A-01']").count() == 1
    logout(page)
    login(page, server.url, "max", PASSWORD)
    page.goto(f"{server.url}/counting/plans/{plan_no}")
    page.click("#cancel-form button.cancel-plan")    # no reason: the form asks for one
    assert page.locator(".panel.count-plan-admin[data-status=CANCELLED]").count() == 0
    page.fill("#cancel-form input[name=reason]", "盘点期间紧急发货")
    page.click("#cancel-form button.cancel-plan")
    page.locator(".panel.count-plan-admin[data-status=CANCELLED]").wait_for()
    assert "盘点期间紧急发货" in page.locator(".panel .cancelled").inner_text()
    assert page.locator("#approve-form").count() == 0
    assert page.locator("p.cancelled-msg").is_visible()
    shot(page, "count-cancelled-360")
    page.goto(f"{server.url}/lang/en?next=/counting/plans/{plan_no}")
    page.wait_for_url(f"**/counting/plans/{plan_no}")
    assert "Cancelled by max" in page.locator(".panel .cancelled").inner_text()
    assert "nothing of this count was posted" in page.locator("p.cancelled-msg").inner_text()
    logout(page)
    login(page, server.url, "bob", PASSWORD)
    page.goto(f"{server.url}/stations/counting/plans/{plan_no}")
    assert page.locator("ul.locations li[data-location]").count() == 0
    scan(page, bin_scan(1))
    page.locator(".scan-result.bad").wait_for()
    assert count_movements(live_db, plan_no) == 0
