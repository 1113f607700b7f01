"""From GS1 elements to a Scan: check digits, dates, repeats, GS1's pairing rules, run-on fields.

The pairing rules are GS1's own (gs1_rules: the Barcode Syntax Dictionary's req= and ex=),
checked per scan: a station reads one symbol at a time. One requirement is a warning instead:
(37) needs (00), but a GS1 logistic label carries the SSCC in a symbol of its own.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from medwms.barcode.checkdigit import has_valid_check_digit
from medwms.barcode.dates import yymmdd
from medwms.barcode.errors import refuse
from medwms.barcode.gs1_rules import RULES, Requirement, present, unmet
from medwms.barcode.scan import Scan, ScanWarning

CHECKED_AIS = frozenset({"00", "01", "02", "410", "411", "412", "413", "414", "415", "416"})
# AIs whose first 14 digits are a GTIN with its check digit (ITIP: GTIN + piece + total).
GTIN_PREFIXED_AIS = frozenset({"8006", "8026"})
DATE_AIS = frozenset({"11", "12", "13", "15", "16", "17", "7006"})
# GS1 requirements a station warns about instead of refusing (see the module docstring).
WARNED_REQUIREMENTS: dict[str, Requirement] = {"37": (("00",),)}
_RUN_ON = re.compile(r"(?<=.)(?:(01)(\d{14})|(1[17])(\d{6})|(10|21)(\w{3,}))$")


class Element(NamedTuple):
    """One AI and its value as read; `problem` is biip's check-digit complaint, if any."""

    ai: str
    value: str
    problem: str | None = None


def build_scan(elements: list[Element], *, today: date, symbology: str | None,
               raw: str) -> Scan:
    """Check `elements` and turn them into a GS1 Scan."""
    if not elements:
        raise refuse("EMPTY")
    for element in elements:
        _check_element(element, today)
    values = _single_values(elements)
    _check_pairs(values)
    _check_requirements(values)
    dates = {ai: yymmdd(values[ai], today, what=ai) for ai in ("11", "17") if ai in values}
    gtin = values.get("01")
    return Scan(
        issuer="GS1", raw=raw, symbology=symbology, di=gtin, gtin=gtin,
        content_gtin=values.get("02"), lot=values.get("10"), serial=values.get("21"),
        expiry=dates.get("17"), production_date=dates.get("11"),
        quantity=_quantity(values), sscc=values.get("00"), location=_location(values),
        elements=tuple((e.ai, e.value) for e in elements),
        warnings=tuple(_warnings(elements, values)),
    )


def _check_element(element: Element, today: date) -> None:
    ai, value = element.ai, element.value
    if ai in CHECKED_AIS and value and not value.strip("0"):
        raise refuse("ALL_ZEROS", what=ai, value=value)
    if ai in CHECKED_AIS and (element.problem or not has_valid_check_digit(value)):
        raise refuse("BAD_CHECK_DIGIT", what=ai, value=value)
    if ai in GTIN_PREFIXED_AIS and not has_valid_check_digit(value[:14]):
        raise refuse("BAD_CHECK_DIGIT", what=ai, value=value)
    if ai in GTIN_PREFIXED_AIS and not _piece_of_total(value[14:]):
        raise refuse("BAD_PIECE_OF_TOTAL", what=ai, value=value)
    if ai in DATE_AIS:
        yymmdd(value, today, what=ai)
    if not value:
        raise refuse("EMPTY_VALUE", what=ai, value=value)


def _piece_of_total(digits: str) -> bool:
    """GS1's `pieceoftotal`: piece and total, two digits each, 1 ≤ piece ≤ total."""
    piece, total = int(digits[:2] or 0), int(digits[2:] or 0)
    return 1 <= piece <= total


def whole_item(scan: Scan) -> Scan:
    """`scan`, unless it marks one piece of a trade item (ITIP 8006): stock is kept whole."""
    for ai, value in scan.elements:
        if ai == "8006":
            raise refuse("ITIP_PIECE", what=ai, value=value)
    return scan


def _single_values(elements: list[Element]) -> dict[str, str]:
    """Each AI's value; the same AI twice must say the same (CONFLICTING_REPEAT otherwise)."""
    values: dict[str, str] = {}
    for element in elements:
        first = values.setdefault(element.ai, element.value)
        if first != element.value:
            raise refuse("CONFLICTING_REPEAT", what=element.ai, value=first,
                         second=element.value)
    return values


def _check_pairs(values: dict[str, str]) -> None:
    """INVALID_PAIR for two AIs that GS1 forbids in one barcode (General Specs 4.14.1)."""
    ais = list(values)
    for ai in ais:
        for pattern in RULES[ai].excludes if ai in RULES else ():
            other = present(pattern, ais, besides=ai)
            if other is not None:
                raise refuse("INVALID_PAIR", what=ai, value=values[ai], other=other,
                             other_value=values[other])


def _check_requirements(values: dict[str, str]) -> None:
    """MISSING_REQUIRED_AI for an AI without what GS1 requires with it (General Specs 4.14.2)."""
    ais = list(values)
    for ai in ais:
        for requirement in RULES[ai].requires if ai in RULES else ():
            if requirement != WARNED_REQUIREMENTS.get(ai) and unmet(requirement, ais, besides=ai):
                needs = ",".join("+".join(group) for group in requirement)
                raise refuse("MISSING_REQUIRED_AI", what=ai, value=values[ai], needs=needs)


def _quantity(values: dict[str, str]) -> int | None:
    for ai in ("37", "30"):
        if values.get(ai):
            return int(values[ai])
    return None


def _location(values: dict[str, str]) -> str | None:
    """`GLN+extension` for (414)+(254), the GLN alone for (414)."""
    if "414" not in values:
        return None
    return values["414"] + ("+" + values["254"] if "254" in values else "")


def _warnings(elements: list[Element], values: dict[str, str]) -> list[ScanWarning]:
    warnings: list[ScanWarning] = []
    if "37" in values and unmet(WARNED_REQUIREMENTS["37"], list(values), besides="37"):
        warnings.append(ScanWarning(
            "COUNT_WITHOUT_SSCC",
            "Count (37) without SSCC (00) in this barcode: "
            "scan the SSCC barcode of the same label too.",
            "此条码有数量(37)但缺少SSCC(00)：请同时扫描同一标签上的SSCC条码。"))
    for element in elements:
        if element.ai in ("10", "21"):
            warnings.extend(_run_on_warning(element, values))
    return warnings


def _run_on_warning(element: Element, values: dict[str, str]) -> list[ScanWarning]:
    """A lot or serial that seems to contain another AI because a separator was missing."""
    found = _RUN_ON.search(element.value)
    if found is None:
        return []
    ai = next(group for group in found.groups()[0::2] if group)
    data = next(group for group in found.groups()[1::2] if group)
    if ai in values or ai == element.ai or (ai == "01" and not has_valid_check_digit(data)):
        return []
    return [ScanWarning(
        "POSSIBLE_MISSING_SEPARATOR",
        f"The {'lot' if element.ai == '10' else 'serial'} {element.value!r} may contain "
        f"({ai}){data}: a separator may be missing in the barcode. Check it against the label.",
        f"{'批号' if element.ai == '10' else '序列号'} {element.value!r} 可能包含了"
        f"({ai}){data}：条码中可能缺少分隔符，请与标签核对。")]
