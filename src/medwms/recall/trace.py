"""Trace a lot, a serial or a GTIN's expiry/production range in both directions.

One statement carries the whole trace (`_trace_statement`): the GTIN with its lots (or the
serial), the movements of those lots (movement.lot_id, one index range) or of the serial
(movement.serial_id), their current stock (stock.lot_id / stock.serial_id), and the codes
and names those rows refer to (warehouses, lots, places, parties, users) by primary key, not
by joins, as tagged rows of one UNION ALL. Origin (RECEIVE), shipments (SHIP) and returns
(RETURN) are read off the same movement rows, so the cost grows with the lot's history, not
with the size of the ledger; its fixed cost is one round trip, the statement built and
compiled once. The receipt's documents (notice, inspection, signature, arrival temperature)
are added one layer up, in `medwms.documents.trace_origin`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    and_,
    any_,
    bindparam,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, aliased

from medwms.auth.guard import scoped
from medwms.auth.tables import User
from medwms.complaints.queries import complaints_naming
from medwms.core.db import UTCDateTime
from medwms.ledger.tables import HandlingUnit, Lot, Movement, MovementKind, SerialUnit, Stock
from medwms.masterdata.queries import normalised_gtin
from medwms.masterdata.tables import (
    Item,
    Location,
    Packaging,
    Partner,
    PartnerKind,
    Warehouse,
    Zone,
)
from medwms.recall.errors import NoSuchLot
from medwms.shipping.tables import Shipment

TOP_KEYS = ("query", "item", "origin", "in_stock", "shipped", "returned", "movements",
            "complaints")
COMPLAINT_KEYS = ("complaint_no", "kind", "severity", "status", "customer", "customer_name",
                  "received_at", "description", "units", "closed_at")


@dataclass(frozen=True)
class TraceQuery:
    """A GTIN with a lot, a serial, or an expiry / production-date range (inclusive)."""

    gtin: str
    lot: str | None = None
    serial: str | None = None
    expiry_from: date | None = None
    expiry_to: date | None = None
    produced_from: date | None = None
    produced_to: date | None = None

    def what(self) -> tuple[str, str]:
        """(what, key) for a 'no such lot' message."""
        if self.serial:
            return "serial", self.serial
        if self.lot:
            return "lot", self.lot
        return "lots in range", (f"expiry {self.expiry_from}..{self.expiry_to} "
                                 f"production {self.produced_from}..{self.produced_to}")


@dataclass(frozen=True)
class Target:
    """What the trace follows: an item (its facts) and its lot ids, or one serial unit."""

    item: dict[str, Any]
    gtin: str
    lot_ids: tuple[int, ...] = ()
    serial_id: int | None = None

    def movement_filter(self) -> ColumnElement[bool]:
        if self.serial_id is not None:
            return Movement.serial_id == self.serial_id
        return Movement.lot_id.in_(self.lot_ids)


@dataclass(frozen=True)
class MovementLine:
    at: datetime
    warehouse: str
    seq: int | None  # its place in the warehouse chain, once sealed
    kind: str
    doc_type: str
    doc_no: str
    lot: str | None
    serial: str | None
    expiry: date | None
    from_location: str | None
    to_location: str | None
    from_status: str | None
    to_status: str | None
    quantity: int
    partner: str | None
    partner_name: str | None
    partner_kind: str | None
    parent: str | None
    parent_name: str | None
    actor: str | None
    reason: str
    owner_id: int
    partner_name_en: str = ""
    parent_name_en: str = ""


@dataclass(frozen=True)
class StockLine:
    warehouse: str
    location: str
    zone: str
    status: str
    quantity: int
    lot: str | None
    serial: str | None
    expiry: date | None
    handling_unit: str | None


@dataclass(frozen=True)
class Trace:
    """The whole answer; `as_json()` gives the stable CLI/API shape."""

    query: TraceQuery
    item: dict[str, Any]
    movements: tuple[MovementLine, ...]
    stock: tuple[StockLine, ...]
    origin: tuple[dict[str, Any], ...]
    shipped: tuple[dict[str, Any], ...]
    returned: tuple[dict[str, Any], ...]
    details: dict[str, Any] = field(default_factory=dict)
    complaints: tuple[dict[str, Any], ...] = ()

    def as_json(self) -> dict[str, Any]:
        """query, item, origin, in_stock, shipped, returned, movements (base units), and the
        complaints and adverse events naming the lots or serial."""
        out: dict[str, Any] = jsonable({
            "query": asdict(self.query), "item": self.item, "origin": list(self.origin),
            "in_stock": [asdict(s) for s in self.stock], "shipped": list(self.shipped),
            "returned": list(self.returned),
            "movements": [_public(m) for m in self.movements],
            "complaints": list(self.complaints)})
        return out


def _public(line: MovementLine) -> dict[str, Any]:
    out = asdict(line)
    for name in ("partner_kind", "parent", "parent_name", "parent_name_en", "owner_id"):
        out.pop(name)
    return out


def jsonable(value: Any) -> Any:
    """Dates and times as ISO text, recursively."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def trace(session: Session, query: TraceQuery) -> Trace:
    """Backward, history, where it is now and forward, for one lot / serial / range.

    One statement (`_trace_statement`) answers it all, so a small lot pays one round trip
    and its rows, not the fixed cost of several statements."""
    rows = _trace_rows(session, query)
    targets, moves, balances, names, consignees = _sorted_rows(rows)
    what, key = query.what()
    if not targets:
        raise NoSuchLot(gtin=query.gtin, what=what, key=key)
    if all(row[_INT] is None for row in targets):
        raise NoSuchLot(gtin=targets[0][_TEXT], what=what, key=key)
    lines = tuple(_line(at, row, names) for at, _id, row in moves)
    return Trace(query=query, item=_item(targets[0]), movements=lines,
                 stock=tuple(_stock_line(row, names) for row in balances),
                 origin=tuple(origins(lines)), shipped=tuple(shipments(lines, consignees)),
                 returned=tuple(returns(lines)))


