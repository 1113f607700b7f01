"""The audit log page's questions: filters, keyset paging, and the exports read back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, text

from medwms.auth import audit_export
from medwms.auth.audit_queries import AuditFilter, audit_page, page_query, usernames
from medwms.auth.audit_queries import audit_export as export_rows
from medwms.auth.errors import ExportTooLarge
from medwms.auth.rules import Actor
from medwms.auth.tables import AuditRecord
from medwms.core.db import Database
from medwms.core.errors import EveryWarehouseNeeded, PermissionDenied
from medwms.core.hashchain import canonical
from tests.support.users import make_user

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
AUDITOR = Actor(user_id=None, username="audrey", roles=frozenset({"auditor"}))
ZONE = "Asia/Shanghai"


def record(db: Database, *, who: str, action: str, entity: str, key: str, minutes: int,
           before: dict | None = None, after: dict | None = None, reason: str = "") -> int:
    """One audit record written at T0 + `minutes`; its id."""
    with db.unit_of_work() as uow:
        row = AuditRecord(at=T0 + timedelta(minutes=minutes), actor_name=who, action=action,
                          entity=entity, entity_key=key,
                          before=canonical(before) if before else "",
                          after=canonical(after) if after else "", reason=reason)
        uow.session.add(row)
        uow.session.flush()
        uow.commit()
        return row.id


@pytest.fixture
def log(db: Database) -> dict[str, int]:
    """Six records by two users on items and users, an hour apart."""
    return {
        "ann-item": record(db, who="ann", action="create", entity="item", key="STENT-1",
                           minutes=0, after={"name": "冠脉支架", "active": True}),
        "bob-user": record(db, who="bob", action="user.roles", entity="user", key="carl",
                           minutes=60, before={"roles": ["picker"]},
                           after={"roles": ["picker", "verifier"]}, reason="新岗位"),
        "ann-update": record(db, who="ann", action="update", entity="item", key="STENT-1",
                             minutes=120, before={"name": "冠脉支架", "active": True},
                             after={"name": "冠脉支架 2.5mm", "active": True},
                             reason="更正规格"),
        "bob-item": record(db, who="bob", action="update", entity="item", key="GUIDE-9",
                           minutes=180, before={"active": True}, after={"active": False}),
        "ann-login": record(db, who="ann", action="login", entity="user", key="ann",
                            minutes=240),
        "bob-login": record(db, who="bob", action="login", entity="user", key="bob",
                            minutes=300),
    }


def ids(db: Database, flt: AuditFilter, **kwargs) -> list[int]:
    with db.reading() as s:
        return [r.id for r in audit_page(s, actor=AUDITOR, flt=flt, **kwargs).rows]


def test_each_filter_keeps_its_records_newest_first(db, log):
    assert ids(db, AuditFilter(user="ann")) == [log["ann-login"], log["ann-update"],
                                                log["ann-item"]]
    assert ids(db, AuditFilter(entity="item", entity_key="STENT-1")) == [
        log["ann-update"], log["ann-item"]]
    assert ids(db, AuditFilter(entity="user")) == [log["bob-login"], log["ann-login"],
                                                   log["bob-user"]]
    assert ids(db, AuditFilter(action="update")) == [log["bob-item"], log["ann-update"]]
    assert ids(db, AuditFilter(action="update", user="bob")) == [log["bob-item"]]
    assert ids(db, AuditFilter(user="nobody")) == []


def test_a_time_range_includes_its_start_and_excludes_its_end(db, log):
    window = AuditFilter(since=T0 + timedelta(minutes=60), until=T0 + timedelta(minutes=180))
    assert ids(db, window) == [log["ann-update"], log["bob-user"]]
    assert ids(db, AuditFilter(since=T0 + timedelta(minutes=250))) == [log["bob-login"]]
    assert ids(db, AuditFilter(until=T0 + timedelta(minutes=1), user="ann")) == [
        log["ann-item"]]


def test_a_page_shows_old_and_new_values_with_chinese_intact(db, log):
    with db.reading() as s:
        page = audit_page(s, actor=AUDITOR, flt=AuditFilter(action="update", user="ann"))
    (row,) = page.rows
    assert row.before == {"name": "冠脉支架", "active": True}
    assert row.after == {"name": "冠脉支架 2.5mm", "active": True}
    assert (row.actor_name, row.reason, row.seq) == ("ann", "更正规格", None)


def test_keyset_pages_walk_the_log_without_gaps_or_repeats(db, log):
    with db.reading() as s:
        first = audit_page(s, actor=AUDITOR, flt=AuditFilter(), limit=4)
    newer = record(db, who="ann", action="logout", entity="user", key="ann", minutes=400)
    with db.reading() as s:
        second = audit_page(s, actor=AUDITOR, flt=AuditFilter(), after=first.next_after,
                            limit=4)
    everything = sorted(log.values(), reverse=True)
    assert [r.id for r in first.rows] == everything[:4]
    assert first.next_after == everything[3]
    # a record written meanwhile does not shift the next page: it continues below the cursor
    assert [r.id for r in second.rows] == everything[4:]
    assert second.next_after is None
    assert ids(db, AuditFilter(), limit=1) == [newer]


def test_a_full_page_at_the_end_has_no_next_page(db, log):
    with db.reading() as s:
        page = audit_page(s, actor=AUDITOR, flt=AuditFilter(user="ann"), limit=3)
    assert len(page.rows) == 3
    assert page.next_after is None


def test_the_exports_read_back_with_chinese_and_every_filtered_row(db, log):
    flt = AuditFilter(entity="item")
    with db.reading() as s:
        rows = export_rows(s, actor=AUDITOR, flt=flt)
    headings = ["编号", "封存序号", "时间", "用户", "操作", "记录类型", "记录编号", "原值", "新值",
                "原因"]
    text = audit_export.to_csv(headings, rows, ZONE)
    assert text.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert read[0] == headings
    assert [int(r[0]) for r in read[1:]] == [log["bob-item"], log["ann-update"],
                                             log["ann-item"]]
    update = read[2]
    assert update[2] == "2026-12-01 18:00:00 +08:00"
    assert update[3:7] == ["ann", "update", "item", "STENT-1"]
    assert update[7] == '{"active":true,"name":"冠脉支架"}'
    assert update[8] == '{"active":true,"name":"冠脉支架 2.5mm"}'
    assert update[9] == "更正规格"

    book = load_workbook(io.BytesIO(audit_export.to_xlsx(headings, rows, ZONE, "审计日志")))
    sheet = book["审计日志"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == headings
    assert [r[0] for r in cells[1:]] == [log["bob-item"], log["ann-update"], log["ann-item"]]
    assert cells[2][7:10] == [update[7], update[8], "更正规格"]
    assert cells[3][8] == '{"active":true,"name":"冠脉支架"}'


def test_a_formula_typed_as_a_reason_is_exported_as_text(db):
    record(db, who="eve", action="update", entity="item", key="X1", minutes=0,
           after={"name": "-"}, reason='=HYPERLINK("http://example.com","x")')
    record(db, who="eve", action="update", entity="item", key="X2", minutes=1,
           after={"qty": -5}, reason="-5")
    with db.reading() as s:
        rows = export_rows(s, actor=AUDITOR, flt=AuditFilter(user="eve"))
    heads = list(audit_export.COLUMNS)
    sheet = load_workbook(io.BytesIO(audit_export.to_xlsx(heads, rows, ZONE, "log"))).active
    formula = sheet.cell(row=3, column=10)
    assert formula.data_type == "s"
    assert formula.value == '=HYPERLINK("http://example.com","x")'
    read = list(csv.reader(io.StringIO(audit_export.to_csv(heads, rows, ZONE)
                                       .decode("utf-8-sig"))))
    assert read[2][9] == "'=HYPERLINK(\"http://example.com\",\"x\")"
    assert read[1][9] == "-5"  # a plain negative number stays as it is


def test_an_export_beyond_the_limit_asks_for_a_narrower_filter(db, log):
    with db.reading() as s, pytest.raises(ExportTooLarge) as refused:
        export_rows(s, actor=AUDITOR, flt=AuditFilter(user="ann"), most=2)
    assert "narrow the filter" in refused.value.message("en")
    assert "缩小筛选范围" in refused.value.message("zh-CN")
    with db.reading() as s:
        assert len(export_rows(s, actor=AUDITOR, flt=AuditFilter(user="ann"), most=3)) == 3


def test_only_readers_of_the_audit_log_of_every_warehouse_may_read_it(db, log):
    picker = Actor(user_id=None, username="pat", roles=frozenset({"picker"}))
    scoped = Actor(user_id=None, username="sam", roles=frozenset({"auditor"}),
                   warehouses=frozenset({1}))
    with db.reading() as s:
        with pytest.raises(PermissionDenied):
            audit_page(s, actor=picker, flt=AuditFilter())
        with pytest.raises(EveryWarehouseNeeded):
            export_rows(s, actor=scoped, flt=AuditFilter())
        manager = Actor(user_id=None, username="mona", roles=frozenset({"manager"}))
        assert len(audit_page(s, actor=manager, flt=AuditFilter()).rows) == len(log)


def test_the_user_filter_suggests_every_username(db):
    make_user(db, "zoe")
    make_user(db, "abe")
    with db.reading() as s:
        assert usernames(s, actor=AUDITOR) == ["abe", "zoe"]


def big_log(db: Database, rows: int = 10_000) -> None:
    """A log of `rows` records by fifty busy users, and three by a rare one."""
    busy = [{"at": T0 + timedelta(seconds=n), "actor_name": f"u{n % 50}",
             "action": ("login", "update", "create")[n % 3], "entity": "item",
             "entity_key": f"K{n % 700}", "before": "", "after": "", "reason": ""}
            for n in range(rows)]
    rare = [dict(busy[n], actor_name="rare", action="user.unlock") for n in (10, 3000, 8000)]
    with db.engine.begin() as conn:
        conn.execute(insert(AuditRecord), busy + rare)
        conn.execute(text("ANALYZE" if db.dialect == "sqlite" else "ANALYZE audit_record"))


def plan(db: Database, flt: AuditFilter) -> str:
    """How the database reads a page below a cursor: its query plan as one text."""
    query = page_query(flt, after=9_000, limit=51)
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
    with db.engine.connect() as conn:
        return "\n".join(str(row[-1]) for row in conn.execute(text(explain + sql)))


def test_a_page_of_a_rare_user_or_action_reads_its_own_index_range(db):
    big_log(db)
    assert "ix_audit_record_actor_name_id" in plan(db, AuditFilter(user="rare"))
    assert "ix_audit_record_action_id" in plan(db, AuditFilter(action="user.unlock"))
    assert "ix_audit_record_at" in plan(db, AuditFilter(since=T0, until=T0 + timedelta(
        seconds=30)))
    with db.reading() as s:
        page = audit_page(s, actor=AUDITOR, flt=AuditFilter(user="rare"), limit=2)
        rest = audit_page(s, actor=AUDITOR, flt=AuditFilter(user="rare"),
                          after=page.next_after, limit=2)
    assert len(page.rows) == 2 and len(rest.rows) == 1 and rest.next_after is None
