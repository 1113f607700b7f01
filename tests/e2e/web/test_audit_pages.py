"""The audit log and verification pages in real Chromium, in zh-CN and English: the auditor
filters the log by user and downloads it as XLSX and CSV; the quality manager runs verify
from the browser and sees the run, passed and then failed on a tampered audit row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from medwms.auth.audit import record_audit
from medwms.config import Settings
from medwms.core.db import Database
from medwms.ledger.checkpoints import Anchor, load_anchor
from medwms.ledger.sealer import seal
from tests.e2e.web.forms_data import DESK, signed_in
from tests.e2e.web.live import LiveServer, no_horizontal_scroll, shot, start_server
from tests.e2e.web.untranslated import assert_translated
from tests.support.users import actor_of, make_user

LANGS = ("zh-CN", "en")
SEAL_KEY = "e2e-audit-seal-key-0123456789abcdef"
WORDS = {  # what each page shows, by language
    "zh-CN": {"menu": "审计日志", "runs": "校验记录", "changed": "修改", "created": "创建",
              "passed": "通过", "failed": "发现问题", "browser": "浏览器", "user": "用户",
              "old": "原值", "action": "操作", "model": "型号规格",
              "name_zh": "中文名称", "until": "必须晚于起始时间", "sheet": "审计日志"},
    "en": {"menu": "Audit log", "runs": "Verification runs", "changed": "changed",
           "created": "created", "passed": "Passed", "failed": "Problems found",
           "browser": "browser", "user": "User", "old": "Old value", "action": "Action",
           "model": "model", "name_zh": "Chinese name",
           "until": "must be later than From", "sheet": "Audit log"},
}


@pytest.fixture(params=LANGS)
def lang(request) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A seal key and checkpoint folder of this module's server, so the test seals as it."""
    return {"seal_key": SEAL_KEY, "backup_dir": str(tmp_path_factory.mktemp("backups"))}


@pytest.fixture(scope="module")
def server(live_db: Database, settings: dict[str, str]) -> Iterator[LiveServer]:
    live = start_server(live_db, **settings)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def anchor(live_db: Database, settings: dict[str, str]) -> Anchor:
    found = load_anchor(Settings(database_url=live_db.url, **settings))
    assert found is not None
    return found


@pytest.fixture(scope="module")
def world(live_db: Database) -> None:
    """An auditor, a quality manager and a receiver; item changes by the manager (Chinese
    values) and a receipt by the receiver in the log."""
    make_user(live_db, "audrey", "auditor", display_name="审计员 Audrey")
    mona = actor_of(make_user(live_db, "mona", "manager", display_name="质量经理 Mona"))
    rita = actor_of(make_user(live_db, "rita", "receiver", display_name="收货员 Rita"))
    with live_db.unit_of_work() as uow:
        record_audit(uow.session, actor=mona, action="create", entity="item",
                     entity_key="STENT", after={"name_zh": "冠脉支架", "model": "3.0x18"})
        record_audit(uow.session, actor=mona, action="update", entity="item",
                     entity_key="STENT", before={"name_zh": "冠脉支架", "model": "3.0x18"},
                     after={"name_zh": "冠脉支架", "model": "3.0x20"}, reason="更正型号")
        record_audit(uow.session, actor=rita, action="receipt.open", entity="receipt",
                     entity_key="RCV-1", after={"notice": "ASN-1"})
        uow.commit()


def shown_ids(page) -> set[int]:
    return {int(i) for i in page.locator("table.audit tbody tr[data-id]")
            .evaluate_all("rows => rows.map(r => r.dataset.id)")}