def with_complaints(session: Session, found: Trace) -> Trace:
    """`found` with the complaints and suspected adverse events naming its lots or serial
    (a report on a serial's lot names the serial too)."""
    target = resolve(session, found.query)
    serials = (target.serial_id,) if target.serial_id is not None else ()
    reports = complaints_naming(session, lot_ids=target.lot_ids, serial_ids=serials)
    listed = []
    for report in reports:
        data = report.as_json()
        listed.append({key: data[key] for key in COMPLAINT_KEYS})
    return replace(found, complaints=tuple(listed))


def resolve(session: Session, query: TraceQuery) -> Target:
    """The item and the lot ids (or serial id) the query names, or NoSuchLot (one query)."""
    what, key = query.what()
    rows = session.execute(*_resolving(query, normalised_gtin(query.gtin))).all()
    if not rows:
        raise NoSuchLot(gtin=query.gtin, what=what, key=key)
    ids = tuple(row[-1] for row in rows if row[-1] is not None)
    if not ids:
        raise NoSuchLot(gtin=rows[0][0], what=what, key=key)
    item = item_facts(rows[0])
    if query.serial:
        return Target(item, rows[0][0], serial_id=ids[0])
    return Target(item, rows[0][0], lot_ids=ids)


def _resolving(query: TraceQuery, gtin: str) -> tuple[Select[*tuple[Any, ...]], dict[str, Any]]:
    """The resolving statement and its parameters: a lot or a serial by a cached statement,
    a range by one built for its bounds."""
    if query.serial:
        return _BY_SERIAL, {"gtin": gtin, "serial": query.serial}
    if query.lot:
        return _BY_LOT, {"gtin": gtin, "lot": query.lot}
    bounds = _bounds(query)
    return (_item_and(Lot, _range(tuple(bounds))).order_by(Lot.id),
            {"gtin": gtin, **bounds})


