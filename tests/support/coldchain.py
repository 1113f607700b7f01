"""Builders for cold-chain tests: a 2–8 °C cold room with stock in it, a sensor, series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from medwms.auth.rules import SYSTEM, Actor
from medwms.coldchain.ingest import RawReading
from medwms.coldchain.tables import Sensor
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Movement, Stock
from medwms.masterdata.tables import Location, Zone
from tests.support.builders import NOW, make_item, make_lot, make_site
from tests.support.users import actor_of, make_user

SENSOR = "CR1-T1"


@dataclass
class ColdRoom:
    """A warehouse with a cold room (2–8 °C, two bins, one sensor) and a dry bin."""

    warehouse_id: int
    zone_id: int
    owner_id: int
    cold_bins: list[int]
    dry_bin: int
    item_id: int
    lot_ids: list[int]
    sensor_id: int
    manager: Actor
    picker: Actor


def make_cold_room(db: Database, *, quantity: int = 10, stocked_at: datetime | None = None,
                   single: int = 10, cumulative: int = 60, window: int = 24 * 60,
                   interval: int = 5) -> ColdRoom:
    """Master data, users, a sensor, and two lots in the cold room, one in a dry bin."""
    manager = actor_of(make_user(db, "quinn", "manager", display_name="质量经理 Quinn"))
    picker = actor_of(make_user(db, "pete", "picker"))
    with db.unit_of_work() as uow:
        s = uow.session
        site = make_site(s, locations=1)
        zone = Zone(warehouse_id=site.warehouse.id, code="CR1", name="冷库 1", kind="STORAGE",
                    temp_min=Decimal("2.0"), temp_max=Decimal("8.0"))
        s.add(zone)
        s.flush()
        bins = [Location(warehouse_id=site.warehouse.id, zone_id=zone.id, code=f"CR1-{i}",
                         barcode=f"#L:CR1-{i}") for i in (1, 2)]
        s.add_all(bins)
        item = make_item(s, "REAGENT")
        item.temp_min, item.temp_max = Decimal("2.0"), Decimal("8.0")
        lots = [make_lot(s, item, "LOT-A"), make_lot(s, item, "LOT-B")]
        sensor = Sensor(code=SENSOR, name="冷库 1 探头", kind="ZONE",
                        warehouse_id=site.warehouse.id, zone_id=zone.id,
                        single_minutes=single, cumulative_minutes=cumulative,
                        window_minutes=window, interval_minutes=interval)
        s.add(sensor)
        s.flush()
        lines = [Line(kind="RECEIVE", owner_id=site.owner.id, item_id=item.id, lot_id=lot.id,
                      quantity=quantity, to_location_id=loc.id, to_status="AVAILABLE")
                 for lot, loc in zip(lots, bins, strict=True)]
        lines.append(Line(kind="RECEIVE", owner_id=site.owner.id, item_id=item.id,
                          lot_id=lots[0].id, quantity=3,
                          to_location_id=site.locations[0].id, to_status="AVAILABLE"))
        post(s, actor=SYSTEM, doc_type="RCV", doc_no="RCV-1", lines=lines,
             now=stocked_at or NOW - timedelta(days=1))
        uow.commit()
        return ColdRoom(site.warehouse.id, zone.id, site.owner.id, [b.id for b in bins],
                        site.locations[0].id, item.id, [lot.id for lot in lots], sensor.id,
                        manager, picker)


def series(start: datetime, temps: list[float], *, step: int = 1,
           sensor: str = SENSOR) -> list[RawReading]:
    """Readings every `step` minutes from `start`."""
    return [RawReading(sensor, (start + timedelta(minutes=i * step)).isoformat(), t)
            for i, t in enumerate(temps)]


def statuses(db: Database, location_ids: list[int] | None = None) -> dict[str, int]:
    """Quantity per stock status (in the given locations)."""
    with db.reading() as s:
        query = select(Stock.status, func.sum(Stock.quantity)).group_by(Stock.status)
        if location_ids:
            query = query.where(Stock.location_id.in_(location_ids))
        return {status: int(qty) for status, qty in s.execute(query)}


def cch_movements(db: Database) -> list[tuple[str, str, int]]:
    """(from status, to status, quantity) of every cold-chain movement, in order."""
    with db.reading() as s:
        return [(m.from_status, m.to_status, m.quantity) for m in s.scalars(
            select(Movement).where(Movement.doc_type == "CCH").order_by(Movement.id))]
