"""Read-only questions about counts: policies, classes, plans, variances, KPIs.

Counter-facing views (`counter_tasks`, `task_view`) never carry expected quantities or
balances: counting is blind. Manager views (`plan_view`, `variances`) do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from medwms.auth.guard import seeing_as
from medwms.auth.rules import Actor, Perm
from medwms.auth.tables import AuditRecord, User, UserRole
from medwms.core.errors import NotFound
from medwms.counting.errors import NotACountingUser
from medwms.counting.rules import DEFAULT_POLICIES, Policy, accuracy
from medwms.counting.tables import (
    AbcClass,
    CountEntry,
    CountLine,
    CountPlan,
    CountPlanCounter,
    CountPolicy,
    CountTask,
    PlanStatus,
    TaskStatus,
)
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.tables import Item, Location, Owner, Warehouse, Zone


def policies(session: Session) -> dict[str, Policy]:
    """The count policy per ABC class: stored rows over the defaults."""
    out = dict(DEFAULT_POLICIES)
    for row in session.scalars(select(CountPolicy)):
        out[row.abc] = Policy(row.abc, row.interval_days, row.tolerance_units,
                              Decimal(row.tolerance_pct))
    return out


def item_classes(session: Session, item_ids: Iterable[int]) -> dict[int, str]:
    """The ABC class of each item that has one."""
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    rows = session.execute(select(AbcClass.item_id, AbcClass.abc)
                           .where(AbcClass.item_id.in_(ids)))
    return {row.item_id: row.abc for row in rows}


def plan_by_no(session: Session, plan_no: str, *, lock: bool = False) -> CountPlan:
    """The plan named `plan_no` (locked FOR UPDATE when asked)."""
    query = select(CountPlan).where(CountPlan.plan_no == plan_no.strip().upper())
    plan = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if plan is None:
        raise NotFound(what="count plan", key=plan_no)
    return plan


def plan_for(session: Session, actor: Actor, plan_no: str, *, lock: bool = False) -> CountPlan:
    """The plan for a command of `actor`, looked up as they see it (not found when it is of a
    warehouse outside their scope)."""
    with seeing_as(session, actor):
        return plan_by_no(session, plan_no, lock=lock)


# ---------------------------------------------------------------- counter views (blind)

@dataclass(frozen=True)
class CounterTask:
    """A location waiting for (or being counted by) a counter — no quantities."""

    task_id: int
    plan_no: str
    warehouse: str
    location: str
    round: int
    status: str
    deadline: str | None


def counter_tasks(session: Session, user_id: int | None) -> list[CounterTask]:
    """Open and in-progress locations of open plans this user may count.

    An open task with a counter is a recount a manager assigned: only that counter sees it.
    """
    first = aliased(CountTask)
    assigned = select(CountPlanCounter.plan_id).where(CountPlanCounter.user_id == user_id)
    unassigned = ~select(CountPlanCounter.plan_id).where(
        CountPlanCounter.plan_id == CountPlan.id).exists()
    query = (select(CountTask, CountPlan.plan_no, CountPlan.deadline, Warehouse.code,
                    Location.code)
             .join(CountPlan, CountPlan.id == CountTask.plan_id)
             .join(Warehouse, Warehouse.id == CountPlan.warehouse_id)
             .join(Location, Location.id == CountTask.location_id)
             .outerjoin(first, (first.plan_id == CountTask.plan_id)
                        & (first.location_id == CountTask.location_id) & (first.round == 1)
                        & (CountTask.round == 2))
             .where(CountPlan.status.in_([PlanStatus.OPEN, PlanStatus.COUNTING]),
                    or_(CountPlan.id.in_(assigned), unassigned),
                    CountTask.status != TaskStatus.CLOSED,
                    or_(CountTask.counter_id.is_(None), CountTask.counter_id == user_id),
                    or_(first.id.is_(None), first.counter_id != user_id))
             .order_by(CountPlan.plan_no, CountTask.round.desc(), Location.pick_seq,
                       Location.code))
    return [CounterTask(task_id=t.id, plan_no=no, warehouse=wh, location=loc, round=t.round,
                        status=t.status, deadline=deadline.isoformat() if deadline else None)
            for t, no, deadline, wh, loc in session.execute(query)]


@dataclass(frozen=True)
class EntryView:
    """One scan the counter made (their own count, never the expected quantity)."""

    entry_id: int
    item: str
    item_name: str
    lot: str | None
    serial: str | None
    quantity: int
    item_name_en: str = ""


def entries(session: Session, task_id: int) -> list[EntryView]:
    """The scans made at one location task, in scan order."""
    query = (select(CountEntry.id, Item.code, Item.name_zh, Lot.lot_no, SerialUnit.serial,
                    CountEntry.quantity, Item.name_en)
             .join(Item, Item.id == CountEntry.item_id)
             .outerjoin(Lot, Lot.id == CountEntry.lot_id)
             .outerjoin(SerialUnit, SerialUnit.id == CountEntry.serial_id)
             .where(CountEntry.task_id == task_id).order_by(CountEntry.id))
    return [EntryView(*row) for row in session.execute(query)]


# ---------------------------------------------------------------- manager views

@dataclass(frozen=True)
class PlanView:
    plan_no: str
    warehouse: str
    kind: str
    rule: str
    status: str
    deadline: str | None
    counters: list[str]
    possible_counters: int  # named counters, or everyone who may count when none is named
    tasks: dict[str, int]
    recounts_open: int
    lines: int
    variance_lines: int
    needs_recount: int
    missing_reasons: int
    adjustment_doc_no: str
    approved_at: datetime | None
    approved_by: str | None


def plan_view(session: Session, plan_no: str) -> PlanView:
    """A plan's header and progress, for the manager."""
    plan = plan_by_no(session, plan_no)
    warehouse = session.get_one(Warehouse, plan.warehouse_id)
    counters = list(session.scalars(
        select(User.username).join(CountPlanCounter, CountPlanCounter.user_id == User.id)
        .where(CountPlanCounter.plan_id == plan.id).order_by(User.username)))
    tasks = {f"{status}": n for status, n in session.execute(
        select(CountTask.status, func.count()).where(CountTask.plan_id == plan.id)
        .group_by(CountTask.status))}
    recounts = session.scalar(select(func.count()).where(
        CountTask.plan_id == plan.id, CountTask.round == 2,
        CountTask.status != TaskStatus.CLOSED)) or 0
    stats = _line_stats(session, plan.id)
    approver = session.get(User, plan.approved_by) if plan.approved_by else None
    return PlanView(plan_no=plan.plan_no, warehouse=warehouse.code, kind=plan.kind,
                    rule=plan.rule, status=plan.status,
                    deadline=plan.deadline.isoformat() if plan.deadline else None,
                    counters=counters,
                    possible_counters=len(counters) or len(counting_users(session)),
                    tasks=tasks, recounts_open=recounts, **stats,
                    adjustment_doc_no=plan.adjustment_doc_no, approved_at=plan.approved_at,
                    approved_by=approver.username if approver else None)


