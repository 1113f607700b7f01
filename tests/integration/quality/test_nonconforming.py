"""Hold on doubt, the QA decision and the destruction record with two signatures."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from medwms.auth.errors import WrongPassword
from medwms.auth.tables import AuditRecord
from medwms.core.errors import DomainError, PermissionDenied, ValidationError
from medwms.ledger.commands import MoveRequest, post_stock_document
from medwms.ledger.tables import Movement
from medwms.ledger.verify import verify
from medwms.orders import allocation, orders
from medwms.picking import picks
from medwms.quality import hold_queries
from medwms.quality.destruction import DestructionIn, record_destruction
from medwms.quality.nonconforming import Doubt, decide_hold, hold_on_doubt
from medwms.quality.stock_errors import (
    BadQualityInput,
    ExpiredCannotBeReleased,
    HoldDecided,
    NothingToDestroy,
    NothingToHold,
    NotRedLocation,
    WitnessIsOperator,
    WitnessNotQuality,
)
from medwms.quality.stock_rules import Decision
from tests.support.nonconforming import balances, movements, put, quality_floor
from tests.support.picking import MANAGER, NOW, sale, stent
from tests.support.picks import STENT_GTIN, at, standard, unit
from tests.support.users import PASSWORD, actor_of, make_user


@pytest.fixture
def q(db):
    return quality_floor(db)


def hold(db, q, lot="L1", location=None, reason="packaging wet in the check"):
    return hold_on_doubt(db, actor=q.inspector,
                         doubt=Doubt(item="STENT", lot=lot, location=location, reason=reason))


def decide(db, q, hold_no, decision, actor=None, red="WH1-RED-01", password=PASSWORD):
    return decide_hold(db, actor=actor or q.qa, hold_no=hold_no, decision=decision,
                       note="checked", password=password, red_location=red)


def destroy(db, q, quantity=4, witness="quinn", location="WH1-RED-01", actor=None):
    return record_destruction(
        db, actor=actor or q.inspector, password=PASSWORD, witness=witness,
        witness_password=PASSWORD,
        destruction=DestructionIn(item="STENT", lot="L1", location=location,
                                  quantity=quantity, method="焚烧 incineration",
                                  place="危废处理中心 Hazardous waste centre"))


def test_a_doubt_puts_the_available_lot_on_hold_and_opens_a_decision_task(db, q):
    put(db, q, "L1", date(2028, 1, 1), 4, at="A-01")
    put(db, q, "L1", date(2028, 1, 1), 2, at="Q-01", status="QUARANTINE")
    put(db, q, "L2", date(2028, 1, 1), 3, at="A-02")
    view = hold(db, q)
    assert view.hold_no.startswith("HLD-") and view.status == "OPEN" and view.quantity == 4
    assert balances(db) == {("L1", "WH1-A-01", "HOLD"): 4, ("L1", "WH1-Q-01", "QUARANTINE"): 2,
                            ("L2", "WH1-A-02", "AVAILABLE"): 3}
    with db.reading() as s:
        assert [h.hold_no for h in hold_queries.list_holds(s, status="OPEN")] == [view.hold_no]
        reasons = set(s.scalars(select(Movement.reason).where(Movement.kind == "STATUS")))
        assert reasons == {f"quality doubt {view.hold_no}: packaging wet in the check"}
        assert verify(s).ok


def test_a_doubt_at_one_location_holds_only_that_location(db, q):
    put(db, q, "L1", date(2028, 1, 1), 4, at="A-01")
    put(db, q, "L1", date(2028, 1, 1), 2, at="A-02")
    hold(db, q, location="WH1-A-02")
    assert balances(db) == {("L1", "WH1-A-01", "AVAILABLE"): 4, ("L1", "WH1-A-02", "HOLD"): 2}


def test_held_stock_is_skipped_by_allocation(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    hold(db, q)
    orders.create_order(db, actor=MANAGER, now=NOW, order=sale(stent(5), order_no="SO-1"))
    done = allocation.allocate_order(db, actor=MANAGER, order_no="SO-1", now=NOW)
    assert done.lines[0].allocated_qty == 0 and done.lines[0].allocations == []


def test_held_stock_is_refused_at_pick_confirmation(db):
    standard(db)  # L1 at A-01 allocated to wave WAV-1
    inspector = actor_of(make_user(db, "ivy", "inspector"))
    picker = actor_of(make_user(db, "pat", "picker"))
    hold_on_doubt(db, actor=inspector, doubt=Doubt(item="STENT", lot="L1", reason="dented"))
    with pytest.raises(DomainError) as refused:
        picks.pick_unit(db, actor=picker, wave_no="WAV-1", location_raw=at("A-01"),
                        raw=unit(STENT_GTIN, "L1"), scan_id="s1", packs=None, now=NOW)
    assert refused.value.code == "STOCK_BLOCKED"
    assert refused.value.fields["stock_status"] == "HOLD"


def test_a_doubt_needs_a_reason_and_stock_to_hold(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    with pytest.raises(BadQualityInput):
        hold(db, q, reason=" ")
    with pytest.raises(NothingToHold):
        hold(db, q, lot="NOPE")
    assert movements(db, "STATUS") == 0


def test_qa_releases_a_hold_with_an_e_signature(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    number = hold(db, q).hold_no
    view = decide(db, q, number, Decision.RELEASE)
    assert (view.status, view.decision, view.decided_by) == ("DECIDED", "RELEASE",
                                                             "Quinn (quinn)")
    assert balances(db) == {("L1", "WH1-A-01", "AVAILABLE"): 5}
    with db.reading() as s:
        signed = s.scalars(select(AuditRecord).where(AuditRecord.action == "signature")).one()
        assert json.loads(signed.after)["meaning"] == "released"
        assert verify(s).ok
    with pytest.raises(HoldDecided):
        decide(db, q, number, Decision.NONCONFORMING)


def test_only_qa_decides_and_a_wrong_password_changes_nothing(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    number = hold(db, q).hold_no
    with pytest.raises(PermissionDenied):
        decide(db, q, number, Decision.RELEASE, actor=q.inspector)
    with pytest.raises(WrongPassword):
        decide(db, q, number, Decision.RELEASE, password="wrong")
    assert balances(db) == {("L1", "WH1-A-01", "HOLD"): 5}


def test_nonconforming_moves_the_held_stock_into_the_red_area_as_rejected(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    number = hold(db, q).hold_no
    with pytest.raises(NotRedLocation):
        decide(db, q, number, Decision.NONCONFORMING, red="WH1-A-03")
    view = decide(db, q, number, Decision.NONCONFORMING)
    assert view.red_location == "WH1-RED-01"
    assert balances(db) == {("L1", "WH1-RED-01", "REJECTED"): 5}
    with db.reading() as s:
        assert verify(s).ok


def test_non_qa_cannot_make_rejected_stock_available(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5, at="A-01", status="REJECTED")
    with pytest.raises(ValidationError) as refused:
        post_stock_document(db, actor=q.inspector, lines=[MoveRequest(
            kind="STATUS", item="STENT", quantity=5, lot="L1", from_location="WH1-A-01",
            to_location="WH1-A-01", from_status="REJECTED", to_status="AVAILABLE")])
    assert "signed quality decision" in str(refused.value.problems[0])
    assert balances(db) == {("L1", "WH1-A-01", "REJECTED"): 5}


def test_an_expired_hold_cannot_be_released(db, q):
    put(db, q, "L1", date(2020, 1, 1), 5)
    number = hold(db, q).hold_no
    with pytest.raises(ExpiredCannotBeReleased):
        decide(db, q, number, Decision.RELEASE)


def test_destruction_with_two_signers_posts_the_units_out(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    decide(db, q, hold(db, q).hold_no, Decision.DESTROY)
    record = destroy(db, q, quantity=4)
    assert record.destruction_no.startswith("DES-") and record.quantity == 4
    assert (record.operator, record.witness) == ("Ivy (ivy)", "Quinn (quinn)")
    assert record.method == "焚烧 incineration" and record.destroyed_on is not None
    assert balances(db) == {("L1", "WH1-RED-01", "REJECTED"): 1}
    with db.reading() as s:
        scrap = s.scalars(select(Movement).where(Movement.kind == "SCRAP")).one()
        assert (scrap.doc_type, scrap.doc_no, scrap.quantity) == ("DESTROY",
                                                                  record.destruction_no, 4)
        signers = {json.loads(a.after)["signer"] for a in s.scalars(
            select(AuditRecord).where(AuditRecord.action == "signature",
                                      AuditRecord.entity_key == f"destruction:"
                                                                f"{record.destruction_no}"))}
        assert signers == {"ivy", "quinn"}
        assert verify(s).ok


def test_the_same_person_twice_is_refused(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5, at="A-01", status="EXPIRED")
    with pytest.raises(WitnessIsOperator):
        destroy(db, q, actor=q.qa, witness="quinn", location="WH1-A-01")
    assert movements(db, "SCRAP") == 0


def test_the_witness_must_be_from_quality_management(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5, at="A-01", status="EXPIRED")
    make_user(db, "pat", "picker")
    with pytest.raises(WitnessNotQuality):
        destroy(db, q, witness="pat", location="WH1-A-01")


def test_only_rejected_or_expired_stock_is_destroyed(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    with pytest.raises(NothingToDestroy):
        destroy(db, q, location="WH1-A-01")
    put(db, q, "L1", date(2028, 1, 1), 2, at="A-02", status="EXPIRED")
    with pytest.raises(NothingToDestroy):
        destroy(db, q, quantity=3, location="WH1-A-02")
    assert movements(db, "SCRAP") == 0
