"""Calendar dates in barcodes: GS1 YYMMDD with its sliding century, HIBC formats."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from medwms.barcode.errors import refuse


def full_year(yy: int, today: date) -> int:
    """The four-digit year of `yy` by the GS1 sliding window (GS1 General Specifications 7.12)."""
    century = today.year - today.year % 100
    difference = yy - today.year % 100
    if difference >= 51:
        century -= 100
    elif difference <= -50:
        century += 100
    return century + yy


def last_day(year: int, month: int) -> date:
    """The last day of `month` in `year`."""
    return date(year, month, calendar.monthrange(year, month)[1])


def ymd(year: int, month: int, day: int, *, what: str, value: str) -> date:
    """A date, where day 0 means the month's last day; BAD_DATE when there is none."""
    if not 1 <= month <= 12 or not 0 <= day <= 31 or not 1 <= year <= 9999:
        raise refuse("BAD_DATE", what=what, value=value)
    if day == 0:
        return last_day(year, month)
    if day > calendar.monthrange(year, month)[1]:
        raise refuse("BAD_DATE", what=what, value=value)
    return date(year, month, day)


def _digits(value: str, length: int, *, what: str) -> str:
    if len(value) != length or not value.isascii() or not value.isdigit():
        raise refuse("BAD_DATE", what=what, value=value)
    return value


def yymmdd(value: str, today: date, *, what: str) -> date:
    """A GS1 YYMMDD date (DD=00 is the month's last day), century relative to `today`."""
    text = _digits(value, 6, what=what)
    year = full_year(int(text[:2]), today)
    return ymd(year, int(text[2:4]), int(text[4:6]), what=what, value=value)


def yyyymmdd(value: str, *, what: str) -> date:
    """A YYYYMMDD date (the HIBC supplementary 14D and 16D fields)."""
    text = _digits(value, 8, what=what)
    return ymd(int(text[:4]), int(text[4:6]), int(text[6:]), what=what, value=value)


def mmyy(value: str, today: date, *, what: str) -> date:
    """An HIBC MMYY date: the last day of the month, as GS1's DD=00."""
    text = _digits(value, 4, what=what)
    year = full_year(int(text[2:]), today)
    return ymd(year, int(text[:2]), 0, what=what, value=value)


def mmddyy(value: str, today: date, *, what: str) -> date:
    """An HIBC MMDDYY date."""
    text = _digits(value, 6, what=what)
    year = full_year(int(text[4:]), today)
    return ymd(year, int(text[:2]), int(text[2:4]), what=what, value=value)


def yyjjj(value: str, today: date, *, what: str) -> date:
    """An HIBC Julian date YYJJJ (day of the year, 001-366)."""
    text = _digits(value, 5, what=what)
    year = full_year(int(text[:2]), today)
    day_of_year = int(text[2:])
    if not 1 <= day_of_year <= (366 if calendar.isleap(year) else 365):
        raise refuse("BAD_DATE", what=what, value=value)
    return date(year, 1, 1) + timedelta(days=day_of_year - 1)


def hour(value: str, *, what: str) -> None:
    """Check an HH hour field (00-23); the hour itself is not kept."""
    if len(value) != 2 or not value.isdigit() or int(value) > 23:
        raise refuse("BAD_DATE", what=what, value=value)
