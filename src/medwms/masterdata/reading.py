"""Reading master-data files: CSV (UTF-8 or GB18030) and Excel .xlsx, first sheet.

A file that is not what it claims to be is refused with a plain message, never a trace.
Row numbers are those a person sees in the spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from medwms.core.errors import ImportRejected
from medwms.masterdata.fields import is_blank
from medwms.masterdata.rules import problem

XLSX_SUFFIXES = (".xlsx", ".xlsm")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Table:
    """A file's header (lower-cased column names) and its non-blank rows, numbered."""

    header: list[str]
    rows: list[tuple[int, dict[str, object]]]


def read_table(data: bytes, filename: str) -> Table:
    """The header and rows of a CSV or XLSX file, chosen by content and name."""
    name = filename.lower()
    if data.startswith(OLE_MAGIC):
        _refuse("this is an old Excel .xls file: save it as .xlsx or .csv",
                "这是旧版 Excel .xls 文件，请另存为 .xlsx 或 .csv")
    if name.endswith(XLSX_SUFFIXES) or data.startswith(b"PK\x03\x04"):
        return _table(_xlsx_rows(data))
    return _table(_csv_rows(data))


def _refuse(en: str, zh: str) -> NoReturn:
    raise ImportRejected([problem(en, zh)])


def _xlsx_rows(data: bytes) -> list[Sequence[Any]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        _refuse("this is not an Excel .xlsx file (renamed or damaged?): "
                "open it in Excel and save it as .xlsx or .csv",
                "这不是 Excel .xlsx 文件（可能被改名或已损坏），"
                "请用 Excel 打开后另存为 .xlsx 或 .csv")
    try:
        return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _csv_rows(data: bytes) -> list[Sequence[Any]]:
    if b"\x00" in data:
        _refuse("this is not a text (CSV) file", "这不是文本（CSV）文件")
    text = _decode(data)
    dialect = _sniff(text)
    return [tuple(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, as saved by Chinese Excel."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _sniff(text: str) -> type[csv.Dialect]:
    first = text.split("\n", 1)[0]
    if "\t" in first and "," not in first:
        return csv.excel_tab
    return csv.excel


def _table(raw: Iterable[Sequence[Any]]) -> Table:
    rows = iter(raw)
    header = _header(rows)
    records = []
    for number, cells in enumerate(rows, start=2):
        if all(is_blank(c) for c in cells):
            continue
        records.append((number, {name: cell for name, cell in zip(header, cells, strict=False)
                                 if name}))
    return Table(header, records)


def _header(rows: Iterator[Sequence[Any]]) -> list[str]:
    for cells in rows:
        header = ["" if c is None else str(c).strip().lower() for c in cells]
        while header and not header[-1]:
            header.pop()
        if not header:
            break
        return header
    _refuse("the sheet is empty: the first row must name the columns",
            "工作表为空：第一行应为列名")
