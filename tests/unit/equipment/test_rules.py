"""Equipment rules: which check a kind needs, when it is in date, what a record must hold."""

from __future__ import annotations

from datetime import date

from medwms.equipment import rules
from medwms.equipment.rules import Check, CheckSpec

JAN = date(2026, 1, 10)


def cal(on: date, due: date | None, result: str = "PASS") -> Check:
    return Check("CALIBRATION", on, result, due)


def test_a_sensor_is_calibrated_and_the_rest_validated():
    assert rules.needed_check("SENSOR") == "CALIBRATION"
    assert {rules.needed_check(k) for k in ("COLD_ROOM", "FRIDGE", "COLD_BOX", "VEHICLE")} == {
        "VALIDATION"}


def test_a_sensor_is_in_date_through_its_due_day_and_lapsed_the_day_after():
    checks = [cal(JAN, date(2027, 1, 9))]
    assert rules.validity(checks, kind="SENSOR", on=date(2027, 1, 9)).in_date
    after = rules.validity(checks, kind="SENSOR", on=date(2027, 1, 10))
    assert (after.in_date, after.reason, after.due) == (False, "LAPSED", date(2027, 1, 9))


def test_equipment_never_checked_is_not_in_date():
    assert rules.validity([], kind="COLD_ROOM", on=JAN).reason == "NEVER_CHECKED"


def test_a_later_failed_check_takes_it_out_of_use_at_once():
    checks = [cal(JAN, date(2027, 1, 9)), cal(date(2026, 6, 1), None, "FAIL")]
    assert rules.validity(checks, kind="SENSOR", on=date(2026, 5, 31)).in_date
    assert rules.validity(checks, kind="SENSOR", on=date(2026, 6, 1)).reason == "FAILED"


def test_a_check_of_the_wrong_kind_does_not_count():
    checks = [Check("VALIDATION", JAN, "PASS", date(2027, 1, 1))]
    assert rules.validity(checks, kind="SENSOR", on=JAN).reason == "NEVER_CHECKED"
    assert rules.validity(checks, kind="FRIDGE", on=JAN).in_date


def test_due_soon_is_within_the_warning_days():
    valid = rules.validity([cal(JAN, date(2026, 2, 1))], kind="SENSOR", on=JAN)
    assert rules.due_soon(valid, on=JAN, warn_days=30)
    assert not rules.due_soon(valid, on=JAN, warn_days=21)


def spec(**changes: object) -> CheckSpec:
    values: dict[str, object] = {"check_kind": "CALIBRATION", "performed_on": JAN,
                                 "certificate_no": "JL-2026-001", "body": "省计量院",
                                 "result": "PASS", "next_due": date(2027, 1, 9)}
    values.update(changes)
    return CheckSpec(**values)  # type: ignore[arg-type]


def fields(found: list[tuple[str, str, str]]) -> list[str]:
    return [name for name, _, _ in found]


def test_a_complete_calibration_record_has_no_problems():
    assert rules.check_problems(spec(), kind="SENSOR", today=JAN) == []


def test_a_sensor_calibration_is_due_within_a_year():
    found = rules.check_problems(spec(next_due=date(2027, 3, 1)), kind="SENSOR", today=JAN)
    assert fields(found) == ["next_due"] and "2027-01-11" in found[0][1]


def test_a_record_needs_its_certificate_body_and_a_due_date_after_the_check():
    found = rules.check_problems(spec(certificate_no=" ", body="", next_due=JAN),
                                 kind="SENSOR", today=JAN)
    assert fields(found) == ["certificate_no", "body", "next_due"]


def test_a_future_check_or_the_wrong_kind_is_refused():
    found = rules.check_problems(spec(performed_on=date(2026, 2, 1), next_due=date(2027, 1, 1)),
                                 kind="COLD_BOX", today=JAN)
    assert fields(found) == ["check_kind", "performed_on"]


def test_a_failed_check_needs_no_due_date():
    assert rules.check_problems(spec(result="FAIL", next_due=None), kind="SENSOR",
                                today=JAN) == []


def test_a_room_needs_two_active_sensors():
    assert rules.too_few_sensors(1) and not rules.too_few_sensors(2)
