"""parse_scan keeps its recent results: the same text gives the same Scan, a refusal is
raised every time, and a different day is parsed afresh (dates resolve against today)."""

from __future__ import annotations

from datetime import date

import pytest

from medwms.barcode import ScanError, parse_scan

UNIT = "]d2010690000000011317991231" + "10LOT-1"


def test_the_same_text_gives_the_same_scan() -> None:
    first = parse_scan(UNIT, today=date(2026, 1, 1))
    assert parse_scan(UNIT, today=date(2026, 1, 1)) is first
    assert first.lot == "LOT-1"


def test_a_refusal_is_raised_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ScanError):
            parse_scan("]d201069000000001", today=date(2026, 1, 1))


def test_another_day_is_parsed_afresh() -> None:
    # a two-digit year resolves within 50 years of today (GS1 General Specifications 7.12)
    assert parse_scan(UNIT, today=date(2026, 1, 1)).expiry == date(1999, 12, 31)
    assert parse_scan(UNIT, today=date(2060, 1, 1)).expiry == date(2099, 12, 31)
