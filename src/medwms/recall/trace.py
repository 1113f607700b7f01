"""Trace a lot, a serial or a GTIN's expiry/production range in both directions.

Two indexed reads carry the whole trace: the movements of the lots (movement.lot_id) or
the serial (movement.serial_id), and their current stock (stock.lot_id / stock.serial_id).
Origin (RECEIVE), shipments (SHIP) and returns (RETURN) are read off the same movement rows,
so the cost grows with the lot's history, not with the size of the ledger. The codes and
names those rows refer to (warehouses, lots, places, parties, users) come from one more
read by primary key, not from joins: a trace's fixed cost is four small statements (the
GTIN and its lots first), each built once. The receipt's documents (notice, inspection,
signature, arrival temperature) are added one layer up, in `medwms.documents.trace_origin`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Date,
    Select,
    String,
    and_,
    bindparam,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from medwms.auth.tables import User
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

TOP_KEYS = ("query", "item", "origin", "in_stock", "shipped", "returned", "movements")


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

    @property
    def kind(self) -> str:
        """"serial" or "lot": which cached statements read it."""
        return "serial" if self.serial_id is not None else "lot"

    def params(self) -> dict[str, Any]:
        """The parameters of those statements."""
        if self.serial_id is not None:
            return {"serial_id": self.serial_id}
        return {"lot_ids": list(self.lot_ids)}

    def movement_filter(self) -> ColumnElement[bool]:
        if self.serial_id is not None:
            return Movement.serial_id == self.serial_id
        return Movement.lot_id.in_(self.lot_ids)

    def stock_filter(self) -> ColumnElement[bool]:
        if self.serial_id is not None:
            return Stock.serial_id == self.serial_id
        return Stock.lot_id.in_(self.lot_ids)


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

    def as_json(self) -> dict[str, Any]:
        """query, item, origin, in_stock, shipped, returned, movements (base units)."""
        out: dict[str, Any] = jsonable({
            "query": asdict(self.query), "item": self.item, "origin": list(self.origin),
            "in_stock": [asdict(s) for s in self.stock], "shipped": list(self.shipped),
            "returned": list(self.returned),
            "movements": [_public(m) for m in self.movements]})
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

    Four statements, each built once and cached: the GTIN with its lots (or serial), the
    movement rows (one index range, no join), the stock rows, and the names of every
    warehouse, lot, place, party and user they name (one IN read); a fifth only for SHIP
    rows that name no partner. A small lot pays for its rows, not for building or planning
    a join of nine tables."""
    target = resolve(session, query)
    move_rows = session.execute(_MOVES[target.kind], target.params()).all()
    stock_rows = session.execute(_STOCK[target.kind], target.params()).all()
    names = _names(session, move_rows, stock_rows)
    moves = tuple(_line(row, names) for row in move_rows)
    fallback = _shipment_consignees(session, moves)
    return Trace(query=query, item=target.item, movements=moves,
                 stock=tuple(_stock_line(row, names) for row in stock_rows),
                 origin=tuple(origins(moves)), shipped=tuple(shipments(moves, fallback)),
                 returned=tuple(returns(moves)))


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
    return _item_and(Lot, _range(query)), {"gtin": gtin}


