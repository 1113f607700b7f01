"""The blind counting station: scan the location, scan each unit, close the location.

Nothing returned here carries an expected quantity or a balance. Closing a location
reconciles it: in the closing unit of work the warehouse's chain head is locked (so no post
interleaves), the location's balances at that moment become `CountLine.expected`, and the
counted units are compared with them. Lines outside tolerance open a round-2 task (a recount
by another counter); a recount replaces `expected` with the balance when the recount closed
and keeps both figures (`counted`, `recounted`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from medwms.auth.guard import reading_as, require, seeing_as
from medwms.auth.rules import Actor, Perm
from medwms.auth.tables import User
from medwms.barcode.errors import ScanError
from medwms.barcode.front import parse_scan
from medwms.barcode.gs1_fields import whole_item
from medwms.barcode.scan import Scan
from medwms.core.clock import local_date, utc_now
from medwms.core.db import Database
from medwms.core.errors import NotFound
from medwms.counting import errors, queries, rules
from medwms.counting.rules import Balance, Found, Judged, Unit
from medwms.counting.tables import (
    CountEntry,
    CountLine,
    CountPlan,
    CountPlanCounter,
    CountTask,
    PlanStatus,
    TaskStatus,
)
from medwms.ledger.tables import Lot, SerialUnit, Status, Stock
from medwms.masterdata.queries import location_by_barcode, resolve_gtin
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Tracking

COUNT = Perm.COUNT
LINE = cast(Table, CountLine.__table__)
TASK = cast(Table, CountTask.__table__)


@dataclass(frozen=True)
class TaskOpened:
    """The location a counter is now counting (no quantities but their own scans)."""

    task_id: int
    plan_no: str
    location: str
    round: int
    status: str
    scans: int


@dataclass(frozen=True)
class Scanned:
    entry_id: int
    task_id: int
    item: str
    item_name: str
    lot: str | None
    serial: str | None
    quantity: int
    scans: int
    item_name_en: str = ""


@dataclass(frozen=True)
class TaskClosed:
    task_id: int
    plan_no: str
    location: str
    round: int
    scans: int
    closed_at: datetime


def start_location(db: Database, *, actor: Actor, plan_no: str, location_raw: str) -> TaskOpened:
    """Begin (or resume) counting the scanned location of a plan."""
    require(actor, COUNT)
    now = utc_now()
    with db.unit_of_work() as uow:
        session = uow.session
        plan = _open_plan(session, actor, plan_no)
        _check_counter(session, plan, actor)
        location = _scanned_location(session, location_raw, now)
        task = _task_for(session, plan, location, actor)
        if task.status == TaskStatus.OPEN:
            task.status, task.counter_id, task.started_at = TaskStatus.COUNTING, actor.user_id, now
        plan.status = PlanStatus.COUNTING
        scans = _scans(session, task.id)
        uow.commit()
    return TaskOpened(task.id, plan.plan_no, location.code, task.round, task.status, scans)


def _open_plan(session: Session, actor: Actor, plan_no: str) -> CountPlan:
    plan = queries.plan_for(session, actor, plan_no)
    if plan.status not in (PlanStatus.OPEN, PlanStatus.COUNTING):
        raise errors.PlanNotOpen(plan=plan.plan_no, plan_status=plan.status)
    return plan


def _check_counter(session: Session, plan: CountPlan, actor: Actor) -> None:
    named = set(session.scalars(select(CountPlanCounter.user_id)
                                .where(CountPlanCounter.plan_id == plan.id)))
    if named and actor.user_id not in named:
        raise errors.NotAssignedCounter(user=actor.username, plan=plan.plan_no)


def _scanned_location(session: Session, raw: str, now: datetime) -> Location:
    text = raw.strip()
    try:
        scan: Scan | None = parse_scan(text, today=local_date(now))
    except ScanError:
        scan = None
    code = scan.location if scan is not None and scan.location else None
    if scan is not None and code is None and (scan.gtin or scan.document or scan.sscc):
        raise errors.NotALocationScan(value=text[:40])
    try:
        return location_by_barcode(session, code or text)
    except NotFound:
        raise errors.NotALocationScan(value=text[:40]) from None


def _task_for(session: Session, plan: CountPlan, location: Location,
              actor: Actor) -> CountTask:
    """The task to count now: the open recount if any, else the first round.

    A recount a manager assigned (an open task with a counter) is only its assignee's.
    """
    tasks = {t.round: t for t in session.scalars(
        select(CountTask).where(CountTask.plan_id == plan.id,
                                CountTask.location_id == location.id).with_for_update())}
    if not tasks:
        raise errors.LocationNotInPlan(location=location.code, plan=plan.plan_no)
    task = tasks[max(tasks)]
    if task.round == 2 and not rules.recount_counter_allowed(tasks[1].counter_id, actor.user_id):
        raise errors.RecountBySameCounter(location=location.code,
                                          counter=_username(session, tasks[1].counter_id))
    if task.status == TaskStatus.CLOSED:
        raise errors.LocationAlreadyCounted(location=location.code, plan=plan.plan_no)
    if task.status == TaskStatus.OPEN and not rules.may_start(task.counter_id, actor.user_id):
        raise errors.RecountAssigned(location=location.code,
                                     counter=_username(session, task.counter_id))
    if task.status == TaskStatus.COUNTING and task.counter_id != actor.user_id:
        raise errors.TaskTaken(location=location.code,
                               counter=_username(session, task.counter_id))
    return task


def _username(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return user.username if user else "-"


def _scans(session: Session, task_id: int) -> int:
    return session.scalar(select(func.count()).where(CountEntry.task_id == task_id)) or 0


def _counting_task(session: Session, task_id: int, actor: Actor, *, lock: bool = True
                   ) -> tuple[CountTask, CountPlan, Location]:
    """The task the actor is counting, locked FOR UPDATE for a command (`lock`)."""
    query = select(CountTask).where(CountTask.id == task_id)
    with seeing_as(session, actor):
        task = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if task is None:
        raise NotFound(what="count task", key=task_id)
    plan = _open_plan(session, actor, session.get_one(CountPlan, task.plan_id).plan_no)
    location = session.get_one(Location, task.location_id)
    if task.status != TaskStatus.COUNTING or task.counter_id != actor.user_id:
        raise errors.TaskNotCounting(location=location.code)
    return task, plan, location


# ---------------------------------------------------------------- scanning units

def scan_unit(db: Database, *, actor: Actor, task_id: int, raw: str, scan_id: str,
              quantity: int | None = None) -> Scanned:
    """Count one scanned unit (or a pack with a keyed quantity) at the open location."""
    require(actor, COUNT)
    now = utc_now()
    with db.unit_of_work() as uow:
        session = uow.session
        task, plan, _location = _counting_task(session, task_id, actor)
        again = session.scalars(select(CountEntry).where(
            CountEntry.task_id == task.id, CountEntry.scan_id == scan_id)).one_or_none()
        entry = again or _new_entry(session, task, plan, raw, scan_id, quantity, actor, now)
        scanned = _scanned(session, entry)
        uow.commit()
    return scanned


def _new_entry(session: Session, task: CountTask, plan: CountPlan, raw: str, scan_id: str,
               quantity: int | None, actor: Actor, now: datetime) -> CountEntry:
    scan = _unit_scan(raw, now)
    item, packaging = resolve_gtin(session, scan.gtin or "")
    lot_id = _lot(session, item, scan)
    serial_id = _serial(session, item, scan, lot_id)
    if serial_id is not None:
        _refuse_serial_twice(session, task, plan, item, serial_id, scan.serial or "")
    entry = CountEntry(task_id=task.id, scan_id=scan_id[:64], raw=raw[:300], item_id=item.id,
                       lot_id=lot_id, serial_id=serial_id,
                       quantity=_quantity(item, packaging, serial_id, quantity),
                       counted_by=actor.user_id, at=now)
    session.add(entry)
    session.flush()
    return entry


def _unit_scan(raw: str, now: datetime) -> Scan:
    scan = whole_item(parse_scan(raw, today=local_date(now)))
    if not scan.gtin:
        raise errors.NotAUnitScan(value=raw.strip()[:40])
    return scan


def _lot(session: Session, item: Item, scan: Scan) -> int | None:
    """The lot of the scan; a lot unknown to the system is captured as found (created)."""
    if item.tracking in (Tracking.LOT, Tracking.LOT_SERIAL) and not scan.lot:
        raise errors.LotRequired(item=item.code)
    if not scan.lot:
        return None
    lot = session.scalars(select(Lot).where(Lot.item_id == item.id,
                                            Lot.lot_no == scan.lot)).one_or_none()
    if lot is None:
        lot = Lot(item_id=item.id, lot_no=scan.lot, expiry=scan.expiry,
                  production_date=scan.production_date)
        session.add(lot)
        session.flush()
    return lot.id


def _serial(session: Session, item: Item, scan: Scan, lot_id: int | None) -> int | None:
    """The serial unit of the scan; a serial unknown to the system is captured as found."""
    if item.tracking not in (Tracking.SERIAL, Tracking.LOT_SERIAL):
        return None
    if not scan.serial:
        raise errors.SerialRequired(item=item.code)
    unit = session.scalars(select(SerialUnit).where(SerialUnit.item_id == item.id,
                                                    SerialUnit.serial == scan.serial)
                           ).one_or_none()
    if unit is None:
        unit = SerialUnit(item_id=item.id, serial=scan.serial, lot_id=lot_id)
        session.add(unit)
        session.flush()
    return unit.id


def _refuse_serial_twice(session: Session, task: CountTask, plan: CountPlan, item: Item,
                         serial_id: int, serial: str) -> None:
    other = session.execute(
        select(Location.code, CountTask.id)
        .join(CountTask, CountTask.location_id == Location.id)
        .join(CountEntry, CountEntry.task_id == CountTask.id)
        .where(CountTask.plan_id == plan.id, CountTask.round == task.round,
               CountEntry.serial_id == serial_id)).first()
    if other is None:
        return
    if other.id == task.id:
        raise errors.SerialCountedTwice(serial=serial, item=item.code)
    raise errors.SerialCountedElsewhere(serial=serial, item=item.code, other=other.code)


def _quantity(item: Item, packaging: Packaging, serial_id: int | None,
              keyed: int | None) -> int:
    if keyed is None:
        return 1 if serial_id is not None else packaging.quantity
    if serial_id is not None and keyed != 1:
        raise errors.BadCountQuantity(quantity=keyed, why="a serialised unit counts as 1")
    if keyed <= 0:
        raise errors.BadCountQuantity(quantity=keyed, why="key a whole number above zero")
    return keyed


def _scanned(session: Session, entry: CountEntry) -> Scanned:
    item = session.get_one(Item, entry.item_id)
    lot = session.get(Lot, entry.lot_id) if entry.lot_id else None
    serial = session.get(SerialUnit, entry.serial_id) if entry.serial_id else None
    return Scanned(entry.id, entry.task_id, item.code, item.name_zh,
                   lot.lot_no if lot else None, serial.serial if serial else None,
                   entry.quantity, _scans(session, entry.task_id), item.name_en)


def remove_entry(db: Database, *, actor: Actor, task_id: int, entry_id: int) -> int:
    """Take back one scan of the open location (a mistake); returns the scans left."""
    require(actor, COUNT)
    with db.unit_of_work() as uow:
        session = uow.session
        task, _plan, _location = _counting_task(session, task_id, actor)
        gone = session.execute(delete(CountEntry).where(CountEntry.id == entry_id,
                                                        CountEntry.task_id == task.id))
        if not getattr(gone, "rowcount", 0):
            raise NotFound(what="count entry", key=entry_id)
        left = _scans(session, task.id)
        uow.commit()
    return left


# ---------------------------------------------------------------- closing = reconciling

def close_location(db: Database, *, actor: Actor, task_id: int) -> TaskClosed:
    """Close the location: freeze its balances as expected, write the variance lines."""
    require(actor, COUNT)
    now = utc_now()
    with db.unit_of_work() as uow:
        session = uow.session
        task, plan, location = _counting_task(session, task_id, actor)
        _lock_balances(session, location.id)
        judged = reconcile_task(session, task, plan)
        write_lines(session, task, judged)
        if task.round == 1 and any(j.needs_recount for j in judged):
            session.execute(insert(TASK), [{"plan_id": plan.id, "location_id": location.id,
                                            "round": 2, "status": TaskStatus.OPEN}])
        task.status, task.closed_at = TaskStatus.CLOSED, now
        scans = _scans(session, task.id)
        uow.commit()
    return TaskClosed(task.id, plan.plan_no, location.code, task.round, scans, now)


def _lock_balances(session: Session, location_id: int) -> None:
    """Lock the location's balances in key order: what is expected holds until we commit."""
    session.execute(select(Stock.id).where(Stock.location_id == location_id)
                    .order_by(Stock.key).with_for_update())


