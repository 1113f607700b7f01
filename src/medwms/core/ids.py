"""Document numbers people can read, type and print as Code 128."""

from __future__ import annotations

import secrets
from datetime import datetime

# No look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"


def new_doc_no(prefix: str, moment: datetime, length: int = 5) -> str:
    """E.g. MOV-20261125-K4QXA: prefix, the day, and a random tail."""
    tail = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return f"{prefix}-{moment:%Y%m%d}-{tail}"
