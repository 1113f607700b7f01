"""Test-side encoders for the parse tests, independent of the code under test."""

from __future__ import annotations

HIBC_SET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
GS = "\x1d"


def mod10(body: str) -> str:
    """GS1 check digit: weights 3,1,3,… from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str(-total % 10)


def with_check(body: str) -> str:
    return body + mod10(body)


def hibc(data: str) -> str:
    """`data` with its HIBC mod-43 check character appended."""
    return data + HIBC_SET[sum(HIBC_SET.index(c) for c in data) % 43]


def hibc_check(data: str) -> str:
    return hibc(data)[-1]


def wrong_last(text: str) -> str:
    """`text` with its last digit changed, so its check digit is wrong."""
    return text[:-1] + str((int(text[-1]) + 1) % 10)