def test_the_auditor_filters_by_user_and_exports_xlsx_and_csv(browser, server, world, lang,
                                                              tmp_path: Path):
    words = WORDS[lang]
    context, page = signed_in(browser, server.url, "audrey", DESK, lang)
    page.click("details.menu summary")
    page.click(f"nav a[href='/audit']:has-text('{words['menu']}')")
    page.wait_for_url("**/audit")
    page.fill("input[name=user]", "mona")
    page.click("#audit-filter button[type=submit]")
    page.wait_for_url("**/audit?*user=mona*")
    users = page.locator("table.audit td.user").all_inner_texts()
    assert users and set(users) == {"mona"}
    update = page.locator("table.audit tbody tr", has_text="STENT").filter(
        has=page.locator("td.action", has_text=words["changed"]))
    model = words["model"]
    assert update.locator("td.values.old li.changed").inner_text() == f"{model}: 3.0x18"
    assert update.locator("td.values.new li.changed").inner_text() == f"{model}: 3.0x20"
    assert f"{words['name_zh']}: 冠脉支架" in update.locator("td.values.new").inner_text()
    assert update.locator("li.changed [data-field=model]").count() == 2
    assert "更正型号" in update.inner_text()
    assert_translated(page, lang)
    assert no_horizontal_scroll(page)
    shot(page, f"audit-log-{lang}")
    ids = shown_ids(page)

    with page.expect_download() as got:
        page.click("a.export-xlsx")
    xlsx = tmp_path / "audit.xlsx"
    got.value.save_as(xlsx)
    sheet = load_workbook(xlsx)[words["sheet"]]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert (rows[0][3], rows[0][4], rows[0][7]) == (words["user"], words["action"],
                                                    words["old"])
    assert {r[0] for r in rows[1:]} == ids
    assert {r[3] for r in rows[1:]} == {"mona"}
    changed = next(r for r in rows[1:] if r[9] == "更正型号")
    assert changed[7] == '{"model":"3.0x18","name_zh":"冠脉支架"}'

    with page.expect_download() as got:
        page.click("a.export-csv")
    raw = Path(got.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {int(r[0]) for r in read[1:]} == ids
    assert any(r[8] == '{"model":"3.0x20","name_zh":"冠脉支架"}' for r in read[1:])

    page.locator("table.audit td.record a.key", has_text="STENT").first.click()
    page.wait_for_url("**/audit?entity=item&entity_key=STENT")
    assert set(page.locator("table.audit td.record a.key").all_inner_texts()) == {"STENT"}
    assert page.locator("input[name=entity_key]").input_value() == "STENT"
    context.close()


def test_a_time_range_upside_down_is_named_beside_its_field(browser, server, world, lang):
    context, page = signed_in(browser, server.url, "audrey", DESK, lang)
    page.goto(f"{server.url}/audit")
    page.fill("input[name=since]", "2026-12-08T10:00")
    page.fill("input[name=until]", "2026-12-07T10:00")
    page.click("#audit-filter button[type=submit]")
    error = page.locator(".field-error[data-field=until]")
    error.wait_for()
    assert error.inner_text() == WORDS[lang]["until"]
    assert page.locator("input[name=until]").get_attribute("aria-invalid") == "true"
    assert page.locator("table.audit").count() == 0
    context.close()


def test_the_receiver_sees_neither_page(browser, server, world):
    context, page = signed_in(browser, server.url, "rita", DESK, "en")
    page.click("details.menu summary")
    assert page.locator("nav a[href='/audit']").count() == 0
    answer = page.goto(f"{server.url}/audit/verify")
    assert answer is not None and answer.status == 403
    context.close()


def test_the_quality_manager_runs_verify_and_sees_it_pass_then_fail(browser, server, live_db,
                                                                    world, anchor, lang):
    words = WORDS[lang]
    context, page = signed_in(browser, server.url, "mona", DESK, lang)
    page.click("details.menu summary")
    page.click(f"nav a[href='/audit/verify']:has-text('{words['runs']}')")
    page.wait_for_url("**/audit/verify")
    seal(live_db, anchor)
    page.click("#verify-form button[type=submit]")
    page.wait_for_load_state()
    last = page.locator(".last-run")
    assert last.locator(".verdict").inner_text() == words["passed"]
    assert last.locator("dd.who").inner_text() == f"mona · {words['browser']}"
    assert page.locator("ul.problems").count() == 0
    assert_translated(page, lang)

    with live_db.engine.begin() as conn:
        kept = conn.execute(text("SELECT reason FROM audit_record WHERE seq = 2")).scalar_one()
        conn.execute(text("UPDATE audit_record SET reason = 'quietly edited' WHERE seq = 2"))
    try:
        seal(live_db, anchor)
        page.click("#verify-form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".last-run .verdict").inner_text() == words["failed"]
        problems = page.locator("ul.problems li").all_inner_texts()
        assert problems and "seq=2" in problems[0] and "altered" in problems[0]
        earlier = page.locator("table.runs tbody tr").first
        assert words["passed"] in earlier.inner_text()
        assert no_horizontal_scroll(page)
        shot(page, f"audit-verify-failed-{lang}")
    finally:
        with live_db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_record SET reason = :r WHERE seq = 2"), {"r": kept})
    context.close()
