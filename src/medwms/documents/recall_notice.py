"""Recall documents as PDF, in Chinese or English: the notice to one consignee (召回通知)
with the units they received, and the recall report (召回报告) with timeline and
reconciliation (affected, blocked in stock, shipped, returned, destroyed, used, unaccounted).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from medwms.barcode.internal import DOCUMENT_PREFIX
from medwms.core.clock import utc_now
from medwms.documents.pdf_parts import Code128Flowable, Styles, language_of, local_text, styles
from medwms.recall.errors import ConsigneeNotInRecall
from medwms.recall.queries import ConsigneeView, RecallView

TEXT: dict[str, tuple[str, str]] = {
    "notice": ("医疗器械召回通知", "Medical device recall notice"),
    "report": ("医疗器械召回报告", "Medical device recall report"),
    "recall_no": ("召回单号", "Recall no."), "class": ("召回级别", "Recall class"),
    "reason": ("召回原因", "Reason"), "product": ("产品名称", "Product"),
    "model": ("型号规格", "Model / specification"), "gtin": ("UDI-DI", "UDI-DI"),
    "registration_no": ("注册证编号", "Registration certificate no."),
    "manufacturer": ("生产企业", "Manufacturer"), "to": ("收件单位", "To"),
    "address": ("地址", "Address"), "contact": ("联系人", "Contact"),
    "opened": ("召回发起时间", "Recall opened"), "printed": ("打印时间", "Printed"),
    "units": ("贵单位收到的受影响产品", "Affected units you received"),
    "shipment": ("发货单号", "Shipment"), "date": ("发货日期", "Date"),
    "lot": ("批号", "Lot"), "serial": ("序列号", "Serial"), "expiry": ("有效期至", "Expiry"),
    "quantity": ("数量", "Quantity"), "total": ("合计", "Total"),
    "actions": ("请采取的措施", "What to do"),
    "action_text": ("请立即停止销售和使用上述产品，就地隔离封存；"
                    "如已转售或分发，请立即通知下游单位；"
                    "请在收到本通知后确认回执，并告知已使用、已销毁及可退回的数量，"
                    "退回产品将按召回单号接收。",
                    "Stop selling and using the units above at once and quarantine them; "
                    "if you passed any on, notify your own customers now. Please acknowledge "
                    "this notice and tell us how many units were used on patients, destroyed, "
                    "and will be returned; returns are received against the recall number."),
    "timeline": ("时间线", "Timeline"), "reconciliation": ("核对", "Reconciliation"),
    "consignee": ("收货单位", "Consignee"), "shipped": ("已发货", "Shipped"),
    "used": ("已使用", "Used"), "returned": ("已退回", "Returned"),
    "destroyed": ("已销毁", "Destroyed"), "outstanding": ("未追回", "Outstanding"),
    "notified": ("通知时间", "Notified"), "acknowledged": ("回执时间", "Acknowledged"),
    "affected": ("受影响总数", "Affected"), "blocked_in_stock": ("库存已封存", "Blocked in stock"),
    "unaccounted": ("未说明去向", "Unaccounted"), "status": ("状态", "Status"),
    "signature": ("关闭签名", "Closing signature"), "closing": ("关闭报告", "Closing report"),
    "response": ("响应时间（毫秒）", "Response time (ms)"),
    "mock": ("模拟召回（演练）", "MOCK RECALL (drill)"),
    "opened_event": ("发起召回", "Recall opened"), "consignees_listed": ("收货单位清单完成",
                                                                    "Consignee list complete"),
    "blocked": ("库存封存", "Stock blocked"), "closed": ("召回关闭", "Recall closed"),
    "notified_event": ("已通知", "Notified"), "acknowledged_event": ("已回执", "Acknowledged"),
    "returned_event": ("退回入库", "Returned"), "event": ("事件", "Event"),
    "detail": ("说明", "Detail"), "time": ("时间", "Time"),
    "notice_event": ("发出通知", "Notice sent"), "destroyed_event": ("销毁", "Destroyed"),
    "notices": ("通知记录", "Notices sent"), "channel": ("方式", "Channel"),
    "recipient": ("被通知人及联系方式", "Person notified, contact"), "sent": ("发出时间", "Sent"),
    "PHONE": ("电话", "Phone"), "EMAIL": ("电子邮件", "E-mail"), "FAX": ("传真", "Fax"),
    "LETTER": ("信函", "Letter"), "IN_PERSON": ("当面", "In person"),
}
CLASSES = {"I": ("一级", "Class I"), "II": ("二级", "Class II"), "III": ("三级", "Class III")}
TIMEZONE = "Asia/Shanghai"


def _t(key: str, lang: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return en if lang == "en" else zh


def _p(text: object, style: object) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)) or "—", style)


def _table(rows: list[list[object]], widths: list[float], st: Styles,
           header: bool = False) -> Table:
    data = [[_p(cell, st.small if header and i == 0 else st.body) for cell in row]
            for i, row in enumerate(rows)]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    style.append(("BACKGROUND", (0, 0), (-1, 0) if header else (0, -1), colors.whitesmoke))
    table.setStyle(TableStyle(style))
    return table


def _document(title: str, build: list[Any]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                      topMargin=15 * mm, bottomMargin=15 * mm, title=title,
                      creator="medwms").build(build)
    return buffer.getvalue()


def _case_rows(view: RecallView, lang: str) -> list[list[object]]:
    """The case's header rows: number, class, reason and the product."""
    zh, en = CLASSES.get(view.risk_class, (view.risk_class, view.risk_class))
    name = (view.item_name_en or view.item_name) if lang == "en" else view.item_name
    return [[_t("recall_no", lang), view.recall_no],
            [_t("class", lang), en if lang == "en" else zh],
            [_t("reason", lang), view.reason], [_t("product", lang), f"{name} ({view.item})"],
            [_t("model", lang), view.model or "—"], [_t("gtin", lang), view.gtin],
            [_t("registration_no", lang), view.registration_no or "—"],
            [_t("manufacturer", lang), view.manufacturer or "—"],
            [_t("opened", lang), local_text(view.opened_at, TIMEZONE)]]


