"""Documents in one of the demo's warehouses, made with the services themselves, for the
scope table (tests/integration/auth/test_scope_writes.py): an order taken as far as a step of
picking, verification, packing or shipping (a transfer too), a receipt in quarantine or
released at the dock, a count plan started or counted, a cold-room excursion holding stock.

The demo's crew (every warehouse) does the steps, except where a step must be the acting
administrator's own (a verification or a count task is its starter's): `admin` then.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import uuid4

from sqlalchemy import select

from medwms.auth.rules import SYSTEM, Actor, Role
from medwms.coldchain import ingest
from medwms.coldchain.ingest import RawReading
from medwms.coldchain.tables import Breach, BreachLot, Sensor
from medwms.core.db import Database
from medwms.counting import counting, plans
from medwms.demo.catalogue import demo_password
from medwms.demo.choose import scan_of, unit_gtin
from medwms.demo.crew import crew
from medwms.ledger.tables import Lot, Status, Stock
from medwms.masterdata.tables import Item, Location, Warehouse, Zone
from medwms.orders import queries as order_queries
from medwms.orders.orders import LineIn, OrderIn, create_order
from medwms.orders.waves import create_wave
from medwms.picking.picks import pick_unit
from medwms.putaway import service as putaway
from medwms.quality import service as quality
from medwms.quality.rules import Checks, Finding
from medwms.receiving import service as receiving
from medwms.shipping.packing import add_shipping_unit, open_shipment, pack_scan
from medwms.shipping.rules import OUR_FLEET
from medwms.shipping.shipments import confirm_shipment
from medwms.verification import service as verification
from tests.support.demo import NOW, TODAY
from tests.support.handover import hand_over
from tests.support.users import PASSWORD

CUSTOMER = "CUS-RJH"  # a hospital that takes lots with 180 days of shelf life left
SUPPLIER = "SUP-SPH"
WAYBILL = "沪A·D1234 王师傅 driver Wang"
ACCEPTED = Finding(conclusion="ACCEPT", sample_size=1, checks=Checks(
    packaging_ok=True, label_ok=True, certificate_ok=True, temperature_ok=True,
    notes="外观完好 packaging intact"))
_numbers = itertools.count(1)


def scan_id() -> str:
    return f"scope-{uuid4().hex}"


# ---------------------------------------------------------------- outbound

STEPS = ("waved", "picked", "verifying", "rescanned", "verified", "opened", "packing", "packed",
         "shipped")


@dataclass(frozen=True)
class Outbound:
    """One unit of an ambient lot on its way out of `warehouse`, as far as a step went."""

    order_no: str
    wave_no: str
    location: str  # the pick location, as scanned ("#L:…")
    unit: str  # the unit, as scanned
    verification_no: str = ""
    shipment_no: str = ""
    sscc: str = ""


def _ambient_item(db: Database, warehouse: str) -> str:
    """An ambient, lot-tracked item stocked in `warehouse`'s storage with a long shelf life."""
    with db.reading() as s:
        return s.scalars(
            select(Item.code).join(Stock, Stock.item_id == Item.id)
            .join(Lot, Lot.id == Stock.lot_id)
            .join(Location, Location.id == Stock.location_id)
            .join(Zone, Zone.id == Location.zone_id)
            .join(Warehouse, Warehouse.id == Stock.warehouse_id)
            .where(Warehouse.code == warehouse, Zone.code == "STG", Item.tracking == "LOT",
                   Item.temp_max.is_(None) | (Item.temp_max >= 25),
                   Stock.status == Status.AVAILABLE, Stock.hu_id.is_(None),
                   Lot.expiry > TODAY + timedelta(days=200))  # CUSTOMER takes 180
            .order_by(Item.code).limit(1)).one()


