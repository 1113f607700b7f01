"""Read-only questions about master data: lists, one record, what a scan means."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, func, or_, select
from sqlalchemy.orm import Session

from medwms.auth.audit import parse_snapshot
from medwms.auth.tables import AuditRecord
from medwms.core.errors import NotFound, Problem, ScanRefused, ValidationError
from medwms.masterdata import fields, store
from medwms.masterdata.errors import UnknownGtin
from medwms.masterdata.kinds import Kind, key_text
from medwms.masterdata.rules import credential_problem
from medwms.masterdata.storage import (
    COOL_MAX,
    FROZEN_MAX,
    REFRIGERATED_MAX,
    StorageCondition,
    storage_condition,
)
from medwms.masterdata.tables import (
    Item,
    Location,
    Packaging,
    Partner,
    PartnerKind,
    Warehouse,
    Zone,
)

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


# The master-data pages: keyset-paged lists, a record's packaging levels and history.

STATUSES = ("active", "inactive", "all")
STORAGE_MAX: dict[str, tuple[Decimal | None, Decimal | None]] = {
    StorageCondition.FROZEN: (None, FROZEN_MAX),
    StorageCondition.REFRIGERATED: (FROZEN_MAX, REFRIGERATED_MAX),
    StorageCondition.COOL: (REFRIGERATED_MAX, COOL_MAX),
    StorageCondition.AMBIENT: (COOL_MAX, None),
}
PAGE_SIZE = 50
HISTORY_ROWS = 200
LIST_PARAMETERS = ("q", "status", "warehouse", "zone", "partner_kind", "storage", "after")


@dataclass(frozen=True)
class ListQuery:
    """A list page's question: a code or name prefix, in use or not, the kind's own filters,
    and the key after which the page starts (keyset paging: no offsets, same speed deep)."""

    search: str = ""
    status: str = "active"
    warehouse: str = ""
    zone: str = ""
    partner_kind: str = ""
    storage: str = ""
    after: str = ""
    limit: int = PAGE_SIZE

    def parameters(self, **override: str) -> dict[str, str]:
        """The query as URL parameters (empty ones left out), e.g. for the next page."""
        given = {"q": self.search, "status": self.status, "warehouse": self.warehouse,
                 "zone": self.zone, "partner_kind": self.partner_kind,
                 "storage": self.storage, "after": self.after} | override
        return {name: value for name, value in given.items() if value}


@dataclass(frozen=True)
class ListPage:
    """One page of records in key order; `next_after` is the key the next page starts after."""

    records: list[Record]
    keys: list[str]
    next_after: str | None


def list_query(kind: Kind, params: Mapping[str, str]) -> ListQuery:
    """The ListQuery of a list page's URL parameters (`q`, `status`, `warehouse`, `zone`,
    `partner_kind`, `storage`, `after`); a value no filter has is a ValidationError."""
    given = {name: (params.get(name) or "").strip() for name in LIST_PARAMETERS}
    choices = {"status": STATUSES, "partner_kind": tuple(PartnerKind),
               "storage": tuple(StorageCondition)}
    problems = [_bad_choice(name, given[name], allowed) for name, allowed in choices.items()
                if given[name] and given[name] not in allowed]
    if problems:
        raise ValidationError(problems)
    return ListQuery(search=given["q"], status=given["status"] or "active",
                     warehouse=given["warehouse"].upper(), zone=given["zone"].upper(),
                     partner_kind=given["partner_kind"], storage=given["storage"],
                     after=given["after"])


def _bad_choice(name: str, value: str, allowed: Sequence[str]) -> Problem:
    shown = ", ".join(allowed)
    return Problem(fields.bilingual(f"{name}: {value} is not one of {shown}",
                                    f"{name}：{value} 不是以下之一：{shown}"),
                   column=name, value=value)


def list_page(session: Session, kind: Kind, query: ListQuery) -> ListPage:
    """One page of records of `kind`: those matching `query`, after `query.after`, by key."""
    model = store.MODELS[kind.name]
    where = _list_conditions(session, kind, model, query)
    if where is None:
        return ListPage([], [], None)
    rows = list(session.scalars(_keyset(kind, model, select(model).where(*where), query)))
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    lookup = _page_lookup(session, kind, rows)
    records = [store.to_record(kind, row, lookup) for row in rows]
    keys = [key_text(kind.key_of(r)) for r in records]
    return ListPage(records, keys, keys[-1] if more and keys else None)


def _list_conditions(session: Session, kind: Kind, model: Any,
                     query: ListQuery) -> list[ColumnElement[bool]] | None:
    """The WHERE of a list; None when a named warehouse or zone does not exist."""
    found = _search(session, kind, model, query.search)
    found += _in_use(model, query.status, searching=bool(found))
    if query.partner_kind and kind.name == "partners":
        found.append(Partner.kind == query.partner_kind)
    if query.storage and kind.name == "items":
        found.append(_storage(query.storage))
    if query.warehouse and hasattr(model, "warehouse_id"):
        place = _place(session, query.warehouse, query.zone if kind.name == "locations" else "")
        if place is None:
            return None
        found.append(model.warehouse_id == place[0])
        if place[1] is not None:
            found.append(Location.zone_id == place[1])
    return found


GLOB_SPECIAL = frozenset("*?[]")


def _prefix(column: Any, text: str, dialect: str) -> ColumnElement[bool]:
    """`column` begins with `text`, as one index range: SQLite's GLOB (its LIKE is
    case-insensitive and so never uses an index on a plain column), PostgreSQL's LIKE
    (a range of the index where the database's collation allows it, as C does)."""
    if dialect == "sqlite":
        if GLOB_SPECIAL & set(text):
            return false()
        glob: ColumnElement[bool] = column.op("GLOB")(text + "*")
        return glob
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like: ColumnElement[bool] = column.like(escaped + "%", escape="\\")
    return like


def _search(session: Session, kind: Kind, model: Any, text: str) -> list[ColumnElement[bool]]:
    """A prefix of the code (as codes are: upper case) or of a name, as typed."""
    text = text.strip()
    if not text:
        return []
    dialect = session.get_bind().dialect.name
    key = getattr(model, kind.key[-1])
    names = [_prefix(getattr(model, n), text, dialect)
             for n in ("name", "name_zh", "name_en") if hasattr(model, n)]
    return [or_(_prefix(key, text.upper(), dialect), *names)]


def _in_use(model: Any, status: str, *, searching: bool) -> list[ColumnElement[bool]]:
    """In use or not. Beside a search the flag is wrapped in coalesce() (the same test: the
    flag is never NULL) so that no index on it is chosen over the search's prefix ranges —
    without statistics SQLite would walk every active row to find a rare prefix."""
    wanted = {"active": True, "inactive": False}.get(status)
    column = getattr(model, "active", None)
    if wanted is None or (column is None and not hasattr(model, "blocked")):
        return []
    if column is None:
        column, wanted = model.blocked, not wanted
    flag = func.coalesce(column, wanted) if searching else column
    return [flag == wanted]


def _storage(condition: str) -> ColumnElement[bool]:
    """Items of a GSP storage condition, as `storage.storage_condition` sorts their range."""
    above, up_to = STORAGE_MAX[condition]
    if up_to is None:
        return or_(Item.temp_max.is_(None), Item.temp_max > above)
    if above is None:
        return Item.temp_max <= up_to
    return and_(Item.temp_max > above, Item.temp_max <= up_to)


def _place(session: Session, warehouse: str, zone: str) -> tuple[int, int | None] | None:
    """The ids of a warehouse (and a zone of it) by code; None when there is no such."""
    found = session.execute(
        select(Warehouse.id, Zone.id).outerjoin(
            Zone, and_(Zone.warehouse_id == Warehouse.id, Zone.code == zone))
        .where(Warehouse.code == warehouse)).first()
    if found is None or (zone and found[1] is None):
        return None
    return found[0], found[1] if zone else None


def _keyset(kind: Kind, model: Any, query: Select[Any], listing: ListQuery) -> Select[Any]:
    """Ordered by key, after the key the page starts after, one row more than the page."""
    if kind.name == "zones":
        query = query.join(Warehouse, Warehouse.id == Zone.warehouse_id)
        if listing.after:
            warehouse, _, code = listing.after.upper().partition(":")
            query = query.where(or_(Warehouse.code > warehouse,
                                    and_(Warehouse.code == warehouse, Zone.code > code)))
        return query.order_by(Warehouse.code, Zone.code).limit(listing.limit + 1)
    key = getattr(model, kind.key[-1])
    if listing.after:
        after = listing.after.upper()
        query = query.where(key > (after.zfill(14) if kind.name == "packaging" else after))
    return query.order_by(key).limit(listing.limit + 1)


def _page_lookup(session: Session, kind: Kind, rows: Sequence[Any]) -> store.Lookup:
    """The code maps the page's records refer to: only those the page needs."""
    lookup = store.Lookup()
    if kind.name in ("zones", "locations"):
        lookup.warehouse_ids = dict(session.execute(select(Warehouse.code, Warehouse.id)).all())
    if kind.name == "locations":
        zone_ids = {row.zone_id for row in rows}
        lookup.zone_ids = {(w, z): i for w, z, i in session.execute(
            select(Warehouse.code, Zone.code, Zone.id)
            .join(Warehouse, Zone.warehouse_id == Warehouse.id).where(Zone.id.in_(zone_ids)))}
    if kind.name == "packaging":
        ids = {row.item_id for row in rows}
        lookup.item_ids = dict(session.execute(
            select(Item.code, Item.id).where(Item.id.in_(ids))).all())
    if kind.name == "partners":
        ids = {row.parent_id for row in rows if row.parent_id is not None}
        lookup.partner_ids = dict(session.execute(
            select(Partner.code, Partner.id).where(Partner.id.in_(ids))).all())
    return lookup


def packaging_of(session: Session, item_code: str, *,
                 with_inactive: bool = False) -> list[Record]:
    """An item's packaging levels (GTIN = UDI-DI, level, base units, in use), smallest first:
    those in use, or all of them `with_inactive`."""
    query = (select(Packaging.gtin, Packaging.level, Packaging.quantity, Packaging.active)
             .join(Item, Item.id == Packaging.item_id)
             .where(Item.code == item_code.upper()))
    if not with_inactive:
        query = query.where(Packaging.active.is_(True))
    rows = session.execute(query.order_by(Packaging.quantity, Packaging.gtin))
    return [{"gtin": gtin, "level": level, "quantity": quantity, "active": active}
            for gtin, level, quantity, active in rows]


def inactive_packaging_count(session: Session, item_code: str) -> int:
    """How many of an item's packaging levels are out of use."""
    return session.scalar(select(func.count()).select_from(Packaging)
                          .join(Item, Item.id == Packaging.item_id)
                          .where(Item.code == item_code.upper(),
                                 Packaging.active.is_(False))) or 0


def storage_of(record: Mapping[str, Any]) -> str:
    """The GSP storage condition of an item record (FROZEN, REFRIGERATED, COOL, AMBIENT)."""
    return str(storage_condition(record.get("temp_min"), record.get("temp_max")))


def credential_state(number: str | None, expiry: date | None, today: date,
                     warn_days: int = 30) -> str:
    """A licence or certificate today: "missing", "expired", "expiring" (within
    `warn_days`) or "valid"."""
    why = credential_problem(number or "", expiry, today)
    if why is not None:
        return why
    if expiry is not None and (expiry - today).days <= warn_days:
        return "expiring"
    return "valid"


def licence_state(partner: Mapping[str, Any], today: date) -> str | None:
    """A partner's licence today (`credential_state`); None for a clinical department, which
    trades under its hospital's licence."""
    if partner["kind"] == "DEPARTMENT":
        return None
    return credential_state(partner["licence_no"], partner["licence_expiry"], today)


@dataclass(frozen=True)
class FieldChange:
    """One column of an audited change: its value before and after."""

    column: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    """One audit record of a master-data record, with the columns it changed."""

    at: datetime
    actor_name: str
    action: str
    reason: str
    changes: tuple[FieldChange, ...]
    sealed: bool


def record_history(session: Session, kind: Kind, key: tuple[str, ...],
                   limit: int = HISTORY_ROWS) -> list[HistoryEntry]:
    """The audit records of one record, newest first, each with its old and new values."""
    rows = session.scalars(select(AuditRecord).where(
        AuditRecord.entity == kind.entity, AuditRecord.entity_key == key_text(key))
        .order_by(AuditRecord.id.desc()).limit(limit))
    return [HistoryEntry(row.at, row.actor_name, row.action, row.reason,
                         _changes(kind, parse_snapshot(row.before), parse_snapshot(row.after)),
                         row.seq is not None) for row in rows]


def _changes(kind: Kind, before: Record, after: Record) -> tuple[FieldChange, ...]:
    names = [*kind.column_names, *sorted((before.keys() | after.keys()) - set(kind.column_names))]
    return tuple(FieldChange(name, before.get(name), after.get(name)) for name in names
                 if name in before.keys() | after.keys() and before.get(name) != after.get(name))
