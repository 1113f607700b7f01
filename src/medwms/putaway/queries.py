"""Read-only putaway questions: candidate locations with their contents, and the worklist."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from medwms.ledger.tables import COLOURS, Lot, Stock
from medwms.masterdata.tables import Item, Location, Owner, Warehouse, Zone, ZoneKind
from medwms.putaway import rules
from medwms.putaway.rules import Candidate, Goods, NoFit, Suggestion, TempRange

TARGET_KINDS = (ZoneKind.STORAGE.value, ZoneKind.REJECTED.value)
FREE_PAGE = 50  # free locations read at a time, nearest first


def item_range(item: Item) -> TempRange:
    """The item's storage temperature range."""
    return TempRange(_decimal(item.temp_min), _decimal(item.temp_max))


def zone_range(zone: Zone) -> TempRange:
    """The zone's temperature range."""
    return TempRange(_decimal(zone.temp_min), _decimal(zone.temp_max))


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def candidates(session: Session, warehouse_id: int) -> list[Candidate]:
    """Every storage and red-zone location of the warehouse, with what it holds (two queries)."""
    return _candidates(session, Location.warehouse_id == warehouse_id,
                       Zone.kind.in_(TARGET_KINDS))


def suggestion(session: Session, goods: Goods, warehouse_id: int) -> Suggestion | NoFit:
    """`rules.suggest` over the warehouse, without reading every location of it.

    A confirm asks this on every scan, so its cost must not grow with the warehouse: first
    the locations that already hold the lot (consolidate), then free locations that could
    take the goods, nearest first (the order of `rules.suggest`), a page at a time. The
    rules still decide each candidate. Only when nothing fits is every candidate read, to
    say why none did.
    """
    site = (Location.warehouse_id == warehouse_id, Zone.kind.in_(TARGET_KINDS))
    lot = Stock.lot_id.is_(None) if goods.lot_id is None else Stock.lot_id == goods.lot_id
    holding = _candidates(session, *site, Location.id.in_(
        select(Stock.location_id).where(Stock.item_id == goods.item_id, lot)))
    choice = rules.suggest(goods, holding)
    if isinstance(choice, Suggestion):
        return choice
    for page in _free_pages(session, goods, warehouse_id):
        choice = rules.suggest(goods, page)
        if isinstance(choice, Suggestion):
            return choice
    return rules.suggest(goods, candidates(session, warehouse_id))


def _free_pages(session: Session, goods: Goods, warehouse_id: int
                ) -> Iterator[list[Candidate]]:
    """Empty, open locations of the zone kind the goods need, whose zone range and capacity
    could take them, nearest first, FREE_PAGE at a time."""
    kind = rules.RED if goods.status == rules.REJECTED else rules.STORAGE
    fits = [Location.warehouse_id == warehouse_id, Zone.kind == kind,
            Location.blocked.is_(False),
            or_(Location.capacity.is_(None), Location.capacity >= goods.quantity),
            ~exists().where(Stock.location_id == Location.id, Stock.quantity != 0)]
    if goods.item_range.low is not None:
        fits.append(func.coalesce(Zone.temp_min, rules.AMBIENT_LOW) >= goods.item_range.low)
    if goods.item_range.high is not None:
        fits.append(func.coalesce(Zone.temp_max, rules.AMBIENT_HIGH) <= goods.item_range.high)
    nearness = (Location.pick_seq, Location.x * Location.x + Location.y * Location.y,
                Location.code)
    offset = 0
    while True:
        rows = session.execute(select(Location, Zone).join(Zone, Zone.id == Location.zone_id)
                               .where(*fits).order_by(*nearness)
                               .limit(FREE_PAGE).offset(offset)).all()
        if not rows:
            return
        yield [_candidate(location, zone, 0, frozenset()) for location, zone in rows]
        offset += FREE_PAGE


def candidate(session: Session, location_id: int) -> Candidate:
    """One location (of any zone kind) as a candidate, with what it holds."""
    return _candidates(session, Location.id == location_id)[0]


def _candidates(session: Session, *where: ColumnElement[bool]) -> list[Candidate]:
    places = session.execute(select(Location, Zone).join(Zone, Zone.id == Location.zone_id)
                             .where(*where).order_by(Location.id)).all()
    contents = _contents(session, [location.id for location, _ in places])
    return [_candidate(location, zone, *contents.get(location.id, (0, frozenset())))
            for location, zone in places]


