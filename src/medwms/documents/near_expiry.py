"""The near-expiry list (近效期预警) as a one-sheet workbook, headings in the language asked."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from medwms.documents.pdf_parts import language_of
from medwms.quality.expiry_queries import NEAR_COLUMNS, NearExpiryLine

HEADINGS: dict[str, tuple[str, str]] = {
    "warehouse": ("仓库", "Warehouse"), "item": ("产品编码", "Item"), "name": ("产品名称", "Name"),
    "lot": ("批号", "Lot"), "serial": ("序列号", "Serial"), "expiry": ("有效期至", "Expiry"),
    "days_left": ("剩余天数", "Days left"), "location": ("库位", "Location"),
    "status": ("库存状态", "Status"), "quantity": ("数量", "Quantity"),
    "threshold": ("预警天数", "Warning days"), "applied": ("预警天数来源", "Warning days from"),
}
APPLIED = {"ITEM": ("产品自设", "item's own"), "SETTING": ("系统设置", "setting"),
           "ASKED": ("本次查询指定", "asked for")}


def near_expiry_xlsx(lines: Sequence[NearExpiryLine], *, language: str = "zh-CN") -> bytes:
    """The lines as an .xlsx workbook (text that looks like a formula stays text)."""
    english = language_of(language) == "en"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("near expiry" if english else "近效期")
    sheet.append([HEADINGS[c][1 if english else 0] for c in NEAR_COLUMNS])
    for line in lines:
        row = line.as_row()
        row["applied"] = APPLIED[line.applied][1 if english else 0]
        sheet.append([_cell(sheet, row[c]) for c in NEAR_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet: Any, value: Any) -> Any:
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
