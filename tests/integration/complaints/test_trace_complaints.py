"""A trace of a lot or a serial lists the complaints and adverse events naming it."""

from __future__ import annotations

import pytest

from medwms.complaints import service
from medwms.complaints.service import ReportIn, Units
from medwms.documents.trace_origin import full_trace
from medwms.recall.trace import TraceQuery
from tests.support.recall import PACER_GTIN, STENT_GTIN, build_history
from tests.support.users import actor_of, make_user


@pytest.fixture
def inspector(db):
    build_history(db)
    return actor_of(make_user(db, "ina", "inspector"))


def report(db, actor, gtin, **units):
    return service.log_report(db, actor=actor, report=ReportIn(
        kind="ADVERSE_EVENT", customer="HOSP1", gtin=gtin, description="lead fracture",
        severity="SERIOUS", units=Units(**units))).complaint_no


def traced(db, **query):
    with db.reading() as s:
        return full_trace(s, TraceQuery(**query)).as_json()["complaints"]


def test_the_trace_of_a_lot_lists_the_reports_naming_it_and_no_other(db, inspector):
    on_l1 = report(db, inspector, STENT_GTIN, lots=["L1"])
    report(db, inspector, STENT_GTIN, lots=["L2"])
    [listed] = traced(db, gtin=STENT_GTIN, lot="L1")
    assert (listed["complaint_no"], listed["kind"], listed["customer"], listed["status"]) == \
        (on_l1, "ADVERSE_EVENT", "HOSP1", "OPEN")
    assert listed["units"] == [{"lot": "L1", "serial": None, "raw_scan": ""}]


def test_the_trace_of_a_serial_lists_reports_on_it_and_on_its_lot(db, inspector):
    on_serial = report(db, inspector, PACER_GTIN, serials=["PS-1"])
    on_lot = report(db, inspector, PACER_GTIN, lots=["P1"])
    report(db, inspector, PACER_GTIN, serials=["PS-2"])
    assert [c["complaint_no"] for c in traced(db, gtin=PACER_GTIN, serial="PS-1")] == \
        [on_serial, on_lot]
    assert len(traced(db, gtin=PACER_GTIN, lot="P1")) == 3


def test_a_report_without_units_never_shows_on_a_trace(db, inspector):
    report(db, inspector, STENT_GTIN)
    assert traced(db, gtin=STENT_GTIN, lot="L1") == []
