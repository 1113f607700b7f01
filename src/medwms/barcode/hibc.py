"""HIBC LIC (ANSI/HIBC 2.x supplier labelling): primary, secondary and concatenated forms.

    primary        +LLLL PCN U C              LIC (4, letter first), PCN (1-18), U/M digit
    secondary      +<secondary> L C           L = link character (the primary's check)
    concatenated   +LLLL PCN U /<secondary> C
    <secondary>    $lot | $+serial | $$<qty?><date?>lot | $$+<qty?><date?>serial | YYJJJlot
    <qty?>         8QQ | 9QQQQQ  (only after $$ or $$+)
    <date?>        MMYY (first digit 0/1) | 2MMDDYY | 3YYMMDD | 4YYMMDDHH | 5YYJJJ |
                   6YYJJJHH | 7 (no date)
    supplementary  /S<serial> /16D<YYYYMMDD production> /14D<YYYYMMDD expiry>

C is the mod-43 check over everything before it, '+' included. Two-digit years use the
GS1 sliding window; MMYY means the last day of the month, as GS1's DD=00 does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from medwms.barcode import dates
from medwms.barcode.errors import refuse
from medwms.barcode.scan import Scan, ScanWarning

MOD43 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
_VALUES = {char: index for index, char in enumerate(MOD43)}
_DATE_LENGTHS = {"2": 6, "3": 6, "4": 8, "5": 5, "6": 7, "7": 0}


def mod43_check(data: str) -> str:
    """The HIBC mod-43 check character of `data` (all characters in the HIBC set)."""
    return MOD43[sum(_VALUES[char] for char in data) % 43]


@dataclass
class _Fields:
    """What a secondary or supplementary part yields, filled in as it is read."""

    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None
    production_date: date | None = None
    quantity: int | None = None
    elements: list[tuple[str, str]] = field(default_factory=list)


def parse_hibc(data: str, *, today: date, symbology: str | None, raw: str) -> Scan:
    """Parse an HIBC LIC symbol's data (starting with '+') into a Scan."""
    _check_characters(data)
    if len(data) < 3:
        raise refuse("TRUNCATED", what="HIBC", value=data)
    body, check = data[:-1], data[-1]
    if mod43_check(body) != check:
        raise refuse("BAD_CHECK_DIGIT", what="HIBC", value=data)
    if body[1] == "$" or body[1].isdigit():
        return _secondary(body[1:], today=today, symbology=symbology, raw=raw)
    return _primary(body[1:], check, today=today, symbology=symbology, raw=raw)


def _check_characters(data: str) -> None:
    bad = [char for char in data if char not in _VALUES]
    if not bad:
        return
    caps_lock = not any(char.isupper() for char in data)  # it swaps every letter
    if caps_lock and any(char.islower() for char in bad) and all(
            c in _VALUES for c in data.upper()):
        raise refuse("CAPS_LOCK", value=data)
    raise refuse("BAD_CHARACTER", what="HIBC", value=bad[0])


def _primary(body: str, check: str, *, today: date, symbology: str | None, raw: str) -> Scan:
    primary, *rest = body.split("/")
    lic, pcn, unit = _split_primary(primary)
    fields = _Fields(elements=[("LIC", lic), ("PCN", pcn), ("UM", unit)])
    if rest and (rest[0][:1] == "$" or rest[0][:5].isdigit()):
        _read_secondary(rest.pop(0), fields, today)
        structure = "concatenated"
    else:
        structure = "primary"
    for part in rest:
        _read_supplementary(part, fields)
    return _to_scan(fields, raw=raw, symbology=symbology, di=lic + pcn + unit,
                    link=check if structure == "primary" else None, structure=structure)


def _split_primary(primary: str) -> tuple[str, str, str]:
    if len(primary) < 6:
        raise refuse("TRUNCATED" if len(primary) < 4 else "BAD_LENGTH", what="HIBC",
                     value=primary)
    lic, pcn, unit = primary[:4], primary[4:-1], primary[-1]
    if not lic[0].isalpha() or not lic.isalnum() or not pcn.isalnum():
        raise refuse("BAD_CHARACTER", what="HIBC", value=primary)
    if len(pcn) > 18:
        raise refuse("BAD_LENGTH", what="HIBC", value=pcn)
    if not unit.isdigit():
        raise refuse("BAD_CHARACTER", what="HIBC", value=unit)
    return lic, pcn, unit


def _secondary(body: str, *, today: date, symbology: str | None, raw: str) -> Scan:
    if len(body) < 2:
        raise refuse("TRUNCATED", what="HIBC", value=body)
    link = body[-1]
    secondary, *rest = body[:-1].split("/")
    fields = _Fields()
    _read_secondary(secondary, fields, today)
    for part in rest:
        _read_supplementary(part, fields)
    warning = ScanWarning(
        "HIBC_SECONDARY_ONLY",
        "This is the second HIBC barcode (lot/expiry) only: scan the product barcode too.",
        "这是HIBC第二个条码（批号/效期），请同时扫描产品条码。")
    return _to_scan(fields, raw=raw, symbology=symbology, di=None, link=link,
                    structure="secondary", warnings=(warning,))


