"""GS1 mod-10 check digits, for GTIN, SSCC and GLN alike."""

from __future__ import annotations

GTIN_LENGTHS = (8, 12, 13, 14)


def gs1_check_digit(body: str) -> int:
    """The check digit that completes `body` (digits only, check digit excluded)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        weight = 3 if position % 2 == 0 else 1
        total += (ord(char) - 48) * weight
    return (10 - total % 10) % 10


def has_valid_check_digit(digits: str) -> bool:
    """True when `digits` is all digits and its last one is the right GS1 check digit."""
    if len(digits) < 2 or not digits.isascii() or not digits.isdigit():
        return False
    return gs1_check_digit(digits[:-1]) == int(digits[-1])


def gtin14(gtin: str) -> str:
    """A GTIN-8/12/13/14 left-padded with zeros to 14 digits (no validation)."""
    return gtin.zfill(14)
