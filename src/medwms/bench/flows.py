"""The simulated life of lots, as documents: receive → inspect → put away → pick → ship,
with moves, counts and transfers between warehouses; implants move serial by serial.

Flows are generators of documents; the scheduler interleaves many of them, so one lot's
movements are spread through the ledger as they would be in a real warehouse.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from medwms.bench.ledgerload import Move
from medwms.ledger.tables import MovementKind as K
from medwms.ledger.tables import Status

A, Q = Status.AVAILABLE.value, Status.QUARANTINE.value


@dataclass(frozen=True)
class Site:
    warehouse_id: int
    dock_id: int
    staging_id: int
    bins: tuple[int, ...]


@dataclass(frozen=True)
class ItemRef:
    id: int
    implant: bool
    pack: int  # the box size a receipt counts in


@dataclass
class World:
    """The master data flows draw on, and the lot and serial rows they create."""

    owner_id: int
    sites: list[Site]
    items: list[ItemRef]
    suppliers: list[int]
    consignees: list[int]
    today: date
    next_lot: int
    next_serial: int
    lots: list[tuple[int, int, str, date, date]] = field(default_factory=list)
    serials: list[tuple[int, int, str, int]] = field(default_factory=list)

    def new_lot(self, rnd: random.Random, item: ItemRef) -> int:
        """A lot of `item` with an expiry spread from 3 months ago to 3.5 years ahead."""
        lot_id, self.next_lot = self.next_lot, self.next_lot + 1
        expiry = self.today + timedelta(days=rnd.randint(-90, 1280))
        self.lots.append((lot_id, item.id, f"L{lot_id:08d}", expiry,
                          expiry - timedelta(days=1095)))
        return lot_id

    def new_serial(self, item: ItemRef, lot_id: int) -> int:
        serial_id, self.next_serial = self.next_serial, self.next_serial + 1
        self.serials.append((serial_id, item.id, f"S{serial_id:010d}", lot_id))
        return serial_id


@dataclass(frozen=True)
class Of:
    """What every movement of one lot shares."""

    owner_id: int
    item_id: int
    lot_id: int

    def move(self, kind: str, quantity: int, **sides: Any) -> Move:
        return Move(kind, self.owner_id, self.item_id, quantity, lot_id=self.lot_id, **sides)


@dataclass(frozen=True)
class Doc:
    doc_type: str
    lines: list[Move]


def lot_flow(w: World, rnd: random.Random) -> Iterator[Doc]:
    """One lot received into one warehouse and shipped out in parts; some left in stock."""
    site, item = rnd.choice(w.sites), rnd.choice(w.items)
    if item.implant:
        yield from _implant_flow(w, rnd, site, item)
        return
    lot = w.new_lot(rnd, item)
    quantity = item.pack * rnd.randint(4, 40)
    base = Of(w.owner_id, item.id, lot)
    where, left = rnd.choice(site.bins), quantity
    yield from _inbound(w, rnd, site, base, quantity, where)
    for _ in range(rnd.randint(2, 9)):
        if left <= 1:
            return
        where, left = yield from _extras(w, rnd, site, base, where, left)
        take = min(left, item.pack * rnd.randint(1, 4))
        yield from _pick_and_ship(w, rnd, site, base, [(where, take)])
        left -= take


def _inbound(w: World, rnd: random.Random, site: Site, base: Of,
             quantity: int, shelf: int) -> Iterator[Doc]:
    supplier = rnd.choice(w.suppliers)
    yield Doc("RCV", [base.move(K.RECEIVE, quantity, to_location_id=site.dock_id,
                           to_status=Q, partner_id=supplier)])
    yield Doc("QC", [base.move(K.STATUS, quantity, from_location_id=site.dock_id,
                          from_status=Q, to_location_id=site.dock_id, to_status=A)])
    yield Doc("PUT", [base.move(K.PUTAWAY, quantity, from_location_id=site.dock_id,
                           from_status=A, to_location_id=shelf, to_status=A)])


def _extras(w: World, rnd: random.Random, site: Site, base: Of, where: int,
            left: int) -> Generator[Doc, None, tuple[int, int]]:
    """Sometimes a move to another bin, a count difference, or a transfer out and in."""
    draw = rnd.random()
    if draw < 0.08:
        target = rnd.choice(site.bins)
        if target != where:
            yield Doc("STOCK", [base.move(K.MOVE, left, from_location_id=where,
                                     from_status=A, to_location_id=target, to_status=A)])
            where = target
    elif draw < 0.12:
        up = rnd.random() < 0.4 or left < 3
        yield Doc("CNT", [base.move(K.COUNT, 1, reason="count difference",
                               **({"to_location_id": where, "to_status": A} if up else
                                  {"from_location_id": where, "from_status": A}))])
        left += 1 if up else -1
    elif draw < 0.15 and len(w.sites) > 1 and left > 2:
        yield from _transfer(w, rnd, site, base, where, left // 3)
        left -= left // 3
    return where, left


def _transfer(w: World, rnd: random.Random, site: Site, base: Of, where: int,
              quantity: int) -> Iterator[Doc]:
    other = rnd.choice([s for s in w.sites if s is not site])
    yield Doc("SHP", [base.move(K.TRANSFER_OUT, quantity, from_location_id=where,
                           from_status=A)])
    yield Doc("SHP", [base.move(K.TRANSFER_IN, quantity, to_location_id=rnd.choice(
        other.bins), to_status=A)])


def _pick_and_ship(w: World, rnd: random.Random, site: Site, base: Of,
                   takes: list[tuple[int, int]], serials: list[int] | None = None
                   ) -> Iterator[Doc]:
    consignee = rnd.choice(w.consignees)
    units = serials or [None] * len(takes)  # type: ignore[list-item]
    yield Doc("PICK", [base.move(K.PICK, q, from_location_id=loc, from_status=A,
                            to_location_id=site.staging_id, to_status=A, serial_id=s)
                       for (loc, q), s in zip(takes, units, strict=True)])
    yield Doc("SHP", [base.move(K.SHIP, q, from_location_id=site.staging_id,
                           from_status=A, partner_id=consignee, serial_id=s)
                      for (_, q), s in zip(takes, units, strict=True)])


def _implant_flow(w: World, rnd: random.Random, site: Site, item: ItemRef) -> Iterator[Doc]:
    """A lot of serialised implants: received unit by unit, shipped one or two at a time."""
    lot = w.new_lot(rnd, item)
    serials = [w.new_serial(item, lot) for _ in range(rnd.randint(3, 12))]
    base = Of(w.owner_id, item.id, lot)
    shelf = rnd.choice(site.bins)
    yield Doc("RCV", [base.move(K.RECEIVE, 1, serial_id=s, to_location_id=site.dock_id,
                           to_status=Q, partner_id=rnd.choice(w.suppliers))
                      for s in serials])
    yield Doc("QC", [base.move(K.STATUS, 1, serial_id=s, from_location_id=site.dock_id,
                          from_status=Q, to_location_id=site.dock_id, to_status=A)
                     for s in serials])
    yield Doc("PUT", [base.move(K.PUTAWAY, 1, serial_id=s, from_location_id=site.dock_id,
                           from_status=A, to_location_id=shelf, to_status=A)
                      for s in serials])
    shipped = serials[:int(len(serials) * 0.7)]
    for start in range(0, len(shipped), 2):
        part = shipped[start:start + 2]
        yield from _pick_and_ship(w, rnd, site, base, [(shelf, 1)] * len(part), part)
