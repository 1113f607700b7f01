"""Labels medwms prints itself: `#L:<CODE>` for a location, `#D:<DOCNO>` for a document.

Codes are upper-case letters, digits and '-' (DESIGN.md, Conventions). Locations of a
warehouse with a GLN are printed as GS1 (414)+(254) instead and parsed by the GS1 path;
handling units are SSCCs (AI 00).
"""

from __future__ import annotations

import re

from medwms.barcode.errors import refuse
from medwms.barcode.scan import Scan

LOCATION_PREFIX = "#L:"
DOCUMENT_PREFIX = "#D:"
_CODE = re.compile(r"[A-Z0-9-]+")
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")  # a symbology identifier a scanner puts first
MAX_CODE_LENGTH = 40


def document_number(text: str) -> str:
    """The document number a scanned `#D:` label or a typed number names, upper-cased.

    The scanner's AIM identifier (`]C0`, `]Q1` …) and the `#D:` prefix are taken off.
    """
    value = text.strip()
    if _AIM.match(value):
        value = value[3:].strip()
    return value.removeprefix(DOCUMENT_PREFIX).strip().upper()


def parse_internal(data: str, *, symbology: str | None, raw: str) -> Scan:
    """Parse `#L:<CODE>` or `#D:<DOCNO>` into an INTERNAL Scan."""
    prefix, code = data[:3], data[3:]
    if prefix.upper() not in (LOCATION_PREFIX, DOCUMENT_PREFIX):
        raise refuse("NOT_RECOGNISED", value=data)
    what = "LOCATION" if prefix.upper() == LOCATION_PREFIX else "DOCUMENT"
    if prefix != prefix.upper() and not any(char.isupper() for char in code):
        raise refuse("CAPS_LOCK", value=data)  # Caps Lock swaps every letter, not one
    if prefix != prefix.upper():
        raise refuse("BAD_CHARACTER", what=what, value=prefix[1])
    if not code:
        raise refuse("TRUNCATED", what=what, value=code)
    if not _CODE.fullmatch(code):
        bad = next(c for c in code if not _CODE.fullmatch(c))
        raise refuse("BAD_CHARACTER", what=what, value=bad)
    if len(code) > MAX_CODE_LENGTH:
        raise refuse("BAD_LENGTH", what=what, value=code)
    if what == "LOCATION":
        return Scan(issuer="INTERNAL", raw=raw, symbology=symbology, location=code,
                    elements=(("L", code),))
    return Scan(issuer="INTERNAL", raw=raw, symbology=symbology, document=code,
                elements=(("D", code),))

