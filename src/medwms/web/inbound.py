"""What the web pages read from the receiving and quality features (their queries)."""

from __future__ import annotations

from typing import Any

from medwms.auth.rules import Actor
from medwms.core.db import Database


def inspections_of_lot(db: Database, actor: Actor, *, item: str, lot: str) -> list[Any]:
    """The inspection records of a lot (none until the quality queries land)."""
    return []
