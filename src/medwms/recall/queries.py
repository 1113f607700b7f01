"""Read-only questions about recalls: a case with its consignees, the list, the KPI, the report."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.tables import User
from medwms.ledger.tables import Lot, Movement, MovementKind, SerialUnit, Status, Stock
from medwms.masterdata.tables import Item, Location, Packaging, Partner
from medwms.recall import rules
from medwms.recall.errors import RecallNotFound
from medwms.recall.tables import RecallCase, RecallConsignee, RecallNotice
from medwms.runtime.queries import not_archived
from medwms.runtime.rules import ARCHIVED_RECALL_CASE

# The timeline's event for a movement under the recall number (others are the blocking).
EVENT_OF_KIND: dict[str, str] = {MovementKind.RETURN: "returned", MovementKind.SCRAP: "destroyed"}


@dataclass(frozen=True)
class NoticeView:
    """One notice sent to a consignee."""

    channel: str
    recipient: str
    sent_at: datetime
    note: str
    recorded_at: datetime
    recorded_by: str | None


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
    notices: list[NoticeView] = field(default_factory=list)

    @property
    def notified(self) -> bool:
        return self.notified_at is not None


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
                           .order_by(Partner.code)).all()
    notices = _notices(session, recall_id)
    return [_consignee_view(row, partner, notices.get(row.id, [])) for row, partner in rows]


def _notices(session: Session, recall_id: int) -> dict[int, list[NoticeView]]:
    """The notices of a recall by consignee row, oldest first."""
    rows = session.execute(select(RecallNotice, User.username)
                           .outerjoin(User, User.id == RecallNotice.recorded_by)
                           .where(RecallNotice.recall_id == recall_id)
                           .order_by(RecallNotice.sent_at, RecallNotice.id))
    out: dict[int, list[NoticeView]] = defaultdict(list)
    for notice, username in rows:
        out[notice.consignee_id].append(NoticeView(
            notice.channel, notice.recipient, notice.sent_at, notice.note, notice.recorded_at,
            username))
    return out


def _consignee_view(row: RecallConsignee, partner: Partner,
                    notices: list[NoticeView]) -> ConsigneeView:
    figures = rules.Accounting(row.shipped_qty, row.returned_qty, row.destroyed_qty,
                               row.used_qty)
    return ConsigneeView(
        partner=partner.code, name=partner.name, kind=partner.kind, address=partner.address,
        contact=partner.contact, shipped=row.shipped_qty, returned=row.returned_qty,
        destroyed=row.destroyed_qty, used=row.used_qty, outstanding=figures.outstanding,
        notified_at=row.notified_at, acknowledged_at=row.acknowledged_at,
        units=json.loads(row.units or "[]"), note=row.note, name_en=partner.name_en,
        notices=notices)


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


def list_recalls(session: Session, *, status: str | None = None, mock: bool | None = None,
                 limit: int = 200, include_archived: bool = False) -> list[dict[str, Any]]:
    """Recall cases, newest first; archived ones only when asked (still readable by number)."""
    query = (select(RecallCase, Item.code).join(Item, Item.id == RecallCase.item_id)
             .order_by(RecallCase.opened_at.desc(), RecallCase.id.desc()).limit(limit))
    if not include_archived:
        query = query.where(not_archived(ARCHIVED_RECALL_CASE, RecallCase.recall_no))
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
            if at is not None and not (name == "notified" and c.notices):
                events.append({"at": at, "event": name, "detail": c.partner})
        events.extend({"at": n.sent_at, "event": "notice", "channel": n.channel,
                       "detail": f"{c.partner} · {n.recipient}"} for n in c.notices)
    for kind, at, quantity in session.execute(
            select(Movement.kind, Movement.created_at, Movement.quantity)
            .where(Movement.doc_type == "RCL", Movement.doc_no == view.recall_no)):
        name = EVENT_OF_KIND.get(str(kind), "blocked")
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


UnitKey = tuple[str | None, str | None]


def lot_units(session: Session, view: RecallView) -> list[rules.LotUnits]:
    """Per lot (or serial) of a recall: shipped to its consignees, returned by them (before
    the recall too), destroyed under the recall, and still held RECALLED in our stock."""
    case = find_case(session, view.recall_no)
    shipped: dict[UnitKey, int] = defaultdict(int)
    for consignee in view.consignees:
        for unit in consignee.units:
            shipped[(unit.get("lot"), unit.get("serial"))] += int(unit.get("quantity") or 0)
    returned = _returned(session, case, set(shipped))
    destroyed = _destroyed(session, view.recall_no)
    held: dict[UnitKey, int] = defaultdict(int)
    for place in held_locations(session, view):
        held[(place["lot"], place["serial"])] += place["quantity"]
    keys = sorted(set(shipped) | set(destroyed) | set(held),
                  key=lambda k: (k[0] or "", k[1] or ""))
    return [rules.LotUnits(lot, serial, shipped.get((lot, serial), 0),
                           returned.get((lot, serial), 0), destroyed.get((lot, serial), 0),
                           held.get((lot, serial), 0)) for lot, serial in keys]


def _units_of(query: Any) -> Any:
    return (query.outerjoin(Lot, Lot.id == Movement.lot_id)
            .outerjoin(SerialUnit, SerialUnit.id == Movement.serial_id))


def _returned(session: Session, case: RecallCase, shipped: set[UnitKey]) -> dict[UnitKey, int]:
    """Units of the shipped lots/serials the recall's consignees sent back, by lot/serial."""
    partners = select(RecallConsignee.partner_id).where(RecallConsignee.recall_id == case.id)
    rows = session.execute(_units_of(
        select(Lot.lot_no, SerialUnit.serial, Movement.quantity))
        .where(Movement.item_id == case.item_id, Movement.kind == MovementKind.RETURN,
               Movement.partner_id.in_(partners)))
    out: dict[UnitKey, int] = defaultdict(int)
    for lot, serial, quantity in rows:
        if (lot, serial) in shipped:
            out[(lot, serial)] += quantity
    return dict(out)


