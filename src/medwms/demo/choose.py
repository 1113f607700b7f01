"""Which demo stock the day's documents use, and the scans a person would make of it.

The demo's stock depends on the seed and the day, so the day's orders name the item of a
family that is best stocked where they ship from, counting only lots that the customer's
minimum remaining shelf life lets them take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from medwms.barcode.render_data import UdiData
from medwms.core.errors import Conflict
from medwms.ledger.tables import Lot, Status, Stock
from medwms.masterdata.tables import Item, Location, Packaging, Warehouse, Zone, ZoneKind

MARGIN_DAYS = 14  # the lots chosen keep this much shelf life beyond the customer's minimum
SCANNER_PREFIX = "]d2"  # a GS1 DataMatrix read, as a scanner announces it


@dataclass(frozen=True)
class Stocked:
    """An item with enough usable stock, and its GTINs: the unit and the first pack."""

    item: str
    unit_gtin: str
    pack_gtin: str
    per_pack: int
    usable: int


def best_stocked(session: Session, *, warehouse: str, families: tuple[str, ...],
                 min_days: int, today: date, packs: int = 1, units: bool = False) -> Stocked:
    """The best stocked item of the first family (in the order given) that has `packs`
    packs (or, with `units`, base units) in lots with `min_days` of shelf life left."""
    for family in families:
        found = _best_of(session, warehouse, family, min_days, today)
        if found is not None:
            stocked = _stocked(session, *found)
            if stocked.usable >= packs * (1 if units else stocked.per_pack):
                return stocked
    raise Conflict(f"the demo stock of {warehouse} holds none of {', '.join(families)}",
                   f"演示库存 {warehouse} 中没有 {', '.join(families)}",
                   detail="the demo could not choose an item")


def _best_of(session: Session, warehouse: str, family: str, min_days: int,
             today: date) -> tuple[str, int] | None:
    usable_from = today + timedelta(days=min_days + MARGIN_DAYS)
    quantity = func.sum(Stock.quantity)
    row = session.execute(
        select(Item.code, quantity)
        .join(Stock, Stock.item_id == Item.id)
        .join(Location, Location.id == Stock.location_id)
        .join(Zone, Zone.id == Location.zone_id)
        .join(Warehouse, Warehouse.id == Stock.warehouse_id)
        .outerjoin(Lot, Lot.id == Stock.lot_id)
        .where(Warehouse.code == warehouse, Zone.kind == ZoneKind.STORAGE,
               Stock.status == Status.AVAILABLE, Item.code.like(f"%-{family}-%"),
               or_(Lot.expiry.is_(None), Lot.expiry >= usable_from))
        .group_by(Item.code).order_by(quantity.desc(), Item.code).limit(1)).first()
    return (row[0], int(row[1])) if row else None


def _stocked(session: Session, code: str, usable: int) -> Stocked:
    packs = session.execute(select(Packaging.gtin, Packaging.quantity).join(
        Item, Item.id == Packaging.item_id).where(Item.code == code)
        .order_by(Packaging.quantity)).all()
    unit, pack = packs[0], packs[1] if len(packs) > 1 else packs[0]
    return Stocked(code, unit[0], pack[0], pack[1], usable)


def unit_gtin(session: Session, item: str) -> str:
    """The GTIN of the item's base unit (its smallest packaging level)."""
    query = (select(Packaging.gtin).join(Item, Item.id == Packaging.item_id)
             .where(Item.code == item).order_by(Packaging.quantity).limit(1))
    return session.scalars(query).one()


def scan_of(gtin: str, *, lot: str | None, serial: str | None, expiry: date | None,
            count: int = 1) -> str:
    """What a scanner sends for a unit (or `count` units, AI 30) with these identifiers."""
    udi = UdiData(gtin, lot=lot, serial=serial, expiry=expiry,
                  quantity=count if count > 1 else None)
    return SCANNER_PREFIX + udi.element_string()
