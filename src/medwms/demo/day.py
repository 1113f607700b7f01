"""Today in the demo: a notice waiting at the dock, orders to pick, a count plan to start.

The notice (ASN-DEMO-SH1) brings ambient, serialised and cold-chain goods from a qualified
supplier, with new lots and serials; its cold line asks for the arrival temperature. Two
sales orders to licensed hospitals, one of them cold chain, are allocated into a wave for
the picking station; a third waits for someone to allocate it. The count plan covers
BJ1's quarantine cage and names two counters, so a variance can go to a recount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.core.db import Database
from medwms.counting.plans import create_plan
from medwms.counting.tables import CountPlan
from medwms.demo.choose import Stocked, best_stocked
from medwms.demo.crew import Crew
from medwms.demo.numbers import COUNTERS, NOTICE, OPEN_ORDER, WAVE_ORDERS
from medwms.masterdata.tables import Item, Packaging
from medwms.orders.orders import LineIn, OrderIn, create_orders
from medwms.orders.tables import OutboundOrder
from medwms.orders.waves import create_wave
from medwms.receiving.notices import NoticeLineIn, create_notice
from medwms.receiving.tables import AdvanceNotice

SUPPLIER, SITE = "SUP-SPH", "SH1"
COUNT_SITE, COUNT_ZONE = "BJ1", "QA"
COLD_FAMILIES = ("CTN", "HBS", "ALT", "GLU")


@dataclass(frozen=True)
class Arriving:
    """A notice line to be: the item, which packaging level it names, how it is identified."""

    item: str
    packs: int
    level: int  # 0: the base unit, 1: the first pack above it
    made_days_ago: int
    serials: int = 0
    lot: bool = True


ARRIVING = (
    Arriving("WG-SYR-103", packs=2, level=1, made_days_ago=20),     # 2 boxes of 5 ml syringes
    Arriving("MP-DES-103", packs=3, level=0, made_days_ago=35, serials=3),  # 3 stents
    Arriving("MR-CTN-101", packs=2, level=1, made_days_ago=10),     # 2 cases, 2-8 °C
    Arriving("LP-ASD-106", packs=2, level=0, made_days_ago=60, serials=2, lot=False),
)


def post_notice(db: Database, *, crew: Crew, now: datetime, today: date) -> bool:
    """The supplier's advance notice for today, waiting to be received at SH1."""
    with db.reading() as s:
        if s.scalar(select(AdvanceNotice.id).where(AdvanceNotice.notice_no == NOTICE)):
            return False
        lines = [_notice_line(s, arriving, today) for arriving in ARRIVING]
    create_notice(db, actor=crew.receiver, supplier=SUPPLIER, warehouse=SITE, lines=lines,
                  notice_no=NOTICE, po_no="PO-DEMO-SH1", expected_on=today, now=now)
    return True


def _notice_line(s: Session, arriving: Arriving, today: date) -> NoticeLineIn:
    item = s.scalars(select(Item).where(Item.code == arriving.item)).one()
    packs = s.execute(select(Packaging.gtin, Packaging.quantity).where(
        Packaging.item_id == item.id).order_by(Packaging.quantity)).all()
    gtin, per_pack = packs[arriving.level]
    made = today - timedelta(days=arriving.made_days_ago)
    family = arriving.item.split("-")[1]
    serials = tuple(f"{family}{today:%y}A{n:04d}" for n in range(1, arriving.serials + 1))
    return NoticeLineIn(gtin=gtin, quantity=arriving.packs * per_pack,
                        lot=f"{made:%y%m%d}A1" if arriving.lot else None,
                        expiry=made + timedelta(days=item.shelf_life_days or 730),
                        production_date=made, serials=serials)


def plan_orders(db: Database, *, crew: Crew, now: datetime, today: date) -> bool:
    """Three sales orders from SH1; the first two allocated into a wave for the picking station."""
    with db.reading() as s:
        if s.scalar(select(OutboundOrder.id).where(OutboundOrder.order_no == OPEN_ORDER)):
            return False
        orders = _orders(s, today)
    create_orders(db, actor=crew.manager, orders=orders, now=now)
    create_wave(db, actor=crew.manager, order_nos=list(WAVE_ORDERS), now=now)
    return True


def _orders(s: Session, today: date) -> list[OrderIn]:
    def best(families: tuple[str, ...], min_days: int, packs: int = 1,
             units: bool = False) -> Stocked:
        return best_stocked(s, warehouse=SITE, families=families, min_days=min_days,
                            today=today, packs=packs, units=units)

    syringes, stent = best(("SYR",), 180), best(("DES",), 180, units=True)
    reagent, masks = best(COLD_FAMILIES, 180), best(("MSK", "SWB"), 180)
    catheters, sutures = best(("IVC",), 120, packs=2), best(("SUT", "GC"), 120)
    return [
        _sale(WAVE_ORDERS[0], "CUS-RJH", LineIn(1, gtin=syringes.pack_gtin),
              LineIn(1, item=stent.item)),
        _sale(WAVE_ORDERS[1], "CUS-ZSH", LineIn(1, gtin=reagent.pack_gtin),
              LineIn(1, gtin=masks.pack_gtin)),
        _sale(OPEN_ORDER, "CUS-XHH", LineIn(2, gtin=catheters.pack_gtin),
              LineIn(1, gtin=sutures.pack_gtin)),
    ]


def _sale(number: str, customer: str, *lines: LineIn) -> OrderIn:
    return OrderIn(warehouse=SITE, consignee=customer, order_no=number,
                   reference=f"{customer.removeprefix('CUS-')}-PO-DEMO", lines=lines)


def plan_count(db: Database, *, crew: Crew, today: date) -> bool:
    """A count of BJ1's quarantine cage by two counters, due in three days."""
    with db.reading() as s:
        if s.scalar(select(CountPlan.id).limit(1)):
            return False
    create_plan(db, actor=crew.manager, warehouse=COUNT_SITE, kind="ZONES", zones=(COUNT_ZONE,),
                counters=COUNTERS, deadline=today + timedelta(days=3))
    return True
