"""The receiving handover in real Chromium: a receipt can't be completed before it; the
receiver uploads the delivery note scan, the deliverer draws a signature on the screen, the
receiver signs with the password, and the receipt completes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from medwms.receiving import service
from medwms.receiving.handover_queries import receipt_handover
from medwms.receiving.tables import Receipt
from tests.e2e.web.live import login, no_horizontal_scroll, shot, start_server
from tests.support.handover import PDF
from tests.support.receiving import RECEIVER, STENT_BOX, Inbound, inbound, udi
from tests.support.users import PASSWORD, make_user

HANDHELD = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def server(live_db, tmp_path_factory):
    live = start_server(live_db, attachments_dir=str(tmp_path_factory.mktemp("kept")))
    yield live
    live.stop()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=HANDHELD, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def site(live_db) -> Inbound:
    make_user(live_db, "rita", "receiver", display_name="收货员 Rita")
    return inbound(live_db)


def scanned_receipt(db, site: Inbound, po_no: str) -> str:
    number = service.open_receipt(db, actor=RECEIVER, warehouse=site.warehouse, po_no=po_no,
                                  supplier=site.supplier).receipt_no
    service.receive_scan(db, actor=RECEIVER, receipt_no=number, scan_id=f"{po_no}-1",
                         raw=udi(STENT_BOX, lot="L1", expiry=date(2028, 6, 30)))
    return number


def status(db, number: str) -> str:
    with db.reading() as s:
        return s.scalars(select(Receipt.status).where(Receipt.receipt_no == number)).one()


def draw(page) -> None:
    page.locator("#signature").scroll_into_view_if_needed()
    box = page.locator("#signature").bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 70)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 10 + step * 25, box["y"] + 70 - (step % 3) * 20)
    page.mouse.up()


def test_a_receipt_completes_after_the_scanned_note_and_both_signatures(
        page, server, live_db, site, tmp_path):
    number = scanned_receipt(live_db, site, "PO-HAND-1")
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/receipts/{number}")
    page.click("form.close-receipt button")
    page.locator("form.close-receipt .refusal").wait_for()
    assert "随货同行单" in page.locator("form.close-receipt .refusal").inner_text()
    assert status(live_db, number) == "OPEN"

    note = tmp_path / "随货同行单.pdf"
    note.write_bytes(PDF)
    page.set_input_files("input[name=delivery_note]", str(note))
    page.fill("input[name=deliverer_name]", "王伟（顺丰）")
    draw(page)
    page.fill("form.handover-form input[name=password]", PASSWORD)
    page.click("form.handover-form button[type=submit]")
    page.locator("#handover .signed").first.wait_for()
    assert "王伟（顺丰）" in page.locator("#handover").inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "receiving-handover-signed")
    with live_db.reading() as s:
        view = receipt_handover(s, number)
    assert view.deliverer_method == "DRAWN" and view.receiver_username == "rita"
    assert view.deliverer_signature is not None
    assert view.deliverer_signature.media_type == "image/png"
    assert [p.filename for p in view.papers] == ["随货同行单.pdf"]

    page.click("form.close-receipt button")
    page.wait_for_load_state()
    assert status(live_db, number) == "CLOSED"


def test_a_wrong_password_signs_nothing_and_says_so_beside_the_field(
        page, server, live_db, site, tmp_path):
    number = scanned_receipt(live_db, site, "PO-HAND-2")
    login(page, server.url, "rita", PASSWORD)
    page.goto(f"{server.url}/receipts/{number}")
    note = tmp_path / "note.pdf"
    note.write_bytes(PDF)
    page.set_input_files("input[name=delivery_note]", str(note))
    page.fill("input[name=deliverer_name]", "Li Ming")
    draw(page)
    page.fill("form.handover-form input[name=password]", "wrong-password-1")
    page.click("form.handover-form button[type=submit]")
    page.locator('.field-error[data-field="password"]').wait_for()
    with live_db.reading() as s:
        assert receipt_handover(s, number).signed_at is None