def _contents(session: Session, location_ids: list[int]
              ) -> dict[int, tuple[int, frozenset[tuple[int, int | None]]]]:
    units: dict[int, int] = defaultdict(int)
    lots: dict[int, set[tuple[int, int | None]]] = defaultdict(set)
    query = (select(Stock.location_id, Stock.item_id, Stock.lot_id, func.sum(Stock.quantity))
             .where(Stock.location_id.in_(location_ids))
             .group_by(Stock.location_id, Stock.item_id, Stock.lot_id))
    for location_id, item_id, lot_id, quantity in session.execute(query):
        units[location_id] += int(quantity)
        lots[location_id].add((item_id, lot_id))
    return {loc: (units[loc], frozenset(lots[loc])) for loc in units}


def _candidate(location: Location, zone: Zone, units: int,
               lots: frozenset[tuple[int, int | None]]) -> Candidate:
    return Candidate(location_id=location.id, code=location.code, zone_code=zone.code,
                     zone_kind=zone.kind, zone_range=zone_range(zone),
                     capacity=location.capacity, blocked=location.blocked,
                     pick_seq=location.pick_seq, x=Decimal(str(location.x)),
                     y=Decimal(str(location.y)), units=units, lots=lots)


def at_docks() -> ColumnElement[bool]:
    """Stock whose location is in a RECEIVING-kind zone."""
    return Stock.location_id.in_(select(Location.id).join(Zone, Zone.id == Location.zone_id)
                                 .where(Zone.kind == ZoneKind.RECEIVING.value))


@dataclass(frozen=True)
class Task:
    """One lot waiting at a dock in one status, with the suggested location (or why none)."""

    warehouse: str
    from_location: str
    owner: str
    item: str
    item_name: str
    lot: str | None
    expiry: date | None
    status: str
    colour: str
    quantity: int
    suggested_location: str | None
    reason: str
    why_en: str
    why_zh: str


def tasks(session: Session, *, warehouse: str | None = None) -> list[Task]:
    """Released and rejected stock still at receiving docks, with suggestions, oldest lot first."""
    query = (select(Stock.warehouse_id, Warehouse.code, Location.code, Owner.code, Item,
                    Lot.lot_no, Lot.expiry, Stock.lot_id, Stock.status, func.sum(Stock.quantity))
             .join(Warehouse, Warehouse.id == Stock.warehouse_id)
             .join(Location, Location.id == Stock.location_id)
             .join(Owner, Owner.id == Stock.owner_id)
             .join(Item, Item.id == Stock.item_id)
             .outerjoin(Lot, Lot.id == Stock.lot_id)
             .where(at_docks(), Stock.status.in_(rules.PUTAWAY_STATUSES))
             .group_by(Stock.warehouse_id, Warehouse.id, Location.id, Owner.id, Item.id,
                       Lot.id, Stock.lot_id, Stock.status)
             .order_by(Warehouse.code, Location.code, Item.code, Lot.lot_no, Stock.status))
    if warehouse:
        query = query.where(Warehouse.code == warehouse.upper())
    places: dict[int, list[Candidate]] = {}
    found = []
    for row in session.execute(query):
        if row[0] not in places:
            places[row[0]] = candidates(session, row[0])
        found.append(_task(row, places[row[0]]))
    return found


def _task(row: Any, places: list[Candidate]) -> Task:
    _, warehouse, dock, owner, item, lot_no, expiry, lot_id, status, quantity = row
    goods = Goods(item_id=item.id, lot_id=lot_id, item_range=item_range(item), status=status,
                  quantity=int(quantity))
    choice = rules.suggest(goods, places)
    common = dict(warehouse=warehouse, from_location=dock, owner=owner, item=item.code,
                  item_name=item.name_zh, lot=lot_no, expiry=expiry, status=status,
                  colour=COLOURS[status], quantity=int(quantity))
    if isinstance(choice, NoFit):
        return Task(**common, suggested_location=None, reason="NO_LOCATION_FITS",
                    why_en=f"no location fits: {choice.why_in('en')}",
                    why_zh=f"没有合适的库位：{choice.why_in('zh-CN')}")
    return Task(**common, suggested_location=choice.code, reason=choice.reason,
                why_en=choice.why_en, why_zh=choice.why_zh)
