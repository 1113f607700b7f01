"""The count report (盘点报告) as PDF, in Chinese or English.

Header (plan, warehouse, kind, status, approval with its signature line), totals (lines,
accuracy, variance value), then the variance lines (location, item, lot/serial, status,
expected, counted, recounted, variance, value, reason). Clean lines are summarised, not listed.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as _TableStyle
from sqlalchemy.orm import Session

from medwms.barcode.internal import DOCUMENT_PREFIX
from medwms.core.clock import utc_now
from medwms.counting import queries
from medwms.counting.queries import PlanView, VarianceRow
from medwms.documents.pdf_parts import (
    Code128Flowable,
    Styles,
    language_of,
    local_text,
    paragraph,
    styles,
)

TEXT: dict[str, tuple[str, str]] = {
    "title": ("盘点报告", "Count report"),
    "plan_no": ("盘点单号", "Count no."), "warehouse": ("仓库", "Warehouse"),
    "kind": ("盘点类型", "Kind"), "status": ("状态", "Status"),
    "approved": ("审批", "Approved"), "printed": ("打印时间", "Printed"),
    "lines": ("盘点行数", "Lines counted"), "clean": ("无差异行数", "Lines without variance"),
    "accuracy": ("盘点准确率", "Accuracy"), "value": ("差异金额", "Variance value"),
    "location": ("库位", "Location"), "item": ("产品", "Item"),
    "lot": ("批号/序列号", "Lot / serial"), "stock_status": ("库存状态", "Status"),
    "expected": ("账面", "Expected"), "counted": ("初盘", "Counted"),
    "recounted": ("复盘", "Recounted"), "variance": ("差异", "Variance"),
    "reason": ("原因", "Reason"), "none": ("无差异", "No variances"),
}


def _t(key: str, lang: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return en if lang == "en" else zh


def count_report_pdf(session: Session, plan_no: str, *, language: str = "zh-CN",
                     timezone: str = "Asia/Shanghai",
                     font_path: Path | str | None = None) -> bytes:
    """The count report of `plan_no` as PDF bytes (A4 landscape)."""
    lang = language_of(language)
    st = styles(font_path)
    plan = queries.plan_view(session, plan_no)
    lines = queries.variances(session, plan_no)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=f"{_t('title', lang)} {plan.plan_no}", creator="medwms")
    story = [Paragraph(escape(_t("title", lang)), st.title), Spacer(1, 2 * mm),
             Code128Flowable(DOCUMENT_PREFIX + plan.plan_no, module=0.3), Spacer(1, 3 * mm),
             _header(plan, lines, lang, st, timezone), Spacer(1, 4 * mm),
             _variances([ln for ln in lines if ln.variance != 0], lang, st)]
    doc.build(story)
    return buffer.getvalue()


_p = paragraph


def _header(plan: PlanView, lines: list[VarianceRow], lang: str, st: Styles,
            timezone: str) -> Table:
    clean = sum(1 for ln in lines if ln.variance == 0)
    value = sum((ln.value or Decimal(0) for ln in lines), Decimal(0))
    approved = (f"{plan.approved_by} – {local_text(plan.approved_at, timezone)} – approved"
                if plan.approved_by else "—")
    rows = [("plan_no", plan.plan_no), ("warehouse", plan.warehouse), ("kind", plan.kind),
            ("status", plan.status), ("approved", approved), ("lines", len(lines)),
            ("clean", clean),
            ("accuracy", f"{(clean / len(lines) * 100) if lines else 100:.2f} %"),
            ("value", f"{value:.2f}"), ("printed", local_text(utc_now(), timezone))]
    table = Table([[_p(_t(k, lang), st.small), _p(v, st.body)] for k, v in rows],
                  colWidths=[45 * mm, 120 * mm])
    table.setStyle(_TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]))
    return table


def _variances(lines: list[VarianceRow], lang: str, st: Styles) -> Table | Paragraph:
    if not lines:
        return _p(_t("none", lang), st.body)
    keys = ("location", "item", "lot", "stock_status", "expected", "counted", "recounted",
            "variance", "value", "reason")
    data = [[_p(_t(k, lang), st.small) for k in keys]]
    for ln in lines:
        data.append([_p(v, st.small) for v in (
            ln.location, f"{ln.item} {ln.item_name}", ln.serial or ln.lot or "—", ln.status,
            ln.expected, ln.counted, "—" if ln.recounted is None else ln.recounted,
            ln.variance, "—" if ln.value is None else f"{ln.value:.2f}",
            ln.reason_code or "—")])
    widths = (30, 70, 30, 25, 17, 17, 17, 17, 22, 28)
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(_TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
    return table
