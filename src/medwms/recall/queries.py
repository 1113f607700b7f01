"""Read-only questions about recalls: a case with its consignees, the list, the KPI, the report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.tables import User
from medwms.ledger.tables import Movement, MovementKind
from medwms.masterdata.tables import Item, Packaging, Partner
from medwms.recall import rules
from medwms.recall.errors import RecallNotFound
from medwms.recall.tables import RecallCase, RecallConsignee


@dataclass(frozen=True)
class ConsigneeView:
    """One consignee of a recall: what they received and what they reported."""

    partner: str
    name: str
    kind: str
    address: str
    contact: str
    shipped: int
    returned: int
    destroyed: int
    used: int
    outstanding: int
    notified_at: datetime | None
    acknowledged_at: datetime | None
    units: list[dict[str, Any]]
    note: str
    name_en: str = ""


@dataclass(frozen=True)
class RecallView:
    """A recall case as pages, PDFs and the API show it."""

    recall_no: str
    mock: bool
    status: str
    reason: str
    risk_class: str
    item: str
    item_name: str
    item_name_en: str
    model: str
    manufacturer: str
    registration_no: str
    gtin: str
    scope: dict[str, Any]
    opened_at: datetime
    opened_by: str | None
    consignees_listed_at: datetime | None
    response_ms: int | None
    blocked_units: int
    closed_at: datetime | None
    closed_by: str | None
    closing_report: dict[str, Any]
    consignees: list[ConsigneeView]
    reconciliation: dict[str, int]


def find_case(session: Session, recall_no: str) -> RecallCase:
    """The case row, or RecallNotFound."""
    case = session.scalar(select(RecallCase).where(RecallCase.recall_no == recall_no))
    if case is None:
        raise RecallNotFound(recall_no=recall_no)
    return case


def recall_view(session: Session, recall_no: str) -> RecallView:
    """One recall with its consignees and reconciliation."""
    case = find_case(session, recall_no)
    item = session.get_one(Item, case.item_id)
    scope = json.loads(case.scope or "{}")
    people = _usernames(session, {case.opened_by, case.closed_by})
    consignees = consignee_views(session, case.id)
    return RecallView(
        recall_no=case.recall_no, mock=case.mock, status=case.status, reason=case.reason,
        risk_class=case.risk_class, item=item.code, item_name=item.name_zh,
        item_name_en=item.name_en, model=item.model, manufacturer=item.manufacturer,
        registration_no=item.registration_no,
        gtin=scope.get("gtin") or _gtin(session, item.id), scope=scope,
        opened_at=case.opened_at, opened_by=people.get(case.opened_by),
        consignees_listed_at=case.consignees_listed_at, response_ms=case.response_ms,
        blocked_units=case.blocked_units, closed_at=case.closed_at,
        closed_by=people.get(case.closed_by),
        closing_report=json.loads(case.closing_report) if case.closing_report else {},
        consignees=consignees, reconciliation=_figures(case.blocked_units, consignees))


def _usernames(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def _gtin(session: Session, item_id: int) -> str:
    return session.scalar(select(Packaging.gtin).where(Packaging.item_id == item_id)
                          .order_by(Packaging.quantity, Packaging.id).limit(1)) or ""


def consignee_views(session: Session, recall_id: int) -> list[ConsigneeView]:
    """The consignees of a recall, by partner code."""
    rows = session.execute(select(RecallConsignee, Partner)
                           .join(Partner, Partner.id == RecallConsignee.partner_id)
                           .where(RecallConsignee.recall_id == recall_id)
                           .order_by(Partner.code))
    return [_consignee_view(row, partner) for row, partner in rows]


def _consignee_view(row: RecallConsignee, partner: Partner) -> ConsigneeView:
    figures = rules.Accounting(row.shipped_qty, row.returned_qty, row.destroyed_qty,
                               row.used_qty)
    return ConsigneeView(
        partner=partner.code, name=partner.name, kind=partner.kind, address=partner.address,
        contact=partner.contact, shipped=row.shipped_qty, returned=row.returned_qty,
        destroyed=row.destroyed_qty, used=row.used_qty, outstanding=figures.outstanding,
        notified_at=row.notified_at, acknowledged_at=row.acknowledged_at,
        units=json.loads(row.units or "[]"), note=row.note, name_en=partner.name_en)


def _figures(blocked: int, consignees: list[ConsigneeView]) -> dict[str, int]:
    totals = rules.reconcile(blocked, (rules.Accounting(c.shipped, c.returned, c.destroyed,
                                                         c.used) for c in consignees))
    return {"affected": totals.affected, "blocked_in_stock": totals.blocked_in_stock,
            "shipped": totals.shipped, "returned": totals.returned,
            "destroyed": totals.destroyed, "used": totals.used,
            "unaccounted": totals.unaccounted}


def reconciliation(session: Session, case: RecallCase) -> dict[str, Any]:
    """The closing report's figures: totals and one row per consignee."""
    consignees = consignee_views(session, case.id)
    return {"totals": _figures(case.blocked_units, consignees),
            "consignees": [{"partner": c.partner, "shipped": c.shipped, "used": c.used,
                            "returned": c.returned, "destroyed": c.destroyed,
                            "outstanding": c.outstanding} for c in consignees]}


