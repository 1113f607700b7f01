"""Set-based reads of the stock an allocation may take: the FEFO prefix, read without locks.

One query (per widening expiry horizon: see _prefix_rounds) reads, for each (item, owner) the
orders ask for, only the AVAILABLE balances in
usable storage (a STORAGE zone, not blocked, not expired, shelf life enough for the least
demanding order) that FEFO reaches first: whole expiry dates, earliest first, until their
units cover the demand plus what is already reserved of the item — then EXTRA_ROWS balances
more, so an explanation still shows the next lots as not needed. A second query reads the
balances that could not be taken (other status, zone, owner; blocked; expired; short-dated)
that expire no later than that prefix, so an explanation names them; lots and serials that a
line requires are read whole. An item can be read `complete` (every balance) when the prefix
was not enough. Nothing is locked here: the allocator locks the rows it takes, then checks
that they are as read. The rows are reached through the lot expiry index, never by scanning
every balance of the items (200,000 of them cost ~0.4 s to scan on SQLite, more when stale
PostgreSQL statistics pick a poor plan).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, func, literal, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from medwms.ledger.tables import Lot, SerialUnit, Stock
from medwms.masterdata.tables import Location, Owner, Zone
from medwms.orders.rules import ALLOCATABLE, STORAGE_KIND, Candidate, Place
from medwms.orders.tables import Allocation, AllocationStatus

EXTRA_ROWS = 3
FIRST_SPAN, SPAN_GROWTH, MAX_SPAN = timedelta(days=31), 8, timedelta(days=3650)
NO_EXPIRY = date.max
FEFO = func.coalesce(Lot.expiry, literal(NO_EXPIRY, Date))


@dataclass(frozen=True)
class Demand:
    """What the orders of one warehouse ask for, and the most lenient expiry they accept."""

    warehouse_id: int
    units: Mapping[tuple[int, int], int]  # (item, owner) → units asked without a lot/serial
    first_usable: date  # the earliest expiry some order may still take
    lots: frozenset[tuple[int, str]] = frozenset()  # (item, lot no) a line requires
    serials: frozenset[tuple[int, str]] = frozenset()  # (item, serial) a line requires

    @property
    def items(self) -> set[int]:
        return {item for item, _ in self.units}

    @property
    def owners(self) -> set[int]:
        return {owner for _, owner in self.units}


@dataclass(frozen=True)
class Row:
    """The stock row behind a takeable candidate, for locking and re-checking it."""

    stock_id: int
    key: str
    quantity: int


@dataclass
class Stockpile:
    """The candidates read for one warehouse, by item, with what is free of each place."""

    warehouse_id: int
    by_item: dict[int, list[Candidate]] = field(default_factory=dict)
    required: dict[int, list[Candidate]] = field(default_factory=dict)
    free: dict[Place, int] = field(default_factory=dict)
    reserved: dict[Place, int] = field(default_factory=dict)
    rows: dict[Place, Row] = field(default_factory=dict)
    truncated: set[int] = field(default_factory=set)  # items with usable stock not read
    beyond: set[Place] = field(default_factory=set)  # read past the dates FEFO needs

    def for_line(self, item_id: int, restricted: bool) -> list[Candidate]:
        """The candidates of a line: a line naming a lot or serial also sees those read whole."""
        found = self.by_item.get(item_id, [])
        return [*found, *self.required.get(item_id, [])] if restricted else found


def read(s: Session, demand: Demand, *, complete: Collection[int] = ()) -> Stockpile:
    """The FEFO prefix of every item asked for (all of the `complete` items), unlocked."""
    pile = Stockpile(demand.warehouse_id,
                     reserved=reserved_by_place(s, demand.warehouse_id, demand.items))
    reserved: dict[tuple[int, int], int] = defaultdict(int)
    for place, units in pile.reserved.items():
        reserved[place.item_id, place.owner_id] += units
    wanted = {key: units + reserved[key] for key, units in demand.units.items()}
    found: dict[int, list[tuple[bool, str, Candidate]]] = defaultdict(list)
    cut: dict[int, date] = {}
    for row, truncated in _prefix_rounds(s, demand, wanted, set(complete)):
        candidate = _candidate(pile, row)
        found[row.item_id].append((False, row.key, candidate))
        if row.beyond:
            pile.beyond.add(candidate.place)
        if truncated:
            pile.truncated.add(row.item_id)
        cut[row.item_id] = max(cut.get(row.item_id, date.min), row.fefo)
    for query in _unusable(demand, {item: cut[item] for item in pile.truncated}):
        for row in s.execute(query):
            if row.item_id not in pile.truncated or row.fefo <= cut[row.item_id]:
                found[row.item_id].append((row.status != ALLOCATABLE, row.key,
                                           _candidate(pile, row)))
    for item, rows in found.items():  # the order explanations list them in: by stock key
        pile.by_item[item] = [candidate for *_, candidate in sorted(rows, key=_first_two)]
    _read_required(s, demand, pile)
    return pile


def _prefix_rounds(s: Session, demand: Demand, wanted: dict[tuple[int, int], int],
                   complete: set[int]) -> Iterator[tuple[Any, bool]]:
    """The prefix rows, read through an expiry horizon that widens for the items it missed.

    A round reads only balances expiring before the horizon (the lot expiry index finds them,
    not a scan of every balance); an (item, owner) whose rows there cover what it wants is
    done — its dates before the horizon are whole — the others are read again further out,
    the last time without a horizon. Rows come with whether more usable stock may be unread.
    """
    pending = dict(wanted)
    span: timedelta | None = FIRST_SPAN
    start = s.scalar(_earliest(demand)) or demand.first_usable
    while pending:
        horizon = start + span if span is not None else None
        asked = {key: units for key, units in pending.items()
                 if horizon is None or key[0] not in complete}
        rows: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for row in s.execute(_prefix(demand, asked, complete, horizon)) if asked else ():
            rows[row.item_id, row.owner_id].append(row)
        for key, units in asked.items():
            got = rows.get(key, [])
            if horizon is None or (got and got[0].total >= units):
                yield from ((row, horizon is not None or row.truncated) for row in got)
                del pending[key]
        span = span * SPAN_GROWTH if span is not None and span < MAX_SPAN else None


def _earliest(demand: Demand) -> Any:
    """The first expiry on or after the first usable day among the items' lots: the horizon
    counts from there. Lots only, the expiry index walked up to the first match (`+ 0` keeps
    SQLite off the (item, lot no) index, which reads every lot of the items); a lot with no
    stock here only makes the first round read less, never wrongly."""
    return (select(Lot.expiry).where(Lot.expiry >= demand.first_usable,
                                     (Lot.item_id + 0).in_(demand.items))
            .order_by(Lot.expiry).limit(1))


def _first_two(row: tuple[bool, str, Candidate]) -> tuple[bool, str]:
    return row[0], row[1]


def _usable(demand: Demand, horizon: date | None = None) -> ColumnElement[bool]:
    usable = and_(Stock.status == ALLOCATABLE, Zone.kind == STORAGE_KIND,
                  Location.blocked.is_(False), Stock.owner_id.in_(demand.owners),
                  or_(Lot.expiry.is_(None), Lot.expiry >= demand.first_usable))
    if horizon is None:
        return usable
    return and_(usable, Stock.lot_id.in_(_lots(Lot.expiry >= demand.first_usable,
                                               Lot.expiry < horizon)))


def _lots(*within: ColumnElement[bool]) -> Any:
    """The lots expiring `within` a range: the expiry index finds them (any item: the stock
    side keeps the items), and the balances are reached through their lot rather than by
    scanning every balance of the items."""
    return select(Lot.id).where(*within)


def usable_rows(demand: Demand) -> Any:
    """The ids of every usable balance of the items asked for (to lock them all)."""
    return _scope(demand).where(_usable(demand))


def _scope(demand: Demand, items: Collection[int] | None = None) -> Any:
    return (select(Stock.id).join(Location, Location.id == Stock.location_id)
            .join(Zone, Zone.id == Location.zone_id)
            .outerjoin(Lot, Lot.id == Stock.lot_id)
            .where(Stock.warehouse_id == demand.warehouse_id,
                   Stock.item_id.in_(demand.items if items is None else items)))


def _prefix(demand: Demand, wanted: Mapping[tuple[int, int], int], complete: Collection[int],
            horizon: date | None) -> Any:
    """The usable rows FEFO reaches first: whole expiry dates covering `wanted`, then a few."""
    part = (Stock.item_id, Stock.owner_id)
    ranked = (_scope(demand, {item for item, _ in wanted})
              .add_columns(Stock.item_id, Stock.owner_id, FEFO.label("fefo"),
                           func.sum(Stock.quantity).over(partition_by=part).label("total"),
                           (func.sum(Stock.quantity).over(partition_by=part, order_by=FEFO)
                            - func.sum(Stock.quantity).over(partition_by=(*part, FEFO)))
                           .label("before"),
                           func.row_number().over(partition_by=part, order_by=(FEFO, Stock.id))
                           .label("n"))
              .where(_usable(demand, horizon)).subquery())
    asked = case(*((and_(ranked.c.item_id == item, ranked.c.owner_id == owner), units)
                   for (item, owner), units in wanted.items()), else_=0)
    needed = or_(ranked.c.before < asked, ranked.c.item_id.in_(list(complete)))
    window = (ranked.c.item_id, ranked.c.owner_id)
    marked = select(ranked, needed.label("needed"),
                    func.max(case((needed, ranked.c.n), else_=0)).over(partition_by=window)
                    .label("last_needed"),
                    func.max(ranked.c.n).over(partition_by=window).label("last")).subquery()
    keep = marked.c.n <= marked.c.last_needed + EXTRA_ROWS
    return _joined(select(*DETAIL, marked.c.fefo, marked.c.total,
                          not_(marked.c.needed).label("beyond"),
                          (marked.c.last > marked.c.last_needed).label("truncated"))
                   .select_from(marked).join(Stock, Stock.id == marked.c.id)).where(keep)


DETAIL = (Stock.id, Stock.key, Stock.owner_id, Stock.item_id, Stock.lot_id, Stock.serial_id,
          Stock.location_id, Stock.hu_id, Stock.status, Stock.quantity, Lot.lot_no, Lot.expiry,
          SerialUnit.serial, Location.code.label("location"), Location.blocked,
          Zone.kind.label("zone"), Owner.code.label("owner"))


def _joined(query: Any) -> Any:
    """`query` (from stock) joined with what a candidate shows: lot, serial, location, owner."""
    return (query.join(Location, Location.id == Stock.location_id)
            .join(Zone, Zone.id == Location.zone_id)
            .join(Owner, Owner.id == Stock.owner_id)
            .outerjoin(Lot, Lot.id == Stock.lot_id)
            .outerjoin(SerialUnit, SerialUnit.id == Stock.serial_id))


def _unusable(demand: Demand, cut: Mapping[int, date]) -> list[Any]:
    """The balances of the items that no order here may take, that FEFO would pass before the
    last date read: every one for an item read whole, up to its cut for the others."""
    queries = []
    whole = demand.items - set(cut)
    for items, upto in ((whole, None), (set(cut), max(cut.values(), default=None))):
        if items:
            query = _joined(select(*DETAIL, FEFO.label("fefo")).select_from(Stock)).where(
                Stock.warehouse_id == demand.warehouse_id, Stock.item_id.in_(items),
                not_(_usable(demand)))
            queries.append(query if upto is None else
                           query.where(Stock.lot_id.in_(_lots(Lot.expiry <= upto))))
    return queries


def _read_required(s: Session, demand: Demand, pile: Stockpile) -> None:
    """Every balance of the lots and serials a line requires, unless already read."""
    if not demand.lots and not demand.serials:
        return
    known = {(c.place, c.status) for cs in pile.by_item.values() for c in cs}
    wanted = or_(Lot.lot_no.in_({lot for _, lot in demand.lots}),
                 SerialUnit.serial.in_({serial for _, serial in demand.serials}))
    items = {item for item, _ in demand.lots | demand.serials}
    for row in s.execute(_joined(select(*DETAIL).select_from(Stock)).where(
            Stock.warehouse_id == demand.warehouse_id, Stock.item_id.in_(items), wanted)):
        asked = (row.item_id, row.lot_no) in demand.lots or \
            (row.item_id, row.serial) in demand.serials
        if asked and (_place(row), row.status) not in known:
            pile.required.setdefault(row.item_id, []).append(_candidate(pile, row))


def _place(row: Any) -> Place:
    return Place(row.owner_id, row.item_id, row.lot_id, row.serial_id, row.location_id,
                 row.hu_id)


def _candidate(pile: Stockpile, row: Any) -> Candidate:
    place = _place(row)
    free = 0
    if row.status == ALLOCATABLE:
        free = row.quantity - pile.reserved.get(place, 0)
        pile.free[place] = free
        pile.rows[place] = Row(row.id, row.key, row.quantity)
    return Candidate(place=place, status=row.status, quantity=row.quantity, free=free,
                     expiry=row.expiry, location=row.location, zone_kind=row.zone,
                     lot_no=row.lot_no, serial=row.serial, owner=row.owner,
                     blocked=row.blocked)


def reserved_by_place(s: Session, warehouse_id: int, items: Collection[int], *,
                      locations: Collection[int] | None = None) -> dict[Place, int]:
    """Units of each stock place still reserved by OPEN allocations (quantity − picked)."""
    key = (Allocation.owner_id, Allocation.item_id, Allocation.lot_id, Allocation.serial_id,
           Allocation.location_id, Allocation.hu_id)
    query = (select(*key, func.sum(Allocation.quantity - Allocation.picked_qty))
             .join(Location, Location.id == Allocation.location_id)
             .where(Allocation.status == AllocationStatus.OPEN, Allocation.item_id.in_(items),
                    Location.warehouse_id == warehouse_id)
             .group_by(*key))
    if locations is not None:
        query = query.where(Allocation.location_id.in_(locations))
    return {Place(*row[:6]): int(row[6] or 0) for row in s.execute(query)}
