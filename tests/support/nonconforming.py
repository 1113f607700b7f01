"""Builders for expiry and nonconforming tests: the outbound floor of `tests.support.picking`
with a red (REJECTED-kind) zone, and the quality people who hold, decide and witness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from medwms.auth.rules import Actor
from medwms.core.db import Database
from medwms.ledger.tables import Lot, Movement, Stock
from medwms.masterdata.tables import Location, Zone
from tests.support.picking import Outbound, outbound, stock_in
from tests.support.users import actor_of, make_user


@dataclass(frozen=True)
class Quality:
    """The floor, its red location RED-01, an inspector, a quality manager, a second one."""

    world: Outbound
    red: str
    inspector: Actor
    qa: Actor
    qa2: Actor


def quality_floor(db: Database) -> Quality:
    """The outbound floor with a red zone and the quality people."""
    world = outbound(db, min_days=0)
    with db.unit_of_work() as uow:
        s = uow.session
        zone = Zone(warehouse_id=world.floor.warehouse_id, code="RED", name="不合格品区",
                    kind="REJECTED")
        s.add(zone)
        s.flush()
        s.add(Location(warehouse_id=world.floor.warehouse_id, zone_id=zone.id, code="WH1-RED-01",
                       barcode="#L:WH1-RED-01", x=Decimal(0), y=Decimal(20)))
        uow.commit()
    return Quality(world=world, red="WH1-RED-01",
                   inspector=actor_of(make_user(db, "ivy", "inspector", display_name="Ivy")),
                   qa=actor_of(make_user(db, "quinn", "quality", display_name="Quinn")),
                   qa2=actor_of(make_user(db, "queenie", "quality", display_name="Queenie")))


def put(db: Database, q: Quality, lot_no: str, expiry: date | None, quantity: int,
        **kw: object) -> None:
    """STENT of a lot into storage (AVAILABLE at A-01 unless told)."""
    stock_in(db, q.world, lot_no, expiry, quantity, **kw)


def balances(db: Database) -> dict[tuple[str, str, str], int]:
    """(lot, location, status) → quantity of every balance."""
    with db.reading() as s:
        rows = s.execute(select(Lot.lot_no, Location.code, Stock.status, Stock.quantity)
                         .join(Lot, Lot.id == Stock.lot_id)
                         .join(Location, Location.id == Stock.location_id)).all()
    return {(lot, loc, status): qty for lot, loc, status, qty in rows}


def movements(db: Database, kind: str | None = None) -> int:
    """The number of movement rows (of one kind)."""
    with db.reading() as s:
        query = select(func.count()).select_from(Movement)
        if kind:
            query = query.where(Movement.kind == kind)
        return s.scalar(query) or 0