def reconcile_task(session: Session, task: CountTask, plan: CountPlan) -> list[Judged]:
    """Expected (balances now) against counted, judged by tolerance (caller holds the lock)."""
    balances = _balances(session, task.location_id)
    counted = _counted(session, task.id)
    found = _found_as(session, plan.warehouse_id,
                      set(counted) - {b.unit for b in balances})
    results = rules.reconcile(balances, counted, found)
    classes = queries.item_classes(session, (r.unit.item_id for r in results))
    return rules.judge(results, classes, queries.policies(session), round_=task.round)


def _balances(session: Session, location_id: int) -> list[Balance]:
    rows = session.execute(
        select(Stock.owner_id, Stock.item_id, Stock.lot_id, Stock.serial_id, Stock.status,
               func.sum(Stock.quantity))
        .where(Stock.location_id == location_id)
        .group_by(Stock.owner_id, Stock.item_id, Stock.lot_id, Stock.serial_id, Stock.status))
    return [Balance(owner, Unit(item, lot, serial), status, int(qty))
            for owner, item, lot, serial, status, qty in rows]


def _counted(session: Session, task_id: int) -> dict[Unit, int]:
    rows = session.execute(
        select(CountEntry.item_id, CountEntry.lot_id, CountEntry.serial_id,
               func.sum(CountEntry.quantity))
        .where(CountEntry.task_id == task_id)
        .group_by(CountEntry.item_id, CountEntry.lot_id, CountEntry.serial_id))
    return {Unit(item, lot, serial): int(qty) for item, lot, serial, qty in rows}


