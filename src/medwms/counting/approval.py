"""Variance reasons and the signed approval that posts a count's adjustments.

Approval posts, in ONE unit of work and ONE `ledger.post`, a COUNT movement per non-zero
line (doc_type "CNT", doc_no = the plan number, reason = the reason code): a surplus only to
the line's location and status, a shortage only from it. The adjustment is the variance
frozen when the location was closed (counted − expected at close) applied to today's balance,
so movements made while the count ran are neither lost nor doubled. Lines are read with one
query each for surpluses and shortages, and the shortages' current stock rows with one query
joining them to their keys (never the whole of the counted locations, never one ORM object
per line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, union, update
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.auth.signatures import reauthenticate
from medwms.core.clock import DEFAULT_TIMEZONE, utc_now
from medwms.core.db import Database
from medwms.core.errors import Problem
from medwms.counting import errors, queries, rules
from medwms.counting.tables import (
    CountEntry,
    CountLine,
    CountPlan,
    CountTask,
    PlanStatus,
    TaskStatus,
)
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import MovementKind, Stock
from medwms.masterdata.tables import Item, Location, Warehouse

APPROVE = Perm.STOCK_ADJUST
DOC_TYPE = "CNT"
MEANING = "approved"


@dataclass(frozen=True)
class Approved:
    plan_no: str
    doc_no: str
    lines_adjusted: int
    movements: int
    units_added: int
    units_removed: int
    approved_by: str
    signed: str
    approved_at: datetime


def set_reasons(db: Database, *, actor: Actor, plan_no: str,
                reasons: Mapping[int, str]) -> int:
    """Set the reason code of variance lines (DAMAGED, FOUND, MISCOUNTED, THEFT, …)."""
    require(actor, APPROVE)
    bad = [Problem(f"one of {', '.join(rules.REASONS)}", column="reason_code", row=line_id,
                   value=code) for line_id, code in reasons.items() if code not in rules.REASONS]
    if bad:
        raise errors.BadPlan(bad)
    with db.unit_of_work() as uow:
        session = uow.session
        plan = _changeable(session, actor, plan_no)
        known = set(session.scalars(select(CountLine.id).where(
            CountLine.plan_id == plan.id, CountLine.id.in_(list(reasons)))))
        unknown = sorted(set(reasons) - known)
        if unknown:
            raise errors.BadPlan([Problem("not a line of this count", column="line_id",
                                          value=str(i)) for i in unknown])
        if reasons:
            session.execute(update(CountLine), [{"id": i, "reason_code": c}
                                                for i, c in reasons.items()])
        uow.commit()
    return len(reasons)


def _changeable(session: Session, actor: Actor, plan_no: str) -> CountPlan:
    plan = queries.plan_for(session, actor, plan_no, lock=True)
    if plan.status == PlanStatus.APPROVED:
        raise errors.AlreadyApproved(plan=plan.plan_no, doc_no=plan.adjustment_doc_no)
    if plan.status == PlanStatus.CANCELLED:
        raise errors.PlanNotOpen(plan=plan.plan_no, plan_status=plan.status)
    return plan


def approve(db: Database, *, actor: Actor, plan_no: str, password: str,
            now: datetime | None = None) -> Approved:
    """Approve a finished count with a signature and post all its adjustments at once."""
    require(actor, APPROVE)
    now = now or utc_now()
    with db.unit_of_work() as uow:
        session = uow.session
        plan = _changeable(session, actor, plan_no)
        _refuse_unready(session, plan, actor)
        signature = reauthenticate(session, actor=actor, password=password, meaning=MEANING,
                                   record_ref=f"count_plan:{plan.plan_no}")
        # Balances are read unlocked; post() locks them in key order and refuses a shortage
        # that a concurrent pick created meanwhile (INSUFFICIENT_STOCK): nothing half-done.
        lines = adjustment_lines(session, plan)
        movements = post(session, actor=actor, doc_type=DOC_TYPE, doc_no=plan.plan_no,
                         lines=lines, now=now).movements if lines else 0
        adjusted = _mark(session, plan, actor, signature.audit_id, now)
        record_audit(session, actor=actor, action="approve", entity="count_plan",
                     entity_key=plan.plan_no, after={"lines": adjusted, "movements": movements})
        zone = session.scalar(select(Warehouse.timezone).where(Warehouse.id == plan.warehouse_id))
        uow.commit()
    return Approved(plan.plan_no, plan.plan_no, adjusted, movements,
                    sum(ln.quantity for ln in lines if ln.to_location_id),
                    sum(ln.quantity for ln in lines if ln.from_location_id),
                    actor.username, signature.printed(zone or DEFAULT_TIMEZONE), now)


def _refuse_unready(session: Session, plan: CountPlan, actor: Actor) -> None:
    """Who counted may not approve; every location (and recount) closed; reasons given."""
    counters = union(
        select(CountTask.counter_id).where(CountTask.plan_id == plan.id),
        select(CountEntry.counted_by).join(CountTask, CountTask.id == CountEntry.task_id)
        .where(CountTask.plan_id == plan.id))
    if actor.user_id in set(session.scalars(select(counters.subquery().c[0]))):
        raise errors.CounterCannotApprove(user=actor.username, plan=plan.plan_no)
    open_codes = list(session.scalars(
        select(Location.code).join(CountTask, CountTask.location_id == Location.id)
        .where(CountTask.plan_id == plan.id, CountTask.status != TaskStatus.CLOSED)
        .order_by(Location.code)))
    recount = session.scalar(select(func.count()).where(
        CountLine.plan_id == plan.id, CountLine.needs_recount.is_(True))) or 0
    if open_codes or recount:
        raise errors.CountNotFinished(plan=plan.plan_no, open_tasks=len(open_codes) or recount,
                                      locations=", ".join(open_codes[:10]) or "-")
    missing = list(session.scalars(select(CountLine.id).where(
        CountLine.plan_id == plan.id, CountLine.variance != 0,
        CountLine.reason_code.not_in(rules.REASONS)).order_by(CountLine.id)))
    if missing:
        raise errors.ReasonsMissing(plan=plan.plan_no, missing=len(missing),
                                    lines=", ".join(map(str, missing[:20])))


def adjustment_lines(session: Session, plan: CountPlan) -> list[Line]:
    """The COUNT movement lines of a plan: surpluses in, shortages out of today's stock."""
    surplus = [_surplus(row) for row in session.execute(
        select(CountLine.owner_id, CountLine.item_id, CountLine.lot_id, CountLine.serial_id,
               CountLine.variance, CountLine.location_id, CountLine.status,
               CountLine.reason_code)
        .where(CountLine.plan_id == plan.id, CountLine.variance > 0).order_by(CountLine.id))]
    return surplus + _shortages(session, plan)


