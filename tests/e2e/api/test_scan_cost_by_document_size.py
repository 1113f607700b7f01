"""A scan's cost does not grow with its document: a scan into a receipt of 10,000 lines, or a
pick on a wave of 10,000 lines, sends the same statements as one into a fresh document, no
statement returns or changes more than a handful of rows, and (SQLite, where the engine's
work can be counted) the statements take about the same number of VM steps.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from medwms.api.app import create_app
from medwms.api.deps import get_actor
from medwms.config import Settings
from medwms.ledger.tables import Lot
from medwms.masterdata.tables import Location, Packaging
from medwms.orders.tables import Allocation, OrderLine, OutboundOrder, Wave
from medwms.receiving.tables import Receipt, ReceiptLine
from tests.support import picks
from tests.support.databases import empty_all_tables
from tests.support.receiving import STENT_BOX, inbound, udi
from tests.support.statements import Statements, count_statements
from tests.support.users import actor_of, make_user

API = "/api/v1"
GOOD = date(2028, 6, 30)
LINES = 10_000
HANDFUL = 5
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def client_for(db, name: str, role: str) -> TestClient:
    actor = actor_of(make_user(db, name, role))
    app = create_app(Settings(database_url=db.url), db=db)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


def measured(db, call) -> tuple[Statements, dict]:
    with count_statements(db) as seen:
        response = call()
    assert response.status_code == 201, response.text
    return seen, response.json()


def assert_same_cost(db, fresh: Statements, large: Statements) -> None:
    assert len(large) == len(fresh), f"fresh:\n{fresh.report()}\nlarge:\n{large.report()}"
    assert large.most_rows <= HANDFUL, large.report()
    if db.dialect == "sqlite":
        # O(n) over 10,000 lines would take hundreds of thousands of steps more.
        assert large.vm_steps <= fresh.vm_steps * 1.5 + 2_000, large.report() + str((fresh.vm_steps,
 large.vm_steps))


def add_receipt_lines(db, receipt_no: str, after_line: int, after_quantity: int) -> None:
    """LINES more receipt lines of lot BULK, numbered on from `after_line`, with totals."""
    with db.unit_of_work() as uow:
        s = uow.session
        receipt = s.scalars(select(Receipt).where(Receipt.receipt_no == receipt_no)).one()
        pack = s.scalars(select(Packaging).where(Packaging.gtin == STENT_BOX)).one()
        lot = Lot(item_id=pack.item_id, lot_no="BULK", expiry=GOOD)
        s.add(lot)
        s.flush()
        s.execute(insert(ReceiptLine), [{
            "receipt_id": receipt.id, "scan_id": f"bulk-{n}", "raw": "", "item_id": pack.item_id,
            "packaging_id": pack.id, "lot_id": lot.id, "quantity": pack.quantity,
            "hold_reason": "", "over_notice": False, "scanned_at": NOW,
            "line_no": after_line + n, "receipt_quantity": after_quantity + n * pack.quantity,
            "tally_key": "=BULK", "tally": n * pack.quantity} for n in range(1, LINES + 1)])
        uow.commit()


def test_a_receiving_scan_costs_the_same_on_a_receipt_of_10000_lines(db):
    site = inbound(db)
    client = client_for(db, "wang", "receiver")
    number = client.post(f"{API}/receipts", json={
        "warehouse": site.warehouse, "po_no": "PO-1", "supplier": site.supplier}).json()[
        "receipt_no"]

    def scan(n: int):
        return lambda: client.post(f"{API}/receipts/{number}/scans", json={
            "raw": udi(STENT_BOX, lot="L1", expiry=GOOD), "scan_id": f"s-{n}"})

    measured(db, scan(0))
    fresh, second = measured(db, scan(1))
    add_receipt_lines(db, number, second["receipt_lines"], second["receipt_quantity"])
    large, body = measured(db, scan(2))
    assert_same_cost(db, fresh, large)
    box = second["quantity"]
    assert (body["receipt_lines"], body["receipt_quantity"], body["received_of_lot"]) == (
        LINES + 3, (LINES + 3) * box, 3 * box)


def add_wave_lines(db) -> None:
    """An order SO-BIG of LINES lines on WAV-1, each with an OPEN allocation at A-03."""
    with db.unit_of_work() as uow:
        s = uow.session
        wave = s.scalars(select(Wave).where(Wave.wave_no == "WAV-1")).one()
        first = s.scalars(select(OutboundOrder).where(OutboundOrder.order_no == "SO-1")).one()
        item = s.scalar(select(Allocation.item_id).order_by(Allocation.id).limit(1))
        lot = s.scalar(select(Allocation.lot_id).order_by(Allocation.id).limit(1))
        bin_a03 = s.scalar(select(Location.id).where(Location.code == "WH1-A-03"))
        big = OutboundOrder(order_no="SO-BIG", warehouse_id=first.warehouse_id,
                            owner_id=first.owner_id, consignee_id=first.consignee_id,
                            status="ALLOCATED", wave_id=wave.id, created_at=NOW)
        s.add(big)
        s.flush()
        s.execute(insert(OrderLine), [{
            "order_id": big.id, "line_no": n, "item_id": item, "quantity": 1,
            "allocated_qty": 1} for n in range(1, LINES + 1)])
        line_ids = s.scalars(select(OrderLine.id).where(OrderLine.order_id == big.id)).all()
        s.execute(insert(Allocation), [{
            "order_line_id": line_id, "wave_id": wave.id, "owner_id": first.owner_id,
            "item_id": item, "lot_id": lot, "location_id": bin_a03, "quantity": 1,
            "picked_qty": 0, "status": "OPEN", "created_at": NOW} for line_id in line_ids])
        uow.commit()


def pick_of(client: TestClient, n: int):
    return lambda: client.post(f"{API}/waves/WAV-1/picks", json={
        "scan_id": f"p-{n}", "location_raw": picks.at("A-01"),
        "raw": picks.unit(picks.STENT_GTIN, "L1")})


def test_a_pick_costs_the_same_on_a_wave_of_10000_lines(db):
    picks.standard(db)
    client = client_for(db, "pat", "picker")
    measured(db, pick_of(client, 0))
    fresh, before = measured(db, pick_of(client, 1))
    empty_all_tables(db)
    picks.standard(db)
    add_wave_lines(db)
    client = client_for(db, "pat", "picker")
    measured(db, pick_of(client, 0))
    large, body = measured(db, pick_of(client, 1))
    assert_same_cost(db, fresh, large)
    assert body["wave_remaining"] == before["wave_remaining"] + LINES
    assert body["location_remaining"] == before["location_remaining"] == 3