def _item_and(joined: Any, on: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """GTIN, the item's facts, and the id of each `joined` row (lot or serial) of the item
    matching `on`; one row with a NULL id when the item has none, no row for an unknown
    GTIN."""
    return (select(Packaging.gtin, *_ITEM_FACTS, joined.id)
            .select_from(Packaging).join(Item, Item.id == Packaging.item_id)
            .outerjoin(joined, and_(joined.item_id == Item.id, *on))
            .where(Packaging.gtin == bindparam("gtin")))


def _bounds(query: TraceQuery) -> dict[str, date]:
    """The bounds of an expiry / production-date range the query gives, by name."""
    given = {"expiry_from": query.expiry_from, "expiry_to": query.expiry_to,
             "produced_from": query.produced_from, "produced_to": query.produced_to}
    return {name: value for name, value in given.items() if value is not None}


def _range(bounds: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """The lot conditions of a range with these bounds, each a parameter of its name."""
    conditions = {"expiry_from": Lot.expiry >= bindparam("expiry_from", type_=Date),
                  "expiry_to": Lot.expiry <= bindparam("expiry_to", type_=Date),
                  "produced_from": Lot.production_date >= bindparam("produced_from",
                                                                    type_=Date),
                  "produced_to": Lot.production_date <= bindparam("produced_to", type_=Date)}
    # A bare GTIN is not a trace: it needs a lot, a serial or a range.
    return [conditions[name] for name in bounds] or [Lot.id.is_(None)]


_ITEM_FACTS = (Item.code, Item.name_zh, Item.name_en, Item.model, Item.manufacturer,
               Item.registration_no, Item.tracking, Item.risk_class, Item.implant)
_FACT_NAMES = ("name_zh", "name_en", "model", "manufacturer", "registration_no", "tracking",
               "risk_class", "implant")
_LOT_TARGETS = _item_and(Lot, [Lot.lot_no == bindparam("lot")])
_SERIAL_TARGETS = _item_and(SerialUnit, [SerialUnit.serial == bindparam("serial")])
_BY_LOT = _LOT_TARGETS.order_by(Lot.id)
_BY_SERIAL = _SERIAL_TARGETS.order_by(SerialUnit.id)


def item_facts(row: Any) -> dict[str, Any]:
    """The item as the trace shows it, from a resolving row (GTIN, facts, id)."""
    code, *facts = row[1:1 + len(_ITEM_FACTS)]
    return {"code": code, "gtin": row[0], **dict(zip(_FACT_NAMES, facts, strict=True))}


# The trace statement's rows: a tag saying what the row is, an ordinal ordering the rows of
# its tag (`_sorted_rows`), then slots of one type each (a UNION ALL needs one type per
# column): integers, texts, a time, a date and a flag. A part leaves unused slots NULL.
_INTS, _TEXTS = 10, 9
_TAG, _ORDINAL, _INT, _TEXT = 0, 1, 2, 2 + _INTS
_AT, _DAY, _FLAG = _TEXT + _TEXTS, _TEXT + _TEXTS + 1, _TEXT + _TEXTS + 2


def _part(tag: str, *, ordinal: Any = None, ints: Sequence[Any] = (),
          texts: Sequence[Any] = (), at: Any = None, day: Any = None,
          flag: Any = None) -> Select[*tuple[Any, ...]]:
    """One part of the trace statement, its values in their slots."""
    def slots(values: Sequence[Any], width: int, kind: Any) -> list[Any]:
        return [*values, *(null().cast(kind) for _ in range(width - len(values)))]

    return select(literal_column(f"'{tag}'").label("tag"),
                  (literal_column("0") if ordinal is None else ordinal).label("ordinal"),
                  *slots(ints, _INTS, Integer), *slots(texts, _TEXTS, String),
                  null().cast(UTCDateTime()) if at is None else at,
                  null().cast(Date) if day is None else day,
                  null().cast(Boolean) if flag is None else flag)


def _among(column: Any, *sources: Select[*tuple[Any, ...]],
           postgresql: bool) -> ColumnElement[bool]:
    """`column` is one of the values `sources` select. On PostgreSQL, = ANY of their array:
    it plans that as index look-ups, while it plans an IN of a CTE's column as a hash join
    over the whole table."""
    values = union_all(*sources) if len(sources) > 1 else sources[0]
    if not postgresql:
        found: ColumnElement[bool] = column.in_(values)
        return found
    listed: ColumnElement[bool] = column == any_(func.array(values.scalar_subquery()))
    return listed


def _trace_statement(targets: Select[*tuple[Any, ...]], of: str,
                     postgresql: bool) -> CompoundSelect[*tuple[Any, ...]]:
    """Everything a trace shows, in one statement, for the lots or serial (`of`) that
    `targets` (`_item_and`) finds:

    G  the GTIN, the item's facts and each target id;
    M  the movements of the targets: one index range, no join (the join to eight tables
       it replaces took PostgreSQL longer to plan than a small lot takes to read), so codes
       and names come from the parts below;
    B  the balances, numbered by warehouse and location, with the codes of their place;
    W L S C U P  the warehouses, lots, serials, places, users and parties (with the parent
       a department belongs to) the movements and balances name, by primary key; the
       places are an alias, as in a join, so a scoped reading does not drop them;
    H  the consignee of each shipment whose SHIP movements name no partner.

    Rows come in no order: `_sorted_rows` puts each tag's rows in order.
    """
    def among(column: Any, *sources: Select[*tuple[Any, ...]]) -> ColumnElement[bool]:
        return _among(column, *sources, postgresql=postgresql)

    target = targets.cte("target")
    moves = (select(Movement.id, Movement.created_at, Movement.warehouse_id, Movement.seq,
                    Movement.kind, Movement.doc_type, Movement.doc_no, Movement.lot_id,
                    Movement.serial_id, Movement.from_location_id, Movement.to_location_id,
                    Movement.from_status, Movement.to_status, Movement.quantity,
                    Movement.partner_id, Movement.actor_id, Movement.owner_id, Movement.reason)
             .where(among(getattr(Movement, f"{of}_id"), select(target.c.id))).cte("moves"))
    # The codes of a balance's place by primary key, not by a join of five tables: that took
    # PostgreSQL twice as long to plan as all the rest of the balances.
    warehouse = select(Warehouse.code).where(Warehouse.id == Stock.warehouse_id)
    location = select(Location.code).where(Location.id == Stock.location_id)
    zone = (select(Zone.code).join(Location, Location.zone_id == Zone.id)
            .where(Location.id == Stock.location_id))
    sscc = select(HandlingUnit.sscc).where(HandlingUnit.id == Stock.hu_id)
    balances = (select(warehouse.scalar_subquery().label("warehouse"),
                       location.scalar_subquery().label("location"),
                       zone.scalar_subquery().label("zone"), Stock.status,
                       sscc.scalar_subquery().label("sscc"), Stock.quantity, Stock.lot_id,
                       Stock.serial_id,
                       func.row_number().over(order_by=(
                           warehouse.scalar_subquery(), location.scalar_subquery(),
                           Stock.id)).label("ordinal"))
                .where(among(getattr(Stock, f"{of}_id"), select(target.c.id)))
                .cte("balances"))
    place, party, parent = aliased(Location), aliased(Partner), aliased(Partner)

    def named(table: Any, *columns: Any) -> ColumnElement[bool]:
        """`table`'s rows whose id is in one of `columns`."""
        return among(table.id, *(select(column) for column in columns))

    m, b = moves.c, balances.c
    return union_all(
        _part("G", ordinal=target.c.id, ints=(target.c.id,), texts=tuple(target.c)[:_TEXTS],
              flag=target.c.implant),
        _part("M", ordinal=m.id,
              ints=(m.warehouse_id, m.seq, m.lot_id, m.serial_id, m.from_location_id,
                    m.to_location_id, m.quantity, m.partner_id, m.actor_id, m.owner_id),
              texts=(m.kind, m.doc_type, m.doc_no, m.from_status, m.to_status, m.reason),
              at=m.created_at),
        _part("B", ordinal=b.ordinal, ints=(b.quantity, b.lot_id, b.serial_id),
              texts=(b.warehouse, b.location, b.zone, b.status, b.sscc)),
        _part("W", ints=(Warehouse.id,), texts=(Warehouse.code,))
        .where(named(Warehouse, m.warehouse_id)),
        _part("L", ints=(Lot.id,), texts=(Lot.lot_no,), day=Lot.expiry)
        .where(named(Lot, m.lot_id, b.lot_id)),
        _part("S", ints=(SerialUnit.id,), texts=(SerialUnit.serial,))
        .where(named(SerialUnit, m.serial_id, b.serial_id)),
        _part("C", ints=(place.id,), texts=(place.code,))
        .where(named(place, m.from_location_id, m.to_location_id)),
        _part("U", ints=(User.id,), texts=(User.username,)).where(named(User, m.actor_id)),
        _part("P", ints=(party.id,), texts=(party.code, party.name, party.name_en, party.kind,
                                            parent.code, parent.name, parent.name_en))
        .select_from(party).outerjoin(parent, parent.id == party.parent_id)
        .where(named(party, m.partner_id)),
        _part("H", texts=(Shipment.shipment_no, Partner.code, Partner.name))
        .select_from(Shipment).join(Partner, Partner.id == Shipment.consignee_id)
        .where(among(Shipment.shipment_no, select(m.doc_no).where(
            m.kind == MovementKind.SHIP, m.partner_id.is_(None)))),
    )


def _trace_rows(session: Session, query: TraceQuery) -> Sequence[Any]:
    """The rows of the trace statement. A lot's or a serial's is built and compiled once
    per database kind and sent as SQL text (no statement to build, cache-key or compile per
    trace); a range's is built once for the bounds it gives. A scoped reading goes through
    the ORM, whose criteria keep it to the actor's warehouses."""
    gtin = normalised_gtin(query.gtin)
    postgresql = session.get_bind().dialect.name == "postgresql"
    if not query.serial and not query.lot:
        bounds = _bounds(query)
        return session.execute(_range_statement(tuple(bounds), postgresql),
                               {"gtin": gtin, **bounds}).all()
    kind = "serial" if query.serial else "lot"
    params = {"gtin": gtin, kind: query.serial or query.lot}
    if scoped(session):
        return session.execute(_cached_statement(kind, postgresql), params).all()
    if session.autoflush:  # as session.execute would, the SQL text going past it
        session.flush()
    connection = session.connection()
    sql, order, constants = _compiled(kind, connection.dialect)
    values = {**constants, **params}
    return connection.exec_driver_sql(
        sql, tuple(values[name] for name in order) if order else values).all()


_TARGETS = {"lot": _LOT_TARGETS, "serial": _SERIAL_TARGETS}


@functools.cache
def _cached_statement(kind: str, postgresql: bool) -> CompoundSelect[*tuple[Any, ...]]:
    """The trace statement of a lot or a serial, built once."""
    return _trace_statement(_TARGETS[kind], kind, postgresql)


@functools.cache
def _range_statement(bounds: tuple[str, ...],
                     postgresql: bool) -> CompoundSelect[*tuple[Any, ...]]:
    """The trace statement of a range with these bounds, built once (its date parameters
    go through the ORM, which binds them as each database takes dates)."""
    return _trace_statement(_item_and(Lot, _range(bounds)), "lot", postgresql)


@functools.cache
def _compiled(kind: str, dialect: Dialect) -> tuple[str, tuple[str, ...] | None,
                                                  dict[str, Any]]:
    """Its SQL text for `dialect`, the order of its parameters for a positional paramstyle,
    and the values of those the statement fixes itself."""
    compiled = _cached_statement(kind, dialect.name == "postgresql").compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positiontup else None
    fixed = {name: value for name, value in compiled.params.items() if value is not None}
    return compiled.string, order, fixed


def _sorted_rows(rows: Sequence[Any]) -> tuple[list[Any], list[tuple[datetime, int, Any]],
                                               list[Any], dict[tuple[str, int], Any],
                                               dict[str, tuple[str, str]]]:
    """The rows by tag, each in order: targets by id; movements as (time, id, row), oldest
    first and then by id, as the lot index reads them; balances by warehouse and location
    code (numbered by the database, in its collation). Then the named rows by (tag, id),
    and shipment no → (consignee code, name)."""
    targets: list[Any] = []
    moves: list[tuple[datetime, int, Any]] = []
    balances: list[Any] = []
    names: dict[tuple[str, int], Any] = {}
    consignees: dict[str, tuple[str, str]] = {}
    for row in rows:
        tag = row[_TAG]
        if tag == "M":
            moves.append((_moment(row[_AT]), row[_ORDINAL], row))
        elif tag == "B":
            balances.append(row)
        elif tag == "G":
            targets.append(row)
        elif tag == "H":
            consignees[row[_TEXT]] = (row[_TEXT + 1], row[_TEXT + 2])
        else:
            names[(tag, row[_INT])] = row
    targets.sort(key=_by_ordinal)
    moves.sort()
    balances.sort(key=_by_ordinal)
    return targets, moves, balances, names, consignees


def _by_ordinal(row: Any) -> Any:
    return row[_ORDINAL]


def _item(row: Any) -> dict[str, Any]:
    """The item as the trace shows it, from a G row."""
    gtin, code, *facts = row[_TEXT:_TEXT + _TEXTS]
    return {"code": code, "gtin": gtin,
            **dict(zip(_FACT_NAMES, (*facts, bool(row[_FLAG])), strict=True))}


def _moment(value: datetime | str) -> datetime:
    """A time as `UTCDateTime` reads it (SQLite keeps naive UTC text)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _day(value: date | str | None) -> date | None:
    """A date as `Date` reads it (SQLite keeps ISO text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


_NO_PARTY: tuple[Any, ...] = (None,) * 7


def _code(names: dict[tuple[str, int], Any], tag: str, key: int | None) -> Any:
    """The code of the `tag` row `key` names (None for no row)."""
    return None if key is None else names[(tag, key)][_TEXT]


def _line(at: datetime, row: Any, names: dict[tuple[str, int], Any]) -> MovementLine:
    """A movement row with codes and names instead of ids."""
    (warehouse, seq, lot_id, serial_id, source, destination, quantity, partner_id, actor_id,
     owner_id) = row[_INT:_TEXT]
    kind, doc_type, doc_no, from_status, to_status, reason = row[_TEXT:_TEXT + 6]
    lot = names.get(("L", lot_id))
    party = names.get(("P", partner_id))
    # None, as the outer join gave, for a movement that names no partner
    (partner, partner_name, partner_name_en, partner_kind, parent, parent_name,
     parent_name_en) = party[_TEXT:_TEXT + 7] if party else _NO_PARTY
    return MovementLine(
        at=at, warehouse=names[("W", warehouse)][_TEXT], seq=seq, kind=kind,
        doc_type=doc_type, doc_no=doc_no, lot=lot[_TEXT] if lot else None,
        serial=_code(names, "S", serial_id), expiry=_day(lot[_DAY]) if lot else None,
        from_location=_code(names, "C", source), to_location=_code(names, "C", destination),
        from_status=from_status, to_status=to_status, quantity=quantity, partner=partner,
        partner_name=partner_name, partner_kind=partner_kind, parent=parent,
        parent_name=parent_name, actor=_code(names, "U", actor_id), reason=reason,
        owner_id=owner_id, partner_name_en=partner_name_en, parent_name_en=parent_name_en)


def _stock_line(row: Any, names: dict[tuple[str, int], Any]) -> StockLine:
    """A balance row with the lot and serial named."""
    warehouse, location, zone, status, sscc = row[_TEXT:_TEXT + 5]
    quantity, lot_id, serial_id = row[_INT:_INT + 3]
    lot = names[("L", lot_id)] if lot_id is not None else None
    serial = names[("S", serial_id)][_TEXT] if serial_id is not None else None
    return StockLine(warehouse=warehouse, location=location, zone=zone, status=status,
                     quantity=quantity, lot=lot[_TEXT] if lot else None, serial=serial,
                     expiry=_day(lot[_DAY]) if lot else None, handling_unit=sscc)


def origins(moves: tuple[MovementLine, ...]) -> list[dict[str, Any]]:
    """One entry per (receipt, lot, serial): supplier, warehouse, date, quantity received."""
    found: dict[tuple[str, str | None, str | None], dict[str, Any]] = {}
    for m in moves:
        if m.kind != MovementKind.RECEIVE:
            continue
        row = found.setdefault((m.doc_no, m.lot, m.serial), {
            "receipt": m.doc_no, "doc_type": m.doc_type, "supplier": m.partner,
            "supplier_name": m.partner_name, "supplier_name_en": m.partner_name_en or "",
            "warehouse": m.warehouse, "date": m.at,
            "quantity": 0, "lot": m.lot, "serial": m.serial, "expiry": m.expiry,
            "received_by": m.actor})
        row["quantity"] += m.quantity
    return list(found.values())


def _consignee(m: MovementLine) -> tuple[str | None, str | None, str | None]:
    """(consignee code, name, department): a department ships to its parent hospital."""
    if m.partner_kind == PartnerKind.DEPARTMENT and m.parent:
        return m.parent, m.parent_name, m.partner_name
    return m.partner, m.partner_name, None


def _english(m: MovementLine) -> dict[str, str]:
    """The English names of the consignee and department ("" where there are none)."""
    if m.partner_kind == PartnerKind.DEPARTMENT and m.parent:
        return {"consignee_name_en": m.parent_name_en or "",
                "department_en": m.partner_name_en or ""}
    return {"consignee_name_en": m.partner_name_en or "", "department_en": ""}


def shipments(moves: tuple[MovementLine, ...],
              fallback: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """Forward: every SHIP movement with its consignee, department, date, quantity."""
    out = []
    for m in moves:
        if m.kind != MovementKind.SHIP:
            continue
        code, name, department = _consignee(m)
        if code is None and m.doc_no in fallback:
            code, name = fallback[m.doc_no]
        out.append({"consignee": code, "consignee_name": name, "department": department,
                    "shipment": m.doc_no, "date": m.at, "quantity": m.quantity,
                    "lot": m.lot, "serial": m.serial, "expiry": m.expiry,
                    "warehouse": m.warehouse, "from_location": m.from_location,
                    **_english(m)})
    return out


def returns(moves: tuple[MovementLine, ...]) -> list[dict[str, Any]]:
    """Units that came back (RETURN movements), with who returned them and where they went."""
    out = []
    for m in moves:
        if m.kind != MovementKind.RETURN:
            continue
        code, name, department = _consignee(m)
        out.append({"consignee": code, "consignee_name": name, "department": department,
                    "return": m.doc_no, "doc_type": m.doc_type, "date": m.at,
                    "quantity": m.quantity, "lot": m.lot, "serial": m.serial,
                    "warehouse": m.warehouse, "location": m.to_location,
                    "status": m.to_status, **_english(m)})
    return out
