"""Acceptance inspection: open, conclude with an e-signature, and every refusal."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from medwms.auth.errors import WrongPassword
from medwms.auth.tables import AuditRecord
from medwms.core.errors import PermissionDenied
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from medwms.masterdata.tables import Warehouse
from medwms.quality import queries
from medwms.quality.errors import (
    ColdChainUnresolved,
    InspectionConcluded,
    NotInQuarantine,
    ReceiverCannotRelease,
    RejectNeedsReason,
    SplitMismatch,
    TemperatureNotAnswered,
)
from medwms.quality.rules import Checks
from medwms.quality.service import conclude_inspection, open_inspection
from medwms.quality.tables import Inspection
from tests.support.quality import (
    PASSWORD,
    RECEIPT,
    accept,
    make_arrival,
    receive,
    reject,
    snapshot,
    stock_by_status,
)

HOLD = "HOLD: arrival 12.0 °C outside 2.0–8.0 °C"


def opened(db, arrival):
    return open_inspection(db, actor=arrival.inspector, receipt_no=RECEIPT, item="STENT",
                           lot="LOTA1")


def conclude(db, arrival, finding, password=PASSWORD, actor=None):
    number = opened(db, arrival).inspection_no
    return conclude_inspection(db, actor=actor or arrival.inspector, inspection_no=number,
                               finding=finding, password=password)


def test_received_lot_is_pending_with_quantity_receiver_and_details(db):
    make_arrival(db, quantity=7, hold=HOLD, cold=True)
    with db.reading() as s:
        [lot] = queries.pending_lots(s)
    assert (lot.receipt_no, lot.item, lot.lot, lot.quantity) == (RECEIPT, "STENT", "LOTA1", 7)
    assert lot.hold_reasons == [HOLD]
    assert lot.received_by == ["rita"]
    assert lot.registration_no == "国械注准20153130541"
    assert lot.cold_chain and lot.locations == ["DOCK-1"] and lot.inspection_no is None


def test_two_scans_on_two_docks_make_one_pending_lot(db):
    arrival = make_arrival(db, quantity=4)
    receive(db, arrival, 6, location_id=arrival.dock2_id)
    with db.reading() as s:
        [lot] = queries.pending_lots(s)
    assert lot.quantity == 10 and lot.locations == ["DOCK-1", "DOCK-2"]


def test_opening_creates_one_pending_record_and_reopening_finds_it(db):
    arrival = make_arrival(db)
    first, again = opened(db, arrival), opened(db, arrival)
    assert first.inspection_no == again.inspection_no
    assert first.inspection_no.startswith("QC-")
    assert (first.status, first.quantity_received) == ("PENDING", 10)
    with db.reading() as s:
        [lot] = queries.pending_lots(s)
    assert lot.inspection_no == first.inspection_no


def test_release_makes_stock_available_and_signs_the_record_hash(db):
    arrival = make_arrival(db)
    view = conclude(db, arrival, accept())
    assert stock_by_status(db) == {"AVAILABLE": 10}
    assert (view.status, view.conclusion, view.accepted_qty) == ("DONE", "ACCEPT", 10)
    assert view.inspector == "ivan" and view.signature_meaning == "released"
    assert "验收员 Ivan (ivan) – " in view.signature and view.signature.endswith("– released")
    assert len(view.record_hash) == 64
    with db.reading() as s:
        signature = s.scalar(select(AuditRecord).where(AuditRecord.action == "signature"))
        row = s.scalar(select(Inspection))
        movements = [(m.kind, m.from_status, m.to_status, m.doc_no, m.from_location_id,
                      m.to_location_id) for m in s.scalars(
                          select(Movement).where(Movement.doc_type == "QC"))]
        assert verify(s).ok
        after = json.loads(signature.after)
        assert after["meaning"] == "released" and view.record_hash in after["record"]
        assert view.record_hash in signature.entity_key
        assert row.signature_audit_id == signature.id
        assert row.inspector_id == arrival.inspector.user_id
    assert movements == [("STATUS", "QUARANTINE", "AVAILABLE", view.inspection_no,
                          arrival.dock_id, arrival.dock_id)]


def test_concluded_lot_is_no_longer_pending(db):
    arrival = make_arrival(db)
    conclude(db, arrival, accept())
    with db.reading() as s:
        assert queries.pending_lots(s) == []


def test_reject_makes_stock_rejected_with_reason_and_disposition(db):
    arrival = make_arrival(db)
    view = conclude(db, arrival, reject())
    assert stock_by_status(db) == {"REJECTED": 10}
    assert view.signature_meaning == "rejected"
    assert view.reject_reason == "外包装破损 crushed cartons"
    assert view.disposition == "退回供应商 return to supplier"


def test_partial_splits_the_lot_across_docks(db):
    arrival = make_arrival(db, quantity=4)
    receive(db, arrival, 6, location_id=arrival.dock2_id)
    view = conclude(db, arrival, reject(conclusion="PARTIAL", accepted_qty=7, rejected_qty=3))
    assert stock_by_status(db) == {"AVAILABLE": 7, "REJECTED": 3}
    assert view.signature_meaning == "partially released"
    with db.reading() as s:
        assert verify(s).ok


def test_serialised_lot_is_split_unit_by_unit(db):
    arrival = make_arrival(db, serials=("SN1", "SN2", "SN3"))
    conclude(db, arrival, reject(conclusion="PARTIAL", accepted_qty=2, rejected_qty=1))
    assert stock_by_status(db) == {"AVAILABLE": 2, "REJECTED": 1}


def test_receiver_may_reject_when_release_is_separated(db):
    arrival = make_arrival(db)
    receiver = arrival.receiver.__class__(arrival.receiver.user_id, "rita",
                                          frozenset({"receiver", "inspector"}))
    conclude(db, arrival, reject(), actor=receiver)
    assert stock_by_status(db) == {"REJECTED": 10}


def test_receiver_may_release_when_the_warehouse_allows_it(db):
    arrival = make_arrival(db)
    with db.unit_of_work() as uow:
        uow.session.get(Warehouse, arrival.warehouse_id).separate_release = False
        uow.commit()
    receiver = arrival.receiver.__class__(arrival.receiver.user_id, "rita",
                                          frozenset({"receiver", "inspector"}))
    conclude(db, arrival, accept(), actor=receiver)
    assert stock_by_status(db) == {"AVAILABLE": 10}


def test_held_cold_lot_is_accepted_with_temperature_ok_and_an_explanation(db):
    arrival = make_arrival(db, hold=HOLD, cold=True)
    checks = Checks(True, True, True, True, notes="记录仪数据全程 2–8 °C，到货测温探头误差")
    conclude(db, arrival, accept(checks=checks))
    assert stock_by_status(db) == {"AVAILABLE": 10}


def test_opening_a_lot_not_in_quarantine_is_refused(db):
    arrival = make_arrival(db)
    before = snapshot(db)
    with pytest.raises(NotInQuarantine):
        open_inspection(db, actor=arrival.inspector, receipt_no="RCV-OTHER", item="STENT",
                        lot="LOTA1")
    with pytest.raises(NotInQuarantine):
        open_inspection(db, actor=arrival.inspector, receipt_no=RECEIPT, item="STENT",
                        lot="NOPE")
    assert snapshot(db) == before


def refused(db, arrival, error, finding, **kwargs):
    """Open first, then check that concluding raises `error` and changes nothing."""
    opened(db, arrival)
    before = snapshot(db)
    with pytest.raises(error) as raised:
        conclude(db, arrival, finding, **kwargs)
    assert snapshot(db) == before
    assert stock_by_status(db) == {"QUARANTINE": 10}
    return raised.value


@pytest.mark.parametrize("missing", ["reason", "disposition"])
def test_reject_without_reason_or_disposition_is_refused(db, missing):
    arrival = make_arrival(db)
    error = refused(db, arrival, RejectNeedsReason, reject(**{missing: "  "}))
    assert error.code == "REJECT_NEEDS_REASON"


def test_wrong_password_is_refused_and_nothing_is_signed(db):
    arrival = make_arrival(db)
    error = refused(db, arrival, WrongPassword, accept(), password="not-my-password")
    assert error.code == "WRONG_PASSWORD"


def test_receiver_cannot_release_the_lot_they_received(db):
    arrival = make_arrival(db)
    receiver = arrival.receiver.__class__(arrival.receiver.user_id, "rita",
                                          frozenset({"receiver", "inspector"}))
    error = refused(db, arrival, ReceiverCannotRelease, accept(), actor=receiver)
    assert error.code == "RECEIVER_CANNOT_RELEASE" and error.status == 403


@pytest.mark.parametrize(("accepted", "rejected"), [(6, 3), (10, 0), (0, 10), (11, -1)])
def test_partial_split_that_does_not_add_up_is_refused(db, accepted, rejected):
    arrival = make_arrival(db)
    refused(db, arrival, SplitMismatch,
            reject(conclusion="PARTIAL", accepted_qty=accepted, rejected_qty=rejected))


def test_held_lot_accepted_without_explanation_is_refused(db):
    arrival = make_arrival(db, hold=HOLD, cold=True)
    refused(db, arrival, ColdChainUnresolved, accept(checks=Checks(True, True, True, True)))


def test_cold_item_accepted_without_temperature_answer_is_refused(db):
    arrival = make_arrival(db, cold=True)
    refused(db, arrival, TemperatureNotAnswered, accept(checks=Checks(True, True, True)))


def test_concluding_twice_is_refused(db):
    arrival = make_arrival(db, quantity=10)
    conclude(db, arrival, accept())
    receive(db, arrival, 5)  # more of the lot arrives on the same receipt later
    before = snapshot(db)
    with pytest.raises(InspectionConcluded):
        conclude(db, arrival, reject())
    assert snapshot(db) == before


def test_inspecting_needs_the_inspect_permission(db):
    arrival = make_arrival(db)
    number = opened(db, arrival).inspection_no
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        conclude_inspection(db, actor=arrival.receiver, inspection_no=number,
                            finding=accept(), password=PASSWORD)
    assert snapshot(db) == before


def test_stock_moved_out_of_quarantine_meanwhile_is_refused_at_conclusion(db):
    arrival = make_arrival(db)
    number = opened(db, arrival).inspection_no
    from medwms.ledger.rules import Line
    from medwms.ledger.service import post
    with db.unit_of_work() as uow:
        post(uow.session, actor=arrival.receiver, doc_type="MOV", doc_no="M1", lines=[Line(
            kind="STATUS", owner_id=arrival.owner_id, item_id=arrival.item_id,
            lot_id=arrival.lot_id, quantity=10, from_location_id=arrival.dock_id,
            to_location_id=arrival.dock_id, from_status="QUARANTINE", to_status="HOLD")])
        uow.commit()
    before = snapshot(db)
    with pytest.raises(NotInQuarantine):
        conclude_inspection(db, actor=arrival.inspector, inspection_no=number,
                            finding=accept(), password=PASSWORD)
    assert snapshot(db) == before
