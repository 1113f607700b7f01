"""Read-only questions about master data: lists, one record, what a scan means."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from medwms.core.errors import NotFound, ScanRefused
from medwms.masterdata import fields, store
from medwms.masterdata.errors import UnknownGtin
from medwms.masterdata.kinds import Kind
from medwms.masterdata.tables import Item, Location, Packaging, Warehouse, Zone

Record = dict[str, Any]


@dataclass(frozen=True)
class Filters:
    """List filters: text in code or name, active only, within one warehouse; a page."""

    search: str = ""
    active: bool | None = None
    warehouse: str = ""
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True)
class Page:
    """One page of records and how many match in all."""

    total: int
    records: list[Record]


def list_records(session: Session, kind: Kind, filters: Filters = Filters()) -> Page:
    """Records of `kind` matching `filters`, ordered by key."""
    model = store.MODELS[kind.name]
    query = select(model).where(*_conditions(kind, model, filters))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(_ordered(kind, model, query)
                           .offset(filters.offset).limit(filters.limit)).all()
    lookup = store.references(session, kind)
    return Page(total, [store.to_record(kind, row, lookup) for row in rows])


def _conditions(kind: Kind, model: Any, filters: Filters) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    key = getattr(model, kind.key[-1])
    if filters.search:
        pattern = f"%{filters.search.strip()}%"
        names = [getattr(model, n).ilike(pattern) for n in ("name", "name_zh", "name_en")
                 if hasattr(model, n)]
        found.append(or_(key.ilike(pattern), *names))
    if filters.active is not None and hasattr(model, "active"):
        found.append(model.active.is_(filters.active))
    if filters.warehouse and hasattr(model, "warehouse_id"):
        found.append(model.warehouse_id.in_(
            select(Warehouse.id).where(Warehouse.code == filters.warehouse.upper())))
    return found


def _ordered(kind: Kind, model: Any, query: Select[Any]) -> Select[Any]:
    if kind.name == "zones":
        return query.order_by(model.warehouse_id, model.code)
    return query.order_by(getattr(model, kind.key[-1]))


def get_record(session: Session, kind: Kind, key: tuple[str, ...]) -> Record:
    """One record by its key; NotFound if there is none."""
    lookup = store.load(session, kind, [key])
    row = lookup.existing.get(key)
    if row is None:
        raise NotFound(what=kind.entity, key=":".join(key))
    return store.to_record(kind, row, lookup)


def export_records(session: Session, kind: Kind) -> list[Record]:
    """Every record of `kind`, ordered by key, in the columns the import reads."""
    lookup = store.load(session, kind)
    records = [store.to_record(kind, row, lookup) for row in lookup.existing.values()]
    return store.rows_in_order(kind, records)


def normalised_gtin(gtin: str) -> str:
    """The GTIN-14 a scanned or typed GTIN means; ScanRefused if it is not one."""
    try:
        return fields.gtin(gtin)
    except fields.FieldError as error:
        raise ScanRefused(reason=str(error)) from None


# Built once: the scan paths run them with parameters.
BY_GTIN = select(Item, Packaging).join(Packaging, Packaging.item_id == Item.id).where(
    Packaging.gtin == bindparam("gtin"))
BY_BARCODE = select(Location).where(or_(Location.barcode == bindparam("barcode"),
                                        Location.code == bindparam("code")))


def resolve_gtin(session: Session, gtin: str) -> tuple[Item, Packaging]:
    """The item and packaging level a scanned GTIN means (one query)."""
    normalised = normalised_gtin(gtin)
    found = session.execute(BY_GTIN, {"gtin": normalised}).one_or_none()
    if found is None:
        raise UnknownGtin(gtin=normalised)
    item, packaging = found
    return item, packaging


def location_by_barcode(session: Session, barcode: str) -> Location:
    """The location a scanned barcode (or typed location code) names (one query)."""
    text = barcode.strip()
    location = session.scalars(BY_BARCODE, {"barcode": text, "code": text.upper()}).first()
    if location is None:
        raise NotFound(what="location", key=text)
    return location


def zone_of(session: Session, location: Location) -> Zone:
    """The zone a location belongs to."""
    return session.get_one(Zone, location.zone_id)
