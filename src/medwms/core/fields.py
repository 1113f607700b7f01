"""The values a request may carry: the annotated types every request model and every query,
path and form parameter of the API (and every path parameter of the web pages) is declared
with.

A value the database could not hold, or that would overflow the arithmetic done with it, is
refused at the door with a 422 naming its field (worded in `medwms.api.validation`) instead of
reaching SQL as a 500:

- text: no control characters (C0, DEL, C1 — PostgreSQL refuses NUL outright), and no longer
  than the columns it is stored in or compared with. `Note` (free-text comments) allows tab,
  CR and LF; `ScanText` (what a scanner typed) allows the GS1 group separator (ASCII 29);
- whole numbers: within PostgreSQL's `integer` (1 … 2³¹−1 for ids and quantities, 0 … for
  counts and offsets);
- dates and times: years 2000 to 2200, so that date arithmetic cannot overflow.

The patterns and bounds are in the OpenAPI document too, so clients (and the API fuzzer) see
them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import annotated_types as at
from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

INT_MAX = 2**31 - 1  # PostgreSQL `integer`
FIRST_YEAR, LAST_YEAR = 2000, 2200

CONTROL = "\\x00-\\x1F\\x7F-\\x9F"
SINGLE_LINE = f"^[^{CONTROL}]*$"
MULTI_LINE = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$"  # tab, LF, CR allowed
SCANNED = "^[^\\x00-\\x1C\\x1E\\x1F\\x7F-\\x9F]*$"  # GS (ASCII 29) allowed
PATTERNS = (SINGLE_LINE, MULTI_LINE, SCANNED)


# Text. Codes, document numbers, usernames, lots, serials, filters (String(40) and shorter):
Code = Annotated[str, StringConstraints(max_length=40, pattern=SINGLE_LINE)]
# Text whose `Field(max_length=…)` (or Query, Form) gives its column's length — a length here
# would win over the Field's. The tests refuse a field of these without one.
Line = Annotated[str, StringConstraints(pattern=SINGLE_LINE)]
Note = Annotated[str, StringConstraints(pattern=MULTI_LINE)]
ScanText = Annotated[str, StringConstraints(pattern=SCANNED)]

# Whole numbers.
Id = Annotated[int, at.Interval(ge=1, le=INT_MAX)]          # a row id in a path or body
Quantity = Annotated[int, at.Interval(ge=1, le=INT_MAX)]    # units, packs
Count = Annotated[int, at.Interval(ge=0, le=INT_MAX)]       # zero or more; days, tolerances
Signed = Annotated[int, at.Interval(ge=-INT_MAX, le=INT_MAX)]  # a line the service checks
Offset = Annotated[int, at.Interval(ge=0, le=INT_MAX)]      # rows to skip in a list
Celsius = Annotated[Decimal, at.Interval(ge=-100, le=100)]


def _in_years(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "date_out_of_range", "Date should be in the years {first} to {last}",
            {"first": FIRST_YEAR, "last": LAST_YEAR})
    return value


# Dates and times, years 2000 to 2200.
Day = Annotated[date, AfterValidator(_in_years)]
Moment = Annotated[datetime, AfterValidator(_in_years)]


def _plain_values(value: Any) -> Any:
    """Every text in a free-form JSON value single-line and at most 2000 characters."""
    if isinstance(value, str) and (len(value) > 2000 or _has_control(value)):
        raise PydanticCustomError(
            "control_or_long_text",
            "Text values should be single-line, without control characters, and at most "
            "2000 characters", {})
    if isinstance(value, dict):
        for key, item in value.items():
            _plain_values(key)
            _plain_values(item)
    elif isinstance(value, list):
        for item in value:
            _plain_values(item)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_MAX:
        raise PydanticCustomError("int_out_of_range",
                                  "Whole numbers should be within ±{le}", {"le": INT_MAX})
    return value


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 or 127 <= ord(c) <= 159 for c in text)


# A free-form record (master data values): its texts and numbers checked as above.
Record = Annotated[dict[str, Any], AfterValidator(_plain_values)]
