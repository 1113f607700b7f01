"""The demo's day: every workflow can start on the demo data as loaded, with nothing to add."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from medwms.auth.rules import Actor, Perm, Role
from medwms.auth.tables import UserRole
from medwms.coldchain.tables import Breach, Reading, Sensor
from medwms.core.clock import utc_now
from medwms.core.db import UTCDateTime
from medwms.counting import queries as counting
from medwms.ledger.tables import Lot, Movement, Stock
from medwms.masterdata.tables import Item, Location, Partner, Warehouse, Zone
from medwms.orders import queries as orders
from medwms.orders.allocation import allocate_order
from medwms.orders.orders import LineIn, OrderIn, create_order
from medwms.recall import queries as recalls
from medwms.receiving import queries as receiving
from medwms.schema import metadata
from tests.support.demo import NOW, TODAY

MANAGER = Actor(None, "mgr", frozenset({Role.MANAGER}))


def test_every_demo_customer_holds_a_licence_valid_today(demo):
    db, summary = demo
    with db.reading() as s:
        customers = s.execute(select(Partner.code, Partner.licence_no, Partner.licence_expiry)
                              .where(Partner.kind == "CUSTOMER")).all()
    assert {c.code for c in customers} == set(summary.documents.customers)
    assert len(customers) == 5
    assert all(c.licence_no.strip() and c.licence_expiry > TODAY for c in customers)


def _long_dated_item(db, days: int) -> str:
    """An item with available SH1 stock whose lot keeps `days` of shelf life."""
    with db.reading() as s:
        return s.scalars(select(Item.code).join(Stock, Stock.item_id == Item.id)
                         .join(Lot, Lot.id == Stock.lot_id)
                         .join(Warehouse, Warehouse.id == Stock.warehouse_id)
                         .where(Warehouse.code == "SH1", Stock.status == "AVAILABLE",
                                Item.tracking == "LOT", Lot.expiry > TODAY + timedelta(days=days))
                         .order_by(Item.code).limit(1)).one()


def test_each_demo_customer_can_be_sold_to_and_the_order_allocated(demo):
    db, summary = demo
    item = _long_dated_item(db, 400)
    for number, customer in enumerate(summary.documents.customers, start=1):
        order = create_order(db, actor=MANAGER, order=OrderIn(
            warehouse="SH1", consignee=customer, order_no=f"OUT-TEST-{number}",
            lines=(LineIn(1, item=item),)))
        allocated = allocate_order(db, actor=MANAGER, order_no=order.order_no)
        assert allocated.status == "ALLOCATED", customer
        assert allocated.lines[0].allocated_qty == 1


def test_the_notice_waits_at_sh1_with_lot_serial_and_cold_lines(demo):
    db, summary = demo
    assert summary.documents.notice == "ASN-DEMO-SH1"
    with db.reading() as s:
        notice = receiving.get_notice(s, "ASN-DEMO-SH1")
        cold = set(s.scalars(select(Item.code).where(Item.temp_max <= Decimal(8))))
        known_lots = set(s.execute(select(Item.code, Lot.lot_no).join(Lot, Lot.item_id == Item.id)))
    assert (notice.header.status, notice.header.warehouse, notice.header.supplier) == (
        "OPEN", "SH1", "SUP-SPH")
    assert notice.header.expected_on == TODAY.isoformat()
    assert notice.receipts == []
    assert any(line.item in cold for line in notice.lines)
    assert any(line.serials and line.lot for line in notice.lines)
    assert any(line.serials and not line.lot for line in notice.lines)
    for line in notice.lines:
        assert line.expiry is not None and line.expiry > TODAY.isoformat()
        assert (line.item, line.lot) not in known_lots
        assert not line.serials or len(line.serials) == line.quantity


def test_two_orders_wait_fully_allocated_in_an_open_wave_with_ambient_and_cold_goods(demo):
    db, summary = demo
    documents = summary.documents
    with db.reading() as s:
        wave = orders.wave_view(s, documents.wave or "")
        views = [orders.order_view(s, n) for n in documents.wave_orders]
        cold_zones = dict(s.execute(select(Location.code, Zone.temp_max).join(
            Zone, Zone.id == Location.zone_id)).all())
    assert (wave.status, wave.warehouse, wave.orders) == ("OPEN", "SH1", list(
        documents.wave_orders))
    assert documents.wave_orders == ("OUT-DEMO-RJH", "OUT-DEMO-ZSH")
    places = set()
    for view in views:
        assert (view.status, view.wave, view.kind) == ("ALLOCATED", wave.wave_no, "SALE")
        for line in view.lines:
            assert line.allocated_qty == line.quantity and line.backorder_qty == 0
            places |= {cold_zones[a.location] for a in line.allocations}
    assert Decimal(8) in places and None in places  # the cold room and ambient bins
    assert set(wave.route[1:-1]) == {a.location for v in views for line in v.lines
                                     for a in line.allocations}


def test_one_order_waits_unallocated_and_a_manager_can_allocate_it(demo):
    db, summary = demo
    number = summary.documents.open_order
    with db.reading() as s:
        before = orders.order_view(s, number or "")
    assert (before.status, before.wave, before.consignee) == ("OPEN", None, "CUS-XHH")
    assert all(not line.allocations for line in before.lines)
    after = allocate_order(db, actor=MANAGER, order_no=before.order_no)
    assert after.status == "ALLOCATED"
    assert all(line.backorder_qty == 0 for line in after.lines)


def test_the_count_plan_is_ready_to_start_with_two_counters_who_may_count(demo):
    db, summary = demo
    documents = summary.documents
    with db.reading() as s:
        plan = counting.plan_view(s, documents.count_plan or "")
        roles = {r.role for r in s.scalars(select(UserRole))}
    assert (plan.status, plan.warehouse, plan.kind) == ("OPEN", "BJ1", "ZONES")
    assert plan.counters == list(documents.counters) == ["picker", "receiver"]
    assert plan.tasks == {"OPEN": 3}
    assert {"picker", "receiver"} <= roles
    assert all(Perm.COUNT in Actor(None, c, frozenset({c})).permissions for c in plan.counters)


def test_each_cold_zone_has_a_sensor_with_a_day_of_readings_inside_its_range(demo):
    db, summary = demo
    with db.reading() as s:
        sensors = s.execute(select(Sensor.code, Sensor.temp_min, Sensor.temp_max, Zone.code,
                                   Zone.temp_max).join(Zone, Zone.id == Sensor.zone_id)).all()
        span = s.execute(select(Reading.sensor_id, func.count(), func.min(Reading.at),
                                func.max(Reading.at), func.min(Reading.centi_celsius),
                                func.max(Reading.centi_celsius)).group_by(Reading.sensor_id)).all()
        breaches = s.scalar(select(func.count()).select_from(Breach))
    assert summary.documents.sensors == ("SH1-CLD-T1", "SH1-CQA-T1")
    assert {(code, zone) for code, _, _, zone, _ in sensors} == {("SH1-CLD-T1", "CLD"),
                                                                  ("SH1-CQA-T1", "CQA")}
    assert all(zone_max == Decimal(8) for *_, zone_max in sensors)
    assert len(span) == 2
    for _, readings, first, last, low, high in span:
        assert readings == 24 * 12 + 1
        assert last - first == timedelta(hours=24)
        assert NOW - timedelta(minutes=5) <= last <= NOW
        assert 200 <= low <= high <= 800
    assert breaches == 0


def test_the_mock_recall_is_closed_after_the_hospital_was_notified_and_acknowledged(demo):
    db, summary = demo
    with db.reading() as s:
        recall = recalls.recall_view(s, summary.documents.mock_recall or "")
        shipped = s.execute(select(Movement.doc_no, Partner.code).join(
            Partner, Partner.id == Movement.partner_id).where(Movement.kind == "SHIP")).all()
    assert recall.mock and recall.status == "CLOSED"
    [consignee] = recall.consignees
    assert consignee.partner == "CUS-PUMCH"
    assert consignee.notified_at and consignee.acknowledged_at
    assert consignee.shipped > 0
    assert shipped == [(summary.documents.shipment, "CUS-PUMCH")] * len(shipped)


def test_nothing_in_the_demo_is_dated_after_it_was_loaded(demo):
    db, _ = demo
    checked = utc_now()
    latest = {}
    with db.reading() as s:
        for table in metadata().sorted_tables:
            for column in table.columns:
                if isinstance(column.type, UTCDateTime):
                    latest[f"{table.name}.{column.name}"] = s.scalar(select(func.max(column)))
    assert latest["movement.created_at"] <= NOW
    assert latest["reading.at"] <= NOW
    late = {name: at for name, at in latest.items() if at is not None and at > checked}
    assert late == {}
