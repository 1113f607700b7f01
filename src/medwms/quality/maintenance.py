"""In-stock maintenance checks (在库养护): a check plan per zone (every N days, or the default
the door passes in), the due and overdue list, and the check record with its findings.

A doubt found in the check becomes a hold on doubt (`nonconforming.hold_on_doubt`) carrying
the check's number, in its own unit of work after the check is committed: the check stays
recorded whatever the hold finds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import out_of_sight, require
from medwms.auth.rules import Actor, Perm
from medwms.auth.tables import User
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import NotFound, Problem
from medwms.core.ids import new_doc_no
from medwms.masterdata.tables import Warehouse, Zone
from medwms.quality import stock_rules
from medwms.quality.stock_errors import BadQualityInput
from medwms.quality.tables import StockCheck, ZoneCheckPlan


@dataclass(frozen=True)
class Findings:
    """What a check looked at: each aspect ok or not, and the notes."""

    storage_ok: bool  # storage and handling practice (分类存放、搬运)
    conditions_ok: bool  # conditions and hygiene (温湿度、卫生)
    monitoring_ok: bool  # monitoring and alarm devices work
    stock_ok: bool  # appearance, packaging and expiry of the stock
    notes: str = ""


@dataclass(frozen=True)
class CheckTask:
    """A zone's next check: when it is due and whether it is late."""

    warehouse: str
    zone: str
    zone_name: str
    every_days: int
    last_checked: date | None
    due_on: date
    overdue: bool
    days_late: int


@dataclass(frozen=True)
class CheckView:
    """A recorded check."""

    check_no: str
    warehouse: str
    zone: str
    storage_ok: bool
    conditions_ok: bool
    monitoring_ok: bool
    stock_ok: bool
    notes: str
    checked_by: str
    checked_on: date
    checked_at: datetime


def _zone(s: Session, actor: Actor, warehouse: str, zone: str) -> Zone:
    found = s.scalar(select(Zone).join(Warehouse, Warehouse.id == Zone.warehouse_id).where(
        Warehouse.code == warehouse.strip().upper(), Zone.code == zone.strip().upper()))
    if found is None or out_of_sight(actor, found.warehouse_id):
        raise NotFound(what="zone", key=f"{warehouse}/{zone}")
    return found


def set_check_plan(db: Database, *, actor: Actor, warehouse: str, zone: str,
                   every_days: int) -> None:
    """Set how often a zone's stock is checked, in days."""
    require(actor, Perm.QUALITY_APPROVE)
    if not 1 <= every_days <= 366:
        raise BadQualityInput([Problem("1 to 366 days", column="every_days",
                                       value=str(every_days), message_zh="须为 1 至 366 天")])
    with db.unit_of_work() as uow:
        s = uow.session
        found = _zone(s, actor, warehouse, zone)
        plan = s.scalar(select(ZoneCheckPlan).where(ZoneCheckPlan.zone_id == found.id)
                        .with_for_update())
        before = {"every_days": plan.every_days} if plan else {}
        if plan is None:
            plan = ZoneCheckPlan(zone_id=found.id, warehouse_id=found.warehouse_id,
                                 every_days=every_days)
            s.add(plan)
        plan.every_days = every_days
        record_audit(s, actor=actor, action="check_plan.set", entity="zone_check_plan",
                     entity_key=f"{warehouse}/{zone}", before=before,
                     after={"every_days": every_days})
        uow.commit()


def record_check(db: Database, *, actor: Actor, warehouse: str, zone: str,
                 findings: Findings) -> CheckView:
    """Record an in-stock check of a zone with its findings (the person and time are ours)."""
    require(actor, Perm.QUALITY_RECORD)
    failed = not all((findings.storage_ok, findings.conditions_ok, findings.monitoring_ok,
                      findings.stock_ok))
    if failed and not findings.notes.strip():
        raise BadQualityInput([Problem("say what was found wrong", column="notes",
                                       message_zh="有不合格项时请填写发现的问题")])
    with db.unit_of_work() as uow:
        s = uow.session
        found = _zone(s, actor, warehouse, zone)
        now = utc_now()
        timezone = s.get_one(Warehouse, found.warehouse_id).timezone
        row = StockCheck(check_no=new_doc_no("CHK", now), warehouse_id=found.warehouse_id,
                         zone_id=found.id, storage_ok=findings.storage_ok,
                         conditions_ok=findings.conditions_ok,
                         monitoring_ok=findings.monitoring_ok, stock_ok=findings.stock_ok,
                         notes=findings.notes.strip(), checked_by=actor.user_id,
                         checked_on=local_date(now, timezone), checked_at=now)
        s.add(row)
        s.flush()
        record_audit(s, actor=actor, action="stock_check.record", entity="stock_check",
                     entity_key=row.check_no,
                     after={"zone": f"{warehouse}/{zone}", "storage_ok": row.storage_ok,
                            "conditions_ok": row.conditions_ok,
                            "monitoring_ok": row.monitoring_ok, "stock_ok": row.stock_ok,
                            "notes": row.notes})
        view = _view(s, row)
        uow.commit()
    return view


def _view(s: Session, row: StockCheck) -> CheckView:
    user = s.get(User, row.checked_by) if row.checked_by is not None else None
    zone = s.get_one(Zone, row.zone_id)
    return CheckView(check_no=row.check_no,
                     warehouse=s.get_one(Warehouse, row.warehouse_id).code, zone=zone.code,
                     storage_ok=row.storage_ok, conditions_ok=row.conditions_ok,
                     monitoring_ok=row.monitoring_ok, stock_ok=row.stock_ok, notes=row.notes,
                     checked_by=f"{user.display_name} ({user.username})" if user else "",
                     checked_on=row.checked_on, checked_at=row.checked_at)


def check_tasks(session: Session, *, now: datetime, default_days: int) -> list[CheckTask]:
    """Every storage-bearing zone's next check, the overdue first, then by due date."""
    last: dict[int, date] = {row.zone_id: row.last for row in session.execute(
        select(StockCheck.zone_id, func.max(StockCheck.checked_on).label("last"))
        .group_by(StockCheck.zone_id))}
    plans: dict[int, int] = {row.zone_id: row.every_days for row in session.execute(
        select(ZoneCheckPlan.zone_id, ZoneCheckPlan.every_days))}
    rows = session.execute(select(Zone, Warehouse).join(Warehouse,
                                                        Warehouse.id == Zone.warehouse_id)
                           .where(Zone.kind.in_(("STORAGE", "QUARANTINE", "REJECTED",
                                                 "RETURNS")))
                           .order_by(Warehouse.code, Zone.code)).all()
    tasks = []
    for zone, warehouse in rows:
        every = plans.get(zone.id, default_days)
        due = stock_rules.check_due(last.get(zone.id), every,
                                    local_date(now, warehouse.timezone))
        tasks.append(CheckTask(warehouse=warehouse.code, zone=zone.code, zone_name=zone.name,
                               every_days=every, last_checked=last.get(zone.id),
                               due_on=due.due_on, overdue=due.overdue,
                               days_late=due.days_late))
    return sorted(tasks, key=lambda t: (not t.overdue, t.due_on, t.warehouse, t.zone))


def recent_checks(session: Session, *, limit: int = 100) -> list[CheckView]:
    """The latest check records, newest first."""
    rows = session.scalars(select(StockCheck).order_by(StockCheck.id.desc()).limit(limit))
    return [_view(session, row) for row in rows]
