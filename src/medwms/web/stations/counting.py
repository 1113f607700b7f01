"""The blind counting station: pick a plan, scan a location, scan its units, close it.

Counting is blind: these pages read only the counter's views (`counter_tasks`, `my_scans`),
which carry no expected quantity, balance or variance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medwms.auth.guard import reading_as, require
from medwms.auth.rules import Actor, Perm
from medwms.barcode import document_number
from medwms.core.fields import Code, Id
from medwms.counting import counting, queries
from medwms.counting.queries import CounterTask, EntryView
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
WORDS = (N_("OPEN"), N_("COUNTING"), N_("CLOSED"), N_("Recount"))


@dataclass
class PlanTasks:
    """One plan's locations this counter may still count."""

    plan_no: str
    warehouse: str
    deadline: str | None
    tasks: list[CounterTask] = field(default_factory=list)

    @property
    def recounts(self) -> int:
        """How many of the locations are recounts (round 2)."""
        return sum(1 for t in self.tasks if t.round == 2)


def my_plans(db: DbDep, actor: Actor) -> list[PlanTasks]:
    """The counter's open locations grouped by plan, in plan order."""
    with reading_as(db, actor) as s:
        tasks = queries.counter_tasks(s, actor.user_id)
    plans: dict[str, PlanTasks] = {}
    for task in tasks:
        plan = plans.setdefault(task.plan_no,
                                PlanTasks(task.plan_no, task.warehouse, task.deadline))
        plan.tasks.append(task)
    return list(plans.values())


@router.get("/stations/counting", response_class=HTMLResponse, dependencies=[needs(Perm.COUNT)])
def choose_plan(request: Request, db: DbDep, visitor: VisitorDep) -> HTMLResponse:
    """Step 1: the plans with locations to count (scan the plan sheet or tap one)."""
    require(visitor.actor, Perm.COUNT)
    return render(request, "stations/counting_open.html", visitor=visitor,
                  plans=my_plans(db, visitor.actor))


@router.get("/stations/counting/plans/{plan_no}", response_class=HTMLResponse,
            dependencies=[needs(Perm.COUNT)])
def choose_location(request: Request, plan_no: Code, db: DbDep,
                    visitor: VisitorDep) -> HTMLResponse:
    """Step 2: scan the location's barcode (or tap it) to start counting it."""
    require(visitor.actor, Perm.COUNT)
    number = document_number(plan_no)
    with reading_as(db, visitor.actor) as s:
        queries.plan_by_no(s, number)  # COUNT_PLAN not found → a clear page
    mine = [p for p in my_plans(db, visitor.actor) if p.plan_no == number]
    return render(request, "stations/counting_plan.html", visitor=visitor, plan_no=number,
                  plan=mine[0] if mine else None,
                  closed=request.query_params.get("closed", ""))


@router.get("/stations/counting/tasks/{task_id}", response_class=HTMLResponse,
            dependencies=[needs(Perm.COUNT)])
def count_location(request: Request, task_id: Id, db: DbDep,
                   visitor: VisitorDep) -> HTMLResponse:
    """Step 3: scan each unit (or a pack and key its quantity), then close the location."""
    require(visitor.actor, Perm.COUNT)
    task, entries = counting.my_scans(db, actor=visitor.actor, task_id=task_id)
    return render(request, "stations/counting.html", visitor=visitor, task=task,
                  entries=entries, units=units_of(entries))


def units_of(entries: list[EntryView]) -> int:
    """The units the counter has scanned so far (their own count)."""
    return sum(e.quantity for e in entries)
