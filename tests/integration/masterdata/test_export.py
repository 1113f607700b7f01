"""Export writes what import reads: export → import into an empty database → same data."""

from __future__ import annotations

import pytest

from medwms.auth.rules import SYSTEM
from medwms.core.errors import ValidationError
from medwms.masterdata import exporting, importing, reading
from medwms.masterdata.kinds import KINDS
from tests.integration.masterdata.files import csv_bytes, gs1, load
from tests.support.builders import NOW
from tests.support.databases import empty_all_tables

ORDER = ["owners", "warehouses", "zones", "locations", "items", "packaging", "partners"]

WORLD = {
    "owners": (["code", "name"], [["SELF", "我司"], ["P-1", "委托方"]]),
    "warehouses": (["code", "name", "gln", "timezone", "separate_release"],
                   [["WH1", "中心库", gs1("690123400000"), "Asia/Shanghai", "false"]]),
    "zones": (["warehouse_code", "code", "name", "kind", "temp_min", "temp_max"],
              [["WH1", "COLD", "冷库", "STORAGE", "2", "8"], ["WH1", "RCV", "收货", "RECEIVING",
                                                           "", ""]]),
    "locations": (["code", "warehouse_code", "zone_code", "aisle", "bay", "level", "x", "y",
                   "pick_seq", "capacity", "blocked"],
                  [["C-01-01", "WH1", "COLD", "01", "01", "A", "1.25", "3.5", "1", "40", "no"],
                   ["RCV-1", "WH1", "RCV", "", "", "", "", "", "", "", "yes"]]),
    "items": (["code", "name_zh", "name_en", "model", "manufacturer", "registration_no",
               "registration_expiry", "risk_class", "tracking", "temp_min", "temp_max",
               "humidity_max", "shelf_life_days", "min_remaining_days", "implant",
               "unit_cost", "active"],
              [["STENT-1", "冠脉支架", "Coronary stent", "3.0x18mm", "某医疗", "国械注准2023",
                "2030-06-30", "III", "LOT_SERIAL", "2", "25", "75", "730", "180", "true",
                "1234.5678", "true"],
               ["GLOVE-1", "手套", "", "", "", "", "", "I", "LOT", "", "", "", "", "", "", "",
                ""]]),
    "packaging": (["gtin", "item_code", "level", "quantity"],
                  [[gs1("0690123400001"), "STENT-1", "unit", "1"],
                   [gs1("690123400002"), "GLOVE-1", "box", "100"]]),
    "partners": (["code", "name", "name_en", "kind", "parent_code", "licence_no",
                  "licence_expiry", "min_remaining_days", "address", "contact", "active"],
                 [["H1", "第一医院", "First Hospital", "CUSTOMER", "", "L-1", "2029-01-01", "180",
                   "北京", "张三", "true"],
                  ["H1-ICU", "重症医学科", "", "DEPARTMENT", "H1", "", "", "", "", "", "true"],
                  ["SUP-1", "供应商", "", "SUPPLIER", "", "L-2", "2028-01-01", "", "", "",
                   "false"]]),
}


def export_all(db, file_format):
    return {kind: exporting.export_file(db=db, actor=SYSTEM, kind=kind, file_format=file_format)
            for kind in ORDER}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_gives_the_same_data(db, file_format):
    for kind in ORDER:
        header, rows = WORLD[kind]
        load(db, kind, csv_bytes(header, rows))
    first = export_all(db, file_format)
    empty_all_tables(db)
    for kind in ORDER:
        assert load(db, kind, first[kind], f"{kind}.{file_format}").created == len(
            WORLD[kind][1])
    again = export_all(db, file_format)
    for kind in ORDER:
        table = reading.read_table(again[kind], f"x.{file_format}")
        assert table.rows == reading.read_table(first[kind], f"x.{file_format}").rows


def test_export_writes_every_column_the_import_reads(db):
    for kind, spec in KINDS.items():
        data = exporting.export_file(db=db, actor=SYSTEM, kind=kind, file_format="csv")
        assert reading.read_table(data, "x.csv").header == list(spec.column_names)


def test_reimporting_an_export_changes_nothing(db):
    header, rows = WORLD["items"]
    load(db, "items", csv_bytes(header, rows))
    data = exporting.export_file(db=db, actor=SYSTEM, kind="items", file_format="xlsx")
    result = importing.import_file(db=db, actor=SYSTEM, kind="items", data=data,
                                   filename="items.xlsx", now=NOW)
    assert (result.unchanged, result.updated) == (2, 0)


def test_an_unknown_format_is_refused(db):
    with pytest.raises(ValidationError):
        exporting.export_file(db=db, actor=SYSTEM, kind="items", file_format="pdf")
