"""The shipping list (随货同行单) as PDF, in Chinese or English (GSP G27, transport G28).

Header: the shipper (our company or the 3PL principal, and the warehouse), the consignee
with address and contact, order, dispatch date, carrier and waybill. One row per shipment
line: name, model/spec, registration certificate no., manufacturer, lot/serial, expiry,
quantity, storage condition. Footer: shipper, verifier (复核), date, a place for the seal.
The shipment number is printed as Code 128 "#D:<shipment_no>": `parse_scan` reads it back
as a document, so the receiving side can open the transfer or the return by scanning it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as _TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.tables import User
from medwms.barcode.internal import DOCUMENT_PREFIX
from medwms.documents.pdf_parts import (
    Code128Flowable,
    Styles,
    date_text,
    language_of,
    local_text,
    paragraph,
    styles,
)
from medwms.masterdata.tables import Owner
from medwms.orders.tables import OutboundOrder
from medwms.shipping.queries import LineView, ShipmentView, shipment_view
from medwms.verification.tables import Verification

TEXT: dict[str, tuple[str, str]] = {
    "title": ("随货同行单", "Shipping list (delivery note)"),
    "shipment_no": ("发货单号", "Shipment no."),
    "shipper_company": ("发货单位", "Shipper"),
    "warehouse": ("发货仓库", "Warehouse"),
    "consignee": ("收货单位", "Consignee"),
    "address": ("收货地址", "Delivery address"),
    "contact": ("联系方式", "Contact"),
    "order_no": ("出库单号", "Order no."),
    "date": ("发货日期", "Dispatch date"),
    "carrier": ("承运方式/承运商", "Carrier"),
    "waybill": ("运单号", "Waybill no."),
    "no": ("序号", "No."),
    "name": ("产品名称", "Name"),
    "model": ("型号规格", "Model / specification"),
    "registration_no": ("注册证编号", "Registration certificate no."),
    "manufacturer": ("生产企业", "Manufacturer"),
    "lot": ("批号/序列号", "Lot / serial"),
    "expiry": ("有效期至", "Expiry"),
    "quantity": ("数量", "Quantity"),
    "storage": ("储运条件", "Storage condition"),
    "sscc": ("物流单元", "Shipping unit (SSCC)"),
    "total": ("合计", "Total"),
    "shipper": ("发货人", "Shipper"),
    "verifier": ("复核人", "Verifier"),
    "seal": ("出库专用章", "Outbound seal"),
    "ambient": ("常温", "ambient"),
    "transfer": ("仓间调拨", "Transfer between warehouses"),
}
HEADS = ("no", "name", "model", "registration_no", "manufacturer", "lot", "expiry", "quantity",
         "storage", "sscc")
WIDTHS = (10, 42, 28, 34, 32, 30, 20, 14, 27, 34)


@dataclass(frozen=True)
class ShippingList:
    """What the shipping list prints: the shipment and the names of the people behind it."""

    shipment: ShipmentView
    shipper_company: str
    shipper: str
    verifier: str


def shipping_list(session: Session, shipment_no: str) -> ShippingList:
    """The shipping list of one shipment; SHIPMENT_NOT_FOUND when unknown."""
    view = shipment_view(session, shipment_no)
    order = session.scalars(select(OutboundOrder)
                            .where(OutboundOrder.order_no == view.order_no)).one()
    owner = session.get_one(Owner, order.owner_id)
    verifier_id = session.scalar(select(Verification.verifier_id).where(
        Verification.order_id == order.id, Verification.status == "PASSED")
        .order_by(Verification.id.desc()).limit(1))
    return ShippingList(view, owner.name, _name(session, view.shipped_by),
                        _name(session, verifier_id))


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.display_name or user.username if user else "—"


def shipping_list_pdf(document: ShippingList, *, language: str = "zh-CN",
                      font_path: Path | str | None = None) -> bytes:
    """The shipping list as PDF bytes (A4 landscape)."""
    lang = language_of(language)
    st = styles(font_path)
    view = document.shipment
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm,
                            rightMargin=10 * mm, topMargin=10 * mm, bottomMargin=10 * mm,
                            title=f"{_t('title', lang)} {view.shipment_no}", creator="medwms")
    story = [Paragraph(escape(_t("title", lang)), st.title), Spacer(1, 2 * mm),
             Code128Flowable(DOCUMENT_PREFIX + view.shipment_no, module=0.3),
             Spacer(1, 3 * mm), _header(document, lang, st), Spacer(1, 4 * mm),
             _lines(view, lang, st), Spacer(1, 6 * mm), _footer(document, lang, st)]
    pdf.build(story)
    return buffer.getvalue()


def _t(key: str, lang: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return en if lang == "en" else zh


_p = paragraph


def _style(table: Table, header_row: bool) -> Table:
    commands = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke) if header_row
                    else ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke))
    if not header_row:
        commands.append(("BACKGROUND", (2, 0), (2, -1), colors.whitesmoke))
    table.setStyle(_TableStyle(commands))
    return table


def _header(document: ShippingList, lang: str, st: Styles) -> Table:
    view = document.shipment
    english = lang == "en" and view.consignee_name_en
    consignee = (view.consignee_name_en if english else view.consignee_name) or "—"
    if view.to_warehouse:
        consignee = f"{consignee} ({view.to_warehouse}, {_t('transfer', lang)})"
    pairs = [("shipment_no", view.shipment_no), ("order_no", view.order_no),
             ("shipper_company", document.shipper_company),
             ("warehouse", f"{view.warehouse_name} ({view.warehouse})"),
             ("consignee", consignee), ("date", local_text(view.shipped_at, view.timezone)[:10]),
             ("address", view.address or "—"), ("contact", view.contact or "—"),
             ("carrier", view.carrier or "—"), ("waybill", view.waybill or "—")]
    rows = [[_p(_t(a, lang), st.small), _p(va, st.body), _p(_t(b, lang), st.small),
             _p(vb, st.body)] for (a, va), (b, vb) in zip(pairs[::2], pairs[1::2], strict=True)]
    return _style(Table(rows, colWidths=[30 * mm, 105 * mm, 30 * mm, 102 * mm]), False)


def _lines(view: ShipmentView, lang: str, st: Styles) -> Table:
    data = [[_p(_t(key, lang), st.small) for key in HEADS]]
    data += [[_p(value, st.body) for value in _row(number, line, lang)]
             for number, line in enumerate(view.lines, start=1)]
    total = sum(line.quantity for line in view.lines)
    blank = Paragraph("", st.body)
    data.append([blank, _p(_t("total", lang), st.small)] + [blank] * 5
                + [_p(total, st.body), blank, blank])
    return _style(Table(data, colWidths=[w * mm for w in WIDTHS], repeatRows=1), True)


def _row(number: int, line: LineView, lang: str) -> list[object]:
    name = (line.item_name_en or line.item_name) if lang == "en" else line.item_name
    identity = " / ".join(part for part in (line.lot, line.serial) if part) or "—"
    return [number, f"{name} ({line.item})", line.model or "—", line.registration_no or "—",
            line.manufacturer or "—", identity, date_text(line.expiry), line.quantity,
            line.storage or _t("ambient", lang), line.sscc]


def _footer(document: ShippingList, lang: str, st: Styles) -> Table:
    view = document.shipment
    cells = [_p(f"{_t('shipper', lang)}: {document.shipper}", st.body),
             _p(f"{_t('verifier', lang)}: {document.verifier}", st.body),
             _p(f"{_t('date', lang)}: {local_text(view.shipped_at, view.timezone)[:10]}",
                st.body),
             _p(f"{_t('seal', lang)}: ", st.body)]
    table = Table([cells], colWidths=[67 * mm] * 4, rowHeights=[18 * mm])
    table.setStyle(_TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
