"""Manual readings in real Chromium on a 360 px phone (G17): the inspector records the
morning reading of a zone without automatic monitoring, sees the afternoon slot with its due
time, and once the afternoon slot has ended (time driven through the slot settings of the
live server, never by waiting) it is overdue on the list and in the warnings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import update

from medwms.coldchain import manual
from medwms.masterdata.tables import Warehouse
from tests.e2e.web.live import LiveServer, login, no_horizontal_scroll, shot, start_server
from tests.e2e.web.untranslated import assert_translated
from tests.support.coldchain import make_cold_room
from tests.support.users import PASSWORD, make_user

PAGE = "/quality/manual-readings"


def nine_in_the_morning() -> str:
    """A fixed-offset time zone in which it is now 09:xx (no midnight during the test)."""
    offset = (9 - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


@pytest.fixture(scope="module")
def live(live_db, tmp_path_factory) -> Iterator[LiveServer]:
    room = make_cold_room(live_db)
    make_user(live_db, "ivy", "inspector", display_name="养护员 Ivy")
    with live_db.unit_of_work() as uow:
        uow.session.execute(update(Warehouse).values(timezone=nine_in_the_morning()))
        uow.commit()
    # Switched on at local 00:xx (it is 09:xx there), so that today's slots all count.
    manual.set_manual(live_db, actor=room.manager, warehouse="WH1", zone="CR1", manual=True,
                      now=datetime.now(UTC) - timedelta(hours=9))
    server = start_server(live_db, attachments_dir=str(tmp_path_factory.mktemp("att")))
    yield server
    server.stop()


def slot_settings(server: LiveServer, morning_end: time, afternoon_end: time) -> None:
    """Move the slot ends on the running server: the same as the clock moving on."""
    runtime = server.server.config.app.state.runtime
    runtime.base = runtime.base.model_copy(update={"manual_morning_end": morning_end,
                                                   "manual_afternoon_end": afternoon_end})
    runtime.expire()


def test_record_the_morning_see_the_afternoon_due_then_overdue(browser, live):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live.url}/lang/zh-CN?next=/login")
    login(page, live.url, "ivy", PASSWORD)
    page.goto(f"{live.url}{PAGE}")
    zone = page.locator("section.manual-zone[data-area='WH1/CR1']")
    assert zone.locator("li[data-slot=MORNING]").get_attribute("data-state") == "DUE"
    assert no_horizontal_scroll(page)
    zone.locator("input[name=celsius]").fill("5.2")
    zone.locator("input[name=humidity]").fill("48")
    with page.expect_navigation():
        zone.locator("button[type=submit]").click()
    assert page.locator("p.msg.good").is_visible()
    morning = zone.locator("li[data-slot=MORNING]")
    assert morning.get_attribute("data-state") == "DONE"
    assert "ivy" in morning.inner_text() and "5.2" in morning.inner_text()
    afternoon = zone.locator("li[data-slot=AFTERNOON]")
    assert afternoon.get_attribute("data-state") == "UPCOMING"
    assert "下午" in afternoon.inner_text() and "截止" in afternoon.inner_text()
    assert_translated(page, "zh-CN")
    shot(page, "manual-readings-morning")

    slot_settings(live, time(1, 0), time(23, 59))  # noon has passed: the afternoon is due
    page.goto(f"{live.url}{PAGE}")
    assert zone.locator("li[data-slot=AFTERNOON]").get_attribute("data-state") == "DUE"
    page.goto(f"{live.url}{PAGE}/overdue")
    assert page.locator("li[data-area='WH1/CR1']").count() == 0

    slot_settings(live, time(1, 0), time(2, 0))  # the afternoon slot has ended unread
    page.goto(f"{live.url}{PAGE}")
    assert zone.locator("li[data-slot=AFTERNOON]").get_attribute("data-state") == "OVERDUE"
    assert zone.locator("li[data-slot=MORNING]").get_attribute("data-state") == "DONE"
    page.goto(f"{live.url}{PAGE}/overdue")
    [row] = page.locator("li[data-area='WH1/CR1']").all()
    assert row.get_attribute("data-slot") == "AFTERNOON"
    assert no_horizontal_scroll(page)
    assert_translated(page, "zh-CN")
    shot(page, "manual-readings-overdue")
    context.close()