def outbound(db: Database, warehouse: str, until: str, *, to_warehouse: str | None = None,
             verifier: Actor | None = None) -> Outbound:
    """An order of one unit from `warehouse` (a transfer to `to_warehouse`), taken through
    the steps up to `until` (one of STEPS); `verifier` starts its verification."""
    team = crew(db)
    steps = STEPS[:STEPS.index(until) + 1]
    item = _ambient_item(db, warehouse)
    order = create_order(db, actor=team.manager, order=OrderIn(
        warehouse=warehouse, order_no=f"OUT-SCOPE-{next(_numbers)}",
        kind="TRANSFER" if to_warehouse else "SALE", to_warehouse=to_warehouse,
        consignee=None if to_warehouse else CUSTOMER, lines=(LineIn(1, item=item),)))
    wave = create_wave(db, actor=team.manager, order_nos=[order.order_no])
    with db.reading() as s:
        [allocation] = order_queries.order_view(s, order.order_no).lines[0].allocations
        expiry = s.scalar(select(Lot.expiry).join(Item, Item.id == Lot.item_id).where(
            Item.code == item, Lot.lot_no == allocation.lot))
        unit = scan_of(unit_gtin(s, item), lot=allocation.lot, serial=None, expiry=expiry)
    done = Outbound(order.order_no, wave.wave_no, f"#L:{allocation.location}", unit)
    if "picked" in steps:
        pick_unit(db, actor=team.picker, wave_no=wave.wave_no, location_raw=done.location,
                  raw=unit, scan_id=scan_id())
    if "verifying" in steps:
        started = verification.start_verification(db, actor=verifier or team.verifier,
                                                  order_no=order.order_no)
        done = _with(done, verification_no=started.verification_no)
    if "rescanned" in steps:
        verification.scan_unit(db, actor=verifier or team.verifier,
                               verification_no=done.verification_no, raw=unit,
                               scan_id=scan_id())
    if "verified" in steps:
        verification.finish(db, actor=verifier or team.verifier,
                            verification_no=done.verification_no)
    if "opened" in steps:
        shipment_no = open_shipment(db, actor=team.shipper, order_no=order.order_no).shipment_no
        done = _with(done, shipment_no=shipment_no)
    if "packing" in steps:
        sscc = add_shipping_unit(db, actor=team.shipper, shipment_no=done.shipment_no).sscc
        done = _with(done, sscc=sscc)
    if "packed" in steps:
        pack_scan(db, actor=team.shipper, shipment_no=done.shipment_no, sscc=done.sscc, raw=unit)
    if "shipped" in steps:
        confirm_shipment(db, actor=team.shipper, shipment_no=done.shipment_no,
                         carrier=OUR_FLEET, waybill=WAYBILL)
    return done


def _with(done: Outbound, **changes: str) -> Outbound:
    return Outbound(**{**done.__dict__, **changes})


# ---------------------------------------------------------------- inbound


@dataclass(frozen=True)
class Inbound:
    """A new lot of one ambient item received at `warehouse`'s dock (in quarantine)."""

    receipt_no: str
    item: str
    lot: str
    unit: str  # one unit of it, as scanned
    inspection_no: str = ""


def inbound(db: Database, warehouse: str, until: str, *, inspector: Actor) -> Inbound:
    """Receive 2 units of a new lot without notice; with `until` "inspecting" the inspection
    is opened, with "released" `inspector` has accepted it (signed)."""
    team = crew(db)
    item, lot = _ambient_item(db, warehouse), f"SCOPE{next(_numbers)}"
    with db.reading() as s:
        gtin = unit_gtin(s, item)
    expiry = date(TODAY.year + 3, 6, 30)
    unit = scan_of(gtin, lot=lot, serial=None, expiry=expiry)
    receipt = receiving.open_receipt(db, actor=team.receiver, warehouse=warehouse,
                                     po_no=f"PO-SCOPE-{lot}", supplier=SUPPLIER)
    for _ in range(2):
        receiving.receive_scan(db, actor=team.receiver, receipt_no=receipt.receipt_no,
                               raw=unit, scan_id=scan_id())
    hand_over(db, receipt.receipt_no, actor=team.receiver,
              password=demo_password(Role.RECEIVER))
    receiving.close_receipt(db, actor=team.receiver, receipt_no=receipt.receipt_no)
    done = Inbound(receipt.receipt_no, item, lot, unit)
    if until in ("inspecting", "released"):
        opened = quality.open_inspection(db, actor=inspector, receipt_no=receipt.receipt_no,
                                         item=item, lot=lot)
        done = Inbound(receipt.receipt_no, item, lot, unit, opened.inspection_no)
    if until == "released":
        quality.conclude_inspection(db, actor=inspector, inspection_no=done.inspection_no,
                                    finding=ACCEPTED, password=PASSWORD)
    return done


