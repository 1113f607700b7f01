"""Writing master-data files: the same columns the import reads, as CSV or XLSX.

Export then import into an empty database gives the same records back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.core.db import Database
from medwms.core.errors import ValidationError
from medwms.masterdata import queries
from medwms.masterdata.kinds import Kind
from medwms.masterdata.service import kind_named

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx":
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def export_file(*, db: Database, actor: Actor, kind: str, file_format: str) -> bytes:
    """Every record of `kind` as a CSV (UTF-8 with BOM, for Excel) or XLSX file."""
    require(actor, Perm.MASTERDATA_READ)
    spec = kind_named(kind)
    if file_format not in FORMATS:
        raise ValidationError(f"format must be one of {', '.join(FORMATS)}", field="format")
    with reading_as(db, actor) as session:
        records = queries.export_records(session, spec)
    writer = to_csv if file_format == "csv" else to_xlsx
    return writer(spec, records)


def cell_text(value: Any) -> str:
    """A value as CSV text: dates ISO, booleans true/false, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(kind: Kind, records: Sequence[dict[str, Any]]) -> bytes:
    """Records as CSV text with a header row, UTF-8 with a BOM so Excel shows Chinese."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(kind.column_names)
    for record in records:
        writer.writerow([cell_text(record.get(n)) for n in kind.column_names])
    return out.getvalue().encode("utf-8-sig")


def _cell(value: Any) -> Any:
    """Numbers and dates as real cells; codes and GTINs stay text (keep leading zeros)."""
    return float(value) if isinstance(value, Decimal) else value


def to_xlsx(kind: Kind, records: Sequence[dict[str, Any]]) -> bytes:
    """Records as a one-sheet workbook named after the kind."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind.name)
    sheet.append(list(kind.column_names))
    for record in records:
        sheet.append([_cell(record.get(n)) for n in kind.column_names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
