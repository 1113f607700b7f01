"""The destruction record (销毁记录) as PDF, in Chinese or English: what was destroyed (item,
model, manufacturer, registration certificate, lot or serial, expiry), how many, how, where,
the day, the hold it came from, and the two signatures (operator and witness)."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as _TableStyle

from medwms.barcode.internal import DOCUMENT_PREFIX
from medwms.core.clock import utc_now
from medwms.documents.pdf_parts import (
    Code128Flowable,
    Styles,
    date_text,
    language_of,
    local_text,
    styles,
)
from medwms.quality.hold_queries import DestructionView

TEXT: dict[str, tuple[str, str]] = {
    "title": ("不合格医疗器械销毁记录", "Destruction record of nonconforming devices"),
    "destruction_no": ("销毁单号", "Record no."), "warehouse": ("仓库", "Warehouse"),
    "item": ("产品编码", "Item"), "name": ("产品名称", "Name"), "model": ("规格型号", "Model"),
    "manufacturer": ("生产企业", "Manufacturer"),
    "registration_no": ("注册证编号", "Registration no."), "lot": ("批号", "Lot"),
    "serial": ("序列号", "Serial"), "expiry": ("有效期至", "Expiry"),
    "location": ("原存放库位", "Taken from"), "quantity": ("销毁数量", "Quantity"),
    "method": ("销毁方式", "Method"), "place": ("销毁地点", "Place"),
    "reason": ("销毁原因", "Reason"), "hold_no": ("质量冻结单", "Quality hold"),
    "destroyed_on": ("销毁日期", "Date"),
    "operator": ("销毁执行人（电子签名）", "Operator (e-signed)"),
    "witness": ("监督人（电子签名）", "Witness (e-signed)"), "printed": ("打印时间", "Printed"),
}
FIELDS = ("destruction_no", "warehouse", "item", "name", "model", "manufacturer",
          "registration_no", "lot", "serial", "expiry", "location", "quantity", "method",
          "place", "reason", "hold_no", "destroyed_on", "operator", "witness")


def _t(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


def destruction_pdf(record: DestructionView, *, language: str = "zh-CN",
                    timezone: str = "Asia/Shanghai",
                    font_path: Path | str | None = None) -> bytes:
    """The destruction record as PDF bytes (A4), the CJK font embedded when given."""
    lang = language_of(language)
    st = styles(font_path)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, creator="medwms",
                            title=f"{_t('title', lang)} {record.destruction_no}")
    doc.build([Paragraph(escape(_t("title", lang)), st.title), Spacer(1, 2 * mm),
               Code128Flowable(DOCUMENT_PREFIX + record.destruction_no, module=0.3),
               Spacer(1, 4 * mm), _table(record, lang, st, timezone)])
    return buffer.getvalue()


def _value(record: DestructionView, key: str, timezone: str) -> str:
    value = getattr(record, key)
    if key in ("operator", "witness"):
        signed = getattr(record, f"{key}_signed_at")
        return f"{value} – {local_text(signed, timezone)}"
    if key in ("expiry", "destroyed_on"):
        return date_text(value)
    return str(value) if value not in (None, "") else "—"


def _table(record: DestructionView, lang: str, st: Styles, timezone: str) -> Table:
    rows = [(_t(key, lang), _value(record, key, timezone)) for key in FIELDS]
    rows.append((_t("printed", lang), local_text(utc_now(), timezone)))
    table = Table([[Paragraph(escape(k), st.small), Paragraph(escape(v), st.body)]
                   for k, v in rows], colWidths=[50 * mm, 125 * mm])
    table.setStyle(_TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]))
    return table
