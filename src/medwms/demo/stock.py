"""The demo's lots, serial units and opening stock, received through the ledger.

Expiries are spread: most lots 1-3 years out (bounded by the family's shelf life), about
one lot in seven within 30-90 days so the short-dated alerts have something to show.
The newest lot of every fifth item waits in quarantine; reagents stay in the cold room,
its quarantine shelf included. The last bins of every storage zone stay empty, so the
day's receipts (and a newcomer's first putaway) always have somewhere to go, whatever the
seed and the day.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from medwms.auth.rules import Actor
from medwms.core.reasons import Reason
from medwms.demo.catalogue import Family
from medwms.demo.sites import Site
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Lot, MovementKind, SerialUnit, Status
from medwms.masterdata.tables import Item, Location, Owner, Tracking

# storage bins left empty at the end of each storage zone: ambient, cold
KEPT_FREE = {False: 4, True: 2}
OPENING_STOCK = Reason("OPENING_STOCK", "demo opening stock", "演示期初库存")


@dataclass(frozen=True)
class Product:
    """A demo item with its family and catalogue position."""

    item: Item
    family: Family
    index: int


@dataclass(frozen=True)
class Batch:
    """One lot (or a set of lot-less serials) to put into one warehouse."""

    product: Product
    lot: Lot | None
    site: Site
    location: Location
    status: Status
    quantity: int


class StockBuilder:
    """Creates lots and serial units and the RECEIVE lines that bring them in."""

    def __init__(self, session: Session, rng: random.Random, today: date,
                 owner: Owner) -> None:
        self.session, self.rng, self.today, self.owner = session, rng, today, owner
        self.lines: dict[str, list[Line]] = {}
        self.lots = 0
        self.serials = 0
        self.placed: Counter[tuple[str, bool, bool]] = Counter()

    def add(self, product: Product, sites: list[Site]) -> None:
        """Plan this product's stock: its lots (or serials) spread over `sites`."""
        chosen = self._sites_for(product, sites)
        lot_count = self.rng.randint(1, 3)
        lots = self._lots(product, lot_count) if product.family.tracking != Tracking.SERIAL \
            else [None] * lot_count
        newest = len(lots) - 1
        for number, lot in enumerate(lots):
            site = chosen[number % len(chosen)]
            waiting = number == newest and product.index % 5 == 2
            self._place(product, lot, site, waiting)

    def post_all(self, *, actor: Actor, now: datetime) -> int:
        """Receive every planned line, one document per warehouse; the movements written."""
        self.session.flush()
        written = 0
        for warehouse, lines in sorted(self.lines.items()):
            posted = post(self.session, actor=actor, doc_type="RCV",
                          doc_no=f"RCV-DEMO-{warehouse}", lines=lines, now=now)
            written += posted.movements
        return written

    def _sites_for(self, product: Product, sites: list[Site]) -> list[Site]:
        if product.family.cold:
            return [s for s in sites if s.locations.get("CLD")]
        if product.index % 3 == 0:
            return sites[:1]
        return sites

    def _lots(self, product: Product, count: int) -> list[Lot]:
        family = product.family
        lots = []
        for number in range(count):
            expiry = self.today + timedelta(days=self._days_left(product, number))
            made = expiry - timedelta(days=family.shelf_days)
            lot = Lot(item_id=product.item.id, lot_no=f"{made:%y%m%d}{number + 1:02d}",
                      expiry=expiry, production_date=made)
            lots.append(lot)
        self.session.add_all(lots)
        self.session.flush()
        self.lots += len(lots)
        return sorted(lots, key=lambda lot: (lot.expiry, lot.lot_no))

    def _days_left(self, product: Product, number: int) -> int:
        if (product.index + number) % 7 == 3:
            return self.rng.randint(30, 90)
        shelf = product.family.shelf_days  # made a week or more before the opening receipt
        return self.rng.randint(min(365, shelf // 2), min(1095, shelf - 7))

    def _place(self, product: Product, lot: Lot | None, site: Site, waiting: bool) -> None:
        cold = product.family.cold
        bins = site.quarantine(cold) if waiting else site.storage(cold)[:-KEPT_FREE[cold]]
        turn = (site.warehouse.code, cold, waiting)  # each zone's bins filled in turn
        location = bins[self.placed[turn] % len(bins)]
        self.placed[turn] += 1
        status = Status.QUARANTINE if waiting else Status.AVAILABLE
        if product.family.tracking == Tracking.LOT:
            box = product.family.packs[1][1]
            quantity = box * self.rng.randint(2, 10)
            self._line(Batch(product, lot, site, location, status, quantity), None)
            return
        for _ in range(self.rng.randint(2, 5)):
            unit = self._serial(product, lot)
            self._line(Batch(product, lot, site, location, status, 1), unit)

    def _serial(self, product: Product, lot: Lot | None) -> SerialUnit:
        self.serials += 1
        serial = f"{product.family.code}{self.today:%y}{self.serials:06d}"
        unit = SerialUnit(item_id=product.item.id, serial=serial,
                          lot_id=lot.id if lot else None)
        self.session.add(unit)
        self.session.flush()
        return unit

    def _line(self, batch: Batch, unit: SerialUnit | None) -> None:
        line = Line(kind=MovementKind.RECEIVE, owner_id=self.owner.id,
                    item_id=batch.product.item.id, quantity=batch.quantity,
                    lot_id=batch.lot.id if batch.lot else None,
                    serial_id=unit.id if unit else None, to_location_id=batch.location.id,
                    to_status=batch.status, reason=OPENING_STOCK.text())
        self.lines.setdefault(batch.site.warehouse.code, []).append(line)
