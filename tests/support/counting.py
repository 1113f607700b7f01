"""Builders for counting tests: a store with bins, stocked items, counters and a manager."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from medwms.auth.rules import SYSTEM, Actor
from medwms.core.db import Database
from medwms.counting import counting, plans
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, SerialUnit
from medwms.masterdata.tables import Item, Packaging
from tests.support.builders import NOW, Site, gtin, make_item, make_lot, make_serial, make_site
from tests.support.users import actor_of, make_user

GLOVE_GTIN = "0690000001001"   # lot-tracked, box of 10 and each
GLOVE_EACH = "0690000001018"
PUMP_GTIN = "0690000001025"    # serialised


@dataclass
class Store:
    """WH1 with bins WH1-A-01..n, a lot item GLOVE (L1, L2) and a serial item PUMP."""

    site: Site
    glove: Item
    pump: Item
    lots: dict[str, Lot] = field(default_factory=dict)
    serials: dict[str, SerialUnit] = field(default_factory=dict)

    def bin(self, n: int) -> int:
        return self.site.locations[n - 1].id


def make_store(session: Session, *, bins: int = 4) -> Store:
    """The store, with no stock yet."""
    site = make_site(session, "WH1", locations=bins)
    glove = make_item(session, "GLOVE", gtin_body=GLOVE_GTIN, pack=10)
    glove.unit_cost = Decimal("2.50")
    session.add(Packaging(gtin=gtin(GLOVE_EACH), item_id=glove.id, level="each", quantity=1))
    pump = make_item(session, "PUMP", tracking="SERIAL", gtin_body=PUMP_GTIN)
    pump.unit_cost = Decimal("1000")
    store = Store(site, glove, pump)
    store.lots = {n: make_lot(session, glove, n) for n in ("L1", "L2")}
    session.flush()
    return store


def stock(session: Session, store: Store, bin_no: int, quantity: int, *, lot: str = "L1",
          status: str = "AVAILABLE") -> None:
    """Put `quantity` gloves of `lot` at bin `bin_no` (a RECEIVE straight to the bin)."""
    post(session, actor=SYSTEM, doc_type="RCV", doc_no="R1", now=NOW, lines=[Line(
        kind="RECEIVE", owner_id=store.site.owner.id, item_id=store.glove.id,
        lot_id=store.lots[lot].id, quantity=quantity, to_location_id=store.bin(bin_no),
        to_status=status)])


def stock_serial(session: Session, store: Store, bin_no: int, serial: str) -> None:
    """Put pump `serial` at bin `bin_no`."""
    unit = make_serial(session, store.pump, serial)
    store.serials[serial] = unit
    post(session, actor=SYSTEM, doc_type="RCV", doc_no="R1", now=NOW, lines=[Line(
        kind="RECEIVE", owner_id=store.site.owner.id, item_id=store.pump.id,
        serial_id=unit.id, quantity=1, to_location_id=store.bin(bin_no), to_status="AVAILABLE")])


def glove_scan(lot: str = "L1", *, each: bool = False) -> str:
    """A GS1 scan of a glove box (10) or a single glove, with its lot."""
    return f"]d201{gtin(GLOVE_EACH if each else GLOVE_GTIN)}10{lot}"


def pump_scan(serial: str) -> str:
    return f"]d201{gtin(PUMP_GTIN)}21{serial}"


def bin_scan(n: int) -> str:
    return f"#L:WH1-A-{n:02d}"


@dataclass
class Crew:
    ann: Actor    # counter
    bob: Actor    # second counter (recounts)
    max: Actor    # manager who approves


def make_crew(db: Database) -> Crew:
    return Crew(actor_of(make_user(db, "ann", "picker")), actor_of(make_user(db, "bob", "picker")),
                actor_of(make_user(db, "max", "manager")))


def new_plan(db: Database, crew: Crew, **kwargs: object) -> str:
    """A FULL plan of WH1 counted by ann and bob."""
    args: dict[str, object] = {"warehouse": "WH1", "kind": "FULL", "counters": ("ann", "bob")}
    args.update(kwargs)
    return plans.create_plan(db, actor=crew.max, **args).plan_no  # type: ignore[arg-type]


def count_bin(db: Database, who: Actor, plan_no: str, bin_no: int,
              scans: list[str | tuple[str, int]]) -> int:
    """Open a bin, scan everything (a tuple keys a quantity), close it; the task id."""
    task = counting.start_location(db, actor=who, plan_no=plan_no, location_raw=bin_scan(bin_no))
    for n, scan in enumerate(scans):
        raw, qty = scan if isinstance(scan, tuple) else (scan, None)
        counting.scan_unit(db, actor=who, task_id=task.task_id, raw=raw,
                           scan_id=f"{who.username}-{bin_no}-{task.round}-{n}", quantity=qty)
    counting.close_location(db, actor=who, task_id=task.task_id)
    return task.task_id


def setup_store(db: Database, **kwargs: int) -> Store:
    with db.unit_of_work() as uow:
        store = make_store(uow.session, **kwargs)
        uow.commit()
    return store


# The bulk scenario lives with the benchmark, which uses it too.
from medwms.bench.countload import BulkCount, seed_bulk_count  # noqa: E402

__all__ = ["BulkCount", "seed_bulk_count"]
