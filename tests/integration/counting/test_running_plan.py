"""A count that cannot finish by itself: a manager adds a counter, assigns the recount, or cancels.

One counter on a plan and a variance used to be a dead end: the recount must be done by
someone else, and everyone else was "not a counter on this plan". Creating such a plan is now
refused unless the manager accepts it; once running, a manager can get it finished.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from medwms.auth.rules import SYSTEM
from medwms.auth.service import disable_user
from medwms.auth.tables import AuditRecord
from medwms.core.errors import NotFound, PermissionDenied
from medwms.counting import approval, counting, errors, plans, queries, running
from medwms.counting.rules import CycleRule
from medwms.counting.tables import CountPlan
from medwms.ledger.tables import Movement, Stock
from tests.support.counting import (
    bin_scan,
    count_bin,
    glove_scan,
    make_crew,
    new_plan,
    setup_store,
    stock,
)
from tests.support.users import PASSWORD, actor_of, make_user


@pytest.fixture
def world(db):
    """Gloves: 20 at bin 1, 5 at bin 2; counters ann and bob, manager max."""
    store = setup_store(db)
    with db.unit_of_work() as uow:
        stock(uow.session, store, 1, 20)
        stock(uow.session, store, 2, 5, lot="L2")
        uow.commit()
    return store, make_crew(db)


def one_counter_plan_with_a_variance(db, crew) -> str:
    """ann alone on the plan; bin 1 counted 10 of 20 (a recount is due), bins 2–4 clean."""
    plan = new_plan(db, crew, counters=("ann",), accept_one_counter=True)
    count_bin(db, crew.ann, plan, 1, [glove_scan()])
    count_bin(db, crew.ann, plan, 2, [(glove_scan("L2", each=True), 5)])
    count_bin(db, crew.ann, plan, 3, [])
    count_bin(db, crew.ann, plan, 4, [])
    return plan


def ledger(db) -> tuple:
    with db.reading() as s:
        return (s.scalar(select(func.count()).select_from(Movement)),
                tuple(s.execute(select(Stock.key, Stock.quantity).order_by(Stock.key))))


def audits(db, plan_no: str, action: str) -> list:
    """The plan's audit records of one action: who, before, after, reason."""
    with db.reading() as s:
        return list(s.execute(select(AuditRecord.actor_name, AuditRecord.before,
                                     AuditRecord.after, AuditRecord.reason).where(
            AuditRecord.entity == "count_plan", AuditRecord.entity_key == plan_no,
            AuditRecord.action == action)))


def recount_and_approve(db, crew, plan: str, who) -> None:
    count_bin(db, who, plan, 1, [glove_scan()] * 2)      # 20: the book was right
    approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)


def plan_status(db, plan: str) -> str:
    with db.reading() as s:
        return queries.plan_view(s, plan).status


# ---------------------------------------------------------------- creating

def test_a_plan_only_one_person_could_count_is_refused_unless_accepted(db, world):
    _store, crew = world
    with pytest.raises(errors.TooFewCounters) as refused:
        new_plan(db, crew, counters=("ann",))
    assert refused.value.fields["counters"] == 1
    assert "second counter" in refused.value.message("en")
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(CountPlan)) == 0
    made = plans.create_plan(db, actor=crew.max, warehouse="WH1", kind="FULL",
                             counters=("ann",), accept_one_counter=True)
    assert made.counters == ["ann"]


def test_a_plan_open_to_all_needs_two_people_who_may_count(db):
    setup_store(db)
    boss = actor_of(make_user(db, "max", "manager"))  # the only one who may count
    with pytest.raises(errors.TooFewCounters):
        plans.create_plan(db, actor=boss, warehouse="WH1", kind="FULL")
    make_user(db, "ann", "picker")
    assert plans.create_plan(db, actor=boss, warehouse="WH1", kind="FULL").counters == []


def test_a_named_counter_must_be_a_user_who_may_count(db, world):
    _store, crew = world
    make_user(db, "vic", "verifier")
    with pytest.raises(errors.NotACountingUser):
        new_plan(db, crew, counters=("ann", "vic"))
    disable_user(db, actor=SYSTEM, username="bob")
    with pytest.raises(errors.NotACountingUser):
        new_plan(db, crew, counters=("ann", "bob"))
    with pytest.raises(NotFound):
        new_plan(db, crew, counters=("ann", "nobody"))


