"""What a complaint or adverse-event report must say, and what it needs before it closes."""

from __future__ import annotations

from medwms.complaints.rules import (
    Closing,
    Report,
    closing_gaps,
    findings_problems,
    is_incomplete,
    notice_problems,
    report_problems,
)


def columns(problems):
    return [p.column for p in problems]


def test_a_complaint_with_a_description_and_no_severity_is_valid():
    assert report_problems(Report("COMPLAINT", None, "box crushed")) == []


def test_an_adverse_event_needs_serious_or_not_serious():
    assert columns(report_problems(Report("ADVERSE_EVENT", None, "bleeding"))) == ["severity"]
    assert report_problems(Report("ADVERSE_EVENT", "SERIOUS", "bleeding")) == []


def test_a_complaint_takes_no_severity():
    [problem] = report_problems(Report("COMPLAINT", "SERIOUS", "box crushed"))
    assert problem.column == "severity" and "adverse events only" in problem.message
    assert problem.message_zh


def test_an_unknown_kind_and_an_empty_description_are_both_named():
    assert columns(report_problems(Report("PRAISE", None, "  "))) == ["kind", "description"]


def test_a_description_over_the_limit_is_refused():
    assert columns(report_problems(Report("COMPLAINT", None, "x" * 4001))) == ["description"]


def test_a_report_without_lots_or_serials_is_incomplete():
    assert is_incomplete(0) and not is_incomplete(1)


def test_a_regulator_report_needs_its_reference_and_a_known_channel():
    assert columns(notice_problems("REGULATOR", "ONLINE", " ")) == ["reference"]
    assert columns(notice_problems("SUPPLIER", "PIGEON", "")) == ["channel"]
    assert columns(notice_problems("NEIGHBOUR", "PHONE", "")) == ["party"]
    assert notice_problems("REGISTRANT", "EMAIL", "") == []


def test_findings_over_the_limit_are_refused_by_field():
    assert columns(findings_problems("x" * 4001, "ok", "y" * 4001)) == ["cause", "reply"]


def test_closing_an_open_report_names_every_gap_in_order():
    gaps = closing_gaps(Closing("ADVERSE_EVENT", "OPEN", "", " ", registrant_told=False))
    assert gaps == ("investigation", "cause", "actions", "registrant")


def test_a_complaint_closes_with_cause_and_actions_without_the_registrant():
    assert closing_gaps(Closing("COMPLAINT", "INVESTIGATING", "seal", "replaced", False)) == ()


def test_an_adverse_event_does_not_close_until_the_registrant_is_told():
    closing = Closing("ADVERSE_EVENT", "INVESTIGATING", "seal", "replaced", False)
    assert closing_gaps(closing) == ("registrant",)
    told = Closing("ADVERSE_EVENT", "INVESTIGATING", "seal", "replaced", True)
    assert closing_gaps(told) == ()