def _found_as(session: Session, warehouse_id: int, units: set[Unit]) -> dict[Unit, Found]:
    """Owner and status for found units: as their stock elsewhere, else SELF / QUARANTINE."""
    if not units:
        return {}
    seen: dict[Unit, set[tuple[int, str]]] = defaultdict(set)
    rows = session.execute(select(Stock.item_id, Stock.lot_id, Stock.serial_id, Stock.owner_id,
                                  Stock.status).distinct()
                           .where(Stock.warehouse_id == warehouse_id,
                                  Stock.item_id.in_({u.item_id for u in units})))
    for item, lot, serial, owner, status in rows:
        seen[Unit(item, lot, serial)].add((owner, status))
    default = _default_owner(session)
    return {u: rules.found_as(seen.get(u, set()), default, Status.QUARANTINE) for u in units}


def _default_owner(session: Session) -> int:
    owner = session.scalars(select(Owner.id).order_by((Owner.code != "SELF"), Owner.id)).first()
    if owner is None:
        raise NotFound(what="owner", key="SELF")
    return owner


def write_lines(session: Session, task: CountTask, judged: list[Judged]) -> None:
    """Insert round-1 lines; a recount updates the location's lines (and adds new keys)."""
    costs = {r[0]: r[1] for r in session.execute(select(Item.id, Item.unit_cost).where(
        Item.id.in_({j.result.unit.item_id for j in judged})))}
    if task.round == 1:
        if judged:
            session.execute(insert(LINE), [_row(task, j, costs) for j in judged])
        return
    existing = {_key(line): line.id for line in session.scalars(select(CountLine).where(
        CountLine.plan_id == task.plan_id, CountLine.location_id == task.location_id))}
    _recount_lines(session, task, judged, costs, existing)


