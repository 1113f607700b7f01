"""The sensor register in real Chromium: a sensor registered from the temperature board shows
on it, is changed from its page and retired; a range upside down is named beside its field."""

from __future__ import annotations

import pytest

from medwms.coldchain import queries
from tests.e2e.web.forms_data import DESK, prepare, signed_in
from tests.e2e.web.live import no_horizontal_scroll, shot


@pytest.fixture(scope="module")
def world(live_db):
    return prepare(live_db)


def sensor(db, code: str) -> queries.SensorView:
    with db.reading() as s:
        return queries.sensor_view(s, queries.sensor_by_code(s, code))


def test_a_sensor_registered_from_the_board_is_changed_and_retired(browser, server, live_db,
                                                                   world):
    context, page = signed_in(browser, server.url, "mona", DESK, "en")
    page.goto(f"{server.url}/coldchain")
    page.click("a.register-sensor")
    page.fill("input[name=code]", "cr1-t9")
    page.fill("input[name=name]", "Cold room door")
    page.select_option("select[name=zone]", world.cold_room)
    page.fill("input[name=temp_min]", "2")
    page.fill("input[name=temp_max]", "8")
    shot(page, "sensor-form-1280")
    page.click("#sensor-form button[type=submit]")
    page.wait_for_url("**/coldchain/sensors/CR1-T9")
    assert "Cold room door" in page.locator("h1").inner_text()
    registered = sensor(live_db, "CR1-T9")
    assert (registered.kind, registered.zone, registered.active) == ("ZONE", "CR", True)
    assert (registered.temp_min, registered.temp_max) == (2.0, 8.0)
    page.goto(f"{server.url}/coldchain")
    assert page.locator("a.card[href='/coldchain/sensors/CR1-T9']").count() == 1

    page.goto(f"{server.url}/coldchain/sensors/CR1-T9")
    page.click("a.edit-sensor")
    assert page.locator("select[name=zone]").input_value() == world.cold_room
    page.fill("input[name=temp_max]", "7.5")
    page.uncheck("input[name=active]")
    page.click("#sensor-form button[type=submit]")
    page.wait_for_url("**/coldchain/sensors/CR1-T9")
    assert page.locator(".status", has_text="Retired").count() == 1
    changed = sensor(live_db, "CR1-T9")
    assert (changed.temp_max, changed.active, changed.zone) == (7.5, False, "CR")
    page.goto(f"{server.url}/coldchain")
    assert page.locator("a.card[href='/coldchain/sensors/CR1-T9']").count() == 0
    context.close()


def test_a_range_upside_down_is_named_beside_its_field(browser, server, live_db, world):
    context, page = signed_in(browser, server.url, "mona", DESK, "zh-CN")
    with live_db.reading() as s:
        before = len(queries.sensors(s))
    page.goto(f"{server.url}/coldchain/sensors/new")
    page.fill("input[name=code]", "CR1-T8")
    page.select_option("select[name=zone]", world.cold_room)
    page.fill("input[name=temp_min]", "8")
    page.fill("input[name=temp_max]", "2")
    page.click("#sensor-form button[type=submit]")
    error = page.locator(".field-error[data-field=temp_min]")
    error.wait_for()
    assert error.inner_text() == "下限必须低于上限"
    assert page.locator("input[name=temp_min]").get_attribute("aria-invalid") == "true"
    assert page.locator("input[name=code]").input_value() == "CR1-T8"
    assert no_horizontal_scroll(page)
    shot(page, "sensor-form-refused-1280")
    with live_db.reading() as s:
        assert len(queries.sensors(s)) == before
    context.close()
