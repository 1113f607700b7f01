"""Importing files: a file with any bad row is refused whole, with every bad row reported."""

from __future__ import annotations

import time

import pytest

from medwms.auth.rules import SYSTEM
from medwms.core.errors import ImportRejected, PermissionDenied
from medwms.ledger.verify import verify
from medwms.masterdata import service
from medwms.masterdata.tables import Item, Location, Packaging, Partner
from tests.integration.masterdata.files import (
    ITEM_HEADER,
    PACK_HEADER,
    PICKER,
    audits,
    count,
    csv_bytes,
    gs1,
    load,
    site,
    xlsx_bytes,
)
from tests.support.builders import NOW

GOOD_ITEMS = [["A-1", "导管", "III", "LOT", "2030-01-31"],
              ["A-2", "支架", "III", "SERIAL", ""]]


def refused(db, kind, data, filename="f.csv"):
    with pytest.raises(ImportRejected) as error:
        load(db, kind, data, filename)
    return error.value.problems


def where(problems):
    return [(p.row, p.column) for p in problems]


def test_a_good_item_file_is_created_then_updated_by_code(db):
    first = load(db, "items", csv_bytes(ITEM_HEADER, GOOD_ITEMS))
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    changed = [["A-1", "导管（改）", "III", "LOT", "2030-01-31"], GOOD_ITEMS[1],
               ["a-3", "缝线", "ii", "lot", ""]]
    second = load(db, "items", csv_bytes(ITEM_HEADER, changed))
    assert (second.created, second.updated, second.unchanged) == (1, 1, 1)
    assert [a.action for a in audits(db)] == ["create", "create", "update", "create"]
    assert count(db, Item) == 3


def test_a_bad_check_digit_refuses_the_whole_file_and_names_row_and_column(db):
    load(db, "items", csv_bytes(ITEM_HEADER, GOOD_ITEMS))
    good, bad = gs1("0690123400001"), gs1("0690123400002")
    bad = bad[:-1] + str((int(bad[-1]) + 1) % 10)
    problems = refused(db, "packaging", csv_bytes(PACK_HEADER, [
        [good, "A-1", "unit", 1], [bad, "A-2", "box", 10]]))
    assert where(problems) == [(3, "gtin")]
    assert problems[0].value == bad
    assert "check digit" in problems[0].message
    assert count(db, Packaging) == 0


def test_every_bad_row_is_reported_not_only_the_first(db):
    rows = [["B-1", "", "III", "LOT", ""], ["B 2", "x", "IV", "LOT", ""],
            ["B-3", "x", "II", "LOT", "30/06/2030"], ["B-1", "x", "II", "LOT", ""]]
    problems = refused(db, "items", csv_bytes(ITEM_HEADER, rows))
    assert where(problems) == [(2, "name_zh"), (3, "code"), (3, "risk_class"),
                               (4, "registration_expiry"), (5, "code")]
    assert "YYYY-MM-DD" in problems[3].message
    assert "row 2" in problems[4].message
    assert count(db, Item) == 0
    assert audits(db) == []


def test_a_missing_column_is_reported_once_naming_the_expected_columns(db):
    header = ["code", "name_zh", "risk_class"]
    problems = refused(db, "items", csv_bytes(header, [["A", "x", "II"]] * 50))
    assert len(problems) == 1
    assert problems[0].column == "tracking"
    assert "code, name_zh, name_en" in problems[0].message


def test_an_expired_licence_is_refused_for_a_new_partner_only(db):
    header = ["code", "name", "kind", "licence_no", "licence_expiry"]
    rows = [["SUP-1", "供应商", "SUPPLIER", "京药监械经营许20190001", "2026-01-31"]]
    problems = refused(db, "partners", csv_bytes(header, rows))
    assert where(problems) == [(2, "licence_expiry")]
    rows[0][4] = "2027-01-31"
    load(db, "partners", csv_bytes(header, rows))
    rows[0][4] = "2026-01-31"
    assert load(db, "partners", csv_bytes(header, rows)).updated == 1


