"""The ledger's writer: `post()` is the only code that changes `stock`.

A post inserts its movement rows unsealed and waits on nothing but the stock rows it
changes: the sealer (`ledger.sealer`) chains and signs them a moment later.

The one lock order of medwms (every command keeps to it, so nothing deadlocks):
  1. the command's own document row (receipt, wave, pick task, count task …), FOR UPDATE;
  2. stock rows, FOR UPDATE, in `stock.key` order — here, in `_lock_stock`, or by a feature
     through `lock_stock_keys` before it calls `post()` (post then locks nothing new
     out of order: the keys it adds are new rows or sort with the rest);
  3. nothing else: chain heads belong to the sealer alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.orm import Session

from medwms.auth.rules import Actor
from medwms.core.clock import utc_now
from medwms.core.db import driver_time
from medwms.core.errors import InsufficientStock, NotFound
from medwms.ledger import rules
from medwms.ledger.chains import HASHED, chain_name
from medwms.ledger.errors import BadMovement, CrossWarehouseMovement, LocationBlocked
from medwms.ledger.rules import Line, StockKey
from medwms.ledger.tables import Movement, Status, Stock
from medwms.masterdata.scope import require_warehouses
from medwms.masterdata.tables import Location

STATUSES = frozenset(Status)
MOVEMENT = cast(Table, Movement.__table__)
STOCK = cast(Table, Stock.__table__)
CHUNK = 500

__all__ = ["HASHED", "Known", "Place", "Posted", "chain_name", "lock_stock_keys", "post"]


@dataclass(frozen=True)
class Place:
    """What a post checks of a location: its warehouse, code and whether it is blocked."""

    id: int
    warehouse_id: int
    code: str
    blocked: bool


@dataclass(frozen=True)
class Known:
    """What the caller already read in its unit of work, so `post()` need not read it again.

    `places`: locations as read in this unit of work. `locked`: stock keys whose rows the
    caller locked FOR UPDATE in key order (lock order step 2), a key without a row meaning
    it has none; `balances` holds the id and quantity of those that have one. A key the
    lines touch that is not in `locked` is locked by post as usual.
    """

    places: Mapping[int, Place] = field(default_factory=dict)
    locked: frozenset[StockKey] = frozenset()
    balances: Mapping[StockKey, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Posted:
    """What a post wrote: the number of (unsealed) movement rows."""

    movements: int


def post(session: Session, *, actor: Actor, doc_type: str, doc_no: str,
         lines: Sequence[Line], now: datetime | None = None,
         known: Known | None = None) -> Posted:
    """Post a whole document's lines in the caller's unit of work, or raise and write nothing.

    Every warehouse the lines touch must be in the actor's scope (WAREHOUSE_NOT_IN_SCOPE):
    the last check of every command that moves stock, whatever it checked before
    (`_require_scope`).

    Round trips do not grow with the number of lines: locations and stock rows are read
    in a few set queries, and rows are written with executemany batches. A document that
    only adds units without serials (a receipt) cannot run short: its balances are upserted
    in key order without being read first. `known`: locations and locked balances the caller
    read already (a pick reads them with its decision), not read again.
    """
    _check_lines(lines)
    known = known or Known()
    now = (now or utc_now()).astimezone(UTC)
    warehouse_of = _warehouses(session, lines, known.places)
    _require_scope(session, actor, lines, warehouse_of)
    change = rules.deltas(lines)
    if rules.only_adds_loose_units(change):
        _upsert_stock(session, change, warehouse_of, now)
    else:
        rows = _known_rows(known, change)
        rows.update(_lock_stock(session, {k: v for k, v in change.items()
                                          if k not in known.locked}))
        balances = {key: row["quantity"] for key, row in rows.items()}
        _refuse_shortfall(session, balances, change)
        _write_stock(session, rows, change, warehouse_of, now)
    movements = _movement_rows(lines, warehouse_of, actor, doc_type,
                               doc_no, _stored(session, now), _stored(session, utc_now()))
    _executemany(session, _insert_sql("movement", MOVEMENT_COLUMNS), movements)
    return Posted(len(movements))


def _require_scope(session: Session, actor: Actor, lines: Sequence[Line],
                   warehouse_of: dict[int, int]) -> None:
    """Every warehouse the lines touch must be in the actor's scope, but for the sending
    warehouse's transit location: units IN_TRANSIT are taken out of it by the transfer's
    receiving end (received, or written off as lost), the warehouse its service checked."""
    touched = {warehouse_of[location] for line in lines
               if line.from_status != Status.IN_TRANSIT
               for location in (line.from_location_id, line.to_location_id)
               if location is not None}
    require_warehouses(session, actor, *sorted(touched))


def _check_lines(lines: Sequence[Line]) -> None:
    if not lines:
        raise BadMovement("a document needs at least one line", line=0)
    for number, line in enumerate(lines, start=1):
        problems = rules.line_problems(number, line, STATUSES)
        if problems:
            raise BadMovement(problems, line=number)


# Built once: every post runs them with parameters (building one cost more than running it).
PLACES = select(Location.id, Location.warehouse_id, Location.code, Location.blocked).where(
    Location.id.in_(bindparam("ids", expanding=True)))
LOCKING_STOCK = (select(Stock.id, Stock.key, Stock.quantity)
                 .where(Stock.key.in_(bindparam("keys", expanding=True)))
                 .order_by(Stock.key).with_for_update())


def _known_rows(known: Known, change: dict[StockKey, int]) -> dict[StockKey, dict[str, Any]]:
    """The balances of `change` the caller locked already, as `_lock_stock` returns them."""
    return {key: {"id": known.balances[key][0], "quantity": known.balances[key][1]}
            for key in change if key in known.locked and key in known.balances}


def _warehouses(session: Session, lines: Sequence[Line],
                places: Mapping[int, Place]) -> dict[int, int]:
    """location id → warehouse id; refuses unknown, blocked targets and cross-site lines."""
    wanted = rules.touched_locations(lines)
    found: dict[int, Any] = {loc: places[loc] for loc in wanted if loc in places}
    unread = wanted - found.keys()
    if unread:
        found.update({row.id: row for row in session.execute(PLACES, {"ids": sorted(unread)})})
    missing = wanted - found.keys()
    if missing:
        raise NotFound(what="location", key=min(missing))
    for number, line in enumerate(lines, start=1):
        if line.to_location_id is not None and found[line.to_location_id].blocked \
                and line.to_location_id != line.from_location_id:
            raise LocationBlocked(location=found[line.to_location_id].code, line=number)
        sides = {found[loc].warehouse_id for loc in (line.from_location_id, line.to_location_id)
                 if loc is not None}
        if len(sides) > 1:
            source, target = (found[line.from_location_id or 0].code,
                              found[line.to_location_id or 0].code)
            raise CrossWarehouseMovement(line=number, source=source, target=target)
    return {loc: row.warehouse_id for loc, row in found.items()}


def lock_stock_keys(session: Session, keys: Iterable[StockKey]) -> dict[StockKey, int]:
    """Lock the existing balances of `keys` FOR UPDATE in key order; their quantities.

    For a command that must read balances under lock before it decides (lock order step 2).
    """
    return {key: row["quantity"] for key, row in _lock_stock(session, dict.fromkeys(keys, 0))
            .items()}


def _lock_stock(session: Session, change: dict[StockKey, int]) -> dict[StockKey, dict[str, Any]]:
    """The existing balances of the keys, locked FOR UPDATE in key order."""
    by_text = {key.text: key for key in change}
    rows: dict[StockKey, dict[str, Any]] = {}
    texts = sorted(by_text)
    for start in range(0, len(texts), CHUNK):
        for row in session.execute(LOCKING_STOCK, {"keys": texts[start:start + CHUNK]}):
            rows[by_text[row.key]] = {"id": row.id, "quantity": row.quantity}
    return rows


def _refuse_shortfall(session: Session, balances: dict[StockKey, int],
                      change: dict[StockKey, int]) -> None:
    short = rules.first_shortfall(balances, change)
    if short is not None:
        key, have, need = short
        names = _names(session, key)
        raise InsufficientStock(available=have, requested=need, item=names[0],
                                location=names[1], stock_status=key.status)
    double = rules.serial_overflow(balances, change)
    if double is not None:
        raise BadMovement("this serial is already in stock there", line=0,
                          serial_id=double.serial_id)


def _names(session: Session, key: StockKey) -> tuple[str, str]:
    from medwms.masterdata.tables import Item

    item = session.get(Item, key.item_id)
    location = session.get(Location, key.location_id)
    return (item.code if item else str(key.item_id),
            location.code if location else str(key.location_id))


def _write_stock(session: Session, rows: dict[StockKey, dict[str, Any]],
                 change: dict[StockKey, int], warehouse_of: dict[int, int],
                 now: datetime) -> None:
    stamp = _stored(session, now)
    updates, inserts, empties = [], [], []
    for key, delta in change.items():
        if delta == 0:
            continue
        if key in rows:
            quantity = rows[key]["quantity"] + delta
            if quantity == 0:
                empties.append(rows[key]["id"])
            else:
                updates.append((quantity, stamp, rows[key]["id"]))
        else:
            inserts.append((key.text, _stock_row(key, delta, warehouse_of, stamp)))
    if updates:
        _executemany(session, "UPDATE stock SET quantity = {0}, updated_at = {0} "
                              "WHERE id = {0}", updates)
    for start in range(0, len(empties), CHUNK):
        session.execute(delete(Stock).where(Stock.id.in_(empties[start:start + CHUNK])))
    if inserts:  # a key no row held when we locked: another command may be adding it too
        _executemany(session, UPSERT_STOCK, [row for _, row in sorted(inserts)])


def _upsert_stock(session: Session, change: dict[StockKey, int], warehouse_of: dict[int, int],
                  now: datetime) -> None:
    """Add to the balances in key order (the lock order), creating the missing ones."""
    stamp = _stored(session, now)
    rows = [_stock_row(key, delta, warehouse_of, stamp)
            for key, delta in sorted(change.items(), key=lambda kv: kv[0].text)]
    _executemany(session, UPSERT_STOCK, rows)


def _stock_row(key: StockKey, quantity: int, warehouse_of: dict[int, int],
               stamp: Any) -> tuple[Any, ...]:
    return (key.text, warehouse_of[key.location_id], key.owner_id, key.item_id, key.lot_id,
            key.serial_id, key.location_id, str(key.status), key.hu_id, quantity, stamp)


# Bulk writes go straight to the driver (one executemany, values prepared once): the
# per-row parameter processing of a compiled statement cost more than the database did.
STOCK_COLUMNS = ("key", "warehouse_id", "owner_id", "item_id", "lot_id", "serial_id",
                 "location_id", "status", "hu_id", "quantity", "updated_at")
MOVEMENT_COLUMNS = (*HASHED, "recorded_at")


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['{0}'] * len(columns))})")


# New balances are upserted: two commands may each find no row for a key (nothing to lock)
# and both add to it, say two picks of one lot to a shared staging lane; the second waits
# for the first's row and adds to it instead of failing on the unique key.
UPSERT_STOCK = (_insert_sql("stock", STOCK_COLUMNS) + " ON CONFLICT (key) DO UPDATE "
                "SET quantity = stock.quantity + excluded.quantity, "
                "updated_at = excluded.updated_at")


def _executemany(session: Session, template: str, rows: list[tuple[Any, ...]]) -> None:
    connection = session.connection()
    marker = "?" if connection.dialect.name == "sqlite" else "%s"
    connection.exec_driver_sql(template.format(marker), rows)


def _stored(session: Session, moment: datetime) -> Any:
    return driver_time(session.get_bind().dialect.name, moment)


def _text(value: str | None) -> str | None:
    return None if value is None else str(value)


def _movement_rows(lines: Iterable[Line], warehouse_of: dict[int, int], actor: Actor,
                   doc_type: str, doc_no: str, now: Any,
                   recorded: Any) -> list[tuple[Any, ...]]:
    """The movement rows (MOVEMENT_COLUMNS), unsealed: `seq` and the hashes come later."""
    return [(
        warehouse_of[line.from_location_id or line.to_location_id or 0], None, str(line.kind),
        doc_type, doc_no, line.owner_id, line.item_id, line.lot_id, line.serial_id,
        line.from_location_id, line.to_location_id, _text(line.from_status),
        _text(line.to_status), line.from_hu_id, line.to_hu_id, line.quantity, line.partner_id,
        actor.user_id, line.reason, now, recorded,
    ) for line in lines]
