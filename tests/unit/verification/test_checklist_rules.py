"""The outbound review checklist (G26): all fine unless a failing condition is named; the UDI
of the reviewed unit in GS1 form."""

from __future__ import annotations

from datetime import date

import pytest

from medwms.verification.errors import AnomalyNeedsNote, BadChecklist
from medwms.verification.rules import Check, checklist_of, udi_text


def test_no_failing_condition_means_all_four_are_confirmed():
    checklist = checklist_of([])
    assert checklist.passed and checklist.failed_text() == ""
    assert checklist.answers() == {"packaging_ok": True, "label_ok": True,
                                   "not_expired": True, "no_anomaly": True}


def test_named_failures_are_answered_no_in_the_checklist_order():
    checklist = checklist_of([" label", "PACKAGING", ""])
    assert checklist.failed == {Check.LABEL, Check.PACKAGING}
    assert checklist.failed_text() == "PACKAGING,LABEL"
    assert checklist.answers()["label_ok"] is False
    assert checklist.answers()["not_expired"] is True


def test_other_anomaly_needs_a_note_saying_what_it_is():
    with pytest.raises(AnomalyNeedsNote):
        checklist_of(["OTHER"], "   ")
    assert checklist_of(["OTHER"], "  wet   carton ").note == "wet carton"


def test_an_unknown_condition_is_refused_naming_the_allowed_ones():
    with pytest.raises(BadChecklist) as refused:
        checklist_of(["SMELL"])
    assert "SMELL" in refused.value.message("en")
    assert "PACKAGING / LABEL / EXPIRY / OTHER" in refused.value.message("zh-CN")


def test_the_udi_is_written_in_gs1_human_readable_form():
    assert udi_text("06900000000113", date(2028, 6, 30), "L1", None) == \
        "(01)06900000000113(17)280630(10)L1"
    assert udi_text("06900000000113", None, "PL1", "P1") == "(01)06900000000113(10)PL1(21)P1"
