"""Commands on another warehouse's documents and stock, table-driven, on the demo.

Each row names a command and the warehouse its document or stock is in. An administrator whose
scope is the *other* warehouse is refused — with the document's own not-found error when the
command names a document, with WAREHOUSE_NOT_IN_SCOPE when it names the warehouse or its
stock — and nothing at all is written (every table's row count, the stock balances, the
orders' and plans' statuses are the same afterwards). An administrator of the document's own
warehouse then does the same command, and it works.

A row whose command needs a document the demo does not hold (a wave to pick, a verification,
a packed shipment, a transfer in transit, an inspection, a count task, an excursion holding
stock) makes it first, with the services, in `given` (tests/support/scope_documents.py),
before the snapshot is taken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from medwms.auth import service
from medwms.auth.rules import SYSTEM, Actor
from medwms.coldchain import disposition, ingest
from medwms.coldchain.ingest import RawReading
from medwms.coldchain.tables import BreachLot, Reading
from medwms.core.db import Base, Database
from medwms.core.errors import DomainError, EveryWarehouseNeeded
from medwms.counting import approval, counting, plans, running
from medwms.counting.tables import CountPlan, CountTask
from medwms.demo import DemoSummary, load_demo
from medwms.ledger.commands import MoveRequest, post_stock_document
from medwms.ledger.tables import Lot, Status, Stock
from medwms.masterdata import service as masterdata
from medwms.masterdata.tables import Item, Location, Owner, Warehouse, Zone
from medwms.orders import allocation, orders
from medwms.orders.tables import OutboundOrder, Wave
from medwms.picking.picks import pick_unit
from medwms.putaway import service as putaway
from medwms.quality import service as quality
from medwms.quality.tables import Inspection
from medwms.receiving import service as receiving
from medwms.receiving.tables import Receipt
from medwms.shipping import returns
from medwms.shipping.packing import add_shipping_unit, open_shipment, pack_scan
from medwms.shipping.rules import OUR_FLEET
from medwms.shipping.shipments import confirm_shipment
from medwms.shipping.tables import Shipment
from medwms.shipping.transfers import close_transfer_receipt, receive_transfer_scan
from medwms.verification import service as verification
from medwms.verification.tables import Verification
from tests.support import scope_documents as made
from tests.support.databases import empty_all_tables
from tests.support.demo import NOW
from tests.support.users import PASSWORD, actor_of, make_user

SH1, BJ1 = "SH1", "BJ1"


@dataclass(frozen=True)
class Demo:
    db: Database
    summary: DemoSummary
    actors: dict[str, Actor]  # warehouse code -> an administrator scoped to it
    moves: dict[str, MoveRequest]  # warehouse code -> a move of available stock within it


def _a_move(s: Any, code: str) -> MoveRequest:
    """One available unit of a lot moved to another storage bin of the same warehouse."""
    warehouse = s.scalar(select(Warehouse.id).where(Warehouse.code == code))
    item, lot, source = s.execute(
        select(Item.code, Lot.lot_no, Location.code)
        .join(Stock, Stock.item_id == Item.id).join(Lot, Lot.id == Stock.lot_id)
        .join(Location, Location.id == Stock.location_id)
        .where(Stock.warehouse_id == warehouse, Stock.status == Status.AVAILABLE,
               Stock.serial_id.is_(None), Stock.hu_id.is_(None), Stock.quantity > 0)
        .order_by(Stock.id).limit(1)).one()
    target = s.scalar(select(Location.code).join(Zone, Zone.id == Location.zone_id)
                      .where(Location.warehouse_id == warehouse, Zone.kind == "STORAGE",
                             Location.code != source, Location.blocked.is_(False))
                      .order_by(Location.code).limit(1))
    return MoveRequest(kind="MOVE", item=item, quantity=1, lot=lot, from_location=source,
                       to_location=target, from_status=Status.AVAILABLE,
                       to_status=Status.AVAILABLE)


@pytest.fixture(scope="module")
def demo(database: Database) -> Iterator[Demo]:
    summary = load_demo(database, actor=SYSTEM, now=NOW)
    actors = {}
    for code in (SH1, BJ1):
        user = make_user(database, f"admin-{code.lower()}", "admin")
        service.set_warehouses(database, actor=SYSTEM, username=user.username, warehouses=[code])
        actors[code] = actor_of(user, database)
    with database.reading() as s:
        moves = {code: _a_move(s, code) for code in (SH1, BJ1)}
    yield Demo(database, summary, actors, moves)
    empty_all_tables(database)


def snapshot(db: Database) -> dict[str, Any]:
    """Every table's row count, the stock balances, every document's status."""
    with db.reading() as s:
        out: dict[str, Any] = {table.name: s.scalar(select(func.count()).select_from(table))
                               for table in Base.metadata.sorted_tables}
        out["stock"] = sorted(s.execute(select(Stock.location_id, Stock.item_id, Stock.lot_id,
                                               Stock.serial_id, Stock.status, Stock.quantity)))
        out["orders"] = sorted(s.execute(select(OutboundOrder.order_no, OutboundOrder.status)))
        out["plans"] = sorted(s.execute(select(CountPlan.plan_no, CountPlan.status)))
        out["tasks"] = sorted(s.execute(select(CountTask.id, CountTask.status)))
        out["waves"] = sorted(s.execute(select(Wave.wave_no, Wave.status)))
        out["verifications"] = sorted(s.execute(select(Verification.verification_no,
                                                       Verification.status)))
        out["shipments"] = sorted(s.execute(select(Shipment.shipment_no, Shipment.status)))
        out["receipts"] = sorted(s.execute(select(Receipt.receipt_no, Receipt.status)))
        out["inspections"] = sorted(s.execute(select(Inspection.inspection_no,
                                                     Inspection.status)))
        out["held lots"] = sorted(s.execute(select(BreachLot.id, BreachLot.disposition)))
    return out


@dataclass(frozen=True)
class Case:
    name: str
    warehouse: str  # where the document or the stock is
    refusal: str  # the code the other warehouse's user gets
    command: Callable[[Demo, Actor, Any], object]  # (demo, actor, what `given` made)
    given: Callable[[Demo], Any] = lambda d: None  # made with the services before the check
    status: int = 404  # of a refusal that is not WAREHOUSE_NOT_IN_SCOPE: an unknown number's

    def __str__(self) -> str:
        return self.name


def _other(code: str) -> str:
    return BJ1 if code == SH1 else SH1


CASES = [
    Case("open a receipt against the notice", SH1, "NOTICE_NOT_FOUND",
         lambda d, a, _: receiving.open_receipt(d.db, actor=a,
                                                notice_no=d.summary.documents.notice)),
    Case("allocate the open order", SH1, "ORDER_NOT_FOUND",
         lambda d, a, _: allocation.allocate_order(d.db, actor=a,
                                                   order_no=d.summary.documents.open_order)),
    Case("cancel an order of the wave", SH1, "ORDER_NOT_FOUND",
         lambda d, a, _: orders.cancel_order(d.db, actor=a,
                                             order_no=d.summary.documents.wave_orders[1],
                                             reason="customer changed their mind")),
    Case("open a count plan in the warehouse", SH1, "WAREHOUSE_NOT_IN_SCOPE",
         lambda d, a, _: plans.create_plan(d.db, actor=a, warehouse=SH1, kind="FULL",
                                           deadline=NOW.date() + timedelta(days=3),
                                           accept_one_counter=True)),
    Case("cancel the count plan", BJ1, "NOT_FOUND",
         lambda d, a, _: running.cancel_plan(d.db, actor=a, plan_no=d.summary.documents.count_plan,
                                             reason="counted next month instead")),
    Case("open a return against the shipment", BJ1, "SHIPMENT_NOT_FOUND",
         lambda d, a, _: returns.open_return(d.db, actor=a,
                                             shipment_no=d.summary.documents.shipment,
                                             reason="wrong size")),
    Case("move stock between two bins", SH1, "WAREHOUSE_NOT_IN_SCOPE",
         lambda d, a, _: post_stock_document(d.db, actor=a, lines=[d.moves[SH1]])),
    Case("move stock between two bins", BJ1, "WAREHOUSE_NOT_IN_SCOPE",
         lambda d, a, _: post_stock_document(d.db, actor=a, lines=[d.moves[BJ1]])),
    Case("put away a released unit", SH1, "WAREHOUSE_NOT_IN_SCOPE",
         lambda d, a, got: putaway.confirm(d.db, actor=a, raw=got.unit,
                                           location_raw=made.putaway_target(d.db, got.unit)),
         lambda d: made.inbound(d.db, SH1, "released", inspector=d.actors[SH1])),
    Case("record the inspection of a received lot", SH1, "NOT_IN_QUARANTINE",
         lambda d, a, got: quality.open_inspection(d.db, actor=a, receipt_no=got.receipt_no,
                                                   item=got.item, lot=got.lot),
         lambda d: made.inbound(d.db, SH1, "received", inspector=d.actors[SH1]),
         status=409),  # an unknown receipt number holds no units in quarantine either
    Case("release the inspected lot", SH1, "INSPECTION_NOT_FOUND",
         lambda d, a, got: quality.conclude_inspection(
             d.db, actor=a, inspection_no=got.inspection_no, finding=made.ACCEPTED,
             password=PASSWORD),
         lambda d: made.inbound(d.db, SH1, "inspecting", inspector=d.actors[SH1])),
    Case("pick a unit of the wave", SH1, "WAVE_NOT_FOUND",
         lambda d, a, got: pick_unit(d.db, actor=a, wave_no=got.wave_no,
                                     location_raw=got.location, raw=got.unit,
                                     scan_id=made.scan_id()),
         lambda d: made.outbound(d.db, SH1, "waved")),
    Case("scan a unit of the verification", SH1, "VERIFICATION_NOT_FOUND",
         lambda d, a, got: verification.scan_unit(d.db, actor=a,
                                                  verification_no=got.verification_no,
                                                  raw=got.unit, scan_id=made.scan_id()),
         lambda d: made.outbound(d.db, SH1, "verifying", verifier=d.actors[SH1])),
    Case("start verifying the picked order", SH1, "ORDER_NOT_FOUND",
         lambda d, a, got: verification.start_verification(d.db, actor=a,
                                                           order_no=got.order_no),
         lambda d: made.outbound(d.db, SH1, "picked")),
    Case("finish the verification", SH1, "VERIFICATION_NOT_FOUND",
         lambda d, a, got: verification.finish(d.db, actor=a,
                                               verification_no=got.verification_no),
         lambda d: made.outbound(d.db, SH1, "rescanned", verifier=d.actors[SH1])),
    Case("open the shipment of the verified order", SH1, "ORDER_NOT_FOUND",
         lambda d, a, got: open_shipment(d.db, actor=a, order_no=got.order_no),
         lambda d: made.outbound(d.db, SH1, "verified")),
    Case("add a shipping unit to the shipment", SH1, "SHIPMENT_NOT_FOUND",
         lambda d, a, got: add_shipping_unit(d.db, actor=a, shipment_no=got.shipment_no),
         lambda d: made.outbound(d.db, SH1, "opened")),
    Case("pack a unit into the shipping unit", SH1, "SHIPMENT_NOT_FOUND",
         lambda d, a, got: pack_scan(d.db, actor=a, shipment_no=got.shipment_no,
                                     sscc=got.sscc, raw=got.unit),
         lambda d: made.outbound(d.db, SH1, "packing")),
    Case("confirm the packed shipment", SH1, "SHIPMENT_NOT_FOUND",
         lambda d, a, got: confirm_shipment(d.db, actor=a, shipment_no=got.shipment_no,
                                            carrier=OUR_FLEET, waybill=made.WAYBILL),
         lambda d: made.outbound(d.db, SH1, "packed")),
    Case("confirm the packed transfer at its sending end", SH1, "WAREHOUSE_NOT_IN_SCOPE",
         lambda d, a, got: confirm_shipment(d.db, actor=a, shipment_no=got.shipment_no,
                                            carrier=OUR_FLEET, waybill=made.WAYBILL),
         lambda d: made.outbound(d.db, SH1, "packed", to_warehouse=BJ1)),
    Case("receive a unit of the transfer at its receiving end", BJ1, "WAREHOUSE_NOT_IN_SCOPE",
         lambda d, a, got: receive_transfer_scan(d.db, actor=a, shipment_no=got.shipment_no,
                                                 raw=got.unit),
         lambda d: made.outbound(d.db, SH1, "shipped", to_warehouse=BJ1)),
    Case("close the transfer's receipt at its receiving end", BJ1, "WAREHOUSE_NOT_IN_SCOPE",
         lambda d, a, got: close_transfer_receipt(d.db, actor=a, shipment_no=got.shipment_no),
         lambda d: made.outbound(d.db, SH1, "shipped", to_warehouse=BJ1)),
    Case("start counting a location of the plan", BJ1, "NOT_FOUND",
         lambda d, a, plan_no: counting.start_location(
             d.db, actor=a, plan_no=plan_no,
             location_raw="#L:" + made.locations(d.db, BJ1, "SHP")[0]),
         lambda d: made.count_plan(d.db, BJ1, "SHP")),
    Case("count a unit at the location", BJ1, "NOT_FOUND",
         lambda d, a, task_id: counting.scan_unit(d.db, actor=a, task_id=task_id,
                                                  raw=made.a_unit_in(d.db, BJ1),
                                                  scan_id=made.scan_id()),
         lambda d: made.counting_task(d.db, BJ1, "REJ", counter=d.actors[BJ1])),
    Case("close the counted location", BJ1, "NOT_FOUND",
         lambda d, a, task_id: counting.close_location(d.db, actor=a, task_id=task_id),
         lambda d: made.counting_task(d.db, BJ1, "QA", counter=d.actors[BJ1])),
    Case("approve the counted plan", BJ1, "NOT_FOUND",
         lambda d, a, plan_no: approval.approve(d.db, actor=a, plan_no=plan_no,
                                                password=PASSWORD),
         lambda d: made.counted_plan(d.db, BJ1, "RTN")),
    Case("release a lot held by a cold-room excursion", SH1, "BREACH_NOT_FOUND",
         lambda d, a, held: disposition.decide_lot(
             d.db, actor=a, breach_no=held.breach_no, password=PASSWORD,
             decision=disposition.Decision(held.line_id, "RELEASE",
                                           "stability data covers 12 minutes at 9.5 °C")),
         lambda d: made.warm_cold_room(d.db, d.summary.documents.sensors[0])),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.name} in {c.warehouse}")
def test_a_command_on_another_warehouse_is_refused_and_writes_nothing(demo, case):
    outsider = demo.actors[_other(case.warehouse)]
    given = case.given(demo)
    before = snapshot(demo.db)
    with pytest.raises(DomainError) as refused:
        case.command(demo, outsider, given)
    assert refused.value.code == case.refusal
    assert snapshot(demo.db) == before
    if case.refusal == "WAREHOUSE_NOT_IN_SCOPE":
        assert case.warehouse in refused.value.message("en")
        assert case.warehouse in refused.value.message("zh-CN")
    else:
        assert refused.value.status == case.status
    case.command(demo, demo.actors[case.warehouse], given)
    assert snapshot(demo.db) != before


def test_readings_of_another_warehouses_sensor_are_refused_as_from_an_unknown_sensor(demo):
    sensor = demo.summary.documents.sensors[0]  # SH1's cold room
    readings = [RawReading(sensor=sensor, time=NOW - timedelta(minutes=1), celsius="5.0")]
    with demo.db.reading() as s:
        stored = s.scalar(select(func.count()).select_from(Reading))
    refused = ingest.ingest(demo.db, actor=demo.actors[BJ1], source="test", readings=readings,
                            now=NOW, detect=False)
    assert (refused.stored, refused.rejected) == (0, 1)
    with demo.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Reading)) == stored
    taken = ingest.ingest(demo.db, actor=demo.actors[SH1], source="test", readings=readings,
                          now=NOW, detect=False)
    assert taken.stored == 1


def test_a_company_wide_command_needs_a_user_of_every_warehouse(demo):
    before = snapshot(demo.db)
    for code in (SH1, BJ1):
        with pytest.raises(EveryWarehouseNeeded) as refused:
            masterdata.create_owner(db=demo.db, actor=demo.actors[code],
                                    values={"code": "CONSIGN", "name": "Consignment stock"})
        assert refused.value.code == "EVERY_WAREHOUSE_NEEDED" and refused.value.status == 403
        assert "company-wide" in refused.value.message("en")
        assert "全公司" in refused.value.message("zh-CN")
    assert snapshot(demo.db) == before
    masterdata.create_owner(db=demo.db, actor=SYSTEM,
                            values={"code": "CONSIGN", "name": "Consignment stock"})
    with demo.db.reading() as s:
        assert s.scalar(select(Owner.name).where(Owner.code == "CONSIGN")) == "Consignment stock"
