"""A count seeded in bulk: stock keys of 10 units, every n-th counted ±1, tasks scanned.

Used by the count_approve scenario and the counting tests; each call makes its own
warehouse (`code`), so one database can hold several counts of different sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from medwms.auth import service as auth
from medwms.auth.rules import SYSTEM, Actor
from medwms.core.db import Database
from medwms.counting.tables import CountEntry, CountPlan, CountTask
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Item, Location, Owner, Warehouse, Zone

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
BATCH = 5000


@dataclass
class BulkCount:
    """A plan whose locations were all scanned (tasks COUNTING), ready to close and approve."""

    plan_no: str
    task_ids: list[int]
    counter: Actor
    manager: Actor
    lines: int


def seed_bulk_count(db: Database, *, locations: int, items: int, every: int = 10,
                    password: str = "correct-horse-9",  # noqa: S107 - throwaway data
                    code: str = "B1") -> BulkCount:
    """`locations` × `items` stock keys of 10 units; every `every`-th key counted ±1."""
    counter = _user(db, f"{code.lower()}-counter", "picker", password)
    manager = _user(db, f"{code.lower()}-manager", "manager", password)
    with db.unit_of_work() as uow:
        s = uow.session
        warehouse, owner, bins = _site(s, code, locations)
        item_rows = [Item(code=f"{code}I{i:04d}", name_zh=f"器械{i}",
                          unit_cost=Decimal("3.5"), updated_at=NOW) for i in range(items)]
        s.add_all(item_rows)
        s.flush()
        lots = [Lot(item_id=it.id, lot_no="BL1") for it in item_rows]
        s.add_all(lots)
        s.flush()
        keys = [(loc, it.id, lot.id) for loc in bins
                for it, lot in zip(item_rows, lots, strict=True)]
        _stock(s, owner, keys)
        plan_no, task_ids = _plan(s, warehouse, code, bins, counter, keys, every)
        uow.commit()
    return BulkCount(plan_no, task_ids, counter, manager, len(keys))


def _user(db: Database, username: str, role: str, password: str) -> Actor:
    view = auth.create_user(db, actor=SYSTEM, username=username, display_name=username,
                            password=password, roles=(role,))
    return Actor(user_id=view.id, username=view.username, roles=frozenset(view.roles))


def _site(s: Session, code: str, locations: int) -> tuple[int, int, list[int]]:
    warehouse = Warehouse(code=code, name=f"Bulk count {code}")
    s.add(warehouse)
    s.flush()
    zone = Zone(warehouse_id=warehouse.id, code="S", name="Storage", kind="STORAGE")
    owner = s.scalars(select(Owner).where(Owner.code == "SELF")).one_or_none()
    if owner is None:
        owner = Owner(code="SELF", name="Our company")
    s.add_all([zone, owner])
    s.flush()
    s.execute(insert(Location), [
        {"warehouse_id": warehouse.id, "zone_id": zone.id, "code": f"{code}-{n:05d}",
         "barcode": f"#L:{code}-{n:05d}", "pick_seq": n} for n in range(1, locations + 1)])
    bins = list(s.scalars(select(Location.id).where(Location.warehouse_id == warehouse.id)
                          .order_by(Location.id)))
    return warehouse.id, owner.id, bins


def _stock(s: Session, owner_id: int, keys: list[tuple[int, int, int]]) -> None:
    for start in range(0, len(keys), BATCH):
        post(s, actor=SYSTEM, doc_type="RCV", doc_no=f"BULK{start}", now=NOW, lines=[
            Line(kind="RECEIVE", owner_id=owner_id, item_id=item, lot_id=lot, quantity=10,
                 to_location_id=loc, to_status="AVAILABLE")
            for loc, item, lot in keys[start:start + BATCH]])


def _plan(s: Session, warehouse_id: int, code: str, bins: list[int], counter: Actor,
          keys: list[tuple[int, int, int]], every: int) -> tuple[str, list[int]]:
    plan = CountPlan(plan_no=f"CNT-BULK-{code}", warehouse_id=warehouse_id, kind="FULL",
                     status="COUNTING", created_at=NOW)
    s.add(plan)
    s.flush()
    s.execute(insert(CountTask), [
        {"plan_id": plan.id, "location_id": loc, "round": 1, "status": "COUNTING",
         "counter_id": counter.user_id, "started_at": NOW} for loc in bins])
    task_of = {loc: tid for tid, loc in s.execute(
        select(CountTask.id, CountTask.location_id).where(CountTask.plan_id == plan.id))}
    s.execute(insert(CountEntry), [
        {"task_id": task_of[loc], "scan_id": f"s{n}", "item_id": item, "lot_id": lot,
         "quantity": 10 + ((1 if n % 2 else -1) if n % every == 0 else 0),
         "counted_by": counter.user_id, "at": NOW}
        for n, (loc, item, lot) in enumerate(keys)])
    return plan.plan_no, sorted(task_of.values())
