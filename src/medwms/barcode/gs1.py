"""GS1 element strings, the human-readable form and Digital Link URIs, through biip.

biip parses; this module turns biip's quirks into our codes: the data is first walked with
biip's own AI table (`_walk`) to say which field is wrong and why, its
gtin_error/sscc_error/gln_error become BAD_CHECK_DIGIT, and dates are resolved here
(GS1 sliding window relative to `today`, DD=00 as the month's last day), not by biip.

Where biip guesses, we refuse. A variable-length AI must end at a separator or at the end of
the data (General Specifications 7.8): biip reads `7007` `250101` `21SN1` as a harvest date
and a serial nobody printed, when the date could as well be a date range. A Digital Link's
query string is read here, not by biip, which drops empty values (`?17=`), keeps the last of
repeated keys and skips numeric keys that are no AI; the GS1 Digital Link grammar reserves
all-digit keys for AIs and lets any other key through as an extension (`linkType`), which
we skip.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from datetime import date
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from biip import ParseConfig, ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString
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
# biip's words for a Digital Link path that is not key, then qualifiers in order, each once.
_BAD_PATH = ("Expected even number of path segments", "Did not expect a qualifier",
             "Expected one of")


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
    problem = _walk(data)
    if problem is not None:
        raise problem
    try:
        message = GS1Message.parse(data, config=_CONFIG)
    except (ParseError, ValueError):
        raise refuse("NOT_RECOGNISED") from None
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
    if not _is_ai(ai):
        raise refuse("UNKNOWN_AI", value=f"({ai})")
    if not value:
        raise refuse("EMPTY_VALUE", what=ai, value=value)
    try:
        message = GS1Message.parse(data, config=_CONFIG)
    except (ParseError, ValueError):
        error = _walk(data) or refuse("NOT_RECOGNISED")
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
        parts = urlsplit(uri)
        path = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        link = GS1DigitalLinkURI.parse(path, config=_CONFIG)
    except (ParseError, ValueError) as exc:
        raise _diagnose_uri(str(exc), uri) from None
    elements = _elements(link) + _query_elements(parts.query)
    for element in elements:
        check_characters(element.value)
    return build_scan(elements, today=today, symbology=symbology, raw=raw)


def _query_elements(query: str) -> list[Element]:
    """The AIs of a Digital Link query string, each as given: repeats and empty values kept."""
    elements: list[Element] = []
    for pair in query.split("&"):
        key, _, value = (unquote_plus(part) for part in pair.partition("="))
        if key.isascii() and key.isdigit():  # other keys are extensions: not ours to read
            elements.append(_query_element(key, value))
    return elements


def _query_element(ai: str, value: str) -> Element:
    if not _is_ai(ai):
        raise refuse("UNKNOWN_AI", value=ai)
    if not value:
        raise refuse("EMPTY_VALUE", what=ai, value=value)
    try:
        element = GS1ElementString.parse(ai + value, config=_CONFIG)
    except (ParseError, ValueError):
        raise classify_segment(ai, ai + value, at_end=False) from None
    return Element(ai, element.value, element.gtin_error or element.sscc_error or element.gln_error)


def _elements(message: GS1Message | GS1DigitalLinkURI) -> list[Element]:
    """biip's element strings as our Elements, its check-digit errors kept."""
    return [
        Element(e.ai.ai, e.value, e.gtin_error or e.sscc_error or e.gln_error)
        for e in message.element_strings
    ]


def _walk(data: str) -> ScanError | None:
    """Walk `data` with biip's AI table: the first field that is wrong, and why; None if none."""
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
        if ai.separator_required and found.end() < len(segment):
            return _run_on(ai.ai, segment, segment[found.end():])
        rest = rest[found.end():].lstrip(GS)
    return None


def _run_on(ai: str, segment: str, tail: str) -> ScanError:
    """A variable-length AI followed by more data without a separator.

    A tail that starts with a digit would read as further AIs: where the field ends cannot be
    told (NO_SEPARATOR). Any other tail is simply more than the field can hold (BAD_LENGTH).
    """
    code = "NO_SEPARATOR" if tail[0].isdigit() else "BAD_LENGTH"
    return refuse(code, what=ai, value=segment[len(ai):])


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
    fixed = _fixed_length(definition.format) if definition is not None else 0
    if not body and not (at_end and fixed):
        return refuse("EMPTY_VALUE", what=ai, value=body)
    numeric = definition is not None and "+N" in definition.format and "X" not in definition.format
    if numeric and not body.isdigit() and body:
        return refuse("BAD_CHARACTER", what=ai, value=next(c for c in body if not c.isdigit()))
    if ai in DATE_AIS and len(body) >= 6 and body[:6].isdigit():
        return refuse("BAD_DATE", what=ai, value=body[:6])
    if at_end and len(body) < fixed:
        return refuse("TRUNCATED", what=ai, value=body)
    return refuse("BAD_LENGTH", what=ai, value=body)


def _is_ai(key: str) -> bool:
    """Whether `key` is exactly an AI (biip's lookup matches any text that starts with one)."""
    definition = _definition(key)
    return definition is not None and definition.ai == key


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


def _diagnose_uri(message: str, uri: str) -> ScanError:
    """Map a biip Digital Link ParseError to our code."""
    found = _FAILED_MATCH.search(message)
    if found is None and message.startswith(_BAD_PATH):
        return refuse("BAD_LINK", value=uri[:80])
    if found is None:
        return refuse("NOT_RECOGNISED")
    try:
        segment = str(ast.literal_eval(found.group(1)))
    except (ValueError, SyntaxError):
        return refuse("NOT_RECOGNISED")
    return classify_segment(found.group(2), segment, at_end=False)
