"""Every refusal says its real reason, in Chinese and in English."""

from __future__ import annotations

from datetime import date

import pytest

from medwms.barcode import SCAN_ERROR_CODES, ScanError, parse_scan
from medwms.barcode.errors import refuse
from tests.unit.barcode.conftest import GS, hibc, with_check

TODAY = date(2025, 6, 1)
G = with_check("0761234500001")
G2 = with_check("0950600013435")
SSCC = with_check("10614141123456789")


def refusal(raw: str) -> ScanError:
    with pytest.raises(ScanError) as caught:
        parse_scan(raw, today=TODAY)
    return caught.value


@pytest.mark.parametrize("code", sorted(SCAN_ERROR_CODES))
def test_every_code_has_both_languages_filled_in(code: str) -> None:
    error = refuse(code, what="10", value="A1", second="B2", other="01", needs="01")
    en, zh = error.message("en"), error.message("zh-CN")
    assert en and zh and en != zh
    assert "{" not in en + zh
    assert ("Caps Lock" in en) == (code == "CAPS_LOCK")


def test_a_serial_without_its_trade_item_names_every_ai_gs1_accepts() -> None:
    error = refusal(f"00{SSCC}02{G}375{GS}21X")
    assert error.code == "MISSING_REQUIRED_AI" and error.fields["needs"] == "01,03,8006"
    assert ("GTIN (01), made-to-order GTIN (03) or piece of a trade item ITIP (8006)"
            in error.message("en"))
    assert "产品标识GTIN(01)、定制产品GTIN(03)或单件贸易项目ITIP(8006)" in error.message("zh-CN")


def test_a_gln_extension_without_its_gln_does_not_speak_of_a_gtin() -> None:
    error = refusal("254A-01")
    assert error.code == "MISSING_REQUIRED_AI"
    assert "location GLN (414)" in error.message("en") and "GTIN" not in error.message("en")
    assert "库位GLN(414)" in error.message("zh-CN") and "GTIN" not in error.message("zh-CN")


def test_a_conflicting_repeat_names_the_ai_and_both_values() -> None:
    error = refusal(f"01{G}10LOTA1{GS}10LOTB2")
    assert error.fields["what"] == "10"
    assert (error.fields["value"], error.fields["second"]) == ("LOTA1", "LOTB2")
    for language, name in (("en", "lot (10)"), ("zh-CN", "批号(10)")):
        words = error.message(language)
        assert name in words and "LOTA1" in words and "LOTB2" in words


def test_an_invalid_pair_names_both_ais() -> None:
    error = refusal(f"01{G}02{G2}")
    assert error.code == "INVALID_PAIR"
    assert "content GTIN (02)" in error.message("en") and "GTIN (01)" in error.message("en")
    assert "内含产品GTIN(02)" in error.message("zh-CN")
    assert "产品标识GTIN(01)" in error.message("zh-CN")


def test_a_missing_separator_names_the_field_that_runs_on() -> None:
    error = refusal(f"01{G}700725010121SN1")
    assert error.code == "NO_SEPARATOR" and error.fields["what"] == "7007"
    assert "harvest date (7007)" in error.message("en") and "GS" in error.message("en")
    assert "收获日期(7007)" in error.message("zh-CN") and "分隔符" in error.message("zh-CN")


def test_an_ai_without_a_name_of_ours_is_named_by_gs1s_title() -> None:
    error = refusal(f"01{G}701125010121SN1")
    assert "test by date (7011)" in error.message("en")
    assert "字段(7011)" in error.message("zh-CN")


@pytest.mark.parametrize(("raw", "code"), [
    ("]E0" + G, "BAD_LENGTH"),                    # 14 digits: no EAN-13, no DataBar either
    ("]E4123", "BAD_LENGTH"),                      # ]E4 is EAN-8 only: never ]e4
    ("+A123bJC5D6E71", "BAD_CHARACTER"),           # one lower-case letter, others upper
    ("Ma.156.M0.100001.10000013", "BAD_CHARACTER"),
    ("#l:A-01", "BAD_CHARACTER"),
    ("#x:abc", "NOT_RECOGNISED"),                  # not ours in any case
])
def test_caps_lock_is_said_only_when_every_letter_is_swapped(raw: str, code: str) -> None:
    assert refusal(raw).code == code


@pytest.mark.parametrize("raw", [
    f"]E001{G}17280630", hibc("+A123BJC5D6E71").lower(), "ma.156.m0.100001.10000013.l1",
    "#l:a-01", "]D2" + f"01{G}10lota1",
])
def test_caps_lock_is_still_said_when_it_is_on(raw: str) -> None:
    assert refusal(raw).code == "CAPS_LOCK"
