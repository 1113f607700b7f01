"""Orders from a CSV or XLSX file: one row per order line, rows grouped by order number.

Columns (English or Chinese header, any order): order_no/出库单号, warehouse/仓库 and
quantity/数量 required; item/物料编码 or gtin/产品标识 per row; kind/类型 (SALE, DEPARTMENT,
TRANSFER; default SALE), consignee/收货单位, to_warehouse/调入仓库, owner/货主,
reference/参考号, requested_ship_date/要求发货日期, delivery_date/送达日期, lot/批号,
serial/序列号. Order columns must agree on every row of one order. Quantities are base
units by item code, packs of the GTIN's level by GTIN. Every bad row is listed (row,
column, value, why) and nothing is written: the file is refused whole.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from medwms.auth.rules import Actor
from medwms.core.db import Database
from medwms.core.errors import ImportRejected, Problem
from medwms.masterdata import fields
from medwms.masterdata.reading import read_table
from medwms.masterdata.rules import problem
from medwms.orders import orders, queries

ALIASES: dict[str, tuple[str, ...]] = {
    "order_no": ("order_no", "order", "出库单号"),
    "kind": ("kind", "type", "类型"),
    "warehouse": ("warehouse", "仓库"),
    "consignee": ("consignee", "customer", "收货单位", "客户"),
    "to_warehouse": ("to_warehouse", "调入仓库"),
    "owner": ("owner", "货主"),
    "reference": ("reference", "参考号"),
    "requested_ship_date": ("requested_ship_date", "ship_date", "要求发货日期"),
    "delivery_date": ("delivery_date", "送达日期"),
    "item": ("item", "item_code", "物料编码"),
    "gtin": ("gtin", "udi-di", "产品标识"),
    "quantity": ("quantity", "qty", "数量"),
    "lot": ("lot", "lot_no", "批号"),
    "serial": ("serial", "序列号"),
}
REQUIRED = ("order_no", "warehouse", "quantity")  # columns
REQUIRED_CELLS = ("order_no", "quantity")  # on every row; the warehouse once per order
HEADER = ("kind", "warehouse", "consignee", "to_warehouse", "owner", "reference",
          "requested_ship_date", "delivery_date")
PARSERS: dict[str, Callable[[object], Any]] = {
    "order_no": fields.code(40), "kind": fields.choice("SALE", "DEPARTMENT", "TRANSFER"),
    "warehouse": fields.code(20), "consignee": fields.code(40), "to_warehouse": fields.code(20),
    "owner": fields.code(40), "reference": fields.text(60), "requested_ship_date": fields.iso_date,
    "delivery_date": fields.iso_date, "item": fields.code(40), "gtin": fields.as_text,
    "quantity": fields.integer(1), "lot": fields.text(20), "serial": fields.text(20),
}


def import_orders(db: Database, *, actor: Actor, data: bytes,
                  filename: str) -> list[queries.OrderView]:
    """Create every order of the file, or refuse the file whole with every problem."""
    table = read_table(data, filename)
    columns = _columns(table.header)
    found: list[Problem] = []
    rows = [(number, _cells(number, raw, columns, found)) for number, raw in table.rows]
    grouped = _group(rows, found)
    if found:
        raise ImportRejected(found)
    return orders.create_orders(db, actor=actor, orders=grouped, rejected=ImportRejected)


def _columns(header: list[str]) -> dict[str, str]:
    """Our column name → the file's; refuses missing or unknown columns."""
    names = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
    found = {names[h]: h for h in header if h in names}
    problems = [problem(f"required column {name} is missing", f"缺少必填列 {name}",
                        column=name, row=1) for name in REQUIRED if name not in found]
    problems += [problem(f"unknown column; the columns are: {', '.join(ALIASES)}",
                         f"未知的列；应有的列：{', '.join(ALIASES)}", column=h, row=1)
                 for h in header if h and h not in names]
    if problems:
        raise ImportRejected(problems)
    return found


def _cells(row: int, raw: dict[str, object], columns: dict[str, str],
           found: list[Problem]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, column in columns.items():
        value = raw.get(column)
        if fields.is_blank(value):
            if name in REQUIRED_CELLS:
                found.append(problem("required", "必填", column=name, row=row))
            continue
        try:
            values[name] = PARSERS[name](value)
        except fields.FieldError as error:
            found.append(problem(error.en, error.zh, column=name, row=row, value=value))
    return values


def _group(rows: list[tuple[int, dict[str, Any]]],
           found: list[Problem]) -> list[orders.OrderIn]:
    """One OrderIn per order number, in file order; order columns must agree."""
    heads: dict[str, tuple[int, dict[str, Any]]] = {}
    lines: dict[str, list[orders.LineIn]] = {}
    for row, values in rows:
        number = values.get("order_no")
        if not number:
            continue
        first_row, head = heads.setdefault(number, (row, {k: values.get(k) for k in HEADER}))
        for name in HEADER:
            if values.get(name) is not None and head.get(name) not in (None, values[name]):
                found.append(problem(f"differs from row {first_row} of order {number}",
                                     f"与出库单 {number} 第 {first_row} 行不一致",
                                     column=name, row=row, value=values[name]))
            head[name] = head.get(name) or values.get(name)
        lines.setdefault(number, []).append(orders.LineIn(
            quantity=values.get("quantity", 1), item=values.get("item"),
            gtin=values.get("gtin"), lot=values.get("lot"), serial=values.get("serial"),
            row=row))
    found += [problem(f"order {number} names no warehouse", f"出库单 {number} 未填写仓库",
                      column="warehouse", row=row)
              for number, (row, head) in heads.items() if not head.get("warehouse")]
    return [_order(number, row, head, tuple(lines[number]))
            for number, (row, head) in heads.items()]


def _order(number: str, row: int, head: dict[str, Any],
           lines: tuple[orders.LineIn, ...]) -> orders.OrderIn:
    ship: date | None = head.get("requested_ship_date")
    deliver: date | None = head.get("delivery_date")
    return orders.OrderIn(warehouse=head.get("warehouse") or "", lines=lines,
                          kind=head.get("kind") or "SALE", consignee=head.get("consignee"),
                          to_warehouse=head.get("to_warehouse"),
                          owner=head.get("owner") or "SELF", order_no=number,
                          reference=head.get("reference") or "", requested_ship_date=ship,
                          delivery_date=deliver, row=row)
