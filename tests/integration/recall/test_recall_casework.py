"""Working a recall case: notices with channel and recipient, blocking again, destroying held
units, the per-lot reconciliation, and the signed close refused until everything is done."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from medwms.auth.tables import AuditRecord
from medwms.core.clock import utc_now
from medwms.ledger.service import post
from medwms.ledger.tables import Movement
from medwms.recall import casework, queries, service
from medwms.recall.casework import DestructionIn, NoticeIn
from medwms.recall.errors import (
    BadRecall,
    NotRecalledHere,
    RecallNotClosable,
    SignerNotQualityManager,
)
from medwms.recall.rules import Scope
from medwms.recall.tables import RecallCase, RecallNotice
from tests.support.recall import STENT_GTIN, build_history, line, stock_of
from tests.support.users import PASSWORD, actor_of, make_user


@pytest.fixture
def history(db):
    return build_history(db)


@pytest.fixture
def quality(db):
    return actor_of(make_user(db, "qiu", "quality", display_name="Qiu Quality"))


def opened(db, history, *, mock=False):
    return service.open_recall(db, actor=history.manager, scope=Scope(STENT_GTIN, lots=("L1",)),
                               reason="sterility breach", risk_class="I", mock=mock).recall_no


def notify(db, actor, no, partner, **extra):
    notice = NoticeIn(partner=partner, channel=extra.pop("channel", "PHONE"),
                      recipient=extra.pop("recipient", "Dr Wang, 010-6915 1234"), **extra)
    return casework.record_notice(db, actor=actor, recall_no=no, notice=notice)


def audits(db, action, key):
    with db.reading() as s:
        return [json.loads(a.after) for a in s.scalars(
            select(AuditRecord).where(AuditRecord.action == action,
                                      AuditRecord.entity_key == key).order_by(AuditRecord.id))]


def account_for_everything(db, history, no):
    """Both consignees notified, and every unit shipped to them reported used."""
    for partner in ("HOSP1", "HOSP2-CARD"):
        notify(db, history.manager, no, partner, channel="EMAIL", recipient="qa@hosp.cn")
    service.record_consignee_report(db, actor=history.manager, recall_no=no, partner="HOSP1",
                                    used=17, destroyed=0)
    service.record_consignee_report(db, actor=history.manager, recall_no=no,
                                    partner="HOSP2-CARD", used=8, destroyed=2)


def test_a_notice_is_recorded_with_its_channel_recipient_time_and_note(db, history):
    no = opened(db, history)
    sent = utc_now() - timedelta(minutes=30)
    view = notify(db, history.manager, no, "hosp1", channel="fax",
                  recipient="Li Na (equipment dept.), fax 010-6915 0000", sent_at=sent,
                  note="faxed the notice with the lot list")
    hosp1 = view.consignees[0]
    [notice] = hosp1.notices
    assert (notice.channel, notice.recipient, notice.note, notice.recorded_by) == (
        "FAX", "Li Na (equipment dept.), fax 010-6915 0000",
        "faxed the notice with the lot list", "quinn")
    assert notice.sent_at == sent and hosp1.notified_at == sent
    assert notice.recorded_at >= sent
    assert not view.consignees[1].notified
    [audit] = audits(db, "recall.notice", no)
    assert (audit["partner"], audit["channel"]) == ("HOSP1", "FAX")
    assert audit["recipient"].startswith("Li Na")


def test_a_second_notice_keeps_the_first_time_as_notified(db, history):
    no = opened(db, history)
    first = utc_now() - timedelta(hours=2)
    notify(db, history.manager, no, "HOSP1", sent_at=first)
    view = notify(db, history.manager, no, "HOSP1", channel="LETTER", recipient="院办")
    hosp1 = view.consignees[0]
    assert [n.channel for n in hosp1.notices] == ["PHONE", "LETTER"]
    assert hosp1.notified_at == first
    with db.reading() as s:
        events = queries.timeline(s, view)
    assert [(e["channel"], e["detail"]) for e in events if e["event"] == "notice"] == [
        ("PHONE", "HOSP1 · Dr Wang, 010-6915 1234"), ("LETTER", "HOSP1 · 院办")]


def test_a_notice_without_channel_or_recipient_or_from_the_future_is_refused(db, history):
    no = opened(db, history)
    with pytest.raises(BadRecall) as refused:
        notify(db, history.manager, no, "HOSP1", channel="PIGEON", recipient=" ",
               sent_at=utc_now() + timedelta(hours=1))
    assert {p.column for p in refused.value.problems} == {"channel", "recipient", "sent_at"}
    with db.reading() as s:
        assert s.scalar(select(RecallNotice.id)) is None
    assert queries_view(db, no).consignees[0].notified_at is None


def queries_view(db, no):
    with db.reading() as s:
        return queries.recall_view(s, no)


def test_close_is_refused_while_consignees_are_not_notified(db, history, quality):
    no = opened(db, history)
    notify(db, history.manager, no, "HOSP1")
    with pytest.raises(RecallNotClosable) as refused:
        service.close_recall(db, actor=quality, recall_no=no, password=PASSWORD, report="r")
    assert refused.value.fields["not_notified_partners"] == ["HOSP2-CARD"]
    assert refused.value.fields["outstanding_units"] == {"HOSP1": 17, "HOSP2-CARD": 10}
    message = refused.value.message("en")
    assert "Not notified: HOSP2-CARD" in message and "HOSP1 17" in message
    assert "未通知的收货单位：HOSP2-CARD" in refused.value.message("zh-CN")
    view = queries_view(db, no)
    assert view.status == "OPEN" and view.closed_at is None
    assert audits(db, "signature", f"recall:{no}") == []


def test_close_is_refused_while_units_are_not_accounted_for(db, history, quality):
    no = opened(db, history)
    for partner in ("HOSP1", "HOSP2-CARD"):
        notify(db, history.manager, no, partner)
    service.record_consignee_report(db, actor=history.manager, recall_no=no, partner="HOSP1",
                                    used=17, destroyed=0)
    with pytest.raises(RecallNotClosable) as refused:
        service.close_recall(db, actor=quality, recall_no=no, password=PASSWORD, report="r")
    assert refused.value.fields["not_notified_partners"] == []
    assert refused.value.fields["outstanding_units"] == {"HOSP2-CARD": 10}


def test_only_a_quality_manager_signs_a_recall_closed(db, history):
    no = opened(db, history)
    account_for_everything(db, history, no)
    with pytest.raises(SignerNotQualityManager) as refused:
        service.close_recall(db, actor=history.manager, recall_no=no, password=PASSWORD,
                             report="done")
    assert "quality manager" in refused.value.message("en")
    assert queries_view(db, no).status == "OPEN"


def test_a_signed_close_records_the_signature_bound_to_the_recall(db, history, quality):
    no = opened(db, history)
    account_for_everything(db, history, no)
    closed = service.close_recall(db, actor=quality, recall_no=no, password=PASSWORD,
                                  report="all consignees reached, all units used")
    assert closed.status == "CLOSED" and closed.closed_by == "qiu"
    assert closed.closing_report["signature"].startswith("Qiu Quality (qiu) – ")
    assert closed.closing_report["signature"].endswith(" – recall closed")
    assert closed.closing_report["totals"]["unaccounted"] == 0
    with db.reading() as s:
        case = s.scalars(select(RecallCase).where(RecallCase.recall_no == no)).one()
        signature = s.get_one(AuditRecord, case.signature_audit_id)
        signed = (signature.action, signature.actor_name, json.loads(signature.after))
    assert signed[:2] == ("signature", "qiu")
    assert (signed[2]["meaning"], signed[2]["record"]) == ("recall closed", f"recall:{no}")
    assert audits(db, "recall.close", no)[0]["status"] == "CLOSED"


def test_a_mock_recall_closes_once_every_consignee_is_notified(db, history, quality):
    no = opened(db, history, mock=True)
    with pytest.raises(RecallNotClosable):
        service.close_recall(db, actor=quality, recall_no=no, password=PASSWORD, report="r")
    for partner in ("HOSP1", "HOSP2-CARD"):
        notify(db, history.manager, no, partner)
    closed = service.close_recall(db, actor=quality, recall_no=no, password=PASSWORD,
                                  report="drill done")
    assert closed.status == "CLOSED"


def test_blocking_again_takes_the_units_that_turned_up_since(db, history):
    no = opened(db, history)
    with db.unit_of_work() as uow:
        post(uow.session, actor=history.manager, doc_type="RET", doc_no="RET-9", lines=[
            line(history, "RETURN", 2, dst=("WH1-A-03", "QUARANTINE"), partner="HOSP2")])
        uow.commit()
    again = casework.block_remaining(db, actor=history.manager, recall_no=no)
    assert again.newly_blocked == 2
    assert again.view.blocked_units == 77 + 2
    assert stock_of(db, history.lot["L1"])[("WH1-A-03", "RECALLED")] == 2
    assert casework.block_remaining(db, actor=history.manager, recall_no=no).newly_blocked == 0
    assert [a["newly_blocked"] for a in audits(db, "recall.block", no)] == [2, 0]


def test_a_mock_recall_blocks_nothing_when_run_again(db, history):
    no = opened(db, history, mock=True)
    with pytest.raises(BadRecall):
        casework.block_remaining(db, actor=history.manager, recall_no=no)


def test_held_units_are_destroyed_with_a_reason_and_reconciled_per_lot(db, history):
    no = opened(db, history)
    service.receive_recall_return(db, actor=history.manager, recall_no=no, partner="HOSP1",
                                  location="WH1-RED", quantity=6, lot="L1")
    view = casework.destroy_recalled_units(db, actor=history.manager, recall_no=no,
                                           destruction=DestructionIn(
                                               location="WH1-RED", quantity=4, lot="L1",
                                               reason="incinerated by licensed contractor"))
    assert stock_of(db, history.lot["L1"])[("WH1-RED", "RECALLED")] == 2
    with db.reading() as s:
        scrap = s.execute(select(Movement.quantity, Movement.from_status, Movement.reason)
                          .where(Movement.doc_no == no, Movement.kind == "SCRAP")).one()
        [lot] = queries.lot_units(s, view)
        held = queries.held_locations(s, view)
    assert (scrap.quantity, scrap.from_status) == (4, "RECALLED")
    assert "incinerated by licensed contractor" in scrap.reason
    assert (lot.lot, lot.shipped, lot.returned, lot.destroyed, lot.outstanding) == (
        "L1", 30, 3 + 6, 4, 30 - 9)
    assert lot.in_stock == 77 + 6 - 4
    assert {"location": "WH1-RED", "lot": "L1", "serial": None, "quantity": 2} in held
    assert audits(db, "recall.destroy", no)[0]["reason"] == "incinerated by licensed contractor"


def test_a_destruction_beyond_what_is_held_or_without_reason_is_refused(db, history):
    no = opened(db, history)
    with pytest.raises(BadRecall) as refused:
        casework.destroy_recalled_units(db, actor=history.manager, recall_no=no,
                                        destruction=DestructionIn(location="WH1-A-01",
                                                                  quantity=30, lot="L1",
                                                                  reason=" "))
    assert {p.column for p in refused.value.problems} == {"quantity", "reason"}
    with pytest.raises(NotRecalledHere):
        casework.destroy_recalled_units(db, actor=history.manager, recall_no=no,
                                        destruction=DestructionIn(location="WH1-A-03",
                                                                  quantity=1, lot="L1",
                                                                  reason="x"))
    assert stock_of(db, history.lot["L1"])[("WH1-A-01", "RECALLED")] == 29


def test_only_recall_managers_record_notices(db, history):
    from medwms.core.errors import PermissionDenied

    no = opened(db, history)
    picker = actor_of(make_user(db, "pete", "picker"))
    with pytest.raises(PermissionDenied):
        notify(db, picker, no, "HOSP1")


def test_the_destruction_reason_reads_in_chinese_on_the_pages():
    from medwms.recall.casework import DESTROYED_IN_RECALL
    from medwms.web.reasons import reason_words

    stored = DESTROYED_IN_RECALL.text(recall_no="RCL-1", reason="incinerated")
    assert reason_words(stored, "zh-CN") == "召回 RCL-1：销毁：incinerated"
    assert reason_words(stored, "en") == stored