def _read_secondary(text: str, fields: _Fields, today: date) -> None:
    if text.startswith("$$"):
        text = _read_quantity_and_date(text[2:], fields, today)
    elif text.startswith("$"):
        text = text[1:]
    else:  # the old form: a five-digit Julian expiry date, then the lot
        fields.expiry = dates.yyjjj(text[:5], today, what="17")
        fields.elements.append(("EXP", text[:5]))
        text = text[5:]
    _read_lot_or_serial(text, fields)


def _read_lot_or_serial(text: str, fields: _Fields) -> None:
    is_serial = text.startswith("+")
    value = text[1:] if is_serial else text
    if len(value) > 18:
        raise refuse("BAD_LENGTH", what="21" if is_serial else "10", value=value)
    if value and not value.isalnum():
        raise refuse("BAD_CHARACTER", what="HIBC", value=value)
    if value and is_serial:
        fields.serial = value
        fields.elements.append(("SERIAL", value))
    elif value:
        fields.lot = value
        fields.elements.append(("LOT", value))


def _read_quantity_and_date(text: str, fields: _Fields, today: date) -> str:
    """Read `$$` quantity and date fields; return what follows ('+' serial flag kept)."""
    prefix, text = ("+", text[1:]) if text.startswith("+") else ("", text)
    if text[:1] in ("8", "9"):
        size = 2 if text[0] == "8" else 5
        digits = text[1:1 + size]
        if len(digits) != size or not digits.isdigit():
            raise refuse("BAD_LENGTH", what="30", value=digits)
        fields.quantity = int(digits)
        fields.elements.append(("QTY", digits))
        text = text[1 + size:]
    return prefix + _read_date(text, fields, today)


def _read_date(text: str, fields: _Fields, today: date) -> str:
    flag = text[:1]
    if flag in ("0", "1"):
        fields.expiry = dates.mmyy(text[:4], today, what="17")
        fields.elements.append(("EXP", text[:4]))
        return text[4:]
    if flag not in _DATE_LENGTHS:
        raise refuse("BAD_DATE", what="17", value=text[:7])
    size = _DATE_LENGTHS[flag]
    value = text[1:1 + size]
    if size:
        fields.expiry = _flagged_date(flag, value, today)
        fields.elements.append(("EXP", flag + value))
    return text[1 + size:]


def _flagged_date(flag: str, value: str, today: date) -> date:
    if flag == "2":
        return dates.mmddyy(value, today, what="17")
    if flag in ("3", "4"):
        if flag == "4":
            dates.hour(value[6:], what="17")
        return dates.yymmdd(value[:6], today, what="17")
    if flag == "6":
        dates.hour(value[5:], what="17")
    return dates.yyjjj(value[:5], today, what="17")


def _read_supplementary(part: str, fields: _Fields) -> None:
    if part.startswith(("14D", "16D")):
        key = "17" if part.startswith("14D") else "11"
        value = dates.yyyymmdd(part[3:], what=key)
        if key == "17":
            fields.expiry = value
        else:
            fields.production_date = value
        fields.elements.append((part[:3], part[3:]))
    elif part.startswith("S") and 1 < len(part) <= 19 and part[1:].isalnum():
        fields.serial = part[1:]
        fields.elements.append(("S", part[1:]))
    elif part.startswith("S"):
        raise refuse("BAD_LENGTH", what="21", value=part[1:])
    else:
        raise refuse("UNKNOWN_AI", what="HIBC", value="/" + part[:4])


def _to_scan(fields: _Fields, *, raw: str, symbology: str | None, di: str | None,
             link: str | None, structure: str, warnings: tuple[ScanWarning, ...] = ()) -> Scan:
    return Scan(
        issuer="HIBCC", raw=raw, symbology=symbology, di=di, lot=fields.lot,
        serial=fields.serial, expiry=fields.expiry, production_date=fields.production_date,
        quantity=fields.quantity, link=link, hibc_structure=structure,
        elements=tuple(fields.elements), warnings=warnings,
    )


def pair_hibc(primary: Scan, secondary: Scan) -> Scan:
    """Join a primary and a separately scanned secondary; LINK_MISMATCH if they don't belong."""
    if primary.hibc_structure != "primary" or secondary.hibc_structure != "secondary":
        raise refuse("NOT_RECOGNISED", what="HIBC", value=secondary.raw)
    if primary.link != secondary.link:
        raise refuse("LINK_MISMATCH", what="HIBC", value=secondary.link or "")
    return replace(
        primary, raw=primary.raw + "\n" + secondary.raw, lot=secondary.lot,
        serial=secondary.serial, expiry=secondary.expiry,
        production_date=secondary.production_date, quantity=secondary.quantity,
        link=None, hibc_structure="pair", elements=primary.elements + secondary.elements,
    )
