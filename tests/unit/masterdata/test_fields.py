"""Single values: GTIN and GLN check digits, codes, dates, numbers, booleans."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medwms.barcode.checkdigit import gs1_check_digit
from medwms.masterdata import fields
from medwms.masterdata.fields import FieldError


def complete(body: str) -> str:
    return body + str(gs1_check_digit(body))


@pytest.mark.parametrize("body", ["9638507", "03600029145", "400638133393", "0950110153000"])
def test_gtins_of_every_length_are_stored_as_14_digits(body):
    value = complete(body)
    assert fields.gtin(value) == value.zfill(14)


def test_a_wrong_check_digit_names_the_right_one():
    with pytest.raises(FieldError) as refused:
        fields.gtin("4006381333932")
    assert "should be 1" in str(refused.value)
    assert "校验位" in str(refused.value)


@pytest.mark.parametrize("raw", ["40063813339", "400638133393100", "4006381A33931", ""])
def test_gtins_of_other_lengths_or_with_letters_are_refused(raw):
    with pytest.raises(FieldError):
        fields.gtin(raw)


def test_a_gtin_read_from_an_excel_number_cell_gets_its_leading_zeros_back():
    assert fields.gtin(int("06901234567892")) == "06901234567892"
    assert fields.gtin(6901234567892.0) == "06901234567892"


@pytest.mark.parametrize("raw", ["00000000000000", "0000000000000", "00000000", 0])
def test_a_gtin_of_zeros_is_refused_as_a_placeholder(raw):
    with pytest.raises(FieldError) as refused:
        fields.gtin(raw)
    assert "placeholder" in str(refused.value) and "占位符" in str(refused.value)


@given(st.text("0123456789", min_size=13, max_size=13).filter(lambda body: body.strip("0")),
       st.integers(1, 9))
def test_any_gtin_with_its_check_digit_is_accepted_and_any_other_digit_refused(body, shift):
    good = complete(body)
    assert fields.gtin(good) == good
    bad = body + str((int(good[-1]) + shift) % 10)
    with pytest.raises(FieldError):
        fields.gtin(bad)


def test_a_gln_has_13_digits_and_a_check_digit():
    assert fields.gln(complete("690123400000")) == complete("690123400000")
    with pytest.raises(FieldError):
        fields.gln(complete("69012340000"))
    with pytest.raises(FieldError):
        fields.gln("6901234000001")


@pytest.mark.parametrize(("raw", "clean"), [("wh1-a-01", "WH1-A-01"), (" ab12 ", "AB12"),
                                            (1001, "1001"), (1001.0, "1001")])
def test_codes_are_upper_cased(raw, clean):
    assert fields.code(40)(raw) == clean


@pytest.mark.parametrize("raw", ["A_1", "A 1", "A/1", "导管", "Ａ1", "A.1", "ß"])
def test_codes_with_other_characters_are_refused_with_a_clear_message(raw):
    with pytest.raises(FieldError) as refused:
        fields.code(40)(raw)
    assert "A-Z" in str(refused.value)


def test_a_code_longer_than_its_column_is_refused():
    with pytest.raises(FieldError):
        fields.code(5)("ABCDEF")


def test_dates_are_written_year_month_day_or_come_from_a_date_cell():
    assert fields.iso_date("2027-06-30") == date(2027, 6, 30)
    assert fields.iso_date(datetime(2027, 6, 30)) == date(2027, 6, 30)
    assert fields.iso_date(date(2027, 6, 30)) == date(2027, 6, 30)


@pytest.mark.parametrize("raw", ["2027/06/30", "30.06.2027", "2027-02-30", "20270630", "June"])
def test_dates_in_other_forms_are_refused(raw):
    with pytest.raises(FieldError) as refused:
        fields.iso_date(raw)
    assert "YYYY-MM-DD" in str(refused.value)


def test_numbers_keep_their_decimals_and_ranges():
    assert str(fields.decimal(1)("2.5")) == "2.5"
    with pytest.raises(FieldError):
        fields.decimal(1)("2.55")
    with pytest.raises(FieldError):
        fields.integer(1)("0")
    with pytest.raises(FieldError):
        fields.integer(0)("1.5")


@pytest.mark.parametrize(("raw", "value"), [("yes", True), ("1", True), ("是", True),
                                            ("FALSE", False), ("n", False), (False, False)])
def test_booleans_accept_the_usual_words(raw, value):
    assert fields.boolean(raw) is value


def test_unknown_time_zones_are_refused():
    assert fields.timezone("Asia/Shanghai") == "Asia/Shanghai"
    with pytest.raises(FieldError):
        fields.timezone("Mars/Olympus")
