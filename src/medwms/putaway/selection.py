"""What a putaway scan names: the stock waiting at a dock, and the location scanned for it.

A unit scan (GTIN + lot (+ serial)) or an SSCC, optionally narrowed by a status or a dock,
must name stock of one owner, item, lot, dock and status; the quantity defaults to all of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, select
from sqlalchemy.orm import Session

from medwms.barcode import parse_scan, whole_item
from medwms.barcode.errors import ScanError
from medwms.barcode.scan import Scan
from medwms.core.errors import NotFound, ValidationError
from medwms.ledger.tables import HandlingUnit, Lot, SerialUnit, Stock
from medwms.masterdata.queries import resolve_gtin
from medwms.masterdata.tables import Item, Location, Owner, Warehouse
from medwms.putaway import errors, rules
from medwms.putaway.queries import at_docks


@dataclass(frozen=True)
class StockIdentity:
    """Stock named by codes instead of a scan (or to narrow a scan): item, lot, serial, …"""

    item: str | None = None
    lot: str | None = None
    serial: str | None = None
    sscc: str | None = None
    from_location: str | None = None
    status: str | None = None
    warehouse: str | None = None


@dataclass(frozen=True)
class Take:
    """Units taken from one stock row."""

    owner_id: int
    item_id: int
    lot_id: int | None
    serial_id: int | None
    location_id: int
    status: str
    hu_id: int | None
    quantity: int


@dataclass(frozen=True)
class Picked:
    """The stock a scan names at one dock, in one status, and the units to move."""

    warehouse_id: int
    warehouse: str
    owner: str
    item: Item
    lot_id: int | None
    lot_no: str | None
    serial: str | None
    sscc: str | None
    from_location: str
    status: str
    quantity: int
    takes: tuple[Take, ...]
    keep_hu: bool


def pick_stock(session: Session, *, raw: str | None, identity: StockIdentity | None,
               quantity: int | None, today: date, lock: bool = False) -> Picked:
    """The dock stock named by a unit/SSCC scan or an identity; refusals say why not.

    With `lock`, its stock rows are locked as they are read (FOR UPDATE OF stock, in key
    order: step 2 of the lock order) and read afresh: a row that was being changed is read
    once that change has committed, so the quantities are the ones the move will change.
    """
    wanted = _wanted(session, raw, identity or StockIdentity(), today)
    query = _stock_query(wanted)
    if lock:
        query = query.with_for_update(of=Stock).execution_options(populate_existing=True)
    rows = session.execute(query).all()
    if not rows:
        raise errors.NothingToPutAway(what=wanted.what)
    ready = [row for row in rows if row.Stock.status in rules.PUTAWAY_STATUSES]
    if not ready:
        first = rows[0]
        raise errors.NotReleasedYet(item=first.Item.code, lot=first.lot_no or "-",
                                    location=first.location, stock_status=first.Stock.status)
    _refuse_mixed(ready, wanted)
    return _picked(ready, wanted, quantity)


@dataclass(frozen=True)
class _Wanted:
    what: str
    where: tuple[ColumnElement[bool], ...]
    sscc: str | None = None
    serial: str | None = None


def _wanted(session: Session, raw: str | None, identity: StockIdentity, today: date) -> _Wanted:
    where: list[ColumnElement[bool]] = []
    what, sscc, serial = "", identity.sscc, identity.serial
    if raw:
        scan = whole_item(parse_scan(raw, today=today))
        what, sscc, serial = _scan_filters(session, scan, where)
    elif identity.item:
        what = f"{identity.item.upper()} {identity.lot or ''}".strip()
        where.append(Item.code == identity.item.upper())
        if identity.lot:
            where.append(Lot.lot_no == identity.lot)
    elif not sscc:
        raise ValidationError("scan a unit or an SSCC, or name the item", field="raw")
    _narrow(identity, where, sscc, serial)
    return _Wanted(what or f"SSCC {sscc}", tuple(where), sscc, serial)


def _scan_filters(session: Session, scan: Scan,
                  where: list[ColumnElement[bool]]) -> tuple[str, str | None, str | None]:
    """Filters from a unit scan: (what it names, its SSCC, its serial)."""
    if scan.location:
        raise errors.LocationScannedForUnit(location=scan.location)
    if scan.gtin:
        item, _ = resolve_gtin(session, scan.gtin)
        where.append(Stock.item_id == item.id)
        if scan.lot:
            where.append(Lot.lot_no == scan.lot)
        return f"{item.code} {scan.lot or ''}".strip(), None, scan.serial
    if scan.sscc:
        return f"SSCC {scan.sscc}", scan.sscc, None
    raise errors.NotAUnit()


def _narrow(identity: StockIdentity, where: list[ColumnElement[bool]], sscc: str | None,
            serial: str | None) -> None:
    if sscc:
        where.append(HandlingUnit.sscc == sscc)
    if serial:
        # Stock without serials (a lot-tracked item whose label prints one anyway) still
        # matches; serialised stock must be the scanned serial.
        where.append(or_(SerialUnit.serial == serial, Stock.serial_id.is_(None)))
    if identity.from_location:
        where.append(Location.code == identity.from_location.upper())
    if identity.status:
        where.append(Stock.status == identity.status.upper())
    if identity.warehouse:
        where.append(Warehouse.code == identity.warehouse.upper())


def _stock_query(wanted: _Wanted) -> Any:
    return (select(Stock, Item, Location.code.label("location"),
                   Warehouse.code.label("warehouse"), Owner.code.label("owner"),
                   Lot.lot_no.label("lot_no"), SerialUnit.serial.label("serial"),
                   HandlingUnit.sscc.label("sscc"))
            .join(Item, Item.id == Stock.item_id)
            .join(Location, Location.id == Stock.location_id)
            .join(Warehouse, Warehouse.id == Stock.warehouse_id)
            .join(Owner, Owner.id == Stock.owner_id)
            .outerjoin(Lot, Lot.id == Stock.lot_id)
            .outerjoin(SerialUnit, SerialUnit.id == Stock.serial_id)
            .outerjoin(HandlingUnit, HandlingUnit.id == Stock.hu_id)
            .where(at_docks(), *wanted.where)
            .order_by(Stock.key))


def _group(row: Any) -> tuple[int, str, int, int, int | None]:
    stock = row.Stock
    return stock.location_id, stock.status, stock.owner_id, stock.item_id, stock.lot_id


def _refuse_mixed(ready: Sequence[Any], wanted: _Wanted) -> None:
    groups = {_group(row): row for row in ready}
    if len(groups) == 1:
        return
    if wanted.sscc:
        raise errors.HandlingUnitMixed(sscc=wanted.sscc)
    first = ready[0]
    options = sorted({f"{row.Stock.status} at {row.location} ({row.owner})"
                      for row in groups.values()})
    raise errors.StockAmbiguous(item=first.Item.code, lot=first.lot_no or "-",
                                options="; ".join(options))


def _picked(ready: Sequence[Any], wanted: _Wanted, quantity: int | None) -> Picked:
    first = ready[0]
    total = sum(row.Stock.quantity for row in ready)
    if quantity is not None and not 0 < quantity <= total:
        if quantity <= 0:
            raise ValidationError("quantity must be above zero", field="quantity")
        raise errors.QuantityTooLarge(available=total, requested=quantity, item=first.Item.code,
                                      lot=first.lot_no or "-", location=first.location)
    wanted_units = total if quantity is None else quantity
    return Picked(warehouse_id=first.Stock.warehouse_id, warehouse=first.warehouse,
                  owner=first.owner, item=first.Item, lot_id=first.Stock.lot_id,
                  lot_no=first.lot_no, serial=wanted.serial, sscc=wanted.sscc,
                  from_location=first.location, status=first.Stock.status,
                  quantity=wanted_units, takes=_takes(ready, wanted_units),
                  keep_hu=wanted.sscc is not None and wanted_units == total)


def _takes(ready: Sequence[Any], quantity: int) -> tuple[Take, ...]:
    """Take `quantity` units from the rows in key order."""
    takes, left = [], quantity
    for row in ready:
        if left == 0:
            break
        stock = row.Stock
        amount = min(left, stock.quantity)
        takes.append(Take(stock.owner_id, stock.item_id, stock.lot_id, stock.serial_id,
                          stock.location_id, stock.status, stock.hu_id, amount))
        left -= amount
    return tuple(takes)


def location_of(session: Session, raw: str) -> Location:
    """The location a location scan (or a typed location code) names."""
    try:
        scan = parse_scan(raw)
    except ScanError:
        found = _location(session, raw.strip(), raw.strip())
        if found is None:
            raise
        return found
    if scan.location is None:
        if scan.gtin or scan.sscc or scan.di:
            raise errors.UnitScannedForLocation()
        raise errors.NotALocation()
    found = _location(session, scan.location, raw.strip())
    if found is None:
        raise NotFound(what="location", key=scan.location)
    return found


def _location(session: Session, code: str, raw: str) -> Location | None:
    return session.scalars(BY_CODE, {"code": code.upper(), "barcode": code, "raw": raw}).first()


BY_CODE = select(Location).where(or_(Location.code == bindparam("code"),
                                     Location.barcode == bindparam("barcode"),
                                     Location.barcode == bindparam("raw")))
