"""SHA-256 hash chains: each record carries the hash of the one before it in its chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> str:
    """A stable text form of a record's fields: sorted keys, ISO dates, no spaces."""
    return json.dumps({k: _plain(v) for k, v in fields.items()}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def link_values(prev_hash: str, values: Sequence[Any]) -> str:
    """The hash of a record given as a fixed-order list of values (the fast path)."""
    plain = [v.isoformat(timespec="microseconds") if isinstance(v, datetime) else v
             for v in values]
    text = json.dumps(plain, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + "|" + text).encode()).hexdigest()
