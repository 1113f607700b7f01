"""What goes into a symbol: GS1 element strings, validated before anything is encoded.

zxing-cpp encodes a wrong check digit without complaint, so every value is checked here
first and a bad one raises `ValidationError` naming the field. Elements come out in GS1
order: fixed-length AIs first, variable-length ones last, each variable one that is not
last followed by GS (the FNC1 separator) in the transmitted element string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from medwms.barcode.checkdigit import gtin14, has_valid_check_digit
from medwms.core.errors import ValidationError

GS = "\x1d"
MAX_AI_TEXT = 20
LOCATION_PREFIX = "#L:"
DOCUMENT_PREFIX = "#D:"
MAX_DOCUMENT_NO = 40
# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+")
_LOCATION_CODE = re.compile(r"[A-Z0-9-]+")
# AIs whose value has a fixed length: no separator needed after them.
_FIXED_LENGTH = {"00": 18, "01": 14, "11": 6, "17": 6, "414": 13}

Element = tuple[str, str]


def check_gtin(gtin: str, field: str = "gtin") -> str:
    """The GTIN-14 for a GTIN-8/12/13/14 with a correct check digit, else ValidationError."""
    if not gtin.isascii() or not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        raise ValidationError(f"{field} must be 8, 12, 13 or 14 digits, got {gtin!r}",
                              field=field)
    if not gtin.strip("0"):
        raise ValidationError(f"{field} {gtin} is all zeros, a placeholder", field=field)
    if not has_valid_check_digit(gtin):
        raise ValidationError(f"{field} {gtin} has a wrong check digit", field=field)
    return gtin14(gtin)


def check_key(value: str, length: int, field: str) -> str:
    """A fixed-length GS1 key (SSCC 18, GLN 13) with a correct check digit."""
    if not value.isascii() or not value.isdigit() or len(value) != length:
        raise ValidationError(f"{field} must be {length} digits, got {value!r}", field=field)
    if not has_valid_check_digit(value):
        raise ValidationError(f"{field} {value} has a wrong check digit", field=field)
    return value


def check_ai_text(value: str, field: str, max_len: int = MAX_AI_TEXT) -> str:
    """A lot, serial or other GS1 text: 1..max_len characters of CSET 82."""
    if not value or len(value) > max_len:
        raise ValidationError(f"{field} must be 1 to {max_len} characters, got {value!r}",
                              field=field)
    if not _CSET82.fullmatch(value):
        raise ValidationError(
            f"{field} {value!r} has characters outside the GS1 set (CSET 82)", field=field)
    return value


def check_date(value: date, field: str) -> str:
    """A calendar date as GS1 YYMMDD; years 2000-2099 only, so the century is certain."""
    if not 2000 <= value.year <= 2099:
        raise ValidationError(f"{field} {value} must be in the years 2000-2099", field=field)
    return value.strftime("%y%m%d")


def check_location_code(code: str, field: str = "code") -> str:
    """A location code as people type it: 1..20 of upper-case letters, digits and '-'."""
    if not code or len(code) > MAX_AI_TEXT or not _LOCATION_CODE.fullmatch(code):
        raise ValidationError(
            f"{field} {code!r} must be 1 to 20 upper-case letters, digits or '-'", field=field)
    return code


def check_document_no(number: str, field: str = "number") -> str:
    """A document number as printed: 1..40 of upper-case letters, digits and '-'."""
    if not number or len(number) > MAX_DOCUMENT_NO or not _LOCATION_CODE.fullmatch(number):
        raise ValidationError(
            f"{field} {number!r} must be 1 to {MAX_DOCUMENT_NO} upper-case letters, digits "
            "or '-'", field=field)
    return number


def element_string(elements: tuple[Element, ...]) -> str:
    """The transmitted data: AI+value pairs, GS after each variable-length one but the last."""
    parts: list[str] = []
    for index, (ai, value) in enumerate(elements):
        parts.append(ai + value)
        if ai not in _FIXED_LENGTH and index < len(elements) - 1:
            parts.append(GS)
    return "".join(parts)


def hri(elements: tuple[Element, ...]) -> str:
    """The human-readable interpretation: "(01)…(17)…(10)…"."""
    return "".join(f"({ai}){value}" for ai, value in elements)


def bracketed(elements: tuple[Element, ...]) -> str:
    """The "[01]…[10]…" form zxing-cpp (zint) takes; brackets are outside CSET 82."""
    return "".join(f"[{ai}]{value}" for ai, value in elements)


class Gs1Data:
    """Mixin: anything with `elements()` gets `element_string()` and `hri()`."""

    def elements(self) -> tuple[Element, ...]:
        """The (AI, value) pairs in GS1 order."""
        raise NotImplementedError

    def element_string(self) -> str:
        """The FNC1-separated element string, as a scanner transmits it (GS as separator)."""
        return element_string(self.elements())

    def hri(self) -> str:
        """The human-readable interpretation printed under the symbol."""
        return hri(self.elements())


@dataclass(frozen=True)
class UdiData(Gs1Data):
    """A GS1 UDI: the GTIN (stored as GTIN-14) and its production identifiers."""

    gtin: str
    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None
    production_date: date | None = None
    quantity: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "gtin", check_gtin(self.gtin))
        self.elements()  # validates every other field
        if self.quantity is not None and not 0 < self.quantity < 10**8:
            raise ValidationError("quantity must be 1 to 99999999", field="quantity")

    def elements(self) -> tuple[Element, ...]:
        """(01), (11), (17), then the variable-length (10), (21), (30)."""
        out: list[Element] = [("01", self.gtin)]
        if self.production_date is not None:
            out.append(("11", check_date(self.production_date, "production_date")))
        if self.expiry is not None:
            out.append(("17", check_date(self.expiry, "expiry")))
        if self.lot is not None:
            out.append(("10", check_ai_text(self.lot, "lot")))
        if self.serial is not None:
            out.append(("21", check_ai_text(self.serial, "serial")))
        if self.quantity is not None:
            out.append(("30", str(self.quantity)))
        return tuple(out)


@dataclass(frozen=True)
class SsccData(Gs1Data):
    """A handling unit's SSCC, AI (00): 18 digits with check digit."""

    sscc: str

    def __post_init__(self) -> None:
        check_key(self.sscc, 18, "sscc")

    def elements(self) -> tuple[Element, ...]:
        """Just (00)."""
        return (("00", self.sscc),)


@dataclass(frozen=True)
class GlnLocationData(Gs1Data):
    """A location inside a warehouse known by its GLN: (414)<GLN>(254)<code>."""

    gln: str
    code: str

    def __post_init__(self) -> None:
        check_key(self.gln, 13, "warehouse_gln")
        check_location_code(self.code)

    def elements(self) -> tuple[Element, ...]:
        """(414) then the extension (254)."""
        return (("414", self.gln), ("254", self.code))


def internal_location_text(code: str) -> str:
    """The plain Code 128 text of a location label without GLN: `#L:<CODE>`."""
    return LOCATION_PREFIX + check_location_code(code)


def internal_document_text(number: str) -> str:
    """The plain Code 128 text of a document label: `#D:<NUMBER>`."""
    return DOCUMENT_PREFIX + check_document_no(number)
