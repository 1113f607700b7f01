"""The quality pages in real Chromium, on the demo data: the inspector holds a lot on doubt,
the quality manager decides it nonconforming into the red area with a signature, and the
destruction is recorded with two signatures (the same person twice refused) and printed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from medwms.auth.rules import SYSTEM, Role
from medwms.demo import load_demo
from medwms.demo.catalogue import demo_password
from medwms.ledger.tables import Lot, Stock
from medwms.masterdata.tables import Item, Location, Zone
from medwms.quality import hold_queries
from tests.e2e.web.live import login, no_horizontal_scroll, shot
from tests.e2e.web.untranslated import assert_translated

QUALITY, INSPECTOR = Role.QUALITY_MANAGER, Role.INSPECTOR


@dataclass(frozen=True)
class Held:
    item: str
    lot: str
    location: str
    quantity: int
    red: str


@pytest.fixture(scope="module")
def stocked(live_db) -> Held:
    load_demo(live_db, actor=SYSTEM)
    with live_db.reading() as s:
        row = s.execute(select(Item.code, Lot.lot_no, Location.code, Stock.quantity,
                               Location.warehouse_id)
                        .join(Item, Item.id == Stock.item_id).join(Lot, Lot.id == Stock.lot_id)
                        .join(Location, Location.id == Stock.location_id)
                        .where(Stock.status == "AVAILABLE", Stock.serial_id.is_(None),
                               Stock.quantity >= 3)
                        .order_by(Stock.key)).first()
        assert row is not None
        red = s.scalars(select(Location.code).join(Zone, Zone.id == Location.zone_id).where(
            Zone.kind == "REJECTED", Location.warehouse_id == row[4])
            .order_by(Location.code)).first()
    assert red is not None
    return Held(item=row[0], lot=row[1], location=row[2], quantity=row[3], red=red)


def signed_in(browser, url: str, role: Role, lang: str = "zh-CN"):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=lang)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/lang/{lang}?next=/login")
    login(page, url, role.value, demo_password(role))
    return context, page


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_hold_on_doubt_then_nonconforming_then_destruction_with_two_signatures(
        browser, server, live_db, stocked):
    context, page = signed_in(browser, server.url, INSPECTOR)
    page.goto(f"{server.url}/quality/holds")
    page.fill("#hold-form input[name=item]", stocked.item)
    page.fill("#hold-form input[name=lot]", stocked.lot)
    page.fill("#hold-form input[name=location]", stocked.location)
    page.fill("#hold-form input[name=reason]", "养护检查发现外包装受潮")
    submit(page, "#hold-form")
    with live_db.reading() as s:
        [hold] = hold_queries.list_holds(s, status="OPEN")
    assert hold.quantity == stocked.quantity
    section = page.locator(f"section.hold[data-hold='{hold.hold_no}']")
    assert "外包装受潮" in section.inner_text()
    assert section.locator("form.decide-form").count() == 0  # an inspector does not decide
    assert_translated(page, "zh-CN")
    context.close()

    context, page = signed_in(browser, server.url, QUALITY)
    page.goto(f"{server.url}/quality/holds")
    form = f"section.hold[data-hold='{hold.hold_no}'] form.decide-form"
    page.select_option(f"{form} select[name=decision]", "NONCONFORMING")
    page.select_option(f"{form} select[name=red_location]", stocked.red)
    page.fill(f"{form} input[name=password]", "wrong-password")
    submit(page, form)
    assert "密码不正确" in page.locator(f"{form} .field-error[data-field=password]").inner_text()
    page.select_option(f"{form} select[name=decision]", "NONCONFORMING")
    page.select_option(f"{form} select[name=red_location]", stocked.red)
    page.fill(f"{form} input[name=password]", demo_password(QUALITY))
    submit(page, form)
    decided = page.locator(f"table.decided tr[data-hold='{hold.hold_no}']").inner_text()
    assert "判定不合格" in decided and stocked.red in decided
    assert_translated(page, "zh-CN")

    # The quality manager as operator and as witness: refused, beside the witness field.
    page.goto(f"{server.url}/quality/destructions?hold={hold.hold_no}")
    fill_destruction(page, stocked, witness=QUALITY.value, witness_password=demo_password(QUALITY),
                     password=demo_password(QUALITY))
    submit(page, "#destruction-form")
    refused = page.locator("#destruction-form .field-error[data-field=witness]").inner_text()
    assert "不能为自己执行的" in refused
    context.close()

    context, page = signed_in(browser, server.url, INSPECTOR)
    page.goto(f"{server.url}/quality/destructions?hold={hold.hold_no}")
    fill_destruction(page, stocked, witness=QUALITY.value, witness_password=demo_password(QUALITY),
                     password=demo_password(INSPECTOR))
    submit(page, "#destruction-form")
    with live_db.reading() as s:
        [record] = hold_queries.list_destructions(s)
    cells = page.locator(f"table.destructions tr[data-record='{record.destruction_no}']")
    assert "焚烧" in cells.inner_text() and cells.locator("td.witness").inner_text() != \
        cells.locator("td.operator").inner_text()
    assert record.hold_no == hold.hold_no and record.quantity == stocked.quantity
    pdf = page.request.get(server.url + cells.locator("a.pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert no_horizontal_scroll(page)
    shot(page, "quality-destructions-1280")
    assert_translated(page, "zh-CN")
    for path in ("/quality/near-expiry", "/quality/expired", "/quality/checks"):
        page.goto(server.url + path)
        assert_translated(page, "zh-CN")
    page.goto(f"{server.url}/lang/en?next=/quality/holds")
    for path in ("/quality/holds", "/quality/destructions", "/quality/near-expiry",
                 "/quality/expired", "/quality/checks"):
        page.goto(server.url + path)
        assert_translated(page, "en")
    assert "Nonconforming (into the red area)" in page.goto(
        server.url + "/quality/holds").text()
    context.close()


def fill_destruction(page, stocked: Held, *, witness: str, witness_password: str,
                     password: str) -> None:
    page.fill("#destruction-form input[name=item]", stocked.item)
    page.fill("#destruction-form input[name=lot]", stocked.lot)
    page.fill("#destruction-form input[name=location]", stocked.red)
    page.fill("#destruction-form input[name=quantity]", str(stocked.quantity))
    page.fill("#destruction-form input[name=method]", "焚烧")
    page.fill("#destruction-form input[name=place]", "危险废物集中处置中心")
    page.fill("#destruction-form input[name=password]", password)
    page.fill("#destruction-form input[name=witness]", witness)
    page.fill("#destruction-form input[name=witness_password]", witness_password)