def _title(view: RecallView, key: str, lang: str, st: Styles) -> list[Any]:
    out: list[Any] = [_p(_t(key, lang), st.title)]
    if view.mock:
        out.append(_p(_t("mock", lang), st.heading))
    return [*out, Spacer(1, 2 * mm),
            Code128Flowable(DOCUMENT_PREFIX + view.recall_no, module=0.3), Spacer(1, 3 * mm)]


def consignee_of(view: RecallView, partner: str) -> ConsigneeView:
    """The consignee row of `partner` (code), or ConsigneeNotInRecall."""
    for row in view.consignees:
        if row.partner == partner.upper():
            return row
    raise ConsigneeNotInRecall(partner=partner, recall_no=view.recall_no)


def recall_notice_pdf(view: RecallView, partner: str, *, language: str = "zh-CN",
                      font_path: Path | str | None = None) -> bytes:
    """The notice to one consignee: the case, the units they received, what to do."""
    lang, st = language_of(language), styles(font_path)
    row = consignee_of(view, partner)
    head: list[list[object]] = [
        *_case_rows(view, lang),
        [_t("to", lang), f"{_name(row, lang)} ({row.partner})"],
        [_t("address", lang), row.address],
        [_t("contact", lang), row.contact],
        [_t("printed", lang), local_text(utc_now(), TIMEZONE)]]
    units: list[list[object]] = [
        [_t(k, lang) for k in ("shipment", "date", "lot", "serial", "expiry", "quantity")]]
    units += [[u.get("shipment"), str(u.get("date", ""))[:10], u.get("lot") or "—",
               u.get("serial") or "—", u.get("expiry") or "—", u.get("quantity")]
              for u in row.units]
    units.append([_t("total", lang), "", "", "", "", row.shipped])
    story = [*_title(view, "notice", lang, st),
             _table(head, [45, 135], st), Spacer(1, 5 * mm), _p(_t("units", lang), st.heading),
             Spacer(1, 1.5 * mm), _table(units, [32, 24, 30, 36, 26, 32], st, header=True),
             Spacer(1, 5 * mm), _p(_t("actions", lang), st.heading),
             _p(_t("action_text", lang), st.body)]
    return _document(f"{_t('notice', lang)} {view.recall_no} {row.partner}", story)