def _recount_lines(session: Session, task: CountTask, judged: list[Judged],
                   costs: dict[int, Decimal | None], existing: dict[tuple[Any, ...], int]) -> None:
    updates, inserts, touched = [], [], set()
    for j in judged:
        row = _row(task, j, costs)
        row["recounted"], row["counted"] = row["counted"], 0
        line_id = existing.get(_result_key(j))
        if line_id is None:
            inserts.append(row)
            continue
        touched.add(line_id)
        updates.append({"id": line_id, **{k: row[k] for k in (
            "expected", "recounted", "variance", "value", "within_tolerance",
            "needs_recount")}})
    updates += [{"id": i, "expected": 0, "recounted": 0, "variance": 0, "value": Decimal(0),
                 "within_tolerance": True, "needs_recount": False}
                for i in set(existing.values()) - touched]
    if updates:
        session.execute(update(CountLine), updates)
    if inserts:
        session.execute(insert(LINE), inserts)


def _key(line: CountLine) -> tuple[Any, ...]:
    return (line.owner_id, line.item_id, line.lot_id, line.serial_id, line.status)


def _result_key(j: Judged) -> tuple[Any, ...]:
    r = j.result
    return (r.owner_id, r.unit.item_id, r.unit.lot_id, r.unit.serial_id, r.status)


def _row(task: CountTask, j: Judged, costs: dict[int, Decimal | None]) -> dict[str, Any]:
    r = j.result
    cost = costs.get(r.unit.item_id)
    return {"plan_id": task.plan_id, "location_id": task.location_id, "owner_id": r.owner_id,
            "item_id": r.unit.item_id, "lot_id": r.unit.lot_id, "serial_id": r.unit.serial_id,
            "status": r.status, "expected": r.expected, "counted": r.counted,
            "recounted": None, "variance": r.variance,
            "value": None if cost is None else (cost * r.variance).quantize(Decimal("0.01")),
            "within_tolerance": j.within, "needs_recount": j.needs_recount,
            "reason_code": "", "adjusted": 0}


def my_scans(db: Database, *, actor: Actor, task_id: int) -> tuple[TaskOpened, list[
        queries.EntryView]]:
    """The counter's own scans at a location they are counting (never expected figures)."""
    require(actor, COUNT)
    with reading_as(db, actor) as session:
        task, plan, location = _counting_task(session, task_id, actor, lock=False)
        rows = queries.entries(session, task.id)
        return TaskOpened(task.id, plan.plan_no, location.code, task.round, task.status,
                          len(rows)), rows
