"""The front end: one entry point for whatever a scanner typed, routed to its parser.

Routing, after the AIM symbology identifier (`]d2`, `]C1`, …) is taken off:
GS1 identifiers (]d2 ]C1 ]Q3 ]e0 ]J1) → GS1 element string; `http(s)://` → GS1 Digital
Link; `+` → HIBC; `MA.` → MA code; `#L:`/`#D:` → internal label; `(` → GS1 human-readable
form; 8/12/13 digits with a valid check digit → a bare GTIN (EAN/UPC); other digits →
GS1 element string.
An identifier in the wrong case (`]D2`, `]c1`) means Caps Lock was on: CAPS_LOCK.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from medwms.barcode.checkdigit import gtin14, has_valid_check_digit
from medwms.barcode.errors import ScanError, refuse
from medwms.barcode.gs1 import (
    DEFAULT_GS_SUBSTITUTES,
    GS,
    parse_digital_link,
    parse_element_string,
    parse_hri,
)
from medwms.barcode.hibc import parse_hibc
from medwms.barcode.internal import parse_internal
from medwms.barcode.ma import parse_ma
from medwms.barcode.scan import Scan

# AIM symbology characters we know, in their correct case (ISO/IEC 15424).
SYMBOLOGIES = frozenset("ACEIJLQdez")
GS1_IDENTIFIERS = frozenset({"]d2", "]C1", "]Q3", "]e0", "]J1", "]z7"})
UNSUPPORTED = {"]C4": "ISBT 128", "]A3": "Code 39 without check character",
               "]A7": "Code 39 without check character", "]E3": "EAN with add-on"}
EAN_LENGTHS = {"]E0": 13, "]E4": 8, "]I1": 14, "]I0": 14}
_TRIM = "\r\n\t\0" + GS


def parse_scan(raw: str, *, today: date | None = None,
               gs_substitutes: Sequence[str] = DEFAULT_GS_SUBSTITUTES) -> Scan:
    """Parse what a scanner typed into a Scan; any refusal is a ScanError.

    A Scan is immutable and depends only on these arguments, so the last few thousand are
    kept: a receiver scanning a case of identical boxes sends the same text again and
    again (a refusal is not kept: it is raised afresh)."""
    if not isinstance(raw, str):
        raise refuse("NOT_RECOGNISED")
    return _parsed(raw, today or date.today(), tuple(gs_substitutes))


@lru_cache(maxsize=4096)
def _parsed(raw: str, today: date, gs_substitutes: tuple[str, ...]) -> Scan:
    try:
        return route(raw, today=today, gs_substitutes=gs_substitutes)
    except ScanError:
        raise
    except Exception as exc:  # a bug must still reach the station as a refusal
        raise refuse("NOT_RECOGNISED", value=raw[:40], internal=repr(exc)) from exc


def route(raw: str, *, today: date, gs_substitutes: Sequence[str]) -> Scan:
    """Parse `raw` without the safety net of parse_scan (tests call this to find bugs)."""
    if not isinstance(raw, str):
        raise refuse("NOT_RECOGNISED")
    data = raw.strip(_TRIM).lstrip(" ")  # a trailing space may be an HIBC check character
    if not data:
        raise refuse("EMPTY")
    symbology, data = _split_identifier(data)
    if symbology in GS1_IDENTIFIERS and not data.lower().startswith(("http://", "https://")):
        return parse_element_string(data, today=today, symbology=symbology, raw=raw,
                                    substitutes=gs_substitutes)
    if symbology in EAN_LENGTHS:
        return _bare_gtin(data, symbology, EAN_LENGTHS[symbology], raw=raw)
    return _by_content(data, symbology, today=today, raw=raw, substitutes=gs_substitutes)


def _split_identifier(data: str) -> tuple[str | None, str]:
    """Take the AIM identifier `]Xm` off; refuse wrong case (Caps Lock) and ISBT 128."""
    if not data.startswith("]"):
        return None, data
    identifier = data[:3]
    if len(identifier) < 3:
        raise refuse("TRUNCATED", value=data)
    if identifier in UNSUPPORTED:
        raise refuse("UNSUPPORTED_SYMBOLOGY", value=UNSUPPORTED[identifier])
    letter = identifier[1]
    if identifier == "]E0" and _looks_like_databar(data[3:]):
        raise refuse("CAPS_LOCK", value=identifier)  # `]e0` typed with Caps Lock on
    if letter not in SYMBOLOGIES and letter.swapcase() in SYMBOLOGIES:
        raise refuse("CAPS_LOCK", value=identifier)
    if letter not in SYMBOLOGIES:
        raise refuse("UNSUPPORTED_SYMBOLOGY", value=identifier)
    return identifier, data[3:].strip(_TRIM)


def _looks_like_databar(data: str) -> bool:
    """Whether `]E0` data is GS1 DataBar's (`]e0`, Caps Lock on) rather than an EAN-13's.

    DataBar data is an element string starting with (01): 16 digits or more, and letters
    only in its lot or serial. An EAN of the wrong length is just that (BAD_LENGTH).
    """
    if data.isascii() and data.isdigit():
        return data.startswith("01") and len(data) >= 16 and len(data) != 18
    return True


def _by_content(data: str, symbology: str | None, *, today: date, raw: str,
                substitutes: Sequence[str]) -> Scan:
    if not data.strip(" "):
        raise refuse("EMPTY")
    if data.startswith(("+", "*+")):
        return parse_hibc(data.strip("*"), today=today, symbology=symbology, raw=raw)
    data = data.rstrip(" ")
    head = data[:8].lower()
    if head.startswith(("http://", "https://")):
        return parse_digital_link(data, today=today, symbology=symbology, raw=raw)
    if head.startswith("ma."):
        return _ma(data, symbology, today=today, raw=raw)
    if data.startswith("#"):
        return parse_internal(data, symbology=symbology, raw=raw)
    if data.startswith("("):
        return parse_hri(data, today=today, symbology=symbology, raw=raw)
    return _digits(data, symbology, today=today, raw=raw, substitutes=substitutes)


def _ma(data: str, symbology: str | None, *, today: date, raw: str) -> Scan:
    if data.startswith("ma.") and not any(char.isupper() for char in data):
        raise refuse("CAPS_LOCK", value=data[:3])  # `MA.` typed with Caps Lock on
    if not data.startswith("MA."):
        raise refuse("BAD_CHARACTER", what="MA", value=next(c for c in data if c.islower()))
    return parse_ma(data, today=today, symbology=symbology, raw=raw)


def _digits(data: str, symbology: str | None, *, today: date, raw: str,
            substitutes: Sequence[str]) -> Scan:
    """A bare GTIN or an element string without an identifier; ISBT 128 is refused."""
    if data[0] in "=&":
        raise refuse("UNSUPPORTED_SYMBOLOGY", value="ISBT 128")
    if _looks_like_bare_gtin(data):
        return _bare_gtin(data, symbology, len(data), raw=raw)
    if data[0].isdigit() or data[0] == GS or any(s and data.startswith(s) for s in substitutes):
        return parse_element_string(data, today=today, symbology=symbology, raw=raw,
                                    substitutes=substitutes)
    raise refuse("NOT_RECOGNISED", value=data[:40])


def _looks_like_bare_gtin(data: str) -> bool:
    """8, 12 or 13 digits: an EAN/UPC, unless it fails its check and starts like a GS1 PI."""
    if not (data.isascii() and data.isdigit() and len(data) in (8, 12, 13)):
        return False
    return has_valid_check_digit(data) or not data.startswith(("10", "11", "17", "21"))


def _bare_gtin(data: str, symbology: str | None, length: int, *, raw: str) -> Scan:
    """An EAN/UPC/ITF-14 symbol: just a GTIN, check digit verified."""
    if not data.isascii() or not data.isdigit():
        raise refuse("BAD_CHARACTER", what="01", value=data)
    if len(data) != length:
        raise refuse("BAD_LENGTH", what="01", value=data)
    if not data.strip("0"):
        raise refuse("ALL_ZEROS", what="01", value=data)
    if not has_valid_check_digit(data):
        raise refuse("BAD_CHECK_DIGIT", what="01", value=data)
    gtin = gtin14(data)
    return Scan(issuer="GS1", raw=raw, symbology=symbology, di=gtin, gtin=gtin,
                elements=(("01", gtin),))
