"""A malformed request body in words for people: pydantic's error types in English and Chinese.

Stations show `message_zh` or `message_en` of a refusal; pydantic's own text ("Input should be
greater than 0") is English only and names the field by its path. The common types are worded
here; any other keeps pydantic's English with a Chinese "invalid value" sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WORDS: Mapping[str, tuple[str, str]] = {
    "missing": ("{field} is required", "缺少 {field}"),
    "greater_than": ("{field} must be greater than {gt}", "{field} 必须大于 {gt}"),
    "greater_than_equal": ("{field} must be at least {ge}", "{field} 不能小于 {ge}"),
    "less_than": ("{field} must be less than {lt}", "{field} 必须小于 {lt}"),
    "less_than_equal": ("{field} must be at most {le}", "{field} 不能大于 {le}"),
    "int_parsing": ("{field} must be a whole number", "{field} 必须是整数"),
    "int_type": ("{field} must be a whole number", "{field} 必须是整数"),
    "int_from_float": ("{field} must be a whole number", "{field} 必须是整数"),
    "decimal_parsing": ("{field} must be a number", "{field} 必须是数字"),
    "float_parsing": ("{field} must be a number", "{field} 必须是数字"),
    "string_too_long": ("{field} is longer than {max_length} characters",
                        "{field} 超过 {max_length} 个字符"),
    "string_too_short": ("{field} needs at least {min_length} characters",
                         "{field} 至少需要 {min_length} 个字符"),
    "date_parsing": ("{field} must be a date (YYYY-MM-DD)", "{field} 必须是日期（YYYY-MM-DD）"),
    "date_from_datetime_parsing": ("{field} must be a date (YYYY-MM-DD)",
                                   "{field} 必须是日期（YYYY-MM-DD）"),
    "bool_parsing": ("{field} must be yes or no", "{field} 必须是“是”或“否”"),
    "enum": ("{field} must be one of {expected}", "{field} 必须是以下之一：{expected}"),
    # the refusals of medwms.core.fields
    "string_pattern_mismatch": ("{field} contains a control character (such as NUL)",
                                "{field} 含有控制字符（如 NUL）"),
    "string_unicode": ("{field} is not valid Unicode text", "{field} 不是有效的 Unicode 文本"),
    "date_out_of_range": ("{field} must be in the years {first} to {last}",
                          "{field} 必须在 {first} 年至 {last} 年之间"),
    "control_or_long_text": ("{field}: texts must be single-line, without control characters, "
                             "and at most 2000 characters",
                             "{field}：文本必须为单行、不含控制字符，且不超过 2000 个字符"),
    "int_out_of_range": ("{field}: whole numbers must be within ±{le}",
                         "{field}：整数必须在 ±{le} 之内"),
}
OTHER_ZH = "{field} 的值无效"


def field_of(location: tuple[Any, ...]) -> str:
    """The field a pydantic error location names, without the `body`/`query` prefix."""
    parts = [str(p) for p in location if p not in ("body", "query", "path")]
    return ".".join(parts) or "request"


def worded(error: Mapping[str, Any]) -> tuple[str, str]:
    """One pydantic error as (English, Chinese) sentences naming its field."""
    fields = {"field": field_of(tuple(error.get("loc", ()))), **(error.get("ctx") or {})}
    en, zh = WORDS.get(str(error.get("type", "")), ("", OTHER_ZH))
    try:
        return (en.format(**fields) if en else f"{fields['field']}: {error.get('msg', '')}",
                zh.format(**fields))
    except (KeyError, IndexError, ValueError):
        return f"{fields['field']}: {error.get('msg', '')}", OTHER_ZH.format(**fields)
