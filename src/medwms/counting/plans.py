"""Count plans: full, zones or cycle (by rule); ABC classes and count policies.

A plan makes one round-1 CountTask per location, names its counters (none named: any user
with the counting permission) and a deadline. `rule` stores what chose the locations (JSON).

A plan fewer than two people could count is refused unless the manager accepts it
(`accept_one_counter`): its first variance needs a recount by someone other than the first
counter, and only a manager's adding a counter or assigning the recount (counting.running)
would then let it finish. Refusing by default keeps that stall from being made by accident;
accepting keeps a one-person night shift possible.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Integer, Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require, require_every_warehouse
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database, UTCDateTime
from medwms.core.errors import NotFound, Problem
from medwms.core.ids import new_doc_no
from medwms.counting import errors, queries, rules
from medwms.counting.rules import AbcShares, CycleRule, ItemUsage, LocationFacts
from medwms.counting.tables import (
    AbcClass,
    CountLine,
    CountPlan,
    CountPlanCounter,
    CountPolicy,
    CountTask,
    PlanKind,
    PlanStatus,
    TaskStatus,
)
from medwms.ledger.tables import Movement, MovementKind, Stock
from medwms.masterdata.tables import Item, Location, Warehouse, Zone

PLAN_PREFIX = "CNT"
MANAGE = Perm.STOCK_ADJUST
TASK = cast(Table, CountTask.__table__)
DEFAULT_SHARES = AbcShares()


@dataclass(frozen=True)
class PlanMade:
    plan_no: str
    warehouse: str
    kind: str
    locations: int
    counters: list[str]
    deadline: str | None


def create_plan(db: Database, *, actor: Actor, warehouse: str, kind: str,
                zones: tuple[str, ...] = (), cycle: CycleRule | None = None,
                counters: tuple[str, ...] = (), deadline: date | None = None,
                accept_one_counter: bool = False) -> PlanMade:
    """Open a count plan: one task per chosen location, its counters and deadline."""
    require(actor, MANAGE)
    _check_kind(kind, zones, cycle)
    now = utc_now()
    with db.unit_of_work() as uow:
        session = uow.session
        site = _warehouse(session, warehouse)
        require(actor, MANAGE, warehouse_id=site.id, warehouse=site.code)
        location_ids = _choose(session, site.id, kind, zones, cycle, now)
        if not location_ids:
            raise errors.NothingToCount(warehouse=site.code)
        users = queries.named_counters(session, counters)
        possible = len(users) or len(queries.counting_users(session))
        if not (rules.recount_possible(possible) or accept_one_counter):
            raise errors.TooFewCounters(counters=possible)
        plan = CountPlan(plan_no=new_doc_no(PLAN_PREFIX, now), warehouse_id=site.id, kind=kind,
                         rule=_rule_text(zones, cycle), deadline=deadline, created_at=now,
                         created_by=actor.user_id)
        session.add(plan)
        session.flush()
        session.add_all([CountPlanCounter(plan_id=plan.id, user_id=u.user_id) for u in users])
        session.execute(insert(TASK), [{"plan_id": plan.id, "location_id": loc, "round": 1,
                                        "status": TaskStatus.OPEN} for loc in location_ids])
        record_audit(session, actor=actor, action="create", entity="count_plan",
                     entity_key=plan.plan_no, after={"kind": kind, "rule": plan.rule,
                                                     "locations": len(location_ids)})
        uow.commit()
    return PlanMade(plan.plan_no, site.code, kind, len(location_ids),
                    [u.username for u in users], deadline.isoformat() if deadline else None)


def _check_kind(kind: str, zones: tuple[str, ...], cycle: CycleRule | None) -> None:
    problems = []
    if kind not in PlanKind.__members__:
        problems.append(Problem("FULL, ZONES or CYCLE", column="kind", value=kind))
    if kind == PlanKind.ZONES and not zones:
        problems.append(Problem("name at least one zone", column="zones"))
    if kind == PlanKind.CYCLE and (cycle is None or cycle == CycleRule()):
        problems.append(Problem("give at least one cycle criterion", column="cycle"))
    if cycle is not None and any(c not in rules.CLASSES for c in cycle.abc_due):
        problems.append(Problem("ABC classes are A, B, C", column="abc_due"))
    if problems:
        raise errors.BadPlan(problems)


def _rule_text(zones: tuple[str, ...], cycle: CycleRule | None) -> str:
    rule: dict[str, Any] = {"zones": list(zones)}
    if cycle is not None:
        rule.update(asdict(cycle))
    return json.dumps(rule, sort_keys=True)


def _warehouse(session: Session, code: str) -> Warehouse:
    site = session.scalars(select(Warehouse).where(Warehouse.code == code.upper())).first()
    if site is None:
        raise NotFound(what="warehouse", key=code)
    return site


def _choose(session: Session, warehouse_id: int, kind: str, zones: tuple[str, ...],
            cycle: CycleRule | None, now: datetime) -> list[int]:
    query = select(Location.id).where(Location.warehouse_id == warehouse_id)
    if zones:
        query = query.join(Zone, Zone.id == Location.zone_id).where(
            Zone.code.in_([z.upper() for z in zones]))
    ids = list(session.scalars(query.order_by(Location.id)))
    if kind != PlanKind.CYCLE or cycle is None:
        return ids
    facts = location_facts(session, warehouse_id, ids)
    return rules.select_locations(facts, cycle, queries.policies(session), now)


def location_facts(session: Session, warehouse_id: int,
                   location_ids: list[int]) -> list[LocationFacts]:
    """Per location: ABC classes held, last count, last variance, last pick error."""
    classes = _classes_held(session, warehouse_id)
    counted = _last_counted(session, warehouse_id)
    varied = _last_variance(session, warehouse_id)
    errors_at = _last_pick_error(session)
    zone_of = {r[0]: r[1] for r in session.execute(
        select(Location.id, Location.zone_id).where(Location.warehouse_id == warehouse_id))}
    return [LocationFacts(location_id=loc, zone_id=zone_of[loc],
                          classes=frozenset(classes.get(loc, ())),
                          last_counted=counted.get(loc), last_variance=varied.get(loc),
                          last_pick_error=errors_at.get(loc)) for loc in location_ids]


def _classes_held(session: Session, warehouse_id: int) -> dict[int, set[str]]:
    rows = session.execute(
        select(Stock.location_id, func.coalesce(AbcClass.abc, "C")).distinct()
        .outerjoin(AbcClass, AbcClass.item_id == Stock.item_id)
        .where(Stock.warehouse_id == warehouse_id))
    out: dict[int, set[str]] = defaultdict(set)
    for loc, abc in rows:
        out[loc].add(abc)
    return out


def _last_counted(session: Session, warehouse_id: int) -> dict[int, datetime]:
    """When each location was last counted (a cancelled plan's counts do not count)."""
    rows = session.execute(
        select(CountTask.location_id, func.max(CountTask.closed_at))
        .join(CountPlan, CountPlan.id == CountTask.plan_id)
        .where(CountPlan.warehouse_id == warehouse_id, CountTask.status == TaskStatus.CLOSED,
               CountPlan.status != PlanStatus.CANCELLED)
        .group_by(CountTask.location_id))
    return {loc: at for loc, at in rows if at is not None}


def _last_variance(session: Session, warehouse_id: int) -> dict[int, datetime]:
    rows = session.execute(
        select(CountLine.location_id, func.max(CountTask.closed_at))
        .join(CountTask, (CountTask.plan_id == CountLine.plan_id)
              & (CountTask.location_id == CountLine.location_id))
        .join(CountPlan, CountPlan.id == CountLine.plan_id)
        .where(CountPlan.warehouse_id == warehouse_id, CountLine.variance != 0)
        .group_by(CountLine.location_id))
    return {loc: at for loc, at in rows if at is not None}


# Picking's tables are read as plain SQL: counting may not import a feature of its layer.
PICK_ERRORS = text(
    "SELECT p.from_location_id AS location_id, MAX(vl.at) AS at FROM verification_line vl "
    "JOIN verification v ON v.id = vl.verification_id "
    "JOIN order_line ol ON ol.order_id = v.order_id "
    "JOIN pick p ON p.order_line_id = ol.id AND p.item_id = vl.item_id "
    "WHERE vl.discrepancy <> '' GROUP BY p.from_location_id"
).columns(location_id=Integer(), at=UTCDateTime())


def _last_pick_error(session: Session) -> dict[int, datetime]:
    return {row.location_id: row.at for row in session.execute(PICK_ERRORS) if row.at}


# ---------------------------------------------------------------- ABC and policies

@dataclass(frozen=True)
class AbcComputed:
    items: int
    by_class: dict[str, int]


def compute_abc(db: Database, *, actor: Actor, since: datetime, until: datetime,
                shares: AbcShares = DEFAULT_SHARES) -> AbcComputed:
    """Classify every active item by its shipped value (quantity × unit cost) and picks."""
    require_every_warehouse(actor, MANAGE)
    now = utc_now()
    with db.unit_of_work() as uow:
        session = uow.session
        usage = _usage(session, since, until)
        classes = rules.classify(usage, shares)
        session.execute(delete(AbcClass))
        rows = [{"item_id": u.item_id, "abc": classes[u.item_id], "value": u.value,
                 "picks": u.picks, "computed_at": now} for u in usage]
        if rows:
            session.execute(insert(cast(Table, AbcClass.__table__)), rows)
        uow.commit()
    counts = {abc: sum(1 for c in classes.values() if c == abc) for abc in rules.CLASSES}
    return AbcComputed(len(classes), counts)


def _usage(session: Session, since: datetime, until: datetime) -> list[ItemUsage]:
    shipped = func.sum(func.coalesce(Movement.quantity, 0)).filter(
        Movement.kind == MovementKind.SHIP)
    picks = func.count(Movement.id).filter(Movement.kind == MovementKind.PICK)
    moved = dict((r[0], (r[1] or 0, r[2] or 0)) for r in session.execute(
        select(Movement.item_id, shipped, picks)
        .where(Movement.created_at >= since, Movement.created_at < until,
               Movement.kind.in_([MovementKind.SHIP, MovementKind.PICK]))
        .group_by(Movement.item_id)))
    items = session.execute(select(Item.id, Item.unit_cost).where(Item.active.is_(True)))
    return [ItemUsage(item_id, Decimal(moved.get(item_id, (0, 0))[0]) * (cost or Decimal(0)),
                      int(moved.get(item_id, (0, 0))[1])) for item_id, cost in items]


def set_policy(db: Database, *, actor: Actor, abc: str, interval_days: int,
               tolerance_units: int, tolerance_pct: Decimal) -> rules.Policy:
    """Set how often a class is counted and the variance it tolerates before a recount."""
    require_every_warehouse(actor, MANAGE)
    if abc not in rules.CLASSES or interval_days <= 0 or tolerance_units < 0 \
            or not Decimal(0) <= tolerance_pct <= Decimal(100):
        raise errors.BadPlan([Problem("class A/B/C, interval > 0, tolerances ≥ 0, pct ≤ 100",
                                      column="policy", value=abc)])
    with db.unit_of_work() as uow:
        row = uow.session.get(CountPolicy, abc) or CountPolicy(abc=abc)
        before = queries.policies(uow.session)[abc]
        row.interval_days, row.tolerance_units = interval_days, tolerance_units
        row.tolerance_pct = tolerance_pct
        uow.session.add(row)
        record_audit(uow.session, actor=actor, action="update", entity="count_policy",
                     entity_key=abc, before=_policy_dict(before),
                     after={"interval_days": interval_days, "tolerance_units": tolerance_units,
                            "tolerance_pct": str(tolerance_pct)})
        uow.commit()
    return rules.Policy(abc, interval_days, tolerance_units, tolerance_pct)


def _policy_dict(policy: rules.Policy) -> dict[str, Any]:
    return {"interval_days": policy.interval_days, "tolerance_units": policy.tolerance_units,
            "tolerance_pct": str(policy.tolerance_pct)}
