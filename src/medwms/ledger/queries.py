"""Read-only questions about stock and movements, for pages, the API and reports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from medwms.auth.guard import require_every_warehouse
from medwms.auth.rules import Actor, Perm
from medwms.ledger.errors import LotNotFound
from medwms.ledger.tables import COLOURS, Lot, Movement, SerialUnit, Status, Stock, VerifyRun
from medwms.masterdata.tables import (
    Item,
    Location,
    Owner,
    Packaging,
    Partner,
    Warehouse,
    Zone,
)

STATUSES = tuple(status.value for status in Status)  # what the stock filter offers


@dataclass(frozen=True)
class StockFilter:
    """What to look for; every field is optional and they combine with AND."""

    item: str | None = None
    gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    location: str | None = None
    zone: str | None = None
    warehouse: str | None = None
    status: str | None = None
    expiring_before: date | None = None
    owner: str | None = None


@dataclass(frozen=True)
class StockRow:
    id: int
    warehouse: str
    zone: str
    location: str
    owner: str
    item: str
    item_name: str
    lot: str | None
    expiry: date | None
    serial: str | None
    status: str
    colour: str
    quantity: int
    hu_id: int | None
    item_name_en: str = ""


def stock(session: Session, flt: StockFilter, *, limit: int = 500,
          offset: int = 0) -> list[StockRow]:
    """Stock on hand matching `flt`, earliest expiry first."""
    query = _stock_query(flt).order_by(Lot.expiry.asc().nulls_last(), Item.code,
                                       Location.code, Stock.id).limit(limit).offset(offset)
    return [_stock_row(row) for row in session.execute(query)]


def stock_total(session: Session, flt: StockFilter) -> int:
    """The summed quantity of the stock matching `flt`."""
    rows = session.execute(_stock_query(flt).with_only_columns(Stock.quantity)).scalars()
    return sum(rows)


def _stock_query(flt: StockFilter) -> Select[*tuple[Any, ...]]:
    columns = (Stock, Warehouse.code, Zone.code, Location.code, Owner.code, Item.code,
               Item.name_zh, Lot.lot_no, Lot.expiry, SerialUnit.serial, Item.name_en)
    query: Select[*tuple[Any, ...]] = (select(*columns)
             .join(Warehouse, Warehouse.id == Stock.warehouse_id)
             .join(Location, Location.id == Stock.location_id)
             .join(Zone, Zone.id == Location.zone_id)
             .join(Owner, Owner.id == Stock.owner_id)
             .join(Item, Item.id == Stock.item_id)
             .outerjoin(Lot, Lot.id == Stock.lot_id)
             .outerjoin(SerialUnit, SerialUnit.id == Stock.serial_id))
    exact = [(flt.item, Item.code), (flt.location, Location.code), (flt.zone, Zone.code),
             (flt.warehouse, Warehouse.code), (flt.status, Stock.status),
             (flt.owner, Owner.code)]
    for given, column in exact:
        if given:
            query = query.where(column == given.upper())
    # Lot and serial texts are case-sensitive: never upper-cased.
    if flt.lot:
        query = query.where(Lot.lot_no == flt.lot)
    if flt.serial:
        query = query.where(SerialUnit.serial == flt.serial)
    if flt.expiring_before:
        query = query.where(Lot.expiry < flt.expiring_before)
    if flt.gtin:
        query = query.where(Stock.item_id.in_(
            select(Packaging.item_id).where(Packaging.gtin == flt.gtin.zfill(14))))
    return query


def require_lot(session: Session, item: str, lot: str) -> None:
    """LOT_NOT_FOUND unless item `item` (its code) has a lot numbered `lot`."""
    found = session.scalar(select(Lot.id).join(Item, Item.id == Lot.item_id)
                           .where(Item.code == item.upper(), Lot.lot_no == lot).limit(1))
    if found is None:
        raise LotNotFound(item=item.upper(), lot=lot)


def _stock_row(row: Any) -> StockRow:
    stock_, warehouse, zone, location, owner, item, name, lot, expiry, serial, name_en = row
    return StockRow(id=stock_.id, warehouse=warehouse, zone=zone, location=location,
                    owner=owner, item=item, item_name=name, lot=lot, expiry=expiry,
                    serial=serial, status=stock_.status, colour=COLOURS[stock_.status],
                    quantity=stock_.quantity, hu_id=stock_.hu_id, item_name_en=name_en)


@dataclass(frozen=True)
class MovementRow:
    id: int
    warehouse: str
    seq: int | None  # its place in the warehouse chain, once sealed
    kind: str
    doc_type: str
    doc_no: str
    item: str
    lot: str | None
    serial: str | None
    from_location: str | None
    to_location: str | None
    from_status: str | None
    to_status: str | None
    quantity: int
    partner: str | None  # supplier of a receipt, consignee of a shipment
    actor_id: int | None
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class MovementFilter:
    item: str | None = None
    lot: str | None = None
    serial: str | None = None
    location: str | None = None


def movements(session: Session, flt: MovementFilter, *, limit: int = 1000) -> list[MovementRow]:
    """The movement history of a lot, a serial or a location, in time order."""
    source, target = aliased(Location), aliased(Location)
    query = (select(Movement, Warehouse.code, Item.code, Lot.lot_no, SerialUnit.serial,
                    source.code, target.code, Partner.code)
             .join(Warehouse, Warehouse.id == Movement.warehouse_id)
             .join(Item, Item.id == Movement.item_id)
             .outerjoin(Lot, Lot.id == Movement.lot_id)
             .outerjoin(SerialUnit, SerialUnit.id == Movement.serial_id)
             .outerjoin(source, source.id == Movement.from_location_id)
             .outerjoin(target, target.id == Movement.to_location_id)
             .outerjoin(Partner, Partner.id == Movement.partner_id))
    if flt.item:
        query = query.where(Item.code == flt.item.upper())
    if flt.lot:
        query = query.where(Lot.lot_no == flt.lot)
    if flt.serial:
        query = query.where(SerialUnit.serial == flt.serial)
    if flt.location:
        code = flt.location.upper()
        query = query.where(or_(source.code == code, target.code == code))
    query = query.order_by(Movement.created_at, Movement.id).limit(limit)
    return [_movement_row(row) for row in session.execute(query)]


def _movement_row(row: Any) -> MovementRow:
    m, warehouse, item, lot, serial, source, target, partner = row
    return MovementRow(id=m.id, warehouse=warehouse, seq=m.seq, kind=m.kind,
                       doc_type=m.doc_type, doc_no=m.doc_no, item=item, lot=lot, serial=serial,
                       from_location=source, to_location=target, from_status=m.from_status,
                       to_status=m.to_status, quantity=m.quantity, partner=partner,
                       actor_id=m.actor_id,
                       reason=m.reason, created_at=m.created_at)


# --- verify runs ---------------------------------------------------------------------------

@dataclass(frozen=True)
class VerifyRunView:
    """One recorded run of `verify`: who, when, from where, what it counted and found."""

    id: int
    started_at: datetime
    finished_at: datetime
    actor_name: str
    source: str
    ok: bool
    balances: int
    movements: int
    audit_records: int
    checkpoints: int
    unsealed_movements: int
    unsealed_audit_records: int
    oldest_unsealed_s: float
    problems: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def seconds(self) -> float:
        """How long the run took."""
        return round((self.finished_at - self.started_at).total_seconds(), 3)


def verify_run_view(run: VerifyRun) -> VerifyRunView:
    """The view of a loaded verify run."""
    return VerifyRunView(
        id=run.id, started_at=run.started_at, finished_at=run.finished_at,
        actor_name=run.actor_name, source=run.source, ok=run.ok, balances=run.balances,
        movements=run.movements, audit_records=run.audit_records, checkpoints=run.checkpoints,
        unsealed_movements=run.unsealed_movements,
        unsealed_audit_records=run.unsealed_audit_records,
        oldest_unsealed_s=run.oldest_unsealed_ms / 1000,
        problems=tuple(json.loads(run.problems or "[]")),
        notes=tuple(json.loads(run.notes or "[]")))


def verify_runs(session: Session, *, actor: Actor, limit: int = 20) -> list[VerifyRunView]:
    """The latest runs of `verify`, newest first."""
    require_every_warehouse(actor, Perm.AUDIT_READ)
    return [verify_run_view(run) for run in session.scalars(
        select(VerifyRun).order_by(VerifyRun.id.desc()).limit(limit))]