def _ones(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _line_stats(session: Session, plan_id: int) -> dict[str, int]:
    nonzero = CountLine.variance != 0
    row = session.execute(select(
        func.count(), _ones(nonzero), _ones(CountLine.needs_recount.is_(True)),
        _ones(nonzero & (CountLine.reason_code == "")),
    ).where(CountLine.plan_id == plan_id)).one()
    return {"lines": int(row[0]), "variance_lines": int(row[1]), "needs_recount": int(row[2]),
            "missing_reasons": int(row[3])}


@dataclass(frozen=True)
class VarianceRow:
    line_id: int
    location: str
    owner: str
    item: str
    item_name: str
    lot: str | None
    serial: str | None
    status: str
    expected: int
    counted: int
    recounted: int | None
    variance: int
    unit_cost: Decimal | None
    value: Decimal | None
    within_tolerance: bool
    needs_recount: bool
    reason_code: str
    adjusted: int
    item_name_en: str = ""


def variances(session: Session, plan_no: str, *, only_variances: bool = False,
              limit: int = 100_000, offset: int = 0) -> list[VarianceRow]:
    """The count lines of a plan with value and reason codes, by location and item."""
    plan = plan_by_no(session, plan_no)
    query = (select(CountLine, Location.code, Owner.code, Item.code, Item.name_zh,
                    Lot.lot_no, SerialUnit.serial, Item.unit_cost, Item.name_en)
             .join(Location, Location.id == CountLine.location_id)
             .join(Owner, Owner.id == CountLine.owner_id)
             .join(Item, Item.id == CountLine.item_id)
             .outerjoin(Lot, Lot.id == CountLine.lot_id)
             .outerjoin(SerialUnit, SerialUnit.id == CountLine.serial_id)
             .where(CountLine.plan_id == plan.id))
    if only_variances:
        query = query.where(CountLine.variance != 0)
    query = query.order_by(Location.code, Item.code, CountLine.id).limit(limit).offset(offset)
    return [_variance_row(row) for row in session.execute(query)]


def _variance_row(row: Any) -> VarianceRow:
    line, loc, owner, item, name, lot, serial, cost, name_en = row
    return VarianceRow(line_id=line.id, location=loc, owner=owner, item=item, item_name=name,
                       item_name_en=name_en,
                       lot=lot, serial=serial, status=line.status, expected=line.expected,
                       counted=line.counted, recounted=line.recounted, variance=line.variance,
                       unit_cost=cost, value=line.value,
                       within_tolerance=line.within_tolerance,
                       needs_recount=line.needs_recount, reason_code=line.reason_code,
                       adjusted=line.adjusted)


# ---------------------------------------------------------------- who counts, recounts, cancelling

@dataclass(frozen=True)
class CountingUser:
    """An active user whose roles let them count."""

    user_id: int
    username: str
    display_name: str


def counting_users(session: Session) -> list[CountingUser]:
    """Every active user who may count, by username."""
    roles: dict[int, set[str]] = {}
    for user_id, role in session.execute(select(UserRole.user_id, UserRole.role)):
        roles.setdefault(user_id, set()).add(role)
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    return [CountingUser(u.id, u.username, u.display_name or u.username) for u in users
            if Actor(u.id, u.username, frozenset(roles.get(u.id, set()))).can(Perm.COUNT)]


def named_counters(session: Session, names: Iterable[str]) -> list[CountingUser]:
    """The counting users of these usernames (NotFound, or NOT_A_COUNTING_USER for one who
    is disabled or may not count)."""
    wanted = sorted({n.strip() for n in names if n.strip()})
    if not wanted:
        return []
    known = {u.username: u for u in counting_users(session)}
    for name in wanted:
        if name not in known:
            if session.scalar(select(User.id).where(User.username == name)) is None:
                raise NotFound(what="user", key=name)
            raise NotACountingUser(user=name)
    return [known[name] for name in wanted]


@dataclass(frozen=True)
class RecountView:
    """A recount still to do: who counted first, who has it (assigned or counting)."""

    task_id: int
    location: str
    first_counter: str | None
    counter: str | None
    status: str


def open_recounts(session: Session, plan_no: str) -> list[RecountView]:
    """The plan's recounts not yet closed, by location."""
    plan = plan_by_no(session, plan_no)
    first, first_user, user = aliased(CountTask), aliased(User), aliased(User)
    query = (select(CountTask.id, Location.code, first_user.username, user.username,
                    CountTask.status)
             .join(Location, Location.id == CountTask.location_id)
             .join(first, (first.plan_id == CountTask.plan_id)
                   & (first.location_id == CountTask.location_id) & (first.round == 1))
             .outerjoin(first_user, first_user.id == first.counter_id)
             .outerjoin(user, user.id == CountTask.counter_id)
             .where(CountTask.plan_id == plan.id, CountTask.round == 2,
                    CountTask.status != TaskStatus.CLOSED)
             .order_by(Location.code))
    return [RecountView(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class Cancellation:
    """Who cancelled a plan, when, and why (from the audit log)."""

    by: str
    at: datetime
    reason: str


def cancellation(session: Session, plan_no: str) -> Cancellation | None:
    """The cancellation of a plan, if it was cancelled."""
    row = session.execute(
        select(AuditRecord.actor_name, AuditRecord.at, AuditRecord.reason)
        .where(AuditRecord.entity == "count_plan", AuditRecord.action == "cancel",
               AuditRecord.entity_key == plan_no.strip().upper())
        .order_by(AuditRecord.id.desc()).limit(1)).first()
    return None if row is None else Cancellation(*row)


# ---------------------------------------------------------------- KPIs

@dataclass(frozen=True)
class LocationTime:
    location: str
    round: int
    counter: str | None
    started_at: datetime | None
    closed_at: datetime | None
    seconds: float | None


def location_times(session: Session, plan_no: str) -> list[LocationTime]:
    """Time per location (closed_at − started_at) of a plan's tasks."""
    plan = plan_by_no(session, plan_no)
    query = (select(CountTask, Location.code, User.username)
             .join(Location, Location.id == CountTask.location_id)
             .outerjoin(User, User.id == CountTask.counter_id)
             .where(CountTask.plan_id == plan.id).order_by(Location.code, CountTask.round))
    out = []
    for task, loc, user in session.execute(query):
        seconds = ((task.closed_at - task.started_at).total_seconds()
                   if task.closed_at and task.started_at else None)
        out.append(LocationTime(loc, task.round, user, task.started_at, task.closed_at,
                                seconds))
    return out


@dataclass(frozen=True)
class CountKpi:
    """Stocktake accuracy and time per location over closed counts in a period."""

    plans: int
    lines_counted: int
    lines_without_variance: int
    accuracy: Decimal
    locations_counted: int
    seconds_per_location: float | None


def count_kpi(session: Session, *, since: datetime, until: datetime,
              warehouse: str | None = None) -> CountKpi:
    """Accuracy (lines without variance / lines counted) and mean seconds per location.

    Cancelled plans are left out: their counts were never reconciled into the stock.
    """
    tasks = select(CountTask.plan_id, CountTask.started_at, CountTask.closed_at).join(
        CountPlan, CountPlan.id == CountTask.plan_id).where(
        CountTask.status == TaskStatus.CLOSED, CountTask.closed_at >= since,
        CountTask.closed_at < until, CountPlan.status != PlanStatus.CANCELLED)
    if warehouse:
        tasks = tasks.join(Warehouse, Warehouse.id == CountPlan.warehouse_id).where(
            Warehouse.code == warehouse.upper())
    rows = session.execute(tasks).all()
    plan_ids = sorted({r.plan_id for r in rows})
    times = [(r.closed_at - r.started_at).total_seconds() for r in rows if r.started_at]
    counted, clean = _lines(session, plan_ids)
    return CountKpi(plans=len(plan_ids), lines_counted=counted, lines_without_variance=clean,
                    accuracy=accuracy(counted, clean), locations_counted=len(rows),
                    seconds_per_location=sum(times) / len(times) if times else None)


def _lines(session: Session, plan_ids: list[int]) -> tuple[int, int]:
    if not plan_ids:
        return 0, 0
    total = session.scalar(select(func.count()).where(CountLine.plan_id.in_(plan_ids))) or 0
    clean = session.scalar(select(func.count()).where(
        CountLine.plan_id.in_(plan_ids), CountLine.variance == 0)) or 0
    return total, clean


@dataclass(frozen=True)
class PlanRow:
    """One plan in the list."""

    plan_no: str
    warehouse: str
    kind: str
    status: str
    deadline: date | None
    created_at: datetime


def plan_rows(session: Session, limit: int = 100) -> list[PlanRow]:
    """The newest count plans first."""
    query = (select(CountPlan.plan_no, Warehouse.code, CountPlan.kind, CountPlan.status,
                    CountPlan.deadline, CountPlan.created_at)
             .join(Warehouse, Warehouse.id == CountPlan.warehouse_id)
             .order_by(CountPlan.id.desc()).limit(limit))
    return [PlanRow(*row) for row in session.execute(query)]


def counter_choices(session: Session) -> list[tuple[str, str]]:
    """Active users who may count: (username, display name)."""
    return [(u.username, u.display_name) for u in counting_users(session)]


def plan_places(session: Session) -> dict[str, list[tuple[str, ...]]]:
    """Warehouses (code, name) and zones ("WH1", "S", name) a new count plan may cover."""
    warehouses: list[tuple[str, ...]] = [(r[0], r[1]) for r in session.execute(
        select(Warehouse.code, Warehouse.name).order_by(Warehouse.code))]
    zones: list[tuple[str, ...]] = [(r[0], r[1], r[2]) for r in session.execute(
        select(Warehouse.code, Zone.code, Zone.name).join(
            Warehouse, Warehouse.id == Zone.warehouse_id).order_by(Warehouse.code, Zone.code))]
    return {"warehouses": warehouses, "zones": zones}
