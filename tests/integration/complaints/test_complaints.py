"""Logging, working and closing complaints and adverse events: units by lot, serial or scanned
UDI, incomplete reports, notifications stamped by the server, every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from medwms.auth.tables import AuditRecord
from medwms.complaints import queries, service
from medwms.complaints.errors import (
    BadComplaint,
    ComplaintClosed,
    ComplaintNotClosable,
    UnknownCustomer,
    UnknownUnit,
)
from medwms.complaints.service import Findings, ReportIn, Units
from medwms.core.clock import utc_now
from medwms.core.errors import PermissionDenied
from tests.support.complaints import PACER_GTIN, STENT_GTIN, build_complaint_world, gs1_udi


@pytest.fixture
def world(db):
    return build_complaint_world(db)


def logged(db, actor, *, kind="COMPLAINT", severity=None, lots=(), serials=(), scans=(),
           gtin=STENT_GTIN):
    return service.log_report(db, actor=actor, report=ReportIn(
        kind=kind, customer="hosp1", gtin=gtin, description="seal broken on arrival",
        severity=severity, units=Units(lots, serials, scans)))


def audit_actions(db, number):
    with db.reading() as s:
        return [r.action for r in s.scalars(select(AuditRecord).where(
            AuditRecord.entity == "complaint", AuditRecord.entity_key == number)
            .order_by(AuditRecord.id))]


def test_a_complaint_on_a_lot_is_logged_open_with_the_session_user_and_server_time(db, world):
    before = utc_now()
    view = logged(db, world.inspector, lots=["L1"])
    assert view.complaint_no.startswith("CMP-") and view.status == "OPEN"
    assert (view.customer, view.item, [u.lot for u in view.units]) == ("HOSP1", "STENT", ["L1"])
    assert view.received_by == "Ina (ina)" and view.received_at >= before
    assert not view.incomplete and audit_actions(db, view.complaint_no) == ["complaint.log"]


def test_a_report_without_lot_or_serial_is_saved_but_listed_as_incomplete(db, world):
    view = logged(db, world.inspector)
    assert view.incomplete
    with db.reading() as s:
        listed = queries.list_complaints(s, queries.Filters(incomplete=True))
        complete = queries.list_complaints(s, queries.Filters(incomplete=False))
    assert [r.complaint_no for r in listed] == [view.complaint_no] and complete == []


def test_adding_the_lot_later_completes_the_report_and_is_audited(db, world):
    view = logged(db, world.inspector)
    done = service.add_units(db, actor=world.inspector, complaint_no=view.complaint_no,
                             units=Units(lots=["L2"]))
    assert not done.incomplete and [u.lot for u in done.units] == ["L2"]
    assert audit_actions(db, view.complaint_no) == ["complaint.log", "complaint.units"]


def test_a_scanned_udi_names_the_serial_and_its_lot_and_sets_the_item(db, world):
    raw = gs1_udi(PACER_GTIN, lot="P1", serial="PS-2")
    view = logged(db, world.inspector, kind="ADVERSE_EVENT", severity="SERIOUS", scans=[raw],
                  gtin="")
    assert view.complaint_no.startswith("AER-") and view.item == "PACER"
    [unit] = view.units
    assert (unit.lot, unit.serial, unit.raw_scan) == ("P1", "PS-2", raw)


def test_a_scan_of_another_item_is_refused_and_nothing_is_written(db, world):
    with pytest.raises(BadComplaint) as refused:
        logged(db, world.inspector, scans=[gs1_udi(PACER_GTIN, serial="PS-1")])
    assert "PACER" in refused.value.message("en") and "STENT" in refused.value.message("zh")
    with db.reading() as s:
        assert queries.list_complaints(s) == []


def test_a_lot_we_never_had_and_an_unknown_customer_are_refused_by_name(db, world):
    with pytest.raises(UnknownUnit) as lot:
        logged(db, world.inspector, lots=["NOPE"])
    assert "NOPE" in lot.value.message("en") and "批号" in lot.value.message("zh")
    with pytest.raises(UnknownCustomer) as customer:
        service.log_report(db, actor=world.inspector, report=ReportIn(
            kind="COMPLAINT", customer="XX", gtin=STENT_GTIN, description="d"))
    assert "XX" in customer.value.message("en")


def test_an_adverse_event_without_severity_is_refused_in_both_languages(db, world):
    with pytest.raises(BadComplaint) as refused:
        logged(db, world.inspector, kind="ADVERSE_EVENT", lots=["L1"])
    assert "SERIOUS" in refused.value.message("en") and "严重" in refused.value.message("zh")


def test_a_picker_may_not_log_and_an_inspector_may_not_close(db, world):
    with pytest.raises(PermissionDenied):
        logged(db, world.picker, lots=["L1"])
    view = logged(db, world.inspector, lots=["L1"])
    service.record_findings(db, actor=world.inspector, complaint_no=view.complaint_no,
                            findings=Findings("seal", "replaced", "sorry"))
    with pytest.raises(PermissionDenied):
        service.close_report(db, actor=world.inspector, complaint_no=view.complaint_no)


def test_findings_move_the_report_to_investigating_and_keep_the_old_values(db, world):
    view = logged(db, world.inspector, lots=["L1"])
    worked = service.record_findings(db, actor=world.inspector, complaint_no=view.complaint_no,
                                     findings=Findings("carrier dropped it", "replaced unit",
                                                       "we replaced it"))
    assert worked.status == "INVESTIGATING" and worked.replied_by == "Ina (ina)"
    assert worked.replied_at is not None
    assert audit_actions(db, view.complaint_no) == ["complaint.log", "complaint.status",
                                                     "complaint.findings"]


def test_closing_without_cause_and_actions_is_refused_naming_what_is_missing(db, world):
    view = logged(db, world.inspector, kind="ADVERSE_EVENT", severity="NOT_SERIOUS",
                  lots=["L1"])
    with pytest.raises(ComplaintNotClosable) as refused:
        service.close_report(db, actor=world.quality, complaint_no=view.complaint_no)
    assert "cause" in refused.value.message("en") and "注册人" in refused.value.message("zh")
    assert refused.value.fields["missing_codes"][0] == "the investigation has not started"


def test_an_adverse_event_closes_once_the_registrant_is_told(db, world):
    no = logged(db, world.inspector, kind="ADVERSE_EVENT", severity="SERIOUS",
                lots=["L1"]).complaint_no
    service.record_findings(db, actor=world.inspector, complaint_no=no,
                            findings=Findings("sterile barrier breach", "lot L1 on hold"))
    with pytest.raises(ComplaintNotClosable):
        service.close_report(db, actor=world.quality, complaint_no=no)
    told = service.record_notification(db, actor=world.inspector, complaint_no=no,
                                       party="registrant", channel="email")
    registrant = told.notice("REGISTRANT")
    assert (registrant.by, registrant.channel) == ("Ina (ina)", "EMAIL") and registrant.at
    service.record_notification(db, actor=world.quality, complaint_no=no, party="REGULATOR",
                                channel="ONLINE", reference="NMPA-ADR-2026-0042")
    closed = service.close_report(db, actor=world.quality, complaint_no=no)
    assert closed.status == "CLOSED" and closed.closed_by == "Qiu Quality (qiu)"
    assert closed.notice("REGULATOR").reference == "NMPA-ADR-2026-0042"
    assert audit_actions(db, no)[-3:] == ["complaint.notify", "complaint.notify",
                                          "complaint.close"]


def test_a_closed_report_takes_nothing_more(db, world):
    no = logged(db, world.inspector, lots=["L1"]).complaint_no
    service.record_findings(db, actor=world.inspector, complaint_no=no,
                            findings=Findings("seal", "replaced"))
    service.close_report(db, actor=world.quality, complaint_no=no)
    with pytest.raises(ComplaintClosed) as refused:
        service.record_findings(db, actor=world.inspector, complaint_no=no,
                                findings=Findings("other", "other"))
    assert no in refused.value.message("en") and "关闭" in refused.value.message("zh")


def test_the_list_filters_by_kind_status_item_lot_and_customer(db, world):
    one = logged(db, world.inspector, lots=["L1"]).complaint_no
    two = logged(db, world.inspector, kind="ADVERSE_EVENT", severity="SERIOUS",
                 serials=["PS-1"], gtin=PACER_GTIN).complaint_no

    def numbers(**filters):
        with db.reading() as s:
            return {r.complaint_no for r in queries.list_complaints(s, queries.Filters(**filters))}

    assert numbers(kind="adverse_event") == {two} and numbers(status="OPEN") == {one, two}
    assert numbers(item="STENT") == {one} and numbers(item=PACER_GTIN) == {two}
    assert numbers(lot="L1") == {one} and numbers(lot="P1") == {two}
    assert numbers(customer="HOSP1") == {one, two} and numbers(customer="HOSP9") == set()