def putaway_target(db: Database, unit: str) -> str:
    """Where putaway suggests the released unit goes, as scanned."""
    return "#L:" + putaway.suggest(db, actor=SYSTEM, raw=unit).suggested_location


# ---------------------------------------------------------------- counting


def count_plan(db: Database, warehouse: str, zone: str, *, counters: tuple[str, ...] = ()) -> str:
    """A count plan of one zone's locations, to be counted by one counter."""
    return plans.create_plan(db, actor=SYSTEM, warehouse=warehouse, kind="ZONES",
                             zones=(zone,), counters=counters,
                             deadline=TODAY + timedelta(days=3),
                             accept_one_counter=True).plan_no


def locations(db: Database, warehouse: str, zone: str) -> list[str]:
    with db.reading() as s:
        return list(s.scalars(select(Location.code).join(Zone, Zone.id == Location.zone_id)
                              .join(Warehouse, Warehouse.id == Zone.warehouse_id)
                              .where(Warehouse.code == warehouse, Zone.code == zone)
                              .order_by(Location.code)))


def counting_task(db: Database, warehouse: str, zone: str, counter: Actor) -> int:
    """A plan's first location, being counted by `counter`: the task's id."""
    plan_no = count_plan(db, warehouse, zone)
    first = locations(db, warehouse, zone)[0]
    return counting.start_location(db, actor=counter, plan_no=plan_no,
                                   location_raw=f"#L:{first}").task_id


def counted_plan(db: Database, warehouse: str, zone: str) -> str:
    """A plan whose every location the demo picker counted (empty: no variance)."""
    team = crew(db)
    plan_no = count_plan(db, warehouse, zone, counters=(team.picker.username,))
    for code in locations(db, warehouse, zone):
        task = counting.start_location(db, actor=team.picker, plan_no=plan_no,
                                       location_raw=f"#L:{code}")
        counting.close_location(db, actor=team.picker, task_id=task.task_id)
    return plan_no


def a_unit_in(db: Database, warehouse: str) -> str:
    """A scan of one unit of an ambient lot stocked in `warehouse`."""
    item = _ambient_item(db, warehouse)
    with db.reading() as s:
        lot_no, expiry = s.execute(
            select(Lot.lot_no, Lot.expiry).join(Stock, Stock.lot_id == Lot.id)
            .join(Item, Item.id == Lot.item_id).join(Warehouse, Warehouse.id == Stock.warehouse_id)
            .where(Item.code == item, Warehouse.code == warehouse)
            .order_by(Lot.expiry.desc()).limit(1)).one()
        return scan_of(unit_gtin(s, item), lot=lot_no, serial=None, expiry=expiry)


# ---------------------------------------------------------------- cold chain


@dataclass(frozen=True)
class Held:
    """A breach of a cold room's sensor, and one lot line it holds, undecided."""

    breach_no: str
    line_id: int


def warm_cold_room(db: Database, sensor: str) -> Held:
    """Twelve minutes at 9.5 °C after the demo's readings: the room's stock is held."""
    start = NOW + timedelta(minutes=1)
    readings = [RawReading(sensor, (start + timedelta(minutes=i)).isoformat(), t)
                for i, t in enumerate([5.0] + [9.5] * 12 + [5.0])]
    ingest.ingest(db, actor=SYSTEM, source="test", readings=readings,
                  now=start + timedelta(minutes=15))
    with db.reading() as s:
        breach_id, breach_no = s.execute(
            select(Breach.id, Breach.breach_no).join(Sensor, Sensor.id == Breach.sensor_id)
            .where(Sensor.code == sensor).order_by(Breach.id.desc()).limit(1)).one()
        line = s.scalars(select(BreachLot.id).where(BreachLot.breach_id == breach_id)
                         .order_by(BreachLot.id)).first()
    assert line is not None, "the excursion held no stock"
    return Held(breach_no, line)
