"""The complaints and adverse-events log as an XLSX workbook for the registrant: one row per
report, headings in Chinese and English, times in the company's time zone."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from medwms.complaints.queries import ComplaintView

COLUMNS: tuple[tuple[str, str], ...] = (
    ("报告编号", "Report no."), ("类型", "Kind"), ("严重程度", "Severity"), ("状态", "Status"),
    ("资料是否完整", "Complete"), ("客户编码", "Customer code"), ("客户名称", "Customer"),
    ("产品编码", "Item code"), ("产品名称", "Item"), ("批号", "Lots"), ("序列号", "Serials"),
    ("接收时间", "Received at"), ("接收人", "Received by"), ("问题描述", "Description"),
    ("原因", "Cause"), ("措施", "Actions"), ("答复客户", "Reply to customer"),
    ("答复时间", "Replied at"), ("告知注册人时间", "Registrant told at"),
    ("告知注册人人员", "Registrant told by"), ("告知注册人方式", "Registrant told how"),
    ("告知供货单位时间", "Supplier told at"), ("告知供货单位人员", "Supplier told by"),
    ("告知供货单位方式", "Supplier told how"), ("上报监测系统时间", "Regulator reported at"),
    ("上报人员", "Reported by"), ("上报编号", "Report reference"), ("关闭时间", "Closed at"),
    ("关闭人", "Closed by"),
)


def complaints_xlsx(reports: Sequence[ComplaintView], *, timezone: str) -> bytes:
    """`reports` as a one-sheet workbook; times shown in `timezone`."""
    zone = ZoneInfo(timezone)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("complaints")
    sheet.append([f"{zh} / {en}" for zh, en in COLUMNS])
    for report in reports:
        sheet.append(_row(report, zone))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(r: ComplaintView, zone: ZoneInfo) -> list[Any]:
    def when(moment: datetime | None) -> str:
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})" if moment else ""

    lots = sorted({u.lot for u in r.units if u.lot})
    serials = [u.serial for u in r.units if u.serial]
    told, supplier, regulator = (r.notice("REGISTRANT"), r.notice("SUPPLIER"),
                                 r.notice("REGULATOR"))
    return [r.complaint_no, r.kind, r.severity or "", r.status,
            "INCOMPLETE / 缺批号或序列号" if r.incomplete else "OK", r.customer,
            r.customer_name, r.item, r.item_name, ", ".join(lots), ", ".join(serials),
            when(r.received_at), r.received_by or "", r.description, r.cause, r.actions,
            r.reply, when(r.replied_at), when(told.at), told.by or "", told.channel or "",
            when(supplier.at), supplier.by or "", supplier.channel or "", when(regulator.at),
            regulator.by or "", regulator.reference, when(r.closed_at), r.closed_by or ""]
