"""Parsers of single master-data values, as typed by people or read from a spreadsheet cell.

Each parser takes a raw value (text, a number or a date from an Excel cell) and returns the
clean value, or raises `FieldError` with an English and a Chinese reason. Pure: no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from medwms.barcode.checkdigit import GTIN_LENGTHS, gs1_check_digit

Parser = Callable[[object], Any]

CODE_PATTERN = re.compile(r"[A-Z0-9-]+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRUE_WORDS = frozenset({"1", "TRUE", "YES", "Y", "T", "是", "真"})
FALSE_WORDS = frozenset({"0", "FALSE", "NO", "N", "F", "否", "假"})


class FieldError(ValueError):
    """A value that can't be accepted, with the reason in English and Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        self.en = en
        self.zh = zh
        super().__init__(bilingual(en, zh))


def bilingual(en: str, zh: str) -> str:
    """One message for a person, English then Chinese."""
    return f"{en} / {zh}"


def is_blank(raw: object) -> bool:
    """True for an empty cell: None or only spaces."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw: object) -> str:
    """The cell as trimmed text; whole-number floats from Excel lose their `.0`."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def text(max_length: int) -> Parser:
    """Free text of at most `max_length` characters."""

    def parse(raw: object) -> str:
        value = as_text(raw)
        if len(value) > max_length:
            raise FieldError(f"longer than {max_length} characters",
                             f"超过 {max_length} 个字符")
        return value

    return parse


def code(max_length: int) -> Parser:
    """A code people type and Code 128 prints: upper-case letters, digits and `-`."""

    def parse(raw: object) -> str:
        typed = as_text(raw)
        value = typed.upper()
        if not typed.isascii() or not CODE_PATTERN.fullmatch(value):
            raise FieldError("a code may hold only letters A-Z, digits 0-9 and '-'",
                             "编码只能包含字母 A-Z、数字 0-9 和 '-'")
        if len(value) > max_length:
            raise FieldError(f"a code may be at most {max_length} characters",
                             f"编码最多 {max_length} 个字符")
        return value

    return parse


def gtin(raw: object) -> str:
    """A GTIN-8/12/13/14 with a correct check digit, returned as 14 digits."""
    value = str(int(raw)) if isinstance(raw, int | float) and not isinstance(raw, bool) \
        else as_text(raw)
    from_number = not isinstance(raw, str)
    if not value.isascii() or not value.isdigit():
        raise FieldError("a GTIN has digits only", "GTIN 只能是数字")
    if len(value) not in GTIN_LENGTHS and not (from_number and len(value) < 14):
        raise FieldError("a GTIN has 8, 12, 13 or 14 digits", "GTIN 应为 8、12、13 或 14 位")
    if not value.strip("0"):
        raise FieldError("a GTIN of zeros is a placeholder, not a product",
                         "全为零的 GTIN 是占位符，不是产品")
    _check_digit(value, "GTIN")
    return value.zfill(14)


def gln(raw: object) -> str:
    """A GLN: 13 digits with a correct check digit."""
    value = as_text(raw)
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        raise FieldError("a GLN has exactly 13 digits", "GLN 应为 13 位数字")
    _check_digit(value, "GLN")
    return value


def _check_digit(value: str, what: str) -> None:
    expected = gs1_check_digit(value[:-1])
    if int(value[-1]) != expected:
        raise FieldError(f"{what} check digit is wrong (the last digit should be {expected})",
                         f"{what} 校验位错误（最后一位应为 {expected}）")


def iso_date(raw: object) -> date:
    """A calendar date: YYYY-MM-DD text, or a real date cell."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    value = as_text(raw)
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError("a date is written YYYY-MM-DD, e.g. 2027-06-30",
                         "日期格式应为 YYYY-MM-DD，例如 2027-06-30") from None


def decimal(places: int, low: Decimal | None = None, high: Decimal | None = None) -> Parser:
    """A decimal number with at most `places` decimals, optionally within [low, high]."""

    def parse(raw: object) -> Decimal:
        try:
            value = Decimal(as_text(raw))
        except InvalidOperation:
            raise FieldError("not a number", "不是数字") from None
        if not value.is_finite() or value != round(value, places):
            raise FieldError(f"a number with at most {places} decimals",
                             f"数字最多 {places} 位小数")
        _within(value, low, high)
        return value

    return parse


def integer(low: int | None = 0, high: int | None = None) -> Parser:
    """A whole number, optionally within [low, high]."""

    def parse(raw: object) -> int:
        value = as_text(raw)
        if not re.fullmatch(r"-?\d+", value):
            raise FieldError("not a whole number", "不是整数")
        number = int(value)
        _within(number, low, high)
        return number

    return parse


def _within(value: Decimal | int, low: Decimal | int | None,
            high: Decimal | int | None) -> None:
    if low is not None and value < low:
        raise FieldError(f"must be at least {low}", f"不能小于 {low}")
    if high is not None and value > high:
        raise FieldError(f"must be at most {high}", f"不能大于 {high}")


def boolean(raw: object) -> bool:
    """Yes or no: true/false, yes/no, 1/0, Y/N, 是/否."""
    if isinstance(raw, bool):
        return raw
    value = as_text(raw).upper()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise FieldError("write true or false (or 1/0, yes/no)",
                     "应填写 true 或 false（或 1/0、是/否）")


def choice(*allowed: str) -> Parser:
    """One of `allowed`, case-insensitive, returned in upper case."""

    def parse(raw: object) -> str:
        value = as_text(raw).upper()
        if value not in allowed:
            shown = ", ".join(allowed)
            raise FieldError(f"must be one of {shown}", f"应为以下之一：{shown}")
        return value

    return parse


def timezone(raw: object) -> str:
    """An IANA time zone name such as Asia/Shanghai."""
    value = as_text(raw)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise FieldError("unknown time zone (e.g. Asia/Shanghai)",
                         "未知时区（例如 Asia/Shanghai）") from None
    return value