def list_recalls(session: Session, *, status: str | None = None,
                 mock: bool | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Recall cases, newest first."""
    query = (select(RecallCase, Item.code).join(Item, Item.id == RecallCase.item_id)
             .order_by(RecallCase.opened_at.desc(), RecallCase.id.desc()).limit(limit))
    if status:
        query = query.where(RecallCase.status == status.upper())
    if mock is not None:
        query = query.where(RecallCase.mock == mock)
    return [{"recall_no": c.recall_no, "mock": c.mock, "status": c.status, "item": code,
             "risk_class": c.risk_class, "reason": c.reason, "opened_at": c.opened_at,
             "response_ms": c.response_ms, "blocked_units": c.blocked_units,
             "closed_at": c.closed_at} for c, code in session.execute(query)]


def response_kpi(session: Session, *, mock: bool | None = None,
                 since: datetime | None = None) -> dict[str, Any]:
    """The recall-response KPI: time from opening to a complete consignee list."""
    query = select(RecallCase.recall_no, RecallCase.mock, RecallCase.opened_at,
                   RecallCase.response_ms).where(RecallCase.response_ms.is_not(None))
    if mock is not None:
        query = query.where(RecallCase.mock == mock)
    if since is not None:
        query = query.where(RecallCase.opened_at >= since)
    rows = session.execute(query.order_by(RecallCase.opened_at)).all()
    times = [int(r.response_ms) for r in rows]
    return {"count": len(times), "mean_ms": round(sum(times) / len(times)) if times else None,
            "max_ms": max(times) if times else None,
            "cases": [{"recall_no": r.recall_no, "mock": r.mock, "opened_at": r.opened_at,
                       "response_ms": r.response_ms} for r in rows]}


def timeline(session: Session, view: RecallView) -> list[dict[str, Any]]:
    """What happened, in time order: opening, blocking, list, notices, returns, closing."""
    events: list[dict[str, Any]] = [
        {"at": view.opened_at, "event": "opened", "detail": view.opened_by or ""}]
    if view.consignees_listed_at:
        events.append({"at": view.consignees_listed_at, "event": "consignees_listed",
                       "detail": f"{len(view.consignees)} / {view.response_ms} ms"})
    for c in view.consignees:
        for at, name in ((c.notified_at, "notified"), (c.acknowledged_at, "acknowledged")):
            if at is not None:
                events.append({"at": at, "event": name, "detail": c.partner})
    for kind, at, quantity in session.execute(
            select(Movement.kind, Movement.created_at, Movement.quantity)
            .where(Movement.doc_type == "RCL", Movement.doc_no == view.recall_no)):
        name = "returned" if kind == MovementKind.RETURN else "blocked"
        events.append({"at": at, "event": name, "detail": str(quantity)})
    if view.closed_at:
        events.append({"at": view.closed_at, "event": "closed", "detail": view.closed_by})
    return _merge_blocks(sorted(events, key=lambda e: (e["at"], e["event"] != "opened")))


def _merge_blocks(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One 'blocked' line per instant, with the units summed."""
    out: list[dict[str, Any]] = []
    for event in events:
        if out and event["event"] == "blocked" == out[-1]["event"] \
                and event["at"] == out[-1]["at"]:
            out[-1]["detail"] = str(int(out[-1]["detail"]) + int(event["detail"]))
        else:
            out.append(dict(event))
    return out
