"""Whole records and files: cross-column checks, references, duplicates, headers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from medwms.masterdata import rules
from medwms.masterdata.kinds import ITEMS, LOCATIONS, PACKAGING, PARTNERS, ZONES
from medwms.masterdata.rules import Context, Parsed

TODAY = date(2026, 11, 25)


def item(**over):
    values = {"code": "CATH-01", "name_zh": "导管", "risk_class": "III", "tracking": "LOT"}
    values.update(over)
    return values


def parsed(kind, raw, row=2):
    return rules.parse_record(kind, raw, row=row)


def columns(problems):
    return [p.column for p in problems]


def test_a_complete_item_parses_with_defaults_for_blank_columns():
    record = parsed(ITEMS, item(name_en="", temp_min="2", temp_max="8"))
    assert record.problems == ()
    assert record.values["temp_min"] == Decimal(2)
    assert record.values["implant"] is False
    assert record.values["min_remaining_days"] == 0
    assert record.values["name_en"] == ""


def test_blank_required_columns_are_each_reported_with_row_and_column():
    record = parsed(ITEMS, {"code": "X"}, row=7)
    assert columns(record.problems) == ["name_zh", "risk_class", "tracking"]
    assert {p.row for p in record.problems} == {7}


def test_a_bad_value_is_reported_with_what_was_typed():
    (problem,) = parsed(ITEMS, item(tracking="BATCH")).problems
    assert (problem.column, problem.value) == ("tracking", "BATCH")
    assert "LOT, SERIAL, LOT_SERIAL" in problem.message


def test_minimum_temperature_may_not_exceed_the_maximum():
    values = parsed(ITEMS, item(temp_min="8", temp_max="2")).values
    (problem,) = rules.check_record(ITEMS, values, today=TODAY, creating=True)
    assert problem.column == "temp_min"
    assert rules.check_record(ITEMS, parsed(ITEMS, item(temp_min="5", temp_max="5")).values,
                              today=TODAY, creating=True) == []


def test_a_zone_checks_its_temperature_range_too():
    values = parsed(ZONES, {"warehouse_code": "WH1", "code": "C", "kind": "STORAGE",
                            "temp_min": "8", "temp_max": "2"}).values
    assert columns(rules.check_record(ZONES, values, today=TODAY, creating=True)) == ["temp_min"]


def test_an_expired_registration_is_refused_on_create_but_kept_on_update():
    values = parsed(ITEMS, item(registration_expiry="2026-11-24")).values
    (problem,) = rules.check_record(ITEMS, values, today=TODAY, creating=True)
    assert problem.column == "registration_expiry"
    assert rules.check_record(ITEMS, values, today=TODAY, creating=False) == []


def test_a_registration_expiring_today_is_still_valid():
    values = parsed(ITEMS, item(registration_expiry="2026-11-25")).values
    assert rules.check_record(ITEMS, values, today=TODAY, creating=True) == []


def test_minimum_remaining_shelf_life_cannot_exceed_the_shelf_life():
    values = parsed(ITEMS, item(shelf_life_days="365", min_remaining_days="400")).values
    assert columns(rules.check_record(ITEMS, values, today=TODAY, creating=True)) == [
        "min_remaining_days"]


def test_a_department_needs_a_customer_as_parent():
    dept = {"code": "ICU", "name": "ICU", "kind": "DEPARTMENT"}
    record = parsed(PARTNERS, dept).values
    assert columns(rules.check_record(PARTNERS, record, today=TODAY, creating=True)) == [
        "parent_code"]
    record = parsed(PARTNERS, {**dept, "parent_code": "SUP1"}).values
    ctx = Context(TODAY, partner_kinds={"SUP1": "SUPPLIER"})
    (problem,) = rules.check_references(PARTNERS, record, ctx)
    assert "not a customer" in problem.message


def test_only_departments_have_parents():
    record = parsed(PARTNERS, {"code": "H1", "name": "H", "kind": "CUSTOMER",
                               "parent_code": "H0"}).values
    assert columns(rules.check_record(PARTNERS, record, today=TODAY, creating=True)) == [
        "parent_code"]


def test_a_location_gets_its_default_barcode_and_needs_a_known_zone():
    record = parsed(LOCATIONS, {"code": "wh1-a-01", "warehouse_code": "wh1",
                                "zone_code": "s1"}).values
    assert record["barcode"] == "#L:WH1-A-01"
    ctx = Context(TODAY, warehouses={"WH1": 1}, zones={("WH1", "S2"): 1})
    (problem,) = rules.check_references(LOCATIONS, record, ctx)
    assert (problem.column, problem.value) == ("zone_code", "S1")


def test_a_gtin_of_another_item_is_refused():
    record = parsed(PACKAGING, {"gtin": "4006381333931", "item_code": "B", "quantity": "1"})
    ctx = Context(TODAY, items={"A": 1, "B": 2}, gtin_items={"04006381333931": "A"})
    (problem,) = rules.check_references(PACKAGING, record.values, ctx)
    assert "belongs to item A" in problem.message


def test_a_missing_column_is_reported_once_with_the_expected_columns():
    problems = rules.check_header(ITEMS, ["code", "name_zh", "risk_class"])
    (problem,) = problems
    assert problem.column == "tracking"
    assert "code, name_zh, name_en" in problem.message


def test_unknown_and_repeated_columns_are_reported():
    problems = rules.check_header(ITEMS, ["code", "name_zh", "risk_class", "tracking",
                                          "colour", "code"])
    assert columns(problems) == ["colour", "code"]


def test_duplicates_in_a_file_name_the_first_row():
    rows = [Parsed({"code": "A"}, 2), Parsed({"code": "B"}, 3), Parsed({"code": "A"}, 4)]
    (problem,) = rules.duplicates_in_file(ITEMS, rows)
    assert (problem.row, problem.column, problem.value) == (4, "code", "A")
    assert "row 2" in problem.message


def test_zones_are_duplicates_only_within_the_same_warehouse():
    rows = [Parsed({"warehouse_code": "WH1", "code": "S"}, 2),
            Parsed({"warehouse_code": "WH2", "code": "S"}, 3)]
    assert rules.duplicates_in_file(ZONES, rows) == []


def test_check_rows_reports_every_problem_of_a_file_in_row_order():
    rows = [parsed(ITEMS, item(code="A", temp_min="9", temp_max="1"), row=2),
            parsed(ITEMS, item(code="B", tracking="?"), row=3),
            parsed(ITEMS, item(code="A"), row=4)]
    problems = rules.check_rows(ITEMS, rows, Context(TODAY))
    assert [(p.row, p.column) for p in problems] == [(2, "temp_min"), (3, "tracking"),
                                                    (4, "code")]
