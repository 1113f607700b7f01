"""Trace a lot, a serial and an expiry range across two warehouses, field by field."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from medwms.auth.guard import reading_as
from medwms.auth.rules import Actor
from medwms.documents.trace_origin import full_trace
from medwms.ledger.service import post
from medwms.masterdata.tables import Warehouse
from medwms.recall.errors import NoSuchLot
from medwms.recall.trace import TOP_KEYS, TraceQuery, trace
from medwms.receiving.tables import Receipt
from tests.support.recall import PACER_GTIN, STENT_GTIN, at, build_history, line
from tests.support.statements import count_statements


@pytest.fixture
def history(db):
    return build_history(db)


def traced(db, **query):
    with db.reading() as s:
        return full_trace(s, TraceQuery(**query)).as_json()


def test_trace_json_has_exactly_the_published_top_level_keys(db, history):
    assert tuple(traced(db, gtin=STENT_GTIN, lot="L1")) == TOP_KEYS


def test_trace_of_a_lot_names_item_and_both_receipts_with_their_supplier(db, history):
    out = traced(db, gtin=STENT_GTIN, lot="L1")
    assert out["item"]["code"] == "STENT" and out["item"]["gtin"] == STENT_GTIN
    assert [(o["receipt"], o["supplier"], o["warehouse"], o["quantity"], o["lot"])
            for o in out["origin"]] == [("RCV-1", "SUP", "WH1", 100, "L1"),
                                        ("RCV-2", "SUP", "WH2", 5, "L1")]


def test_trace_origin_carries_notice_temperature_and_signed_inspection(db, history):
    first = traced(db, gtin=STENT_GTIN, lot="L1")["origin"][0]
    record = first["receipt_record"]
    assert (record["notice"], record["po_no"], record["arrival_temp"], record["logger_id"]) \
        == ("ASN-1", "PO-1", "5.2", "LG-7")
    [inspection] = first["inspections"]
    assert inspection["inspection_no"] == "INS-1" and inspection["conclusion"] == "ACCEPT"
    assert inspection["signature"].startswith("Quinn Manager (quinn)")
    assert inspection["signature"].endswith("released") and inspection["temperature_ok"]


def test_trace_shows_every_balance_in_every_warehouse_including_in_transit(db, history):
    stock = {(s["warehouse"], s["location"], s["status"]): s["quantity"]
             for s in traced(db, gtin=STENT_GTIN, lot="L1")["in_stock"]}
    assert stock == {("WH1", "WH1-A-01", "AVAILABLE"): 29, ("WH1", "WH1-A-02", "AVAILABLE"): 25,
                     ("WH1", "WH1-TRANSIT", "IN_TRANSIT"): 5,
                     ("WH1", "WH1-RET", "QUARANTINE"): 3,
                     ("WH2", "WH2-DOCK", "AVAILABLE"): 10, ("WH2", "WH2-DOCK", "QUARANTINE"): 3,
                     ("WH2", "WH2-DOCK", "HOLD"): 2}


def test_trace_forward_lists_each_shipment_with_consignee_and_department(db, history):
    shipped = traced(db, gtin=STENT_GTIN, lot="L1")["shipped"]
    assert [(s["consignee"], s["department"], s["shipment"], s["quantity"], s["lot"],
             s["serial"], s["date"]) for s in shipped] == [
        ("HOSP1", None, "SHP-1", 20, "L1", None, at(4).isoformat()),
        ("HOSP2", "Cardiology", "SHP-2", 10, "L1", None, at(6).isoformat())]


def test_trace_lists_the_return_with_its_consignee_and_status(db, history):
    [back] = traced(db, gtin=STENT_GTIN, lot="L1")["returned"]
    assert (back["consignee"], back["return"], back["quantity"], back["location"],
            back["status"]) == ("HOSP1", "RET-1", 3, "WH1-RET", "QUARANTINE")


def test_a_receipt_whose_movement_names_no_supplier_takes_it_from_the_receipt(db, history):
    with db.unit_of_work() as uow:  # a receipt from before RECEIVE movements named a supplier
        s = uow.session
        s.add(Receipt(receipt_no="RCV-OLD", supplier_id=history.partner["SUP"],
                      warehouse_id=s.scalars(select(Warehouse.id)).first(),
                      owner_id=history.owner_id, location_id=history.loc["WH1-DOCK"],
                      status="CLOSED", opened_at=at(12)))
        post(s, actor=history.manager, doc_type="RCV", doc_no="RCV-OLD", now=at(12),
             lines=[line(history, "RECEIVE", 2, dst=("WH1-DOCK", "QUARANTINE"))])
        uow.commit()
    [old] = [o for o in traced(db, gtin=STENT_GTIN, lot="L1")["origin"]
             if o["receipt"] == "RCV-OLD"]
    assert (old["supplier"], old["receipt_record"]["notice"]) == ("SUP", None)
    assert old["supplier_name"]


def test_trace_movements_are_in_time_order_with_documents(db, history):
    moves = traced(db, gtin=STENT_GTIN, lot="L1")["movements"]
    assert [m["at"] for m in moves] == sorted(m["at"] for m in moves)
    assert [(m["kind"], m["doc_no"]) for m in moves] == [
        ("RECEIVE", "RCV-1"), ("STATUS", "INS-1"), ("PUTAWAY", "PUT-1"), ("PUTAWAY", "PUT-1"),
        ("PICK", "WAVE-1"), ("SHIP", "SHP-1"), ("PICK", "WAVE-2"), ("SHIP", "SHP-2"),
        ("TRANSFER_OUT", "SHP-3"), ("TRANSFER_OUT", "SHP-3"), ("TRANSFER_IN", "SHP-3"),
        ("RETURN", "RET-1"), ("COUNT", "CNT-1"), ("RECEIVE", "RCV-2"), ("STATUS", "HLD-1")]
    count = moves[12]
    assert (count["from_location"], count["quantity"], count["actor"]) == \
        ("WH1-A-01", 1, "quinn")


def test_stock_plus_shipped_minus_returned_plus_count_loss_equals_received(db, history):
    out = traced(db, gtin=STENT_GTIN, lot="L1")
    received = sum(o["quantity"] for o in out["origin"])
    held = sum(s["quantity"] for s in out["in_stock"])
    shipped = sum(s["quantity"] for s in out["shipped"])
    back = sum(r["quantity"] for r in out["returned"])
    assert received - shipped + back - 1 == held == 77


def test_serial_trace_follows_one_unit_only(db, history):
    out = traced(db, gtin=PACER_GTIN, serial="PS-1")
    assert [(m["kind"], m["serial"]) for m in out["movements"]] == [
        ("RECEIVE", "PS-1"), ("PICK", "PS-1"), ("SHIP", "PS-1")]
    assert [(s["consignee"], s["serial"], s["quantity"]) for s in out["shipped"]] == [
        ("HOSP1", "PS-1", 1)]
    assert out["in_stock"] == [] and out["origin"][0]["serial"] == "PS-1"


def test_whole_gtin_expiry_range_trace_takes_the_lots_inside_only(db, history):
    out = traced(db, gtin=STENT_GTIN, expiry_from=date(2027, 1, 1), expiry_to=date(2028, 12, 31))
    assert {s["lot"] for s in out["shipped"]} == {"L1", "L2"}
    assert {o["lot"] for o in out["origin"]} == {"L1", "L2"}
    assert "L3" not in {s["lot"] for s in out["in_stock"]}


def test_production_date_range_trace(db, history):
    out = traced(db, gtin=STENT_GTIN, produced_from=date(2027, 1, 1))
    assert {o["lot"] for o in out["origin"]} == {"L3"}


@pytest.mark.parametrize("query", [
    {"gtin": STENT_GTIN, "lot": "NOPE"}, {"gtin": "06900000009994", "lot": "L1"},
    {"gtin": PACER_GTIN, "serial": "PS-9"}, {"gtin": STENT_GTIN},
    {"gtin": STENT_GTIN, "expiry_from": date(2040, 1, 1)}])
def test_unknown_gtin_lot_serial_or_empty_range_is_no_such_lot(db, history, query):
    with db.reading() as s, pytest.raises(NoSuchLot) as error:
        trace(s, TraceQuery(**query))
    assert error.value.code == "NO_SUCH_LOT" and "No such lot" in error.value.message("en")


def _ship_without_partner(db, history):
    """A SHIP movement of L1 that names no partner: its consignee comes from shipment SHP-1."""
    with db.unit_of_work() as uow:
        post(uow.session, actor=history.manager, doc_type="SHP", doc_no="SHP-1", now=at(20),
             lines=[line(history, "SHIP", 1, src=("WH1-A-01", "AVAILABLE"))])
        uow.commit()


def _one_warehouse(db, code):
    with db.reading() as s:
        warehouse = s.scalars(select(Warehouse.id).where(Warehouse.code == code)).one()
    return Actor(None, "scoped", frozenset({"manager"}), frozenset({warehouse}))


@pytest.mark.parametrize("query", [
    {"gtin": STENT_GTIN, "lot": "L1"}, {"gtin": PACER_GTIN, "serial": "PS-1"},
    {"gtin": STENT_GTIN, "expiry_from": date(2027, 1, 1), "expiry_to": date(2028, 12, 31)}])
@pytest.mark.parametrize("scope", [None, "WH1"])
def test_a_trace_is_one_statement_whatever_it_follows_and_whoever_reads(db, history, query,
                                                                        scope):
    _ship_without_partner(db, history)
    reading = reading_as(db, _one_warehouse(db, scope)) if scope else db.reading()
    with reading as s:
        s.connection()  # the transaction's BEGIN is the reading's, not the trace's
        with count_statements(db) as seen:
            found = trace(s, TraceQuery(**query))
    assert found.movements
    assert len(seen) == 1, seen.report()


def test_a_ship_movement_without_partner_takes_its_consignee_from_the_shipment(db, history):
    _ship_without_partner(db, history)
    [late] = [s for s in traced(db, gtin=STENT_GTIN, lot="L1")["shipped"] if s["quantity"] == 1]
    assert (late["consignee"], late["consignee_name"], late["shipment"]) == \
        ("HOSP1", "First Hospital", "SHP-1")


def test_a_reading_scoped_to_one_warehouse_traces_its_movements_and_balances_only(db, history):
    with db.reading() as s:
        everything = trace(s, TraceQuery(gtin=STENT_GTIN, lot="L1"))
    with reading_as(db, _one_warehouse(db, "WH2")) as s:
        seen = trace(s, TraceQuery(gtin=STENT_GTIN, lot="L1"))
    assert seen.item == everything.item
    assert seen.movements == tuple(m for m in everything.movements if m.warehouse == "WH2")
    assert seen.stock == tuple(b for b in everything.stock if b.warehouse == "WH2")
    assert seen.movements and seen.stock and len(seen.movements) < len(everything.movements)
