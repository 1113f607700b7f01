"""Previewing an import: every problem with its row and column, or what each row would do —
and nothing written either way; the same file applied afterwards writes it all."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from medwms.auth.rules import SYSTEM, Actor
from medwms.core.errors import EveryWarehouseNeeded, ImportRejected, PermissionDenied
from medwms.masterdata import exporting, importing, service
from medwms.masterdata.tables import Item, Location
from tests.integration.masterdata.files import (
    ITEM_HEADER,
    PICKER,
    audits,
    count,
    csv_bytes,
    load,
    site,
    xlsx_bytes,
)
from tests.support.builders import NOW

GOOD = [["A-1", "导管", "III", "LOT", "2030-01-31"], ["A-2", "支架", "II", "SERIAL", ""]]


def preview(db, kind, data, filename="f.xlsx", actor=SYSTEM):
    return importing.preview_file(db=db, actor=actor, kind=kind, data=data,
                                  filename=filename, now=NOW)


def test_a_bad_file_previews_every_problem_by_row_and_column_and_writes_nothing(db):
    rows = [["B-1", "", "III", "LOT", ""], ["B 2", "x", "IV", "LOT", ""],
            ["B-3", "x", "II", "LOT", "30/06/2030"]]
    found = preview(db, "items", xlsx_bytes(ITEM_HEADER, rows))
    assert not found.ok and found.rows == 3 and found.previews == ()
    assert [(p.row, p.column) for p in found.problems] == [
        (2, "name_zh"), (3, "code"), (3, "risk_class"), (4, "registration_expiry")]
    assert found.problems[2].value == "IV"
    assert "YYYY-MM-DD" in found.problems[3].message
    assert count(db, Item) == 0 and audits(db) == []


def test_an_unreadable_file_or_header_is_a_problem_not_a_crash(db):
    damaged = preview(db, "items", b"PK\x03\x04 not really a workbook", "f.xlsx")
    assert not damaged.ok and "xlsx" in damaged.problems[0].message
    unknown = preview(db, "items", csv_bytes([*ITEM_HEADER, "colour"], [[*GOOD[0], "red"]]),
                      "f.csv")
    assert [(p.row, p.column) for p in unknown.problems] == [(1, "colour")]


def test_a_clean_file_previews_what_each_row_would_do_and_writes_nothing(db):
    load(db, "items", csv_bytes(ITEM_HEADER, GOOD))
    before = audits(db)
    rows = [["A-1", "导管（新）", "III", "LOT", "2030-01-31"], GOOD[1],
            ["A-3", "缝线", "I", "LOT", ""]]
    found = preview(db, "items", xlsx_bytes(ITEM_HEADER, rows))
    assert found.ok
    assert [(p.row, p.key, p.action) for p in found.previews] == [
        (2, "A-1", "update"), (3, "A-2", "unchanged"), (4, "A-3", "create")]
    [change] = found.previews[0].changes
    assert (change.column, change.before, change.after) == ("name_zh", "导管", "导管（新）")
    assert {c.column for c in found.previews[2].changes} >= {"code", "name_zh", "risk_class"}
    assert (found.count("create"), found.count("update"), found.count("unchanged")) == (1, 1, 1)
    assert count(db, Item) == 2 and audits(db) == before
    with db.reading() as s:
        assert s.query(Item).filter_by(code="A-1").one().name_zh == "导管"


def test_the_previewed_file_applied_writes_every_row(db):
    data = xlsx_bytes(ITEM_HEADER, GOOD)
    assert preview(db, "items", data).ok
    result = importing.import_file(db=db, actor=SYSTEM, kind="items", data=data,
                                   filename="f.xlsx", now=NOW)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert count(db, Item) == 2
    assert [a.action for a in audits(db)] == ["create", "create"]


def test_a_bad_file_applied_writes_nothing(db):
    site(db)
    header = ["code", "warehouse_code", "zone_code"]
    data = xlsx_bytes(header, [["WH1-A-01", "WH1", "S1"], ["WH1-A-02", "WH1", "NOPE"]])
    found = preview(db, "locations", data)
    assert [(p.row, p.column) for p in found.problems] == [(3, "zone_code")]
    with pytest.raises(ImportRejected):
        importing.import_file(db=db, actor=SYSTEM, kind="locations", data=data,
                              filename="f.xlsx", now=NOW)
    assert count(db, Location) == 0


def test_an_exported_workbook_previews_unchanged_and_an_edited_cell_as_that_change(db):
    site(db)
    service.create_record(db=db, actor=SYSTEM, kind="locations", now=NOW, values={
        "code": "WH1-S1-01", "warehouse_code": "WH1", "zone_code": "S1", "x": "1.5"})
    exported = exporting.export_file(db=db, actor=SYSTEM, kind="locations", file_format="xlsx")
    again = preview(db, "locations", exported, "locations.xlsx")
    assert again.ok and [p.action for p in again.previews] == ["unchanged"]
    book = load_workbook(io.BytesIO(exported))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("pick_seq") + 1, value=7)
    edited = io.BytesIO()
    book.save(edited)
    [row] = preview(db, "locations", edited.getvalue(), "locations.xlsx").previews
    assert row.action == "update"
    assert [(c.column, c.before, c.after) for c in row.changes] == [("pick_seq", 0, 7)]


def test_only_a_master_data_writer_of_every_warehouse_may_preview(db):
    data = xlsx_bytes(ITEM_HEADER, GOOD)
    with pytest.raises(PermissionDenied):
        preview(db, "items", data, actor=PICKER)
    one_warehouse = Actor(user_id=None, username="wanda", roles=frozenset({"manager"}),
                          warehouses=frozenset({1}))
    with pytest.raises(EveryWarehouseNeeded):
        preview(db, "items", data, actor=one_warehouse)
