"""China's MA code (IDcode, issuing agency "MA" under ISO/IEC 15459) for medical devices.

Verified from public descriptions of the MA medical-device UDI rules: the UDI-DI is the
first data string, `MA` "." manufacturer code "." product code, where the manufacturer
code is country code (3 digits, 156) "." industry code (2, `M0` for medical devices) "."
registrant code (6), and the product code is packaging code (1) + item code (6) + check
character (1): 25 characters in all, e.g. `MA.156.M0.100001.10000013`. The UDI-PI
follows as data strings that each start with "." and a one-letter separator.

Assumed, not verified (the IDcode manual's table was not available): `.L` lot, `.S`
serial, `.M` production date YYMMDD, `.E` expiry date YYMMDD (two-digit years by the
GS1 sliding window, DD=00 accepted as the month's last day), `.V` kept as text (believed
to be a validity period); the product code's check character is NOT verified because its
algorithm is not public. Values are taken to contain no "." character.
"""

from __future__ import annotations

import re
from datetime import date

from medwms.barcode import dates
from medwms.barcode.errors import refuse
from medwms.barcode.scan import Scan

_DI = re.compile(r"MA\.(\d{3})\.([A-Z0-9]{2})\.([A-Z0-9]{6})\.([A-Z0-9]{8})")
_PI_KEYS = {"L": "lot", "S": "serial", "M": "production_date", "E": "expiry", "V": "validity"}
_VALUE = re.compile(r"[A-Za-z0-9\-_/]{1,40}")


def parse_ma(data: str, *, today: date, symbology: str | None, raw: str) -> Scan:
    """Parse an MA code `MA.156.M0.xxxxxx.xxxxxxxx[.Lxxx][.Sxxx][.Myymmdd][.Eyymmdd][.Vx]`."""
    parts = data.split(".")
    di = ".".join(parts[:5])
    if not _DI.fullmatch(di):
        raise refuse("TRUNCATED" if len(parts) < 5 else "BAD_LENGTH", what="MA", value=di)
    values: dict[str, str] = {}
    elements: list[tuple[str, str]] = [("DI", di)]
    for part in parts[5:]:
        key, value = part[:1], part[1:]
        if key not in _PI_KEYS:
            raise refuse("UNKNOWN_AI", what="MA", value="." + part[:3])
        if not _VALUE.fullmatch(value):
            raise refuse("BAD_LENGTH" if value.isalnum() or not value else "BAD_CHARACTER",
                         what="MA", value=value)
        values[key] = value
        elements.append((key, value))
    return Scan(
        issuer="MA", raw=raw, symbology=symbology, di=di, lot=values.get("L"),
        serial=values.get("S"), expiry=_date(values, "E", today, "17"),
        production_date=_date(values, "M", today, "11"), elements=tuple(elements),
    )


def _date(values: dict[str, str], key: str, today: date, what: str) -> date | None:
    return dates.yymmdd(values[key], today, what=what) if key in values else None