def _destroyed(session: Session, recall_no: str) -> dict[UnitKey, int]:
    """Units destroyed under a recall (SCRAP movements), by lot/serial."""
    rows = session.execute(_units_of(
        select(Lot.lot_no, SerialUnit.serial, Movement.quantity))
        .where(Movement.doc_type == "RCL", Movement.doc_no == recall_no,
               Movement.kind == MovementKind.SCRAP))
    out: dict[UnitKey, int] = defaultdict(int)
    for lot, serial, quantity in rows:
        out[(lot, serial)] += quantity
    return out


def held_locations(session: Session, view: RecallView) -> list[dict[str, Any]]:
    """Where the recall's RECALLED units are held: location, lot, serial, quantity."""
    case = find_case(session, view.recall_no)
    touched = select(Movement.lot_id, Movement.serial_id).where(
        Movement.doc_type == "RCL", Movement.doc_no == view.recall_no).distinct().subquery()
    rows = session.execute(
        select(Location.code, Lot.lot_no, SerialUnit.serial, Stock.quantity)
        .join(touched, (touched.c.lot_id.is_not_distinct_from(Stock.lot_id))
              & (touched.c.serial_id.is_not_distinct_from(Stock.serial_id)))
        .join(Location, Location.id == Stock.location_id)
        .outerjoin(Lot, Lot.id == Stock.lot_id)
        .outerjoin(SerialUnit, SerialUnit.id == Stock.serial_id)
        .where(Stock.item_id == case.item_id, Stock.status == Status.RECALLED,
               Stock.quantity > 0)
        .order_by(Location.code, Lot.lot_no, SerialUnit.serial))
    merged: dict[tuple[str, str | None, str | None], int] = defaultdict(int)
    for code, lot, serial, quantity in rows:
        merged[(code, lot, serial)] += quantity
    return [{"location": code, "lot": lot, "serial": serial, "quantity": quantity}
            for (code, lot, serial), quantity in merged.items()]
