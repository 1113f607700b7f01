"""A logger's download (CSV or XLSX) as raw readings: one row per reading.

Columns are found by header name (case-insensitive): time (time, timestamp, datetime, date,
时间), temperature (celsius, temperature, temp, °C, 温度), humidity (humidity, rh, 湿度;
optional). A row that is not a reading becomes a reading the checks refuse and count.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import load_workbook

from medwms.coldchain.errors import BadReadingFile
from medwms.coldchain.ingest import RawReading
from medwms.core.errors import Problem

NAMES = {
    "time": ("time", "timestamp", "datetime", "date", "时间", "日期时间"),
    "celsius": ("celsius", "temperature", "temp", "°c", "temp_c", "温度", "温度(°c)"),
    "humidity": ("humidity", "rh", "rh%", "humidity%", "湿度", "湿度(%)"),
}


def read_logger_file(sensor: str, filename: str, content: bytes) -> list[RawReading]:
    """The rows of a CSV or XLSX logger file as raw readings of `sensor`."""
    rows = _xlsx_rows(content) if filename.lower().endswith(".xlsx") else _csv_rows(content)
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise BadReadingFile([Problem("the file has no rows", column="file", value=filename)])
    columns = _columns(rows[0], filename)
    return [RawReading(sensor, _cell(row, columns["time"]), _cell(row, columns["celsius"]),
                       _cell(row, columns.get("humidity")),
                       payload=",".join("" if c is None else str(c) for c in row)[:1000])
            for row in rows[1:]]


def _csv_rows(content: bytes) -> list[list[object]]:
    text = content.decode("utf-8-sig", errors="replace")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:2048], ",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(content: bytes) -> list[list[object]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a non-workbook
        raise BadReadingFile([Problem(f"not an XLSX workbook: {error}", column="file")]) from error
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _columns(header: Sequence[object], filename: str) -> dict[str, int]:
    names = [str(cell or "").strip().lower() for cell in header]
    found = {key: next((i for i, n in enumerate(names) if n in options), -1)
             for key, options in NAMES.items()}
    missing = [key for key in ("time", "celsius") if found[key] < 0]
    if missing:
        raise BadReadingFile([Problem(f"no {key} column (header: {', '.join(names)})",
                                      column=key, value=filename) for key in missing])
    return {key: index for key, index in found.items() if index >= 0}


def _cell(row: Iterable[object], index: int | None) -> object:
    cells = list(row)
    if index is None or index >= len(cells):
        return None
    return cells[index]