# ---------------------------------------------------------------- adding a counter

def test_the_stuck_count_finishes_once_a_manager_adds_a_counter(db, world):
    _store, crew = world
    plan = one_counter_plan_with_a_variance(db, crew)
    with pytest.raises(errors.RecountBySameCounter):
        counting.start_location(db, actor=crew.ann, plan_no=plan, location_raw=bin_scan(1))
    with pytest.raises(errors.NotAssignedCounter):
        counting.start_location(db, actor=crew.bob, plan_no=plan, location_raw=bin_scan(1))
    with pytest.raises(errors.CountNotFinished):
        approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)
    added = running.add_counter(db, actor=crew.max, plan_no=plan, username="bob")
    assert added.counters == ["ann", "bob"]
    [record] = audits(db, plan, "add_counter")
    assert (record.actor_name, record.before, record.after) == (
        "max", '{"counters":["ann"]}', '{"counters":["ann","bob"]}')
    recount_and_approve(db, crew, plan, crew.bob)
    assert plan_status(db, plan) == "APPROVED"


def test_adding_a_counter_twice_or_to_a_plan_open_to_all_is_refused(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    with pytest.raises(errors.AlreadyACounter):
        running.add_counter(db, actor=crew.max, plan_no=plan, username="bob")
    anyone = new_plan(db, crew, counters=())
    with pytest.raises(errors.PlanOpenToAll):
        running.add_counter(db, actor=crew.max, plan_no=anyone, username="bob")
    assert not audits(db, plan, "add_counter") and not audits(db, anyone, "add_counter")


def test_only_a_manager_adds_counters_assigns_recounts_or_cancels(db, world):
    _store, crew = world
    plan = one_counter_plan_with_a_variance(db, crew)
    with pytest.raises(PermissionDenied):
        running.add_counter(db, actor=crew.ann, plan_no=plan, username="bob")
    with pytest.raises(PermissionDenied):
        running.assign_recount(db, actor=crew.ann, plan_no=plan, location="WH1-A-01",
                               username="bob")
    with pytest.raises(PermissionDenied):
        running.cancel_plan(db, actor=crew.bob, plan_no=plan, reason="no")
    assert plan_status(db, plan) == "COUNTING"


# ---------------------------------------------------------------- assigning the recount

def test_the_recount_is_assigned_to_a_named_counter_who_joins_the_plan(db, world):
    _store, crew = world
    plan = one_counter_plan_with_a_variance(db, crew)
    with pytest.raises(errors.RecountBySameCounter):
        running.assign_recount(db, actor=crew.max, plan_no=plan, location="WH1-A-01",
                               username="ann")
    given = running.assign_recount(db, actor=crew.max, plan_no=plan, location="#L:WH1-A-01",
                                   username="bob")
    assert (given.location, given.counter, given.added_to_plan) == ("WH1-A-01", "bob", True)
    with db.reading() as s:
        [waiting] = queries.open_recounts(s, plan)
        assert (waiting.first_counter, waiting.counter, waiting.status) == ("ann", "bob", "OPEN")
        assert [t.location for t in queries.counter_tasks(s, crew.bob.user_id)] == ["WH1-A-01"]
    [record] = audits(db, plan, "assign_recount")
    assert '"counter":"bob"' in record.after and '"added_to_plan":true' in record.after
    recount_and_approve(db, crew, plan, crew.bob)
    assert plan_status(db, plan) == "APPROVED"


def test_an_assigned_recount_is_only_its_assignees(db, world):
    _store, crew = world
    cid = actor_of(make_user(db, "cid", "picker"))
    plan = new_plan(db, crew, counters=("ann", "bob", "cid"))
    count_bin(db, crew.ann, plan, 1, [glove_scan()])
    running.assign_recount(db, actor=crew.max, plan_no=plan, location="WH1-A-01",
                           username="cid")
    with pytest.raises(errors.RecountAssigned) as refused:
        counting.start_location(db, actor=crew.bob, plan_no=plan, location_raw=bin_scan(1))
    assert "cid" in refused.value.message("en")
    with db.reading() as s:
        assert "WH1-A-01" not in {t.location for t in queries.counter_tasks(s, crew.bob.user_id)}
    task = counting.start_location(db, actor=cid, plan_no=plan, location_raw=bin_scan(1))
    assert task.round == 2
    with pytest.raises(errors.TaskTaken):  # being recounted: no longer reassigned
        running.assign_recount(db, actor=crew.max, plan_no=plan, location="WH1-A-01",
                               username="bob")


def test_a_location_without_a_waiting_recount_cannot_be_assigned(db, world):
    _store, crew = world
    plan = one_counter_plan_with_a_variance(db, crew)
    with pytest.raises(errors.NoRecountOpen):
        running.assign_recount(db, actor=crew.max, plan_no=plan, location="WH1-A-02",
                               username="bob")
    with pytest.raises(NotFound):
        running.assign_recount(db, actor=crew.max, plan_no=plan, location="WH1-A-01",
                               username="nobody")
    assert not audits(db, plan, "assign_recount")


# ---------------------------------------------------------------- cancelling

def test_cancelling_ends_the_plan_posts_nothing_and_is_audited(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 2, [glove_scan("L2", each=True)])   # 1 of 5: a variance
    task = counting.start_location(db, actor=crew.bob, plan_no=plan, location_raw=bin_scan(1))
    counting.scan_unit(db, actor=crew.bob, task_id=task.task_id, raw=glove_scan(), scan_id="b1")
    before = ledger(db)
    with pytest.raises(errors.CancelReasonRequired):
        running.cancel_plan(db, actor=crew.max, plan_no=plan, reason="  ")
    assert plan_status(db, plan) == "COUNTING"
    done = running.cancel_plan(db, actor=crew.max, plan_no=plan, reason="盘点期间紧急发货")
    assert (done.status, done.tasks_ended) == ("CANCELLED", 4)  # 3 untouched + 1 recount
    assert ledger(db) == before
    [record] = audits(db, plan, "cancel")
    assert (record.actor_name, record.reason) == ("max", "盘点期间紧急发货")
    with db.reading() as s:
        assert queries.cancellation(s, plan).reason == "盘点期间紧急发货"
        assert queries.counter_tasks(s, crew.ann.user_id) == []
        assert queries.counter_tasks(s, crew.bob.user_id) == []
    with pytest.raises(errors.PlanNotOpen):
        counting.scan_unit(db, actor=crew.bob, task_id=task.task_id, raw=glove_scan(),
                           scan_id="b2")
    with pytest.raises(errors.PlanNotOpen):
        counting.start_location(db, actor=crew.ann, plan_no=plan, location_raw=bin_scan(3))
    with pytest.raises(errors.PlanNotOpen):
        approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)
    with pytest.raises(errors.PlanNotOpen):
        running.cancel_plan(db, actor=crew.max, plan_no=plan, reason="again")
    assert ledger(db) == before


def test_an_approved_plan_cannot_be_cancelled(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 1, [glove_scan()] * 2)
    count_bin(db, crew.ann, plan, 2, [(glove_scan("L2", each=True), 5)])
    count_bin(db, crew.ann, plan, 3, [])
    count_bin(db, crew.ann, plan, 4, [])
    approval.approve(db, actor=crew.max, plan_no=plan, password=PASSWORD)
    with pytest.raises(errors.AlreadyApproved):
        running.cancel_plan(db, actor=crew.max, plan_no=plan, reason="too late")
    assert plan_status(db, plan) == "APPROVED" and not audits(db, plan, "cancel")


def test_a_cancelled_count_leaves_its_locations_due_for_counting(db, world):
    _store, crew = world
    plan = new_plan(db, crew)
    count_bin(db, crew.ann, plan, 1, [glove_scan()] * 2)
    running.cancel_plan(db, actor=crew.max, plan_no=plan, reason="wrong warehouse")
    cycle = plans.create_plan(db, actor=crew.max, warehouse="WH1", kind="CYCLE",
                              counters=("ann", "bob"), cycle=CycleRule(not_counted_days=30))
    assert cycle.locations == 4  # bin 1's count was cancelled: it was never counted
