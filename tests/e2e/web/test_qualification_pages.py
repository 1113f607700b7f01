"""The quality team's 首营 pages in real Chromium: a supplier new to quality is refused at
receiving; the quality manager opens its file, records the licences, uploads the scanned
licence, submits, is told what is missing when something is, approves with the password —
and the receipt is then accepted. The expiring list shows the licence within the window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from medwms.core.clock import local_date, utc_now
from medwms.core.errors import DomainError
from medwms.receiving import service as receiving
from tests.e2e.web.live import login, no_horizontal_scroll, shot, start_server
from tests.support.qualification import PDF, unfile
from tests.support.receiving import RECEIVER, make_inbound
from tests.support.users import PASSWORD, make_user

SOON = local_date(utc_now()) + timedelta(days=20)


@pytest.fixture(scope="module")
def live(live_db, tmp_path_factory):
    with live_db.unit_of_work() as uow:
        make_inbound(uow.session)
        uow.commit()
    unfile(live_db, partner="SUP1")
    make_user(live_db, "qm", "quality", display_name="质量负责人 王")
    server = start_server(live_db,
                          attachments_dir=str(tmp_path_factory.mktemp("papers")))
    yield server
    server.stop()


def _open_receipt(db):
    return receiving.open_receipt(db, actor=RECEIVER, warehouse="WH1", po_no="PO-Q1",
                                  supplier="SUP1")


def _credential(page, kind, number, until="", scope=""):
    page.select_option("#credential-form select[name=kind]", kind)
    page.fill("#credential-form input[name=number]", number)
    if until:
        page.fill("#credential-form input[name=valid_until]", until)
    page.fill("#credential-form input[name=scope]", scope)
    page.click("#credential-form button[type=submit]")
    page.wait_for_load_state()


def test_quality_approves_a_supplier_file_and_receiving_from_it_goes_ahead(browser, live,
                                                                          live_db):
    with pytest.raises(DomainError) as before:
        _open_receipt(live_db)
    assert before.value.code == "QUALIFICATION_NOT_APPROVED"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live.url, "qm", PASSWORD)
    page.goto(f"{live.url}/quality/qualification")
    assert page.locator("h1").inner_text() == "首营档案"
    page.select_option("#open-form select[name=subject]", "SUPPLIER")
    page.fill("#open-form input[name=code]", "SUP1")
    page.click("#open-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".file-state").inner_text() == "草稿"
    _credential(page, "BUSINESS_LICENCE", "91310000MA1Q")
    page.set_input_files("#paper-form input[name=file]", files=[{
        "name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#paper-form button[type=submit]")
    page.wait_for_load_state()
    assert "营业执照.pdf" in page.locator("ul.papers").inner_text()
    page.click("#submit-form button[type=submit]")
    page.wait_for_load_state()
    page.fill("#approve-form input[name=password]", PASSWORD)
    page.click("#approve-form button[type=submit]")
    page.wait_for_load_state()
    assert "经营许可证" in page.locator("#approve-form").inner_text()  # names what is missing
    page.fill("#reject-form input[name=reason]", "缺经营许可证")
    page.fill("#reject-form input[name=password]", PASSWORD)
    page.click("#reject-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".file-state").inner_text() == "已退回"
    _credential(page, "TRADING_LICENCE", "沪械经营许20200001", SOON.isoformat(), "II III 6846")
    assert "沪械经营许20200001" in page.locator("table.credentials").inner_text()
    page.click("#submit-form button[type=submit]")
    page.wait_for_load_state()
    page.fill("#approve-form input[name=password]", PASSWORD)
    page.click("#approve-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".file-state").inner_text() == "已批准"
    assert "质量负责人 王" in page.locator("main").inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "qualification-approved")
    assert _open_receipt(live_db).receipt_no
    page.goto(f"{live.url}/quality/qualification/expiring")
    row = page.locator("table.expiring tr[data-number='沪械经营许20200001']")
    assert "SUP1" in row.inner_text() and "20" in row.locator("td.num").inner_text()
    page.goto(f"{live.url}/quality/qualification/expiring?days=10")
    assert page.locator("table.expiring tr[data-number='沪械经营许20200001']").count() == 0
    page.close()
