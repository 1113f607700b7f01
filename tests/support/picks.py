"""Builders for picking and verification tests: a floor, stock posted through the ledger,
orders, a wave and OPEN allocations made directly as ORM rows (not through allocation).

`make_floor` gives storage bins A-01…A-03, a staging lane STAGE-1 in a SHIPPING zone, the
customer HOSP (min shelf life `min_days`), a lot item STENT (GTIN box of 1 and carton of 10)
and a serial item PACER.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, Movement, SerialUnit
from medwms.masterdata.tables import Item, Location, Owner, Packaging, Partner
from medwms.orders.tables import Allocation, OrderLine, OutboundOrder, Wave
from medwms.picking.tables import Pick
from medwms.verification.tables import Verification, VerificationLine
from tests.support.builders import NOW, gtin, make_item, make_lot, make_serial, qualified
from tests.support.putaway import Yard, add_location, add_zone, make_yard

STENT_GTIN = "0690000000011"
CARTON_GTIN = "0690000000042"
PACER_GTIN = "0690000000059"
OTHER_GTIN = "0690000000066"


@dataclass
class Floor:
    yard: Yard
    customer: Partner
    items: dict[str, Item] = field(default_factory=dict)
    lots: dict[str, Lot] = field(default_factory=dict)
    serials: dict[str, SerialUnit] = field(default_factory=dict)

    def loc(self, code: str) -> Location:
        return self.yard.loc(code)

    @property
    def owner(self) -> Owner:
        return self.yard.owner


def make_floor(s: Session, *, min_days: int = 0) -> Floor:
    yard = make_yard(s)
    add_location(s, yard, "AMB", "A-03", pick_seq=3, x=3)
    add_zone(s, yard, "SHIP", "SHIPPING")
    add_location(s, yard, "SHIP", "STAGE-1", x=0, y=5)
    add_location(s, yard, "SHIP", "STAGE-2", x=0, y=6)
    customer = Partner(code="HOSP", name="City Hospital", kind="CUSTOMER",
                       min_remaining_days=min_days, updated_at=NOW)
    s.add(customer)
    s.flush()
    floor = Floor(yard, customer)
    stent = make_item(s, "STENT", gtin_body=STENT_GTIN)
    s.add(Packaging(gtin=gtin(CARTON_GTIN), item_id=stent.id, level="carton", quantity=10))
    floor.items["STENT"] = stent
    floor.items["PACER"] = make_item(s, "PACER", tracking="LOT_SERIAL", gtin_body=PACER_GTIN)
    floor.items["OTHER"] = make_item(s, "OTHER", gtin_body=OTHER_GTIN)
    qualified(s)
    return floor


def lot(s: Session, floor: Floor, item: str, lot_no: str, expiry: date | None) -> Lot:
    found = make_lot(s, floor.items[item], lot_no, expiry)
    floor.lots[lot_no] = found
    return found


def stock(s: Session, floor: Floor, item: str, lot_no: str, quantity: int, location: str, *,
          status: str = "AVAILABLE", serial: str | None = None) -> None:
    """Receive straight into a bin with `status` (as receiving + quality + putaway would)."""
    serial_id = None
    if serial:
        floor.serials[serial] = make_serial(s, floor.items[item], serial, floor.lots[lot_no])
        serial_id = floor.serials[serial].id
    post(s, actor=SYSTEM, doc_type="RCV", doc_no="R1", now=NOW, lines=[Line(
        kind="RECEIVE", owner_id=floor.owner.id, item_id=floor.items[item].id,
        lot_id=floor.lots[lot_no].id, serial_id=serial_id, quantity=quantity,
        to_location_id=floor.loc(location).id, to_status=status)])


def wave(s: Session, floor: Floor, wave_no: str = "WAV-1",
         route: tuple[str, ...] = ("STAGE-1", "A-02", "A-01", "A-03", "STAGE-1"),
         staging: str = "STAGE-1") -> Wave:
    made = Wave(wave_no=wave_no, warehouse_id=floor.yard.warehouse.id, status="OPEN",
                staging_location_id=floor.loc(staging).id,
                route=json.dumps([f"WH1-{code}" for code in route]), created_at=NOW)
    s.add(made)
    s.flush()
    return made


def order(s: Session, floor: Floor, order_no: str, for_wave: Wave | None,
          delivery: date | None = date(2026, 12, 1), status: str = "ALLOCATED") -> OutboundOrder:
    made = OutboundOrder(order_no=order_no, warehouse_id=floor.yard.warehouse.id,
                         owner_id=floor.owner.id, consignee_id=floor.customer.id,
                         delivery_date=delivery, status=status,
                         wave_id=for_wave.id if for_wave else None, created_at=NOW)
    s.add(made)
    s.flush()
    return made


def order_line(s: Session, floor: Floor, of: OutboundOrder, line_no: int, item: str,
               quantity: int, *, lot_no: str | None = None) -> OrderLine:
    made = OrderLine(order_id=of.id, line_no=line_no, item_id=floor.items[item].id,
                     quantity=quantity, allocated_qty=quantity, lot_no=lot_no)
    s.add(made)
    s.flush()
    return made


def allocate(s: Session, floor: Floor, line: OrderLine, for_wave: Wave | None, lot_no: str,
             location: str, quantity: int, serial: str | None = None) -> Allocation:
    made = Allocation(order_line_id=line.id, wave_id=for_wave.id if for_wave else None,
                      owner_id=floor.owner.id, item_id=line.item_id,
                      lot_id=floor.lots[lot_no].id,
                      serial_id=floor.serials[serial].id if serial else None,
                      location_id=floor.loc(location).id, quantity=quantity, created_at=NOW)
    s.add(made)
    s.flush()
    return made


@dataclass
class Standard:
    """Wave WAV-1 / order SO-1: 5 STENT lot L1 at A-01 (line 1), PACER P1+P2 at A-02 (line 2).

    A-01 also holds STENT L0 (earlier expiry, free), L9 (later expiry) and L1 beyond the order;
    A-02 holds PACER serials P1, P2 and P3.
    """

    floor: Floor
    wave_no: str = "WAV-1"
    order_no: str = "SO-1"


def standard(db: Database, *, min_days: int = 0) -> Standard:
    with db.unit_of_work() as uow:
        s = uow.session
        floor = make_floor(s, min_days=min_days)
        lot(s, floor, "STENT", "L0", date(2027, 3, 31))
        lot(s, floor, "STENT", "L1", date(2028, 6, 30))
        lot(s, floor, "STENT", "L9", date(2029, 6, 30))
        lot(s, floor, "PACER", "PL1", date(2028, 1, 31))
        for lot_no, quantity in (("L0", 5), ("L1", 10), ("L9", 5)):
            stock(s, floor, "STENT", lot_no, quantity, "A-01")
        for serial in ("P1", "P2", "P3"):
            stock(s, floor, "PACER", "PL1", 1, "A-02", serial=serial)
        made = wave(s, floor)
        so = order(s, floor, "SO-1", made)
        allocate(s, floor, order_line(s, floor, so, 1, "STENT", 5), made, "L1", "A-01", 5)
        pacers = order_line(s, floor, so, 2, "PACER", 2)
        allocate(s, floor, pacers, made, "PL1", "A-02", 1, "P1")
        allocate(s, floor, pacers, made, "PL1", "A-02", 1, "P2")
        uow.commit()
    return Standard(floor)


def unit(body13: str, lot_no: str, serial: str | None = None,
         count: int | None = None) -> str:
    """A GS1 element string: ]d2, GTIN, (30) count, lot, then serial after GS."""
    text = f"]d201{gtin(body13)}"
    if count is not None:
        text += f"30{count}\x1d"
    text += f"10{lot_no}"
    return text + (f"\x1d21{serial}" if serial else "")


def at(code: str) -> str:
    return f"#L:WH1-{code}"


@dataclass(frozen=True)
class Counts:
    movements: int
    picks: int
    allocations: tuple[tuple[int, int | None, int, int, str], ...]
    lines: tuple[int, ...]
    verification_lines: int
    verifications: tuple[str, ...]


def counts(db: Database) -> Counts:
    """Everything a refused command must leave as it was."""
    with db.reading() as s:
        return Counts(
            movements=s.scalar(select(func.count()).select_from(Movement)) or 0,
            picks=s.scalar(select(func.count()).select_from(Pick)) or 0,
            allocations=tuple(tuple(r) for r in s.execute(select(
                Allocation.id, Allocation.lot_id, Allocation.quantity, Allocation.picked_qty,
                Allocation.status).order_by(Allocation.id))),
            lines=tuple(s.scalars(select(OrderLine.picked_qty).order_by(OrderLine.id))),
            verification_lines=s.scalar(select(func.count()).select_from(VerificationLine))
            or 0,
            verifications=tuple(s.scalars(select(Verification.status)
                                          .order_by(Verification.id))))


def order_status(db: Database, order_no: str = "SO-1") -> str:
    with db.reading() as s:
        return s.scalars(select(OutboundOrder.status)
                         .where(OutboundOrder.order_no == order_no)).one()
