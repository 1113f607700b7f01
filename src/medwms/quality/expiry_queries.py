"""Read-only lists of expiry control: near-expiry stock (近效期预警) and expired stock still
outside the nonconforming (red) area — the "move to the red area" task list.

The near-expiry threshold of a line is, in this order: the days asked for on the view (an
explicit `asked` wins for that view), else the item's own `near_expiry_days`, else the
setting. The database works it out per row in the one query that lists the stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, case, cast, func, literal, select
from sqlalchemy.orm import Session

from medwms.core.clock import days_remaining, local_date
from medwms.ledger.tables import Lot, SerialUnit, Stock
from medwms.masterdata.tables import Item, Location, Warehouse, Zone, ZoneKind
from medwms.quality.stock_rules import LOCKED_BY_EXPIRY, near_expiry

STATUS_COLUMNS = ("warehouse", "item", "name", "lot", "serial", "expiry", "days_left",
                  "location", "status", "quantity")
NEAR_COLUMNS = (*STATUS_COLUMNS, "threshold", "applied")
# Where a line's near-expiry threshold came from.
APPLIED_ITEM, APPLIED_SETTING, APPLIED_ASKED = "ITEM", "SETTING", "ASKED"


@dataclass(frozen=True)
class StockLine:
    """One balance in a list: where, what, its expiry and days left, how many."""

    stock_id: int
    warehouse: str
    item: str
    name: str
    lot: str
    serial: str
    expiry: date | None
    days_left: int | None
    location: str
    status: str
    quantity: int

    def as_row(self) -> dict[str, Any]:
        """The line as a JSON- and spreadsheet-ready mapping."""
        return {"stock_id": self.stock_id, "warehouse": self.warehouse, "item": self.item,
                "name": self.name, "lot": self.lot, "serial": self.serial,
                "expiry": self.expiry.isoformat() if self.expiry else None,
                "days_left": self.days_left, "location": self.location,
                "status": self.status, "quantity": self.quantity}


@dataclass(frozen=True)
class NearExpiryLine(StockLine):
    """A near-expiry line with its threshold in days and where that number came from."""

    threshold: int
    applied: str

    def as_row(self) -> dict[str, Any]:
        """The line as a JSON- and spreadsheet-ready mapping, threshold included."""
        return {**super().as_row(), "threshold": self.threshold, "applied": self.applied}


def _base() -> Any:
    return (select(Stock.id, Stock.status, Stock.quantity, Warehouse.code.label("warehouse"),
                   Warehouse.timezone, Item.code.label("item"), Item.name_zh, Lot.lot_no,
                   Lot.expiry, SerialUnit.serial, Location.code.label("location"),
                   Zone.kind.label("zone_kind"))
            .join(Warehouse, Warehouse.id == Stock.warehouse_id)
            .join(Item, Item.id == Stock.item_id)
            .join(Lot, Lot.id == Stock.lot_id)
            .outerjoin(SerialUnit, SerialUnit.id == Stock.serial_id)
            .join(Location, Location.id == Stock.location_id)
            .join(Zone, Zone.id == Location.zone_id)
            .where(Stock.quantity > 0, Lot.expiry.is_not(None))
            .order_by(Lot.expiry, Item.code, Lot.lot_no, Location.code))


def _line(row: Any, day: date) -> StockLine:
    return StockLine(stock_id=row.id, warehouse=row.warehouse, item=row.item,
                     name=row.name_zh, lot=row.lot_no, serial=row.serial or "",
                     expiry=row.expiry, days_left=days_remaining(row.expiry, day),
                     location=row.location, status=row.status, quantity=row.quantity)


def near_expiry_stock(session: Session, *, now: datetime, days: int, asked: int | None = None,
                      limit: int = 1000) -> list[NearExpiryLine]:
    """Usable or pending stock expiring within its threshold (`asked`, else the item's own
    days, else `days`, the setting); its expiry day is still usable."""
    if asked is None:
        threshold: Any = func.coalesce(Item.near_expiry_days, days)
        applied: Any = case((Item.near_expiry_days.is_(None), APPLIED_SETTING),
                            else_=APPLIED_ITEM)
    else:
        threshold, applied = literal(asked, Integer), literal(APPLIED_ASKED)
    left = _days_left(session, now.date())
    # A warehouse's own day is at most one day either side of the UTC day: the query keeps
    # that margin and each row is trimmed to its warehouse's day below, with its threshold.
    query = (_base().add_columns(threshold.label("threshold"), applied.label("applied"))
             .where(Stock.status.in_(sorted(LOCKED_BY_EXPIRY)), left >= -1,
                    left <= threshold + 1).limit(limit))
    found = []
    for row in session.execute(query):
        day = local_date(now, row.timezone)
        if near_expiry(row.expiry, day, row.threshold):
            found.append(NearExpiryLine(**vars(_line(row, day)), threshold=row.threshold,
                                        applied=row.applied))
    return found


def _days_left(session: Session, day: date) -> Any:
    """Whole days from `day` to the lot's expiry, as a SQL expression of the bound database."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(Lot.expiry) - func.julianday(day.isoformat()), Integer)
    return Lot.expiry - literal(day)


def expired_to_move(session: Session, *, now: datetime, limit: int = 1000) -> list[StockLine]:
    """EXPIRED stock not yet in a red (nonconforming) zone: the moves still to make."""
    query = _base().where(Stock.status == "EXPIRED",
                          Zone.kind != ZoneKind.REJECTED).limit(limit)
    return [_line(row, local_date(now, row.timezone)) for row in session.execute(query)]


def red_location_codes(session: Session) -> list[str]:
    """The codes of the unblocked locations in red zones, for the move form."""
    return list(session.scalars(
        select(Location.code).join(Zone, Zone.id == Location.zone_id)
        .where(Zone.kind == ZoneKind.REJECTED, Location.blocked.is_(False))
        .order_by(Location.code)))
