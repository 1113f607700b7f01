"""GS1 element strings, the human-readable form and Digital Link URIs, through biip.

biip parses; this module turns biip's quirks into our codes: its ParseError strings are
diagnosed again by walking the data with biip's own AI table (`_diagnose`), its
gtin_error/sscc_error/gln_error become BAD_CHECK_DIGIT, and dates are resolved here
(GS1 sliding window relative to `today`, DD=00 as the month's last day), not by biip.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from datetime import date

from biip import ParseConfig, ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message

from medwms.barcode.errors import ScanError, refuse
from medwms.barcode.gs1_fields import Element, build_scan
from medwms.barcode.scan import Scan

GS = "\x1d"
# What scanners are configured to send instead of the invisible FNC1/GS character.
DEFAULT_GS_SUBSTITUTES: tuple[str, ...] = ("<GS>", "{GS}", "[GS]", "<gs>", "^]", "\u241d")
# GS1 character set 82 (General Specifications 7.11, figure 7.11-1), plus GS itself.
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz" + GS
)
DATE_AIS = frozenset({"11", "12", "13", "15", "16", "17", "7006"})
_CONFIG = ParseConfig(gs1_element_strings_verify_date=False)
_HRI_AI = re.compile(r"\((\d{2,4})\)")
_FAILED_MATCH = re.compile(r"Failed to match ('.*'|\".*\") with GS1 AI \((\d+)\)")


def normalise_separators(data: str, substitutes: Sequence[str]) -> str:
    """Replace the visible GS substitutes by GS and drop leading and trailing separators."""
    for substitute in substitutes:
        if substitute in data:
            data = data.replace(substitute, GS)
    return data.strip(GS + " \r\n\t")


def check_characters(data: str) -> None:
    """BAD_CHARACTER unless every character is in GS1 character set 82 (or GS)."""
    for char in data:
        if char not in CSET82:
            raise refuse("BAD_CHARACTER", value=char)


def parse_element_string(data: str, *, today: date, symbology: str | None, raw: str,
                         substitutes: Sequence[str] = DEFAULT_GS_SUBSTITUTES) -> Scan:
    """Parse a GS1 element string (AIs with GS separators) into a Scan."""
    data = normalise_separators(data, substitutes)
    if not data:
        raise refuse("EMPTY")
    check_characters(data)
    try:
        message = GS1Message.parse(data, config=_CONFIG)
    except (ParseError, ValueError):
        raise _diagnose(data) from None
    return build_scan(_elements(message), today=today, symbology=symbology, raw=raw)


def parse_hri(text: str, *, today: date, symbology: str | None, raw: str) -> Scan:
    """Parse the human-readable form `(01)0761…(17)280630(10)A1` as a person types it."""
    parts = _HRI_AI.split(text.strip())
    if len(parts) < 3 or parts[0].strip():
        raise refuse("NOT_RECOGNISED")
    elements: list[Element] = []
    for i in range(1, len(parts), 2):
        elements.append(_hri_element(parts[i], parts[i + 1].strip()))
    return build_scan(elements, today=today, symbology=symbology, raw=raw)


def _hri_element(ai: str, value: str) -> Element:
    """One `(ai)value` pair, which must be exactly one whole element string."""
    data = ai + value
    check_characters(data)
    try:
        message = GS1Message.parse(data, config=_CONFIG)
    except (ParseError, ValueError):
        error = _diagnose(data)
        raise (refuse("BAD_LENGTH", what=ai, value=value) if error.code == "TRUNCATED"
               else error) from None
    elements = _elements(message)
    if len(elements) != 1 or elements[0].ai != ai or elements[0].value != value:
        raise refuse("BAD_LENGTH", what=ai, value=value)
    return elements[0]


def parse_digital_link(uri: str, *, today: date, symbology: str | None, raw: str) -> Scan:
    """Parse a GS1 Digital Link URI (`https://id.gs1.org/01/…/10/…?17=…`)."""
    if any(char.isspace() for char in uri):
        raise refuse("BAD_CHARACTER", value=" ")
    try:
        link = GS1DigitalLinkURI.parse(uri, config=_CONFIG)
    except (ParseError, ValueError) as exc:
        raise _diagnose_uri(str(exc)) from None
    elements = _elements(link)
    for element in elements:
        check_characters(element.value)
    return build_scan(elements, today=today, symbology=symbology, raw=raw)


def _elements(message: GS1Message | GS1DigitalLinkURI) -> list[Element]:
    """biip's element strings as our Elements, its check-digit errors kept."""
    return [
        Element(e.ai.ai, e.value, e.gtin_error or e.sscc_error or e.gln_error)
        for e in message.element_strings
    ]


def _diagnose(data: str) -> ScanError:
    """Walk `data` with biip's AI table to say which field biip refused, and why."""
    rest = data
    while rest:
        try:
            ai = GS1ApplicationIdentifier.extract(rest)
        except ParseError:
            return _unknown_ai(rest)
        segment = rest.split(GS, 1)[0]
        found = re.match(ai.pattern.removesuffix("$"), segment)
        if not found:
            return classify_segment(ai.ai, segment, at_end=len(segment) == len(rest))
        rest = rest[found.end():].lstrip(GS)
    return refuse("NOT_RECOGNISED")


def _unknown_ai(rest: str) -> ScanError:
    """What an unreadable AI position means: a run-on field, a cut-off or an unknown AI."""
    if not rest[0].isdigit():
        # An AI always starts with a digit: the field before ran over its maximum length.
        return refuse("BAD_LENGTH", value=rest[:20])
    if len(rest) < 2:
        return refuse("TRUNCATED", value=rest)
    return refuse("UNKNOWN_AI", value=rest[:4])


def classify_segment(ai: str, segment: str, *, at_end: bool) -> ScanError:
    """The code for an AI whose data does not match its format."""
    body = segment[len(ai):]
    definition = _definition(ai)
    numeric = definition is not None and "+N" in definition.format and "X" not in definition.format
    if numeric and not body.isdigit() and body:
        return refuse("BAD_CHARACTER", what=ai, value=next(c for c in body if not c.isdigit()))
    if ai in DATE_AIS and len(body) >= 6 and body[:6].isdigit():
        return refuse("BAD_DATE", what=ai, value=body[:6])
    if at_end and definition is not None and len(body) < _fixed_length(definition.format):
        return refuse("TRUNCATED", what=ai, value=body)
    return refuse("BAD_LENGTH", what=ai, value=body)


def _definition(ai: str) -> GS1ApplicationIdentifier | None:
    try:
        return GS1ApplicationIdentifier.extract(ai)
    except ParseError:
        return None


def _fixed_length(format_: str) -> int:
    """The data length of a fixed-length format like `N2+N14`; 0 for variable ones."""
    data = format_.split("+", 1)[-1]
    if ".." in data or not data[1:].isdigit():
        return 0
    return int(data[1:])


def _diagnose_uri(message: str) -> ScanError:
    """Map a biip Digital Link ParseError to our code."""
    found = _FAILED_MATCH.search(message)
    if found is None:
        return refuse("NOT_RECOGNISED")
    try:
        segment = str(ast.literal_eval(found.group(1)))
    except (ValueError, SyntaxError):
        return refuse("NOT_RECOGNISED")
    return classify_segment(found.group(2), segment, at_end=False)