def _item_and(joined: Any, on: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """GTIN, the item's facts, and the id of each `joined` row (lot or serial) of the item
    matching `on`; one row with a NULL id when the item has none, no row for an unknown
    GTIN."""
    return (select(Packaging.gtin, *_ITEM_FACTS, joined.id)
            .select_from(Packaging).join(Item, Item.id == Packaging.item_id)
            .outerjoin(joined, and_(joined.item_id == Item.id, *on))
            .where(Packaging.gtin == bindparam("gtin")).order_by(joined.id))


def _range(query: TraceQuery) -> list[ColumnElement[bool]]:
    """The lot conditions of an expiry / production-date range."""
    found: list[ColumnElement[bool]] = []
    for column, low, high in ((Lot.expiry, query.expiry_from, query.expiry_to),
                              (Lot.production_date, query.produced_from, query.produced_to)):
        if low is not None:
            found.append(column >= low)
        if high is not None:
            found.append(column <= high)
    # A bare GTIN is not a trace: it needs a lot, a serial or a range.
    return found or [Lot.id.is_(None)]


_ITEM_FACTS = (Item.code, Item.name_zh, Item.name_en, Item.model, Item.manufacturer,
               Item.registration_no, Item.tracking, Item.risk_class, Item.implant)
_BY_LOT = _item_and(Lot, [Lot.lot_no == bindparam("lot")])
_BY_SERIAL = _item_and(SerialUnit, [SerialUnit.serial == bindparam("serial")])


def item_facts(row: Any) -> dict[str, Any]:
    """The item as the trace shows it, from a resolving row (GTIN, facts, id)."""
    code, *facts = row[1:1 + len(_ITEM_FACTS)]
    names = ("name_zh", "name_en", "model", "manufacturer", "registration_no", "tracking",
             "risk_class", "implant")
    return {"code": code, "gtin": row[0], **dict(zip(names, facts, strict=True))}


def _movement_query(where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The movements matching `where`, oldest first, as ids: no join, so the database
    plans a single index range (the join to eight tables it replaces took PostgreSQL
    longer to plan than a small lot takes to read)."""
    return (select(Movement.created_at, Movement.warehouse_id, Movement.seq, Movement.kind,
                   Movement.doc_type, Movement.doc_no, Movement.lot_id, Movement.serial_id,
                   Movement.from_location_id, Movement.to_location_id, Movement.from_status,
                   Movement.to_status, Movement.quantity, Movement.partner_id,
                   Movement.actor_id, Movement.reason, Movement.owner_id)
            .where(where).order_by(Movement.created_at, Movement.id))


def _names_query() -> CompoundSelect[*tuple[Any, ...]]:
    """(table, id, code, name, name_en, kind, parent code, name, name_en, expiry) of the
    warehouses, lots, serials, places, parties and users the movements name: one IN read.
    The places are an alias, as in a join, so a scoped reading does not drop them."""
    place, parent = aliased(Location), aliased(Partner)
    text_, date_ = null().cast(String), null().cast(Date)
    short = (text_,) * 6

    def of(tag: str, key: str, table: Any, code: Any, *rest: Any) -> Select[*tuple[Any, ...]]:
        return (select(literal_column(f"'{tag}'"), table.id, code, *rest)
                .where(table.id.in_(bindparam(key, expanding=True))))

    return union_all(
        of("W", "warehouses", Warehouse, Warehouse.code, *short, date_),
        of("L", "lots", Lot, Lot.lot_no, *short, Lot.expiry),
        of("S", "serials", SerialUnit, SerialUnit.serial, *short, date_),
        of("C", "places", place, place.code, *short, date_),
        of("U", "users", User, User.username, *short, date_),
        of("P", "partners", Partner, Partner.code, Partner.name, Partner.name_en,
           Partner.kind, parent.code, parent.name, parent.name_en, date_)
        .outerjoin(parent, parent.id == Partner.parent_id))


_NAMES = _names_query()
_NAMED = {"warehouses": (1,), "lots": (6,), "serials": (7,), "places": (8, 9),
          "users": (14,), "partners": (13,)}


def _names(session: Session, moves: Sequence[Any],
           stock: Sequence[Any]) -> dict[tuple[str, int], Any]:
    """(table letter, id) -> its names row, for every id the movement and stock rows name."""
    ids = {key: sorted({row[i] for row in moves for i in columns if row[i] is not None})
           for key, columns in _NAMED.items()}
    for key, column in (("lots", 5), ("serials", 6)):
        ids[key] = sorted(set(ids[key]) | {row[column] for row in stock
                                            if row[column] is not None})
    if not any(ids.values()):
        return {}
    return {(found[0], found[1]): found for found in session.execute(_NAMES, ids)}


def _line(row: Any, names: dict[tuple[str, int], Any]) -> MovementLine:
    """A movement row with codes and names instead of ids."""
    def code(tag: str, key: int | None) -> Any:
        return None if key is None else names[(tag, key)][2]

    lot = names.get(("L", row[6])) if row[6] is not None else None
    party = names.get(("P", row[13])) if row[13] is not None else None
    # None, as the outer join gave, for a movement that names no partner
    english: tuple[Any, Any] = (party[4], party[8]) if party else (None, None)
    return MovementLine(
        at=row[0], warehouse=code("W", row[1]), seq=row[2], kind=row[3], doc_type=row[4],
        doc_no=row[5], lot=lot[2] if lot else None, serial=code("S", row[7]),
        expiry=lot[9] if lot else None, from_location=code("C", row[8]),
        to_location=code("C", row[9]), from_status=row[10], to_status=row[11],
        quantity=row[12], partner=party[2] if party else None,
        partner_name=party[3] if party else None, partner_kind=party[5] if party else None,
        parent=party[6] if party else None, parent_name=party[7] if party else None,
        actor=code("U", row[14]), reason=row[15], owner_id=row[16],
        partner_name_en=english[0], parent_name_en=english[1])


def _stock_query(where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The balances matching `where`, by warehouse and location, with the codes of their
    place (joined: a scoped reading keeps to the places it sees); lot and serial as ids."""
    return (select(Warehouse.code, Location.code, Zone.code, Stock.status, Stock.quantity,
                   Stock.lot_id, Stock.serial_id, HandlingUnit.sscc)
            .join(Warehouse, Warehouse.id == Stock.warehouse_id)
            .join(Location, Location.id == Stock.location_id)
            .join(Zone, Zone.id == Location.zone_id)
            .outerjoin(HandlingUnit, HandlingUnit.id == Stock.hu_id)
            .where(where).order_by(Warehouse.code, Location.code, Stock.id))


def _stock_line(row: Any, names: dict[tuple[str, int], Any]) -> StockLine:
    """A stock row with the lot and serial named."""
    lot = names[("L", row[5])] if row[5] is not None else None
    serial = names[("S", row[6])][2] if row[6] is not None else None
    return StockLine(warehouse=row[0], location=row[1], zone=row[2], status=row[3],
                     quantity=row[4], lot=lot[2] if lot else None, serial=serial,
                     expiry=lot[9] if lot else None, handling_unit=row[7])


_LOTS: BindParameter[int] = bindparam("lot_ids", expanding=True)
_SERIAL: BindParameter[int] = bindparam("serial_id")
_MOVES = {"lot": _movement_query(Movement.lot_id.in_(_LOTS)),
          "serial": _movement_query(Movement.serial_id == _SERIAL)}
_STOCK = {"lot": _stock_query(Stock.lot_id.in_(_LOTS)),
          "serial": _stock_query(Stock.serial_id == _SERIAL)}


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


def _shipment_consignees(session: Session,
                         moves: tuple[MovementLine, ...]) -> dict[str, tuple[str, str]]:
    """shipment no → (consignee code, name) for SHIP movements that carry no partner."""
    missing = {m.doc_no for m in moves if m.kind == MovementKind.SHIP and m.partner is None}
    if not missing:
        return {}
    rows = session.execute(_CONSIGNEES, {"numbers": sorted(missing)})
    return {no: (code, name) for no, code, name in rows}


_CONSIGNEES = (select(Shipment.shipment_no, Partner.code, Partner.name)
               .join(Partner, Partner.id == Shipment.consignee_id)
               .where(Shipment.shipment_no.in_(bindparam("numbers", expanding=True))))


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
