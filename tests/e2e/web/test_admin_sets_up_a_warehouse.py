"""A new warehouse set up from the browser alone, in real Chromium: on an empty database with
one administrator, the administrator creates the warehouse, its receiving and storage zones
and locations, the stock owner, an item with its carton GTIN, a licensed supplier and a
receiver of that warehouse; the receiver signs in, changes the first password, announces a
delivery and receives it by scanning. Nothing is set up but through the pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from medwms.ledger.tables import Movement
from medwms.masterdata.tables import Location, Warehouse
from medwms.receiving import queries
from tests.e2e.web.forms_data import DESK, HANDHELD
from tests.e2e.web.live import login, logout, no_horizontal_scroll, scan, shot, start_server
from tests.e2e.web.qualifying import approve_through_pages
from tests.support.builders import gtin
from tests.support.receiving import udi
from tests.support.users import PASSWORD, make_user

CARTON = gtin("1690123677008")
VALID = (date.today() + timedelta(days=900)).isoformat()
EXPIRY = date.today() + timedelta(days=700)
FIRST, OWN = "first-sign-in-52", "my-own-choice-73"


@pytest.fixture(scope="module")
def server(live_db, tmp_path_factory):
    """The live server, its scanned papers kept in a temporary folder."""
    live = start_server(live_db, attachments_dir=str(tmp_path_factory.mktemp("papers")))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def admin(live_db):
    """The one account an installation starts with (`medwms users add`); nothing else."""
    with live_db.reading() as s:
        assert s.scalar(select(Warehouse.id)) is None
    make_user(live_db, "root", "admin", display_name="系统管理员")
    return "root"


def new_record(page, url: str, kind: str, fields: dict[str, str],
               choices: dict[str, str] | None = None) -> None:
    """Fill the create form of `kind` and save it; the record page follows."""
    page.goto(f"{url}/masterdata/{kind}/new")
    for name, value in (choices or {}).items():
        page.select_option(f"#record-form select[name={name}]", value)
    for name, value in fields.items():
        page.fill(f"#record-form [name={name}]", value)
    page.click("#record-form button[type=submit]")
    page.wait_for_url(re.compile(rf".*/masterdata/{kind}/[^/]+$"))
    assert page.locator(".field-error:visible").count() == 0


def test_an_administrator_sets_up_a_warehouse_and_its_receiver_receives_there(
        browser, server, live_db, admin):
    url = server.url
    context = browser.new_context(viewport=DESK, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{url}/lang/zh-CN?next=/login")
    login(page, url, admin, PASSWORD)

    new_record(page, url, "warehouses", {"code": "wh7", "name": "杭州仓"})
    new_record(page, url, "zones", {"code": "RCV", "name": "收货区", "temp_min": "10",
                                    "temp_max": "30"},
               {"warehouse_code": "WH7", "kind": "RECEIVING"})
    new_record(page, url, "zones", {"code": "S", "name": "常温库", "temp_min": "10",
                                    "temp_max": "30"},
               {"warehouse_code": "WH7", "kind": "STORAGE"})
    for code, zone in (("wh7-dock-01", "RCV"), ("wh7-s-01", "S"), ("wh7-s-02", "S")):
        new_record(page, url, "locations", {"code": code, "zone_code": zone},
                   {"warehouse_code": "WH7"})
    new_record(page, url, "owners", {"code": "SELF", "name": "本公司"})
    new_record(page, url, "items", {"code": "stent7", "name_zh": "冠脉支架 7",
                                    "registration_no": "国械注准20263770007",
                                    "registration_expiry": VALID, "temp_min": "10",
                                    "temp_max": "30"},
               {"risk_class": "III", "tracking": "LOT"})
    new_record(page, url, "packaging", {"gtin": CARTON, "item_code": "STENT7",
                                        "quantity": "10"})
    new_record(page, url, "partners", {"code": "sup7", "name": "浙江器械",
                                       "licence_no": "浙食药监械经营许20260007",
                                       "licence_expiry": VALID}, {"kind": "SUPPLIER"})
    # New master data starts without a qualification file: quality (here the administrator)
    # approves the supplier and the product before anything is received (首营).
    approve_through_pages(page, url, "SUPPLIER", "SUP7", [
        ("BUSINESS_LICENCE", "91330000MA7", ""),
        ("TRADING_LICENCE", "浙食药监械经营许20260007", VALID)], PASSWORD)
    approve_through_pages(page, url, "ITEM", "STENT7", [
        ("REGISTRATION", "国械注准20263770007", VALID)], PASSWORD, purpose="LABEL")
    page.goto(f"{url}/masterdata/locations?warehouse=WH7")
    assert page.locator("tr[data-key]").evaluate_all(
        "rows => rows.map(r => r.dataset.key)") == ["WH7-DOCK-01", "WH7-S-01", "WH7-S-02"]
    assert no_horizontal_scroll(page)
    shot(page, "admin-setup-locations-1280")

    page.goto(f"{url}/users/new")
    page.fill("input[name=username]", "rui")
    page.fill("input[name=display_name]", "收货员 芮")
    page.check("input[name=roles][value=receiver]")
    page.check("input[name=warehouses][value=WH7]")
    page.fill("#user-form input[name=password]", FIRST)
    page.fill("#user-form input[name=password_again]", FIRST)
    page.click("#user-form button[type=submit]")
    page.wait_for_url("**/users/rui?done=created")
    assert page.locator(".facts .scope").inner_text().strip() == "WH7"
    logout(page)
    context.close()

    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{url}/lang/zh-CN?next=/login")
    login(page, url, "rui", FIRST)
    page.wait_for_url("**/account/password")
    page.fill("input[name=old_password]", FIRST)
    page.fill("input[name=new_password]", OWN)
    page.fill("input[name=new_password_again]", OWN)
    page.click("main button[type=submit]")
    page.wait_for_url("**/login?changed=1")
    login(page, url, "rui", OWN)

    page.goto(f"{url}/notices/new")
    page.select_option("select[name=supplier]", "SUP7")
    page.select_option("select[name=warehouse]", "WH7")
    page.fill("input[name=po_no]", "po-7001")
    while page.locator("fieldset.line").count() > 1:
        page.locator("fieldset.line button.remove-line").last.click()
    line = page.locator("#notice-form fieldset.line").first
    line.locator("input[name=product]").fill(CARTON)
    line.locator("input[name=lot]").fill("LOT7A")
    line.locator("input[name=quantity]").fill("20")
    line.locator("input[name=expiry]").fill(EXPIRY.isoformat())
    page.click("#notice-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/notices/ASN-.*"))
    notice_no = page.locator(".panel.notice").get_attribute("data-notice")

    page.goto(f"{url}/stations/receiving")
    scan(page, f"#D:{notice_no}")
    page.wait_for_url(re.compile(r".*/stations/receiving/RCV-.*"))
    for n, serial in enumerate(("C7001", "C7002"), start=1):
        scan(page, udi(CARTON, lot="LOT7A", expiry=EXPIRY, serial=serial))
        page.locator(".history li.ok").nth(n - 1).wait_for()
    assert "20 / 20" in page.locator(".scan-result.ok").inner_text()
    shot(page, "admin-setup-received-360")
    context.close()

    with live_db.reading() as s:
        progress = {p.lot: p.received for p in queries.get_notice(s, notice_no).progress}
        received = s.execute(select(Movement.quantity, Location.code, Warehouse.code)
                             .join(Location, Location.id == Movement.to_location_id)
                             .join(Warehouse, Warehouse.id == Location.warehouse_id)).all()
    assert progress == {"LOT7A": 20}
    assert sorted(received) == [(10, "WH7-DOCK-01", "WH7"), (10, "WH7-DOCK-01", "WH7")]