def _surplus(line: Any) -> Line:
    return Line(kind=MovementKind.COUNT, owner_id=line.owner_id, item_id=line.item_id,
                lot_id=line.lot_id, serial_id=line.serial_id, quantity=line.variance,
                to_location_id=line.location_id, to_status=line.status,
                reason=line.reason_code)


def _shortages(session: Session, plan: CountPlan) -> list[Line]:
    """Shortage lines split over today's stock rows of each key (loose stock first)."""
    keys = {row.id: row for row in session.execute(
        select(CountLine.id, CountLine.variance, CountLine.owner_id, CountLine.item_id,
               CountLine.lot_id, CountLine.serial_id, CountLine.location_id, CountLine.status,
               CountLine.reason_code)
        .where(CountLine.plan_id == plan.id, CountLine.variance < 0).order_by(CountLine.id))}
    rows = _stock_rows(session, plan) if keys else {}
    for line_id in keys:
        rows.setdefault(line_id, [])
    _refuse_moved_away(session, keys, rows)
    return [_shortage(keys[i], hu, quantity) for i in keys
            for hu, quantity in rules.takes(-keys[i].variance, rows[i])]


def _stock_rows(session: Session, plan: CountPlan) -> dict[int, list[tuple[int | None, int]]]:
    """Today's stock rows of each shortage line's key: one query, only the rows of those keys.

    The balances are reached through the location index, a few dozen per line, whatever the
    planner's statistics say (a count approved right after a bulk load has none): lot and
    serial match null-safely through coalesce (ids start at 1) — with `IS`, SQLite chose the
    serial index and walked every balance without a serial — and `item_id + 0` keeps
    PostgreSQL off the (item, status) index, 2,000 balances per line at 100,000 lines.
    """
    out: dict[int, list[tuple[int | None, int]]] = defaultdict(list)
    for line_id, hu_id, quantity in session.execute(
            select(CountLine.id, Stock.hu_id, Stock.quantity).join(Stock, and_(
                Stock.location_id == CountLine.location_id, Stock.item_id + 0 == CountLine.item_id,
                Stock.owner_id == CountLine.owner_id, Stock.status == CountLine.status,
                func.coalesce(Stock.lot_id, 0) == func.coalesce(CountLine.lot_id, 0),
                func.coalesce(Stock.serial_id, 0) == func.coalesce(CountLine.serial_id, 0)))
            .where(CountLine.plan_id == plan.id, CountLine.variance < 0)):
        out[line_id].append((hu_id, quantity))
    return out


def _shortage(row: Any, hu_id: int | None, quantity: int) -> Line:
    return Line(kind=MovementKind.COUNT, owner_id=row.owner_id, item_id=row.item_id,
                lot_id=row.lot_id, serial_id=row.serial_id, quantity=quantity,
                from_location_id=row.location_id, from_status=row.status, from_hu_id=hu_id,
                reason=row.reason_code)


def _refuse_moved_away(session: Session, keys: dict[int, Any],
                       rows: dict[int, list[tuple[int | None, int]]]) -> None:
    short = [(i, -keys[i].variance, sum(q for _, q in rows[i])) for i in keys
             if sum(q for _, q in rows[i]) < -keys[i].variance]
    if not short:
        return
    line_id, need, have = short[0]
    item = session.get_one(Item, keys[line_id].item_id)
    location = session.get_one(Location, keys[line_id].location_id)
    raise errors.StockMovedAway(problems=len(short), item=item.code, location=location.code,
                                short=need, on_hand=have, lines=[s[0] for s in short])


def _mark(session: Session, plan: CountPlan, actor: Actor, audit_id: int,
          now: datetime) -> int:
    done = session.execute(update(CountLine).where(
        CountLine.plan_id == plan.id, CountLine.variance != 0
    ).values(adjusted=CountLine.variance).execution_options(synchronize_session=False))
    plan.status, plan.approved_at, plan.approved_by = PlanStatus.APPROVED, now, actor.user_id
    plan.signature_audit_id, plan.adjustment_doc_no = audit_id, plan.plan_no
    return int(getattr(done, "rowcount", 0) or 0)
