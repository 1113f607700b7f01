"""Expiry control (效期管理): the job that locks expired stock, and the move of expired stock
into the nonconforming (red) area.

`lock_expired` finds the balances past their expiry day (in each warehouse's time zone, by
`core.clock.is_expired` through `stock_rules.must_lock`), locks them FOR UPDATE in key order
(the ledger's lock order: no document row of its own comes first) and posts STATUS movements
to EXPIRED with the reason. Run twice, the second run finds nothing left to lock and posts
nothing. A pick that scans a unit the same moment waits on the row lock and then sees it
EXPIRED (and refuses it), or the job waits for the pick and locks what is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from medwms.auth.audit import record_audit
from medwms.auth.guard import out_of_sight, require
from medwms.auth.rules import Actor, Perm
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.ids import new_doc_no
from medwms.ledger.rules import Line, StockKey, by_text
from medwms.ledger.service import lock_stock_keys, post
from medwms.ledger.tables import Lot, SerialUnit, Stock
from medwms.masterdata.tables import Item, Location, Warehouse
from medwms.quality import stock_facts, stock_rules
from medwms.quality.stock_errors import NotExpiredStock, NotRedLocation
from medwms.quality.stock_rules import LOCKED_BY_EXPIRY, MOVED_TO_RED, Balance

DOC_TYPE = "EXPIRY"


@dataclass(frozen=True)
class LockedUnits:
    """One balance the job locked: where, what, how many, from which status."""

    warehouse: str
    item: str
    lot: str
    serial: str
    location: str
    from_status: str
    quantity: int
    expiry: date | None


@dataclass(frozen=True)
class LockRun:
    """What one run of the expiry job did (doc_no empty when it locked nothing)."""

    doc_no: str
    locked: list[LockedUnits] = field(default_factory=list)

    @property
    def quantity(self) -> int:
        return sum(unit.quantity for unit in self.locked)


def lock_expired(db: Database, *, actor: Actor, now: datetime | None = None) -> LockRun:
    """Move every unit past its expiry day to EXPIRED through the ledger (idempotent)."""
    require(actor, Perm.STOCK_STATUS)
    moment = (now or utc_now()).astimezone(UTC)
    with db.unit_of_work() as uow:
        s = uow.session
        found = stock_facts.balances(s, stock_facts.expiry_candidates(
            moment.date(), LOCKED_BY_EXPIRY))
        found = [b for b in found if stock_rules.must_lock(b, moment)
                 and not out_of_sight(actor, _warehouse_of(s, b))]
        if not found:
            return LockRun("")
        current = _relocked(s, found)
        lines = stock_rules.expiry_lines(current, moment)
        if not lines:
            return LockRun("")
        doc_no = new_doc_no("EXP", moment)
        post(s, actor=actor, doc_type=DOC_TYPE, doc_no=doc_no, lines=lines, now=moment)
        locked = [_described(s, line) for line in lines]
        record_audit(s, actor=actor, action="expiry.lock", entity="expiry_run",
                     entity_key=doc_no, after={"balances": len(lines),
                                               "quantity": sum(ln.quantity for ln in lines)},
                     reason="expiry day over")
        uow.commit()
    return LockRun(doc_no, locked)


def _warehouse_of(s: Session, balance: Balance) -> int:
    return s.get_one(Location, balance.location_id).warehouse_id


def _relocked(s: Session, found: list[Balance]) -> list[Balance]:
    """The balances again, their rows and their EXPIRED targets locked in key order, with
    the quantities they hold under the lock (a pick may have taken some meanwhile)."""
    sources = {b.stock_id: _key(b, b.status) for b in found}
    keys = set(sources.values()) | {_key(b, "EXPIRED") for b in found}
    quantities = lock_stock_keys(s, sorted(keys, key=by_text))
    return [replace(b, quantity=quantities.get(sources[b.stock_id], 0)) for b in found]


def _key(b: Balance, status: str) -> StockKey:
    return StockKey(b.owner_id, b.item_id, b.lot_id, b.serial_id, b.location_id, status,
                    b.hu_id)


def _described(s: Session, line: Line) -> LockedUnits:
    location = s.get_one(Location, line.from_location_id)
    lot = s.get(Lot, line.lot_id) if line.lot_id else None
    serial = s.get(SerialUnit, line.serial_id) if line.serial_id else None
    return LockedUnits(warehouse=s.get_one(Warehouse, location.warehouse_id).code,
                       item=s.get_one(Item, line.item_id).code,
                       lot=lot.lot_no if lot else "", serial=serial.serial if serial else "",
                       location=location.code, from_status=str(line.from_status),
                       quantity=line.quantity, expiry=lot.expiry if lot else None)


def move_to_nonconforming(db: Database, *, actor: Actor, stock_id: int,
                          to_location: str) -> str:
    """Move one EXPIRED balance whole into a red-zone location; the movement's doc number."""
    require(actor, Perm.STOCK_MOVE)
    with db.unit_of_work() as uow:
        s = uow.session
        found = stock_facts.locked_balances(s, Stock.id == stock_id)
        if not found or out_of_sight(actor, _warehouse_of(s, found[0])):
            raise NotExpiredStock(stock_id=stock_id, stock_status="—")
        balance = found[0]
        if balance.status != "EXPIRED":
            raise NotExpiredStock(stock_id=stock_id, stock_status=balance.status)
        target = _red_target(s, balance, to_location)
        doc_no = new_doc_no("NCM", utc_now())
        post(s, actor=actor, doc_type=DOC_TYPE, doc_no=doc_no,
             lines=stock_rules.move_lines(balance, target.id, MOVED_TO_RED.text()))
        record_audit(s, actor=actor, action="expiry.move_to_red", entity="stock",
                     entity_key=str(stock_id), after={"to_location": target.code,
                                                      "quantity": balance.quantity})
        uow.commit()
    return doc_no


def _red_target(s: Session, balance: Balance, code: str) -> Location:
    """The red-zone location `code` in the balance's warehouse, or NOT_RED_LOCATION."""
    source = s.get_one(Location, balance.location_id)
    target = stock_facts.location_by_code(s, code)
    warehouse = s.get_one(Warehouse, source.warehouse_id).code
    if target is None or target.warehouse_id != source.warehouse_id \
            or not stock_facts.is_red(s, target):
        raise NotRedLocation(location=code.strip() or "—", warehouse=warehouse)
    return target
