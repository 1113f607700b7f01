"""Orders from CSV and XLSX files: grouped by order number, bad files refused whole."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from medwms.core.errors import ImportRejected
from medwms.orders.importing import import_orders
from tests.support.picking import MANAGER, STENT_BOX, counts, outbound


@pytest.fixture
def world(db):
    return outbound(db)


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_a_csv_with_two_orders_makes_two_orders(db, world):
    data = csv_bytes(
        "order_no,warehouse,consignee,delivery_date,item,gtin,quantity,lot",
        "SO-1,WH1,HOSP1,2026-12-01,STENT,,5,",
        f"SO-1,,,,,{STENT_BOX},2,",
        "SO-2,WH1,HOSP1,2026-12-03,STENT,,1,L9")
    made = import_orders(db, actor=MANAGER, data=data, filename="orders.csv")
    assert [(o.order_no, [line.quantity for line in o.lines]) for o in made] == [
        ("SO-1", [5, 20]), ("SO-2", [1])]
    assert made[1].lines[0].lot == "L9"
    assert str(made[1].delivery_date) == "2026-12-03"


def test_chinese_headers_in_an_xlsx_are_read(db, world):
    book = Workbook()
    sheet = book.active
    sheet.append(["出库单号", "仓库", "收货单位", "物料编码", "数量"])
    sheet.append(["SO-7", "WH1", "HOSP1", "STENT", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    made = import_orders(db, actor=MANAGER, data=buffer.getvalue(), filename="订单.xlsx")
    assert made[0].order_no == "SO-7"
    assert made[0].lines[0].quantity == 3


def test_bad_rows_are_all_listed_with_row_column_and_value_and_nothing_is_written(db, world):
    data = csv_bytes(
        "order_no,warehouse,consignee,item,quantity,delivery_date",
        "SO-1,WH1,HOSP1,STENT,0,2026-12-01",
        "SO-1,WH1,HOSP2,STENT,1,",
        "SO-2,WH1,HOSP1,NOPE,1,2026/12/01",
        "SO-3,WH1,HOSP1,STENT,1,2026-12-01")
    with pytest.raises(ImportRejected) as refused:
        import_orders(db, actor=MANAGER, data=data, filename="orders.csv")
    found = [(p.row, p.column, p.value) for p in refused.value.problems]
    assert (2, "quantity", "0") in found
    assert (3, "consignee", "HOSP2") in found
    assert (4, "delivery_date", "2026/12/01") in found
    assert refused.value.code == "IMPORT_REJECTED"
    assert counts(db)["outbound_order"] == 0


def test_an_unknown_item_is_reported_at_its_file_row(db, world):
    data = csv_bytes("order_no,warehouse,consignee,item,quantity",
                     "SO-1,WH1,HOSP1,STENT,1", "SO-1,WH1,HOSP1,NOPE,1")
    with pytest.raises(ImportRejected) as refused:
        import_orders(db, actor=MANAGER, data=data, filename="orders.csv")
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [
        (3, "item", "NOPE")]
    assert counts(db)["outbound_order"] == 0


def test_missing_and_unknown_columns_are_refused(db, world):
    with pytest.raises(ImportRejected) as refused:
        import_orders(db, actor=MANAGER, data=csv_bytes("order_no,item,colour", "SO-1,STENT,red"),
                      filename="orders.csv")
    assert {p.column for p in refused.value.problems} == {"warehouse", "quantity", "colour"}
