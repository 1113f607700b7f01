"""The audit log as a file: CSV (UTF-8 with a BOM, so Excel shows Chinese) or XLSX.

One row per record, newest first, with the column headings the caller gives (in the UI
language). Old and new values are the stored JSON text, Chinese kept as it is. A text that a
spreadsheet would run as a formula (`=…`, `+…`, `@…`, `-…`) is written as text: in the XLSX
as a text cell, in the CSV behind an apostrophe, as spreadsheets themselves mark text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from medwms.auth.queries import AuditView
from medwms.core.clock import local_text
from medwms.core.hashchain import canonical

COLUMNS = ("id", "seq", "at", "user", "action", "entity", "entity_key", "before", "after",
           "reason")
FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx":
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_FORMULA = re.compile(r"^[=+@\t\r]|^-(?!\d+(\.\d+)?$)")


def cells(view: AuditView, timezone: str) -> list[Any]:
    """One record as the cells of its row, in COLUMNS order."""
    return [view.id, view.seq if view.seq is not None else "",
            local_text(view.at, timezone, seconds=True), view.actor_name, view.action,
            view.entity, view.entity_key, canonical(view.before) if view.before else "",
            canonical(view.after) if view.after else "", view.reason]


def to_csv(headings: Sequence[str], rows: Sequence[AuditView], timezone: str) -> bytes:
    """The records as CSV with a heading row, UTF-8 with a BOM."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    for view in rows:
        writer.writerow([_csv_text(value) for value in cells(view, timezone)])
    return out.getvalue().encode("utf-8-sig")


def _csv_text(value: Any) -> Any:
    return f"'{value}" if isinstance(value, str) and _FORMULA.match(value) else value


def to_xlsx(headings: Sequence[str], rows: Sequence[AuditView], timezone: str,
            title: str) -> bytes:
    """The records as a one-sheet workbook (sheet `title`) with a heading row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(headings))
    for view in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in cells(view, timezone)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    return cell
