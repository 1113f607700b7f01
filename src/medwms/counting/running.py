"""A manager's hand on a running count: add a counter, assign a recount, cancel the plan.

These are the ways out of a count that cannot finish by itself — one counter on the plan and
a variance whose recount must be done by someone else. Each is one unit of work with one
audit record on the plan.

What cancelling releases: a count holds no stock, blocks no location and allocates nothing
(counting is blind against live stock; a location's balances are locked only inside the
closing transaction). What a plan holds is its tasks — locations being counted, recounts
waiting or assigned. Cancelling ends them with the plan: they are no longer offered to
anyone and cannot be started, scanned or closed (PLAN_NOT_OPEN); they stay as the record of
where the count stopped. Nothing is posted to the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import require
from medwms.auth.rules import Actor, Perm
from medwms.auth.tables import User
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import Problem
from medwms.counting import errors, queries, rules
from medwms.counting.tables import CountPlan, CountPlanCounter, CountTask, PlanStatus, TaskStatus
from medwms.masterdata.tables import Location

MANAGE = Perm.STOCK_ADJUST
RUNNING = (PlanStatus.OPEN, PlanStatus.COUNTING)
REASON_MAX = 300  # the audit record's reason column


@dataclass(frozen=True)
class CounterAdded:
    plan_no: str
    counter: str
    counters: list[str]


@dataclass(frozen=True)
class RecountGiven:
    plan_no: str
    location: str
    counter: str
    added_to_plan: bool


@dataclass(frozen=True)
class PlanCancelled:
    plan_no: str
    status: str
    reason: str
    tasks_ended: int
    cancelled_at: datetime


def add_counter(db: Database, *, actor: Actor, plan_no: str, username: str) -> CounterAdded:
    """Name one more counter on a running plan that names its counters."""
    require(actor, MANAGE)
    with db.unit_of_work() as uow:
        session = uow.session
        plan = _running(session, actor, plan_no)
        user = queries.named_counters(session, [username])[0]
        before = _counters(session, plan)
        if not before:
            raise errors.PlanOpenToAll(plan=plan.plan_no)
        if user.username in before:
            raise errors.AlreadyACounter(user=user.username, plan=plan.plan_no)
        session.add(CountPlanCounter(plan_id=plan.id, user_id=user.user_id))
        after = sorted([*before, user.username])
        record_audit(session, actor=actor, action="add_counter", entity="count_plan",
                     entity_key=plan.plan_no, before={"counters": before},
                     after={"counters": after})
        uow.commit()
    return CounterAdded(plan.plan_no, user.username, after)


def assign_recount(db: Database, *, actor: Actor, plan_no: str, location: str,
                   username: str) -> RecountGiven:
    """Give the waiting recount of a location to a named counter (added to the plan if need be)."""
    require(actor, MANAGE)
    with db.unit_of_work() as uow:
        session = uow.session
        plan = _running(session, actor, plan_no)
        user = queries.named_counters(session, [username])[0]
        task, first, code = _waiting_recount(session, plan, location)
        if not rules.recount_counter_allowed(first.counter_id, user.user_id):
            raise errors.RecountBySameCounter(location=code, counter=user.username)
        added = _join(session, plan, user)
        before = _username(session, task.counter_id)
        task.counter_id = user.user_id
        record_audit(session, actor=actor, action="assign_recount", entity="count_plan",
                     entity_key=plan.plan_no, before={"location": code, "counter": before},
                     after={"location": code, "counter": user.username,
                            "added_to_plan": added})
        uow.commit()
    return RecountGiven(plan.plan_no, code, user.username, added)


def cancel_plan(db: Database, *, actor: Actor, plan_no: str, reason: str,
                now: datetime | None = None) -> PlanCancelled:
    """Cancel a running count, with its reason: its tasks end, nothing is posted."""
    require(actor, MANAGE)
    why = reason.strip()
    now = now or utc_now()
    with db.unit_of_work() as uow:
        session = uow.session
        plan = _running(session, actor, plan_no)
        if not why:
            raise errors.CancelReasonRequired([Problem("a reason is required", column="reason")],
                                              plan=plan.plan_no)
        ended = session.scalar(select(func.count()).where(
            CountTask.plan_id == plan.id, CountTask.status != TaskStatus.CLOSED)) or 0
        before = plan.status
        plan.status = PlanStatus.CANCELLED
        record_audit(session, actor=actor, action="cancel", entity="count_plan",
                     entity_key=plan.plan_no, before={"status": before, "tasks_open": ended},
                     after={"status": PlanStatus.CANCELLED}, reason=why[:REASON_MAX])
        uow.commit()
    return PlanCancelled(plan.plan_no, PlanStatus.CANCELLED, why[:REASON_MAX], ended, now)


def _running(session: Session, actor: Actor, plan_no: str) -> CountPlan:
    """The plan, locked, while it may still be changed (not approved nor cancelled)."""
    plan = queries.plan_for(session, actor, plan_no, lock=True)
    if plan.status == PlanStatus.APPROVED:
        raise errors.AlreadyApproved(plan=plan.plan_no, doc_no=plan.adjustment_doc_no)
    if plan.status not in RUNNING:
        raise errors.PlanNotOpen(plan=plan.plan_no, plan_status=plan.status)
    return plan


def _counters(session: Session, plan: CountPlan) -> list[str]:
    return sorted(session.scalars(
        select(User.username).join(CountPlanCounter, CountPlanCounter.user_id == User.id)
        .where(CountPlanCounter.plan_id == plan.id)))


def _join(session: Session, plan: CountPlan, user: queries.CountingUser) -> bool:
    """Name the user on a plan that names its counters; whether they were added."""
    named = _counters(session, plan)
    if not named or user.username in named:
        return False
    session.add(CountPlanCounter(plan_id=plan.id, user_id=user.user_id))
    return True


def _waiting_recount(session: Session, plan: CountPlan,
                     location: str) -> tuple[CountTask, CountTask, str]:
    """The open recount of the location (locked), its first count and the location code."""
    code = location.strip().removeprefix("#L:").upper()
    tasks = {t.round: t for t in session.scalars(
        select(CountTask).join(Location, Location.id == CountTask.location_id)
        .where(CountTask.plan_id == plan.id, Location.code == code).with_for_update())}
    recount = tasks.get(2)
    if recount is None or recount.status == TaskStatus.CLOSED:
        raise errors.NoRecountOpen(location=code, plan=plan.plan_no)
    if recount.status == TaskStatus.COUNTING:
        raise errors.TaskTaken(location=code, counter=_username(session, recount.counter_id))
    return recount, tasks[1], code


def _username(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.username if user else None