def test_departments_may_refer_to_a_customer_further_down_the_same_file(db):
    header = ["code", "name", "kind", "parent_code", "min_remaining_days"]
    rows = [["H1-ICU", "重症医学科", "DEPARTMENT", "H1", ""],
            ["H1", "第一医院", "CUSTOMER", "", "180"]]
    assert load(db, "partners", csv_bytes(header, rows)).created == 2
    assert count(db, Partner) == 2


def test_a_location_barcode_used_by_another_location_is_a_duplicate(db):
    site(db)
    header = ["code", "warehouse_code", "zone_code", "barcode"]
    load(db, "locations", csv_bytes(header, [["L-1", "WH1", "S1", "BIN-1"]]))
    problems = refused(db, "locations", csv_bytes(header, [
        ["L-2", "WH1", "S1", "BIN-1"], ["L-3", "WH1", "S9", ""], ["L-4", "WH9", "S1", ""]]))
    assert where(problems) == [(2, "barcode"), (3, "zone_code"), (4, "warehouse_code")]
    assert count(db, Location) == 1


def test_an_xlsx_with_an_empty_sheet_is_refused_with_a_message(db):
    problems = refused(db, "items", xlsx_bytes(None), "items.xlsx")
    assert "empty" in problems[0].message


def test_an_xlsx_with_only_a_header_is_refused(db):
    problems = refused(db, "items", xlsx_bytes(ITEM_HEADER), "items.xlsx")
    assert "no data rows" in problems[0].message


def test_a_non_spreadsheet_renamed_xlsx_is_refused_with_a_message(db):
    problems = refused(db, "items", b"%PDF-1.4 not a spreadsheet", "items.xlsx")
    assert "not an Excel .xlsx file" in problems[0].message
    assert count(db, Item) == 0


def test_an_old_xls_file_is_refused_with_advice(db):
    problems = refused(db, "items", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "items.xls")
    assert ".xlsx" in problems[0].message


def test_excel_date_and_number_cells_are_read_as_such(db):
    from datetime import datetime
    rows = [["X-1", "导管", "II", "LOT", datetime(2031, 5, 1)]]
    load(db, "items", xlsx_bytes(ITEM_HEADER, rows), "items.xlsx")
    pack = [[int(gs1("0690123400001")), "X-1", "unit", 1]]
    assert load(db, "packaging", xlsx_bytes(PACK_HEADER, pack), "p.xlsx").created == 1
    record = service.fetch(db=db, actor=SYSTEM, kind="items", key="X-1")
    assert record["registration_expiry"].isoformat() == "2031-05-01"


def test_a_picker_cannot_import(db):
    with pytest.raises(PermissionDenied):
        load(db, "items", csv_bytes(ITEM_HEADER, GOOD_ITEMS), actor=PICKER)
    assert count(db, Item) == 0


def test_a_dry_run_checks_everything_and_writes_nothing(db):
    from medwms.masterdata import importing
    result = importing.import_file(db=db, actor=SYSTEM, kind="items", filename="f.csv",
                                   data=csv_bytes(ITEM_HEADER, GOOD_ITEMS), dry_run=True,
                                   now=NOW)
    assert (result.created, result.dry_run) == (2, True)
    assert count(db, Item) == 0


def test_ten_thousand_items_and_their_packaging_import_fast_and_audited(db):
    n = 10_000
    items = [[f"P{i:05d}", f"器械{i}", "II", "LOT", "2030-12-31"] for i in range(n)]
    packs = [[gs1(f"0690{i:09d}"), f"P{i:05d}", "unit", 1] for i in range(n)]
    started = time.perf_counter()
    load(db, "items", csv_bytes(ITEM_HEADER, items))
    load(db, "packaging", xlsx_bytes(PACK_HEADER, packs), "packaging.xlsx")
    elapsed = time.perf_counter() - started
    print(f"\n10,000 items + 10,000 GTINs imported in {elapsed:.1f} s on {db.dialect}")
    assert count(db, Item) == n
    assert count(db, Packaging) == n
    assert len(audits(db)) == 2 * n
    with db.reading() as s:
        report = verify(s)
    assert report.ok, report.problems
    assert elapsed < 60
