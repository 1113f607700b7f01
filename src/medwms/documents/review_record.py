"""The outbound review record (出库复核记录, G26) as PDF, in Chinese or English.

Header: verification and order numbers, customer, outbound date, reviewer. One block per
reviewed unit: name, model/spec, registrant/filer and contract manufacturer, registration
no., lot/serial, expiry, unit, quantity, UDI and the four checklist answers.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from medwms.barcode.internal import DOCUMENT_PREFIX
from medwms.documents.pdf_parts import (
    Code128Flowable,
    Styles,
    date_text,
    label_grid,
    language_of,
    paragraph,
    styles,
)
from medwms.verification.review import ReviewLine, ReviewRecord

TEXT: dict[str, tuple[str, str]] = {
    "title": ("出库复核记录", "Outbound review record"),
    "verification_no": ("复核单号", "Review no."),
    "order_no": ("出库单号", "Order no."),
    "warehouse": ("仓库", "Warehouse"),
    "customer": ("购货单位", "Customer"),
    "outbound_date": ("出库日期", "Outbound date"),
    "reviewer": ("复核人", "Reviewer"),
    "status": ("复核状态", "Review status"),
    "name": ("产品名称", "Name"),
    "model": ("型号规格", "Model / specification"),
    "manufacturer": ("注册人/备案人、受托生产企业",
                     "Registrant / filer, contract manufacturer"),
    "registration_no": ("注册证/备案凭证编号", "Registration / filing no."),
    "lot": ("批号/序列号", "Lot / serial"),
    "expiry": ("使用期限/失效日期", "Use-by / expiry"),
    "unit": ("单位", "Unit"),
    "quantity": ("数量", "Quantity"),
    "udi": ("UDI", "UDI"),
    "checklist": ("复核检查", "Review checklist"),
    "note": ("异常说明", "Anomaly note"),
    "packaging_ok": ("包装完好、清洁、封口严密", "Packaging intact, clean, sealed"),
    "label_ok": ("标签清晰且与实物相符", "Label present, legible, matching"),
    "not_expired": ("未过期", "Not expired"),
    "no_anomaly": ("无其他异常", "No other anomaly"),
    "yes": ("是", "yes"),
    "no": ("否", "NO"),
    "none": ("无复核货品", "No unit reviewed"),
    "PASSED": ("通过", "passed"),
    "OPEN": ("进行中", "open"),
    "BLOCKED": ("受阻", "blocked"),
}
CHECKS = ("packaging_ok", "label_ok", "not_expired", "no_anomaly")


def review_record_pdf(record: ReviewRecord, *, language: str = "zh-CN",
                      font_path: Path | str | None = None) -> bytes:
    """The review record as PDF bytes (A4)."""
    lang = language_of(language)
    st = styles(font_path)
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=f"{_t('title', lang)} {record.verification_no}",
                            creator="medwms")
    story: list[object] = [
        Paragraph(escape(_t("title", lang)), st.title), Spacer(1, 2 * mm),
        Code128Flowable(DOCUMENT_PREFIX + record.verification_no, module=0.3),
        Spacer(1, 3 * mm), _grid(_header(record, lang), lang, st), Spacer(1, 5 * mm)]
    for number, line in enumerate(record.lines, start=1):
        story.append(KeepTogether([_p(f"{number}. {line.udi}", st.heading), Spacer(1, 1 * mm),
                                   _grid(_rows(line, lang), lang, st), Spacer(1, 4 * mm)]))
    if not record.lines:
        story.append(_p(_t("none", lang), st.body))
    pdf.build(story)
    return buffer.getvalue()


def _t(key: str, lang: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return en if lang == "en" else zh


_p = paragraph


def _grid(rows: list[tuple[str, object]], lang: str, st: Styles) -> Table:
    return label_grid([(_t(key, lang), value) for key, value in rows], st, (50, 130))


def _header(record: ReviewRecord, lang: str) -> list[tuple[str, object]]:
    customer = f"{record.customer} ({record.customer_code})" if record.customer_code else "—"
    return [("verification_no", record.verification_no), ("order_no", record.order_no),
            ("warehouse", record.warehouse), ("customer", customer),
            ("outbound_date", record.outbound_date.isoformat()),
            ("reviewer", f"{record.reviewer_name} ({record.reviewer})"),
            ("status", _t(record.status, lang))]


def _rows(line: ReviewLine, lang: str) -> list[tuple[str, object]]:
    name = (line.name_en or line.name_zh) if lang == "en" else line.name_zh
    identity = " / ".join(part for part in (line.lot, line.serial) if part) or "—"
    rows: list[tuple[str, object]] = [
        ("name", f"{name} ({line.item})"), ("model", line.model_spec or "—"),
        ("manufacturer", line.manufacturer or "—"),
        ("registration_no", line.registration_no or "—"), ("lot", identity),
        ("expiry", date_text(line.expiry)), ("unit", line.unit), ("quantity", line.quantity),
        ("udi", line.udi)]
    rows += [(check, _t("yes" if line.checklist[check] else "no", lang)) for check in CHECKS]
    if line.note:
        rows.append(("note", line.note))
    return rows
