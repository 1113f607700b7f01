"""The pure decisions of working a recall: notices, who signs the close, what blocks it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from medwms.recall import rules

NOW = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)


def test_a_notice_names_a_known_channel_and_a_person_and_is_not_from_the_future():
    assert rules.notice_problems("PHONE", "Dr Wang 010-1234", NOW, NOW) == []
    problems = rules.notice_problems("PIGEON", "  ", NOW + timedelta(minutes=1), NOW)
    assert [p.column for p in problems] == ["channel", "recipient", "sent_at"]
    assert "电话" in problems[0].message and "phone" in problems[0].message


def test_every_channel_of_the_page_is_a_channel_of_the_rules():
    assert rules.NOTICE_CHANNELS == ("PHONE", "EMAIL", "FAX", "LETTER", "IN_PERSON")


def test_only_the_quality_manager_signs_a_recall_closed():
    assert rules.may_sign_close({"quality"})
    assert rules.may_sign_close(["picker", "quality"])
    assert not rules.may_sign_close({"manager"}) and not rules.may_sign_close({"admin"})


def test_closing_waits_for_every_notice_and_every_unit():
    states = [rules.ConsigneeState("HOSP1", True, 0), rules.ConsigneeState("HOSP2", False, 3),
              rules.ConsigneeState("HOSP3", True, 2)]
    blockers = rules.close_blockers(states, mock=False)
    assert blockers and blockers.not_notified == ("HOSP2",)
    assert blockers.outstanding == (("HOSP2", 3), ("HOSP3", 2))


def test_a_drill_closes_once_everyone_is_notified_whatever_is_out():
    states = [rules.ConsigneeState("HOSP1", True, 20)]
    assert not rules.close_blockers(states, mock=True)
    assert rules.close_blockers(states, mock=False)
    assert not rules.close_blockers([], mock=False)


def test_a_destruction_needs_a_reason_and_no_more_than_is_held():
    assert rules.destruction_problems(2, 5, "incinerated") == []
    assert [p.column for p in rules.destruction_problems(6, 5, " ")] == ["quantity", "reason"]
    assert [p.column for p in rules.destruction_problems(0, 5, "x")] == ["quantity"]


def test_a_lot_is_outstanding_until_its_units_come_back():
    lot = rules.LotUnits("L1", None, shipped=30, returned=9, destroyed=4, in_stock=79)
    assert lot.outstanding == 21
    assert rules.LotUnits("L1", None, 0, 2, 0, 0).outstanding == 0
