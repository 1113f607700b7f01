"""The receipt/acceptance record (入库验收记录) as PDF, in Chinese or English.

Every GSP field per lot (name, model/spec, registration certificate no., manufacturer,
lot/serial, production date, expiry, quantity, supplier, conclusion, inspector, date), the
signature line "name – date/time – meaning" and the receipt number as a Code 128 barcode
("#D:<receipt_no>", which `parse_scan` reads back as a document).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.barcode.internal import DOCUMENT_PREFIX
from medwms.core.clock import utc_now
from medwms.core.errors import NotFound
from medwms.core.reasons import say
from medwms.documents.handover_part import handover_block
from medwms.documents.pdf_parts import (
    Code128Flowable,
    Styles,
    date_text,
    label_grid,
    language_of,
    local_text,
    paragraph,
    styles,
)
from medwms.masterdata.tables import Item, Packaging, Partner
from medwms.quality import queries
from medwms.quality.queries import InspectionView
from medwms.quality.rules import signature_words
from medwms.receiving.handover_queries import HandoverView, handover_of
from medwms.receiving.rules import ARRIVAL_OUTSIDE, HELD
from medwms.receiving.tables import Receipt

TEXT: dict[str, tuple[str, str]] = {
    "title": ("入库验收记录", "Receipt and acceptance record"),
    "receipt_no": ("收货单号", "Receipt no."),
    "supplier": ("供货单位", "Supplier"),
    "address": ("地址", "Address"),
    "contact": ("联系方式", "Contact"),
    "licence": ("经营许可证号", "Supplier licence no."),
    "po_no": ("采购单号", "Purchase order"),
    "purchase_date": ("购进日期", "Purchase date"),
    "warehouse": ("仓库", "Warehouse"),
    "printed": ("打印时间", "Printed"),
    "name": ("产品名称", "Name"),
    "model": ("型号规格", "Model / specification"),
    "registration_no": ("注册证编号", "Registration certificate no."),
    "manufacturer": ("生产企业", "Manufacturer"),
    "udi": ("UDI-DI", "UDI-DI"),
    "lot": ("批号/序列号", "Lot / serial"),
    "production_date": ("生产日期", "Production date"),
    "expiry": ("有效期至", "Expiry"),
    "quantity": ("到货数量", "Quantity received"),
    "sample_size": ("抽样数量", "Sample size"),
    "checks": ("检查项目", "Checks"),
    "notes": ("备注", "Notes"),
    "hold": ("冷链/暂控原因", "Hold reason"),
    "conclusion": ("验收结论", "Conclusion"),
    "accepted": ("合格数量", "Quantity accepted"),
    "rejected": ("不合格数量", "Quantity rejected"),
    "reason": ("不合格原因", "Reason for rejection"),
    "disposition": ("处置措施", "Disposition"),
    "inspector": ("验收员", "Inspector"),
    "date": ("验收日期", "Inspection date"),
    "signature": ("电子签名", "Electronic signature"),
    "record_hash": ("记录哈希", "Record hash"),
    "inspection_no": ("验收单号", "Inspection no."),
    "unsigned": ("待验收，未签名", "Pending inspection, not signed"),
    "packaging_ok": ("外包装完好", "Packaging intact"),
    "label_ok": ("标签相符", "Label matches"),
    "certificate_ok": ("合格证明文件", "Certificate of conformity"),
    "temperature_ok": ("温度合格", "Temperature ok"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "n/a": ("未检", "n/a"),
    "ACCEPT": ("合格", "Accepted"),
    "REJECT": ("不合格", "Rejected"),
    "PARTIAL": ("部分合格", "Partially accepted"),
}
CHECKS = ("packaging_ok", "label_ok", "certificate_ok", "temperature_ok")


@dataclass(frozen=True)
class Supplier:
    """The supplier as the record prints it."""

    name: str = "—"
    address: str = "—"
    contact: str = "—"
    licence: str = "—"
    name_en: str = ""

    def name_in(self, lang: str) -> str:
        """The English name on an English record when there is one, else the name."""
        return self.name_en if lang == "en" and self.name_en else self.name


@dataclass(frozen=True)
class AcceptanceRecord:
    """What the record prints: the receipt, its supplier and each lot's inspection."""

    receipt_no: str
    supplier: Supplier
    po_no: str
    purchase_date: str
    warehouse: str
    timezone: str
    lines: tuple[InspectionView, ...]
    udi_di: dict[int, str]
    handover: HandoverView | None = None


def acceptance_record(session: Session, *, receipt_no: str | None = None,
                      inspection_no: str | None = None) -> AcceptanceRecord:
    """The record of one inspection, or of every inspection of a receipt."""
    if inspection_no is not None:
        views = [queries.inspection_view(session, inspection_no)]
    else:
        views = queries.inspections_of_receipt(session, receipt_no or "")
    if not views:
        raise NotFound(what="receipt", key=receipt_no or inspection_no)
    first = views[0]
    receipt = session.scalar(select(Receipt).where(Receipt.receipt_no == first.receipt_no))
    supplier = session.get(Partner, receipt.supplier_id) if receipt else None
    return AcceptanceRecord(
        receipt_no=first.receipt_no, supplier=_supplier(supplier),
        po_no=receipt.po_no if receipt and receipt.po_no else "—",
        purchase_date=local_text(receipt.opened_at, first.timezone)[:10] if receipt else "—",
        warehouse=first.warehouse, timezone=first.timezone, lines=tuple(views),
        udi_di=_udi_di(session, views),
        handover=handover_of(session, receipt) if receipt else None)


