"""The recall case page in real Chromium, on the demo data: the quality manager opens a real
recall of the lot the demo shipped (to 协和, and here also to 安贞), blocks what arrived
since, records a notice for each hospital, is refused closing while units are unaccounted
for, reconciles, destroys held units with a reason and closes with a signature — in zh-CN,
with the English page read once at the end."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from medwms.auth.rules import SYSTEM, Role
from medwms.auth.tables import AuditRecord
from medwms.demo import load_demo
from medwms.demo.catalogue import demo_password
from medwms.demo.choose import unit_gtin
from medwms.demo.numbers import SHIPPED_ORDER
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Stock
from medwms.masterdata.tables import Location, Partner
from medwms.orders import queries as orders
from medwms.recall import queries, service
from medwms.recall.rules import Scope
from medwms.recall.tables import RecallCase
from tests.e2e.web.live import login, no_horizontal_scroll, shot
from tests.e2e.web.untranslated import assert_translated

SECOND_CUSTOMER = "CUS-AZH"
QUALITY = Role.QUALITY_MANAGER


@dataclass(frozen=True)
class Shipped:
    """The demo's shipped lot, as the recall form needs it, and where it is held."""

    gtin: str
    lot: str
    lot_id: int
    item_id: int
    owner_id: int
    location_id: int
    location: str


def _ship_to_second_customer(db, shipped: Shipped, quantity: int) -> None:
    """10 units of the lot to a second hospital, posted to the ledger as a shipment does."""
    with db.unit_of_work() as uow:
        partner = uow.session.scalars(select(Partner.id).where(
            Partner.code == SECOND_CUSTOMER)).one()
        post(uow.session, actor=SYSTEM, doc_type="SHP", doc_no="SHP-AZH-1", lines=[Line(
            kind="SHIP", owner_id=shipped.owner_id, item_id=shipped.item_id, quantity=quantity,
            lot_id=shipped.lot_id, from_location_id=shipped.location_id,
            from_status="AVAILABLE", partner_id=partner)], now=datetime.now(UTC))
        uow.commit()


def _receive_more(db, shipped: Shipped, quantity: int) -> None:
    """Units of the lot that turn up after the recall was opened (into QUARANTINE)."""
    with db.unit_of_work() as uow:
        post(uow.session, actor=SYSTEM, doc_type="RCV", doc_no="RCV-LATE-1", lines=[Line(
            kind="RECEIVE", owner_id=shipped.owner_id, item_id=shipped.item_id,
            quantity=quantity, lot_id=shipped.lot_id, to_location_id=shipped.location_id,
            to_status="QUARANTINE")])
        uow.commit()


@pytest.fixture(scope="module")
def shipped(live_db) -> Shipped:
    load_demo(live_db, actor=SYSTEM)
    with live_db.reading() as s:
        line = orders.order_view(s, SHIPPED_ORDER).lines[0]
        lot = sorted({a.lot for a in line.allocations if a.lot})[0]
        stock = s.scalars(select(Stock).join(Lot, Lot.id == Stock.lot_id).where(
            Lot.lot_no == lot, Stock.status == "AVAILABLE").order_by(Stock.key)).first()
        assert stock is not None and stock.quantity > 20
        found = Shipped(unit_gtin(s, line.item), lot, stock.lot_id or 0, stock.item_id,
                        stock.owner_id, stock.location_id,
                        s.get_one(Location, stock.location_id).code)
    _ship_to_second_customer(live_db, found, 10)
    return found


def signed_in(browser, url: str, lang: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=lang)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/lang/{lang}?next=/login")
    login(page, url, QUALITY.value, demo_password(QUALITY))
    return context, page


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"#{form} button[type=submit]")


def notify(page, partner: str, channel: str, recipient: str, note: str) -> None:
    page.select_option("#notice-form select[name=partner]", partner)
    page.select_option("#notice-form select[name=channel]", channel)
    page.fill("#notice-form input[name=recipient]", recipient)
    page.fill("#notice-form input[name=note]", note)
    submit(page, "notice-form")


def report(page, partner: str, used: int, destroyed: int) -> None:
    page.select_option("#report-form select[name=partner]", partner)
    page.fill("#report-form input[name=used]", str(used))
    page.fill("#report-form input[name=destroyed]", str(destroyed))
    submit(page, "report-form")


def row(page, table: str, partner: str):
    return page.locator(f"table.{table} tr[data-partner='{partner}']")


def case_of(db, recall_no: str) -> queries.RecallView:
    with db.reading() as s:
        return queries.recall_view(s, recall_no)


