"""Warnings, HIBC pairing, configuration and error plumbing of parse_scan."""

from __future__ import annotations

from datetime import date

import pytest

from medwms.barcode import ScanError, pair_hibc, parse_scan
from medwms.barcode.errors import ScanError as BaseScanError
from medwms.core.errors import ScanRefused
from tests.unit.barcode.conftest import GS, hibc, hibc_check, with_check

TODAY = date(2025, 6, 1)
G = with_check("0761234500001")
SSCC = with_check("10614141123456789")
PRIMARY = "+A123BJC5D6E71"


def codes(raw: str) -> list[str]:
    return [w.code for w in parse_scan(raw, today=TODAY).warnings]


def test_lot_that_swallowed_a_serial_is_accepted_with_a_warning() -> None:
    scan = parse_scan(f"01{G}10LOT12321SN0001", today=TODAY)
    assert scan.lot == "LOT12321SN0001" and scan.serial is None
    assert [w.code for w in scan.warnings] == ["POSSIBLE_MISSING_SEPARATOR"]
    assert "(21)SN0001" in scan.warnings[0].message("en")
    assert "分隔符" in scan.warnings[0].message("zh-CN")


def test_serial_that_swallowed_an_expiry_is_warned() -> None:
    assert codes(f"01{G}21SER17280630") == ["POSSIBLE_MISSING_SEPARATOR"]


def test_complete_scan_has_no_warning() -> None:
    assert codes(f"01{G}17280630{GS}10LOT123{GS}21SN2021") == []


def test_count_without_sscc_is_warned_not_refused() -> None:
    assert codes(f"02{G}3712") == ["COUNT_WITHOUT_SSCC"]
    assert codes(f"00{SSCC}02{G}3712") == []


def test_hibc_secondary_alone_is_warned_and_pairs_with_its_primary() -> None:
    primary = parse_scan(hibc(PRIMARY), today=TODAY)
    secondary = parse_scan(hibc(f"+$$3280930LOT1{hibc_check(PRIMARY)}"), today=TODAY)
    assert [w.code for w in secondary.warnings] == ["HIBC_SECONDARY_ONLY"]
    both = pair_hibc(primary, secondary)
    assert (both.di, both.lot, both.expiry) == ("A123BJC5D6E71", "LOT1", date(2028, 9, 30))


def test_hibc_secondary_of_another_primary_is_refused() -> None:
    primary = parse_scan(hibc(PRIMARY), today=TODAY)
    other_link = "0" if hibc_check(PRIMARY) != "0" else "1"
    secondary = parse_scan(hibc(f"+$LOT1{other_link}"), today=TODAY)
    with pytest.raises(ScanError) as caught:
        pair_hibc(primary, secondary)
    assert caught.value.code == "LINK_MISMATCH"


def test_substitutes_for_gs_are_configurable() -> None:
    raw = f"01{G}10LOT1~21SN1"
    assert parse_scan(raw, today=TODAY, gs_substitutes=("~",)).serial == "SN1"
    with pytest.raises(ScanError) as caught:
        parse_scan(raw, today=TODAY)
    assert caught.value.code == "BAD_CHARACTER"


def test_scan_error_is_a_scan_refusal_with_both_languages() -> None:
    with pytest.raises(ScanRefused) as caught:
        parse_scan(f"01{G}17281301", today=TODAY)
    error = caught.value
    assert isinstance(error, BaseScanError) and error.code == "BAD_DATE"
    assert error.status == 422
    assert "281301" in error.message("en") and "失效日期" in error.message("zh-CN")
    assert error.to_dict("en")["code"] == "BAD_DATE"


def test_an_internal_bug_still_reaches_the_station_as_a_refusal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise IndexError("boom")

    monkeypatch.setattr("medwms.barcode.front.route", broken)
    with pytest.raises(ScanError) as caught:
        parse_scan("anything", today=TODAY)
    assert caught.value.code == "NOT_RECOGNISED"


def test_today_defaults_to_the_calendar_at_the_entry_point() -> None:
    assert parse_scan(f"01{G}17280630").expiry == date(2028, 6, 30)


def test_scan_as_json_ready_dict() -> None:
    data = parse_scan(f"]d201{G}17280600", today=TODAY).to_dict("en")
    assert data["expiry"] == "2028-06-30" and data["elements"] == [["01", G], ["17", "280600"]]