def _supplier(partner: Partner | None) -> Supplier:
    if partner is None:
        return Supplier()
    return Supplier(name=partner.name, address=partner.address or "—",
                    contact=partner.contact or "—", licence=partner.licence_no or "—",
                    name_en=partner.name_en)


def _udi_di(session: Session, views: list[InspectionView]) -> dict[int, str]:
    """Each line's base-unit GTIN (the UDI-DI), by line index."""
    out: dict[int, str] = {}
    for index, view in enumerate(views):
        gtin = session.scalar(select(Packaging.gtin).join(Item, Item.id == Packaging.item_id)
                              .where(Item.code == view.item)
                              .order_by(Packaging.quantity, Packaging.id).limit(1))
        if gtin:
            out[index] = gtin
    return out


def acceptance_pdf(record: AcceptanceRecord, *, language: str = "zh-CN",
                   font_path: Path | str | None = None) -> bytes:
    """The record as PDF bytes (A4), Chinese text in a CID or embedded TrueType font."""
    lang = language_of(language)
    st = styles(font_path)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=15 * mm,
                                 title=f"{_t('title', lang)} {record.receipt_no}",
                                 creator="medwms")
    story = [Paragraph(escape(_t("title", lang)), st.title), Spacer(1, 2 * mm),
             Code128Flowable(DOCUMENT_PREFIX + record.receipt_no, module=0.3),
             Spacer(1, 3 * mm), _header(record, lang, st), Spacer(1, 5 * mm)]
    if record.handover is not None:
        story += handover_block(record.handover, record.timezone, lang, st)
    for number, view in enumerate(record.lines):
        story.append(KeepTogether(_lot_block(number, view, record, lang, st)))
    document.build(story)
    return buffer.getvalue()


def _t(key: str, lang: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return en if lang == "en" else zh


_p = paragraph


def _grid(rows: list[tuple[str, object]], lang: str, st: Styles,
          widths: tuple[float, float]) -> Table:
    return label_grid([(_t(key, lang), value) for key, value in rows], st, widths)


def _header(record: AcceptanceRecord, lang: str, st: Styles) -> Table:
    supplier = record.supplier
    rows: list[tuple[str, object]] = [
        ("receipt_no", record.receipt_no), ("supplier", supplier.name_in(lang)),
        ("address", supplier.address), ("contact", supplier.contact),
        ("licence", supplier.licence), ("po_no", record.po_no),
        ("purchase_date", record.purchase_date), ("warehouse", record.warehouse),
        ("printed", local_text(utc_now(), record.timezone))]
    return _grid(rows, lang, st, (40, 140))


def _lot_rows(view: InspectionView, record: AcceptanceRecord, udi: str,
              lang: str) -> list[tuple[str, object]]:
    name = view.item_name_en or view.item_name if lang == "en" else view.item_name
    checks = "；".join(f"{_t(c, lang)}: {_t(_answer(getattr(view, c)), lang)}" for c in CHECKS)
    signed = signature_words(view.signature, lang) if view.signature else _t("unsigned", lang)
    rows: list[tuple[str, object]] = [
        ("name", f"{name} ({view.item})"), ("model", view.model or "—"),
        ("registration_no", view.registration_no or "—"),
        ("manufacturer", view.manufacturer or "—"), ("udi", udi or "—"),
        ("lot", view.lot or "—"), ("production_date", date_text(view.production_date)),
        ("expiry", date_text(view.expiry)), ("quantity", view.quantity_received),
        ("supplier", record.supplier.name_in(lang)), ("sample_size", view.sample_size),
        ("checks", checks), ("notes", view.notes or "—")]
    if view.hold_reasons:
        rows.append(("hold", "; ".join(say(h, (HELD, ARRIVAL_OUTSIDE), lang)
                                       for h in view.hold_reasons)))
    rows += [("conclusion", _t(view.conclusion, lang) if view.conclusion else "—"),
             ("accepted", view.accepted_qty), ("rejected", view.rejected_qty)]
    if view.rejected_qty:
        rows += [("reason", view.reject_reason), ("disposition", view.disposition)]
    rows += [("inspector", view.inspector_name or "—"),
             ("date", local_text(view.signed_at, view.timezone)[:10]),
             ("signature", signed), ("record_hash", view.record_hash or "—")]
    return rows


def _answer(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "no")


def _lot_block(number: int, view: InspectionView, record: AcceptanceRecord, lang: str,
               st: Styles) -> list[object]:
    title = f"{number + 1}. {_t('inspection_no', lang)} {view.inspection_no}"
    rows = _lot_rows(view, record, record.udi_di.get(number, ""), lang)
    return [_p(title, st.heading), Spacer(1, 1.5 * mm), _grid(rows, lang, st, (40, 140)),
            Spacer(1, 6 * mm)]