def recall_report_pdf(view: RecallView, timeline: list[dict[str, Any]], *,
                      language: str = "zh-CN", font_path: Path | str | None = None) -> bytes:
    """The recall report: the case, its timeline, and the reconciliation per consignee."""
    lang, st = language_of(language), styles(font_path)
    head: list[list[object]] = [*_case_rows(view, lang), [_t("status", lang), view.status],
            [_t("response", lang), view.response_ms]]
    if view.closing_report:
        head += [[_t("closing", lang), view.closing_report.get("text", "")],
                 [_t("signature", lang), view.closing_report.get("signature", "")]]
    events: list[list[object]] = [
        [_t("time", lang), _t("event", lang), _t("detail", lang)],
        *([local_text(e["at"], TIMEZONE), _t(_event_key(e["event"]), lang),
           f"{_t(e['channel'], lang)} · {e['detail']}" if e.get("channel") else e["detail"]]
          for e in timeline)]
    story = [
        *_title(view, "report", lang, st), _table(head, [45, 135], st), Spacer(1, 5 * mm),
        _p(_t("timeline", lang), st.heading),
        _table(events, [50, 45, 85], st, header=True), Spacer(1, 5 * mm),
        _p(_t("notices", lang), st.heading), _notices(view, lang, st), Spacer(1, 5 * mm),
        _p(_t("reconciliation", lang), st.heading), _totals(view, lang, st), Spacer(1, 3 * mm),
        _per_consignee(view, lang, st)]
    return _document(f"{_t('report', lang)} {view.recall_no}", story)


def _event_key(event: str) -> str:
    return {"opened": "opened_event", "notified": "notified_event",
            "acknowledged": "acknowledged_event", "returned": "returned_event",
            "notice": "notice_event", "destroyed": "destroyed_event"}.get(event, event)


def _notices(view: RecallView, lang: str, st: Styles) -> Table:
    rows: list[list[object]] = [[_t(k, lang) for k in ("consignee", "channel", "recipient",
                                                       "sent")]]
    rows += [[c.partner, _t(n.channel, lang), n.recipient,
              local_text(n.sent_at, TIMEZONE, seconds=False)]
             for c in view.consignees for n in c.notices]
    return _table(rows, [40, 25, 80, 35], st, header=True)


def _totals(view: RecallView, lang: str, st: Styles) -> Table:
    keys = ("affected", "blocked_in_stock", "shipped", "returned", "destroyed", "used",
            "unaccounted")
    return _table([[_t(k, lang) for k in keys], [view.reconciliation[k] for k in keys]],
                  [25.7] * 7, st, header=True)


def _name(consignee: ConsigneeView, lang: str) -> str:
    return consignee.name_en if lang == "en" and consignee.name_en else consignee.name


def _per_consignee(view: RecallView, lang: str, st: Styles) -> Table:
    keys = ("consignee", "shipped", "used", "returned", "destroyed", "outstanding",
            "notified", "acknowledged")
    rows: list[list[object]] = [[_t(k, lang) for k in keys]]
    rows += [[f"{_name(c, lang)} ({c.partner})", c.shipped, c.used, c.returned, c.destroyed,
              c.outstanding, local_text(c.notified_at, TIMEZONE, seconds=False),
              local_text(c.acknowledged_at, TIMEZONE, seconds=False)] for c in view.consignees]
    return _table(rows, [40, 16, 16, 16, 16, 18, 29, 29], st, header=True)
