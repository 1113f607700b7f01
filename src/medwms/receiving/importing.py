"""Advance notices from a CSV or XLSX file: one notice, one line per row, all or nothing.

Columns (English or Chinese header, any order): gtin/产品标识 and quantity/数量 required;
lot/批号, expiry/失效日期, production_date/生产日期, serials/序列号 (separated by `;`,
`,`, `|` or spaces) optional. Quantities are base units. The supplier, warehouse, notice
number and PO number are given with the file. Every bad row is listed; nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from medwms.auth.rules import Actor
from medwms.core.db import Database
from medwms.core.errors import ImportRejected, Problem
from medwms.masterdata import fields
from medwms.masterdata.reading import read_table
from medwms.masterdata.rules import problem
from medwms.receiving import notices
from medwms.receiving.queries import NoticeDetail

ALIASES: dict[str, tuple[str, ...]] = {
    "gtin": ("gtin", "udi-di", "产品标识", "商品条码"),
    "quantity": ("quantity", "qty", "数量"),
    "lot": ("lot", "lot_no", "批号"),
    "expiry": ("expiry", "expiry_date", "失效日期", "有效期至"),
    "production_date": ("production_date", "生产日期"),
    "serials": ("serials", "serial", "序列号"),
}
REQUIRED = ("gtin", "quantity")
SERIAL_SEPARATORS = re.compile(r"[;,|\s]+")


def import_notice(db: Database, *, actor: Actor, data: bytes, filename: str, supplier: str,
                  warehouse: str, notice_no: str | None = None, po_no: str = "",
                  expected_on: date | None = None, owner: str = "SELF") -> NoticeDetail:
    """Create one advance notice from a file's rows, or refuse the file whole."""
    table = read_table(data, filename)
    columns = _columns(table.header)
    found: list[Problem] = []
    lines = [_line(row, raw, columns, found) for row, raw in table.rows]
    return notices.create_notice(db, actor=actor, supplier=supplier, warehouse=warehouse,
                                 lines=lines, notice_no=notice_no, po_no=po_no,
                                 expected_on=expected_on, owner=owner, problems=found,
                                 rejected=ImportRejected)


def _columns(header: list[str]) -> dict[str, str]:
    """Our column name → the file's column name; refuses missing or unknown columns."""
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


def _line(row: int, raw: dict[str, object], columns: dict[str, str],
          found: list[Problem]) -> notices.NoticeLineIn:
    def cell(name: str, parse: Callable[[object], Any], default: Any = None) -> Any:
        value = raw.get(columns.get(name, ""))
        if fields.is_blank(value):
            if name in REQUIRED:
                found.append(problem("required", "必填", column=name, row=row))
            return default
        try:
            return parse(value)
        except fields.FieldError as error:
            found.append(problem(error.en, error.zh, column=name, row=row, value=value))
            return default

    serials = cell("serials", lambda v: tuple(
        x for x in SERIAL_SEPARATORS.split(fields.as_text(v)) if x), ())
    return notices.NoticeLineIn(
        gtin=fields.as_text(raw.get(columns["gtin"])), quantity=cell("quantity",
                                                                      fields.integer(1), 1),
        lot=cell("lot", fields.text(200)), expiry=cell("expiry", fields.iso_date),
        production_date=cell("production_date", fields.iso_date), serials=serials, row=row)
