"""Opening, working and closing a recall: stock blocked everywhere, consignees listed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from medwms.core.errors import InsufficientStock, NotFound
from medwms.ledger.rules import Line
from medwms.ledger.service import post
from medwms.ledger.tables import Movement, Stock
from medwms.orders.rules import EXCLUDED_STATUSES
from medwms.orders.tables import Allocation, OrderLine
from medwms.recall import queries, service
from medwms.recall.errors import (
    BadRecall,
    EmptyScope,
    NotRecallRedZone,
    RecallClosed,
    ReturnExceedsShipped,
    SignatureRequired,
)
from medwms.recall.rules import Scope
from tests.support.recall import PACER_GTIN, STENT_GTIN, build_history, row_of, stock_of
from tests.support.users import PASSWORD, actor_of, make_user


@pytest.fixture
def history(db):
    return build_history(db)


def opened(db, history, *, mock=False, **scope):
    scope.setdefault("lots", ("L1",))
    return service.open_recall(db, actor=history.manager, scope=Scope(STENT_GTIN, **scope),
                               reason="sterility breach", risk_class="I", mock=mock)


def test_opening_blocks_every_status_in_every_warehouse(db, history):
    before = stock_of(db, history.lot["L1"])
    view = opened(db, history)
    after = stock_of(db, history.lot["L1"])
    assert {status for _loc, status in after} == {"RECALLED"}
    assert {loc: qty for (loc, _s), qty in after.items()} == {
        "WH1-A-01": 29, "WH1-A-02": 25, "WH1-TRANSIT": 5, "WH1-RET": 3, "WH2-DOCK": 15}
    assert view.blocked_units == sum(before.values()) == 77
    assert "RECALLED" in EXCLUDED_STATUSES  # picking/verification refuse non-AVAILABLE


def test_opening_writes_status_movements_under_the_recall_number(db, history):
    view = opened(db, history)
    with db.reading() as s:
        rows = s.execute(select(Movement.kind, Movement.to_status, Movement.quantity)
                         .where(Movement.doc_type == "RCL",
                                Movement.doc_no == view.recall_no)).all()
    assert {(k, st) for k, st, _q in rows} == {("STATUS", "RECALLED")}
    assert sum(q for *_x, q in rows) == 77


def test_other_lots_stay_untouched(db, history):
    opened(db, history)
    assert set(stock_of(db, history.lot["L3"])) == {("WH1-A-03", "AVAILABLE")}


def test_open_allocations_of_recalled_units_are_cancelled_with_backorders(db, history):
    view = opened(db, history)
    assert row_of(db, Allocation, history.allocation["O-1"]).status == "CANCELLED"
    assert row_of(db, Allocation, history.allocation["O-2"]).status == "OPEN"
    line = row_of(db, OrderLine, history.order_line["O-1"])
    assert (line.allocated_qty, line.backorder_qty) == (0, 8)
    assert view.recall_no in line.backorder_reason


def test_consignee_list_equals_the_shipment_history(db, history):
    view = opened(db, history)
    assert [(c.partner, c.shipped, c.returned, c.outstanding) for c in view.consignees] == [
        ("HOSP1", 20, 3, 17), ("HOSP2-CARD", 10, 0, 10)]
    [unit] = view.consignees[0].units
    assert (unit["shipment"], unit["lot"], unit["quantity"]) == ("SHP-1", "L1", 20)
    assert view.response_ms is not None and view.consignees_listed_at >= view.opened_at


def test_a_pick_of_a_recalled_unit_is_refused_by_the_ledger(db, history):
    opened(db, history)
    pick = Line(kind="PICK", owner_id=history.owner_id, item_id=history.item["STENT"],
                quantity=1, lot_id=history.lot["L1"], from_location_id=history.loc["WH1-A-01"],
                to_location_id=history.loc["WH1-STAGE"], from_status="AVAILABLE",
                to_status="AVAILABLE")
    with db.unit_of_work() as uow, pytest.raises(InsufficientStock):
        post(uow.session, actor=history.manager, doc_type="PICK", doc_no="W", lines=[pick])


def test_expiry_range_and_serial_scopes(db, history):
    view = service.open_recall(db, actor=history.manager, reason="r", risk_class="II",
                               scope=Scope(STENT_GTIN, expiry_from=date(2027, 1, 1),
                                           expiry_to=date(2027, 12, 31)))
    assert [(c.partner, c.shipped) for c in view.consignees] == [("HOSP2", 4)]
    assert set(stock_of(db, history.lot["L2"])) == {("WH1-A-03", "RECALLED")}
    pacer = service.open_recall(db, actor=history.manager, reason="r", risk_class="III",
                                scope=Scope(PACER_GTIN, serials=("PS-1", "PS-2")))
    assert pacer.blocked_units == 1 and [c.partner for c in pacer.consignees] == ["HOSP1"]


def test_mock_recall_lists_consignees_and_records_the_kpi_without_changing_stock(db, history):
    before = stock_of(db, history.lot["L1"])
    view = opened(db, history, mock=True)
    assert stock_of(db, history.lot["L1"]) == before
    assert row_of(db, Allocation, history.allocation["O-1"]).status == "OPEN"
    assert view.mock and view.blocked_units == 77 and len(view.consignees) == 2
    with db.reading() as s:
        kpi = queries.response_kpi(s, mock=True)
    assert kpi["count"] == 1 and kpi["cases"][0]["recall_no"] == view.recall_no
    assert kpi["max_ms"] == view.response_ms


def test_an_empty_scope_is_refused_and_changes_nothing(db, history):
    with pytest.raises(EmptyScope):
        opened(db, history, lots=())
    with db.reading() as s:
        assert s.scalar(select(Movement.id).where(Movement.doc_type == "RCL")) is None


def test_bad_class_and_reversed_range_are_refused(db, history):
    with pytest.raises(BadRecall):
        service.open_recall(db, actor=history.manager, scope=Scope(STENT_GTIN, lots=("L1",)),
                            reason="x", risk_class="IV")
    with pytest.raises(BadRecall):
        opened(db, history, lots=(), expiry_from=date(2028, 1, 1), expiry_to=date(2027, 1, 1))


def test_acknowledgement_report_return_and_close(db, history):
    no = opened(db, history).recall_no
    service.record_notification(db, actor=history.manager, recall_no=no, partner="hosp1")
    service.record_acknowledgement(db, actor=history.manager, recall_no=no, partner="HOSP1")
    service.record_consignee_report(db, actor=history.manager, recall_no=no, partner="HOSP1",
                                    used=5, destroyed=2, note="2 destroyed on site")
    view = service.receive_recall_return(db, actor=history.manager, recall_no=no,
                                         partner="HOSP1", location="WH1-RED", quantity=6,
                                         lot="L1")
    hosp1 = view.consignees[0]
    assert (hosp1.shipped, hosp1.used, hosp1.returned, hosp1.destroyed, hosp1.outstanding) \
        == (20, 5, 9, 2, 4)
    assert hosp1.notified_at and hosp1.acknowledged_at
    assert stock_of(db, history.lot["L1"])[("WH1-RED", "RECALLED")] == 6
    quality = actor_of(make_user(db, "qiu", "quality"))
    with pytest.raises(SignatureRequired):
        service.close_recall(db, actor=quality, recall_no=no, password="", report="r")
    service.record_notification(db, actor=history.manager, recall_no=no, partner="HOSP2-CARD")
    service.record_consignee_report(db, actor=history.manager, recall_no=no, partner="HOSP1",
                                    used=9, destroyed=2)
    service.record_consignee_report(db, actor=history.manager, recall_no=no,
                                    partner="HOSP2-CARD", used=10, destroyed=0)
    closed = service.close_recall(db, actor=quality, recall_no=no, password=PASSWORD,
                                  report="all consignees reached")
    assert closed.status == "CLOSED" and closed.closed_by == "qiu"
    assert closed.closing_report["totals"]["unaccounted"] == 0
    assert closed.closing_report["signature"].endswith("recall closed")
    with pytest.raises(RecallClosed):
        service.record_acknowledgement(db, actor=history.manager, recall_no=no,
                                       partner="HOSP1")


def test_returns_go_to_the_red_zone_and_not_beyond_what_was_shipped(db, history):
    no = opened(db, history).recall_no
    with pytest.raises(NotRecallRedZone):
        service.receive_recall_return(db, actor=history.manager, recall_no=no,
                                      partner="HOSP1", location="WH1-RET", quantity=1, lot="L1")
    with pytest.raises(ReturnExceedsShipped):
        service.receive_recall_return(db, actor=history.manager, recall_no=no,
                                      partner="HOSP1", location="WH1-RED", quantity=18,
                                      lot="L1")
    with pytest.raises(NotFound):
        service.record_acknowledgement(db, actor=history.manager, recall_no=no,
                                       partner="SUP")


def test_a_report_beyond_the_shipped_quantity_is_refused(db, history):
    no = opened(db, history).recall_no
    with pytest.raises(BadRecall):
        service.record_consignee_report(db, actor=history.manager, recall_no=no,
                                        partner="HOSP2-CARD", used=8, destroyed=3)


def test_stock_of_recall_is_consistent_with_movements(db, history):
    opened(db, history)
    with db.reading() as s:
        total = sum(s.scalars(select(Stock.quantity).where(Stock.lot_id == history.lot["L1"])))
    assert total == 77


def test_only_recall_managers_may_open_a_recall(db, history):
    from medwms.core.errors import PermissionDenied

    picker = actor_of(make_user(db, "pete", "picker"))
    with pytest.raises(PermissionDenied):
        service.open_recall(db, actor=picker, scope=Scope(STENT_GTIN, lots=("L1",)),
                            reason="x", risk_class="I")
