"""What the quality commands read of stock before they decide: balances with the expiry of
their lot and the time zone of their warehouse, and the red (nonconforming) locations.

The lock order is the ledger's (`ledger.service`): a command's own record first, then stock
rows FOR UPDATE in `stock.key` order — `locked_balances` takes them in that order.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from medwms.ledger.tables import Lot, SerialUnit, Stock
from medwms.masterdata.tables import Item, Location, Warehouse, Zone, ZoneKind
from medwms.quality.stock_rules import Balance


def _query(where: ColumnElement[bool]) -> Any:
    return (select(Stock.id, Stock.owner_id, Stock.item_id, Stock.lot_id, Stock.serial_id,
                   Stock.location_id, Stock.status, Stock.hu_id, Stock.quantity, Lot.expiry,
                   Warehouse.timezone)
            .join(Warehouse, Warehouse.id == Stock.warehouse_id)
            .outerjoin(Lot, Lot.id == Stock.lot_id)
            .where(where, Stock.quantity > 0).order_by(Stock.key))


def _balance(row: Any) -> Balance:
    return Balance(stock_id=row.id, owner_id=row.owner_id, item_id=row.item_id,
                   lot_id=row.lot_id, serial_id=row.serial_id, location_id=row.location_id,
                   status=row.status, hu_id=row.hu_id, quantity=row.quantity,
                   expiry=row.expiry, timezone=row.timezone)


def balances(session: Session, where: ColumnElement[bool]) -> list[Balance]:
    """The balances matching `where`, in key order, unlocked."""
    return [_balance(row) for row in session.execute(_query(where))]


def locked_balances(session: Session, where: ColumnElement[bool]) -> list[Balance]:
    """The balances matching `where`, locked FOR UPDATE in key order (lock order step 2)."""
    query = _query(where).with_for_update(of=Stock)
    return [_balance(row) for row in session.execute(query)]


def expiry_candidates(utc_day: date, statuses: frozenset[str]) -> ColumnElement[bool]:
    """Balances whose lot may be past its expiry day somewhere: no warehouse's calendar is
    more than a day ahead of UTC; the rule decides per warehouse time zone."""
    return Stock.status.in_(sorted(statuses)) & Stock.lot_id.in_(
        select(Lot.id).where(Lot.expiry < utc_day + timedelta(days=1)))


def unit_filter(item_id: int, lot_id: int | None, serial_id: int | None,
                location_id: int | None) -> ColumnElement[bool]:
    """Stock of one lot or one serial of an item, at one location or anywhere."""
    where = Stock.item_id == item_id
    if lot_id is not None:
        where = where & (Stock.lot_id == lot_id)
    if serial_id is not None:
        where = where & (Stock.serial_id == serial_id)
    if location_id is not None:
        where = where & (Stock.location_id == location_id)
    return where


def find_unit(session: Session, item: str, lot: str | None,
              serial: str | None) -> tuple[Item | None, Lot | None, SerialUnit | None]:
    """The item (by code), its lot (by number) and its serial, as far as they exist."""
    item_row = session.scalar(select(Item).where(Item.code == item.strip().upper()))
    if item_row is None:
        return None, None, None
    lot_row = session.scalar(select(Lot).where(
        Lot.item_id == item_row.id, Lot.lot_no == lot.strip())) if lot else None
    serial_row = session.scalar(select(SerialUnit).where(
        SerialUnit.item_id == item_row.id, SerialUnit.serial == serial.strip())) \
        if serial else None
    return item_row, lot_row, serial_row


def location_by_code(session: Session, code: str) -> Location | None:
    """A location by its code or its barcode."""
    text = code.strip()
    return session.scalar(select(Location).where(
        (Location.code == text.upper()) | (Location.barcode == text)))


def is_red(session: Session, location: Location) -> bool:
    """Whether the location lies in a nonconforming (REJECTED-kind, red) zone."""
    zone = session.get(Zone, location.zone_id)
    return zone is not None and zone.kind == ZoneKind.REJECTED


def red_locations(session: Session, warehouse_id: int | None = None) -> list[Location]:
    """The unblocked locations of red zones (of one warehouse), by code."""
    query = (select(Location).join(Zone, Zone.id == Location.zone_id)
             .where(Zone.kind == ZoneKind.REJECTED, Location.blocked.is_(False))
             .order_by(Location.code))
    if warehouse_id is not None:
        query = query.where(Location.warehouse_id == warehouse_id)
    return list(session.scalars(query))
