"""Trace and recall pages: a trace with its timeline and consignee table; the recall list
(one case is web/pages/recall_case.py).

Words come from WORDS (zh-CN / en) rather than the shared catalogue, so these pages can be
added without touching messages.po; the lead may move them into the catalogue later.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Perm
from medwms.core.errors import DomainError
from medwms.documents.trace_origin import full_trace
from medwms.recall import queries
from medwms.recall.trace import TraceQuery
from medwms.web import forms
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.render import render

router = APIRouter(include_in_schema=False)

WORDS: dict[str, tuple[str, str]] = {
    "trace": ("追溯", "Trace"), "gtin": ("GTIN", "GTIN"), "lot": ("批号", "Lot"),
    "serial": ("序列号", "Serial"), "expiry_from": ("有效期自", "Expiry from"),
    "expiry_to": ("有效期至", "Expiry to"), "search": ("查询", "Search"),
    "origin": ("来源（收货）", "Origin (receipts)"), "supplier": ("供货单位", "Supplier"),
    "receipt": ("收货单", "Receipt"), "inspection": ("验收", "Inspection"),
    "arrival_temp": ("到货温度", "Arrival temperature"), "notice": ("到货通知", "Notice"),
    "in_stock": ("当前库存", "In stock now"), "warehouse": ("仓库", "Warehouse"),
    "location": ("库位", "Location"), "zone": ("库区", "Zone"), "status": ("状态", "Status"),
    "quantity": ("数量", "Quantity"), "consignees": ("收货单位", "Consignees"),
    "consignee": ("收货单位", "Consignee"), "department": ("科室", "Department"),
    "shipment": ("发货单", "Shipment"), "date": ("日期", "Date"),
    "returned": ("退回", "Returned"), "timeline": ("时间线", "Timeline"),
    "document": ("单据", "Document"), "kind": ("类型", "Kind"), "from": ("从", "From"),
    "to": ("到", "To"), "actor": ("操作人", "By"), "none": ("无", "None"),
    "recalls": ("召回", "Recalls"), "recall_no": ("召回单号", "Recall no."),
    "mock": ("模拟", "Mock"), "class": ("级别", "Class"), "reason": ("原因", "Reason"),
    "opened": ("发起", "Opened"), "response_ms": ("响应（毫秒）", "Response (ms)"),
    "blocked": ("封存数量", "Blocked"), "shipped": ("已发货", "Shipped"),
    "used": ("已使用", "Used"), "destroyed": ("已销毁", "Destroyed"),
    "outstanding": ("未追回", "Outstanding"), "notified": ("已通知", "Notified"),
    "acknowledged": ("已回执", "Acknowledged"), "notice_pdf": ("召回通知", "Notice"),
    "report_pdf": ("召回报告", "Report"), "reconciliation": ("核对", "Reconciliation"),
    "item": ("产品", "Item"), "event": ("事件", "Event"), "detail": ("说明", "Detail"),
    "affected": ("涉及数量", "Affected"), "blocked_in_stock": ("库内封存", "Blocked in stock"),
    "unaccounted": ("未核清", "Unaccounted"), "event_opened": ("发起召回", "Recall opened"),
    "event_consignees_listed": ("列出收货单位", "Consignees listed"),
    "event_notified": ("已通知", "Notified"), "event_acknowledged": ("已回执", "Acknowledged"),
    "event_returned": ("退回", "Returned"), "event_blocked": ("封存", "Blocked"),
    "event_closed": ("关闭召回", "Recall closed"),
}


def words(lang: str) -> dict[str, str]:
    """WORDS in `lang`."""
    return {key: en if lang == "en" else zh for key, (zh, en) in WORDS.items()}


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/trace", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def trace_page(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """A trace form; with a GTIN, the trace: origin, timeline, stock and consignees."""
    require(visitor.actor, Perm.STOCK_READ)
    params = {k: forms.query_text(request, k) for k in
              ("gtin", "lot", "serial", "expiry_from", "expiry_to")}
    result, error = None, None
    if params["gtin"]:
        query = TraceQuery(gtin=params["gtin"], lot=params["lot"] or None,
                           serial=params["serial"] or None,
                           expiry_from=_day(params["expiry_from"]),
                           expiry_to=_day(params["expiry_to"]))
        try:
            with reading_as(db, visitor.actor) as session:
                result = full_trace(session, query).as_json()
        except DomainError as refused:
            error = refused.message(visitor.lang)
    return render(request, "recall/trace.html", visitor=visitor, t=words(visitor.lang),
                  params=params, result=result, error=error)


@router.get("/recalls", response_class=HTMLResponse, dependencies=[needs(Perm.STOCK_READ)])
def recalls_page(request: Request, db: DbDep, visitor: VisitorDep,
                 archived: str = "") -> HTMLResponse:
    """Recall cases, newest first (archived ones when asked)."""
    require(visitor.actor, Perm.STOCK_READ)
    with reading_as(db, visitor.actor) as session:
        rows = queries.list_recalls(session, include_archived=archived == "1")
    return render(request, "recall/list.html", visitor=visitor, t=words(visitor.lang),
                  rows=rows, can_open=visitor.actor.can(Perm.RECALL_MANAGE),
                  archived=archived == "1")

