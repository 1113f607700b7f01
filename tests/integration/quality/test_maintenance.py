"""In-stock maintenance checks (养护): due and overdue per zone, the check record, and a doubt
from the check that holds the lot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from medwms.core.errors import PermissionDenied
from medwms.quality import hold_queries
from medwms.quality.maintenance import (
    Findings,
    check_tasks,
    recent_checks,
    record_check,
    set_check_plan,
)
from medwms.quality.nonconforming import Doubt, hold_on_doubt
from medwms.quality.stock_errors import BadQualityInput
from tests.support.nonconforming import balances, put, quality_floor
from tests.support.picking import PICKER

ALL_OK = Findings(storage_ok=True, conditions_ok=True, monitoring_ok=True, stock_ok=True)


@pytest.fixture
def q(db):
    return quality_floor(db)


def tasks(db, now=None, default_days=30):
    with db.reading() as s:
        return {(t.zone): t for t in check_tasks(s, now=now or datetime.now(UTC),
                                                 default_days=default_days)}


def test_a_zone_never_checked_is_due_today_and_a_check_moves_it_on(db, q):
    before = tasks(db)
    assert set(before) == {"S", "Q", "RED"}  # staging and receiving zones hold no stock long
    view = record_check(db, actor=q.inspector, warehouse="WH1", zone="S", findings=ALL_OK)
    assert view.check_no.startswith("CHK-") and view.checked_by == "Ivy (ivy)"
    after = tasks(db)["S"]
    assert after.last_checked == view.checked_on
    assert after.due_on == view.checked_on + timedelta(days=30) and not after.overdue


def test_a_plan_of_its_own_sets_the_zones_frequency_and_late_checks_are_overdue(db, q):
    set_check_plan(db, actor=q.qa, warehouse="WH1", zone="S", every_days=7)
    record_check(db, actor=q.inspector, warehouse="WH1", zone="S", findings=ALL_OK)
    later = datetime.now(UTC) + timedelta(days=10)
    task = tasks(db, now=later)["S"]
    assert task.every_days == 7 and task.overdue and task.days_late == 3
    assert tasks(db, now=later)["Q"].every_days == 30


def test_a_failed_finding_needs_notes_and_only_quality_records_checks(db, q):
    with pytest.raises(BadQualityInput):
        record_check(db, actor=q.inspector, warehouse="WH1", zone="S",
                     findings=Findings(True, True, True, stock_ok=False))
    with pytest.raises(PermissionDenied):
        record_check(db, actor=PICKER, warehouse="WH1", zone="S", findings=ALL_OK)
    with db.reading() as s:
        assert recent_checks(s) == []


def test_a_doubt_from_the_check_holds_the_lot(db, q):
    put(db, q, "L1", date(2028, 1, 1), 5)
    check = record_check(db, actor=q.inspector, warehouse="WH1", zone="S", findings=Findings(
        True, True, True, stock_ok=False, notes="lot L1: cartons crushed"))
    held = hold_on_doubt(db, actor=q.inspector, doubt=Doubt(
        item="STENT", lot="L1", reason="cartons crushed", check_no=check.check_no))
    assert balances(db) == {("L1", "WH1-A-01", "HOLD"): 5}
    with db.reading() as s:
        assert hold_queries.hold_view(s, held.hold_no).check_no == check.check_no