def test_the_quality_manager_works_a_recall_from_opening_to_the_signed_close(
        browser, server, live_db, shipped):
    context, page = signed_in(browser, server.url, "zh-CN")
    page.goto(f"{server.url}/recalls/new?kind=REAL")
    page.fill("input[name=gtin]", shipped.gtin)
    page.fill("input[name=lots]", shipped.lot)
    page.check("input[name=risk_class][value=I]")
    page.fill("textarea[name=reason]", "生产企业通报：灭菌验证失效")
    page.check("input[name=confirm]")
    page.click("#recall-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/recalls/RCL-[^/]*$"))
    recall_no = page.url.rsplit("/", 1)[1]
    opened = case_of(live_db, recall_no)
    assert [(c.partner, c.shipped) for c in opened.consignees] == [
        (SECOND_CUSTOMER, 10), ("CUS-PUMCH", 50)]
    for partner in (SECOND_CUSTOMER, "CUS-PUMCH"):
        assert "未通知" in row(page, "consignees", partner).inner_text()

    # Units of the lot turn up after the opening: the block, run again, takes them.
    _receive_more(live_db, shipped, 20)
    submit(page, "block-form")
    assert "新增封存 20 件" in page.locator("#done").inner_text()
    assert case_of(live_db, recall_no).blocked_units == opened.blocked_units + 20

    notify(page, "CUS-PUMCH", "PHONE", "王主任（设备科）010-6915 6114", "电话告知，随后传真通知书")
    notify(page, SECOND_CUSTOMER, "EMAIL", "李护士长 Li.Na@Anzhen.cn", "已邮件发送召回通知")
    assert "已登记通知" in page.locator("#done").inner_text()
    for partner, words in (("CUS-PUMCH", ("电话", "王主任（设备科）010-6915 6114")),
                           (SECOND_CUSTOMER, ("电子邮件", "李护士长 Li.Na@Anzhen.cn"))):
        cells = row(page, "consignees", partner).inner_text()
        assert "已通知" in cells and all(w in cells for w in words)
    notices = {c.partner: c.notices for c in case_of(live_db, recall_no).consignees}
    assert [(n.channel, n.recipient) for n in notices["CUS-PUMCH"]] == [
        ("PHONE", "王主任（设备科）010-6915 6114")]
    assert notices[SECOND_CUSTOMER][0].channel == "EMAIL"

    # Closing before the units are accounted for is refused, with the reason.
    page.fill("#close-form textarea[name=report]", "全部收货单位已通知")
    page.fill("#close-form input[name=password]", demo_password(QUALITY))
    submit(page, "close-form")
    refusal = page.locator("#close-form .refusal").inner_text()
    assert "尚不能关闭" in refusal and "CUS-PUMCH 50" in refusal
    assert f"{SECOND_CUSTOMER} 10" in refusal
    assert case_of(live_db, recall_no).status == "OPEN"

    # Reconcile: what each hospital reports, and the held units we destroy.
    report(page, "CUS-PUMCH", 45, 5)
    report(page, SECOND_CUSTOMER, 0, 10)
    assert row(page, "per-consignee", "CUS-PUMCH").locator("td.outstanding").inner_text() == "0"
    page.select_option("#destroy-form select[name=location]", shipped.location)
    page.fill("#destroy-form input[name=lot]", shipped.lot)
    page.fill("#destroy-form input[name=quantity]", "5")
    page.fill("#destroy-form input[name=reason]", "交有资质的医疗废物处置单位焚烧")
    submit(page, "destroy-form")
    assert "已登记销毁" in page.locator("#done").inner_text()
    cells = page.locator(f"table.per-lot tr[data-lot='{shipped.lot}'] td")
    assert [cells.nth(n).inner_text() for n in (2, 4)] == ["60", "5"]  # shipped, destroyed
    assert no_horizontal_scroll(page)
    shot(page, "recall-case-reconciled-1280")
    assert_translated(page, "zh-CN")

    page.fill("#close-form textarea[name=report]", "全部收货单位已通知，产品已全部核清")
    page.fill("#close-form input[name=password]", "not-the-password")
    submit(page, "close-form")
    assert "密码不正确" in page.locator(".field-error[data-field=password]").inner_text()
    page.fill("#close-form textarea[name=report]", "全部收货单位已通知，产品已全部核清")
    page.fill("#close-form input[name=password]", demo_password(QUALITY))
    submit(page, "close-form")
    assert "召回已签名关闭" in page.locator("#done").inner_text()
    signed = page.locator(".signed-close").inner_text()
    assert "质量负责人" in signed and signed.endswith("召回已关闭")
    assert page.locator("#close-form").count() == 0 and page.locator("#notice-form").count() == 0

    with live_db.reading() as s:
        case = s.scalars(select(RecallCase).where(RecallCase.recall_no == recall_no)).one()
        signature = s.get_one(AuditRecord, case.signature_audit_id)
        closed = (case.status, signature.actor_name, json.loads(signature.after)["meaning"])
        actions = set(s.scalars(select(AuditRecord.action).where(
            AuditRecord.entity_key == recall_no)))
    assert closed == ("CLOSED", QUALITY.value, "recall closed")
    assert {"recall.open", "recall.block", "recall.notice", "recall.report", "recall.destroy",
            "recall.close"} <= actions

    page.goto(f"{server.url}/lang/en?next=/recalls/{recall_no}")
    main = page.locator("main").inner_text()
    for words in ("Affected consignees", "Notified", "Phone", "E-mail", "Per lot and serial",
                  "Destroyed by us", "Closed and signed", "Recall closed",
                  "Recall report (PDF, for printing)"):
        assert words in main, words
    assert_translated(page, "en")
    context.close()


def test_a_reader_sees_the_case_without_its_forms(browser, server, live_db, shipped):
    recall_no = service.open_recall(live_db, actor=SYSTEM, mock=True, risk_class="III",
                                    reason="演练", scope=Scope(shipped.gtin, lots=(shipped.lot,))
                                    ).recall_no
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, server.url, Role.AUDITOR.value, demo_password(Role.AUDITOR))
    page.goto(f"{server.url}/recalls/{recall_no}")
    assert row(page, "consignees", "CUS-PUMCH").count() == 1
    for form in ("block-form", "notice-form", "report-form", "destroy-form", "close-form"):
        assert page.locator(f"#{form}").count() == 0, form
    assert page.request.post(f"{server.url}/recalls/{recall_no}/notices").status == 403
    context.close()
