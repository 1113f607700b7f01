"""The hash chains: which rows form which chain, and which columns each link covers.

Two kinds of chain: one per warehouse over `movement` ("wh:<id>"), and one over
`audit_record` ("audit"). A link is `link_values(prev_hash, [the HASHED columns])`, the same
function for the sealer that makes it and for `verify` that checks it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Column, Table

from medwms.auth.audit import AUDIT_CHAIN
from medwms.auth.tables import AuditRecord
from medwms.ledger.tables import Movement

MOVEMENT = cast(Table, Movement.__table__)
AUDIT = cast(Table, AuditRecord.__table__)

# The movement columns covered by the hash, in this order.
HASHED = ("warehouse_id", "seq", "kind", "doc_type", "doc_no", "owner_id", "item_id",
          "lot_id", "serial_id", "from_location_id", "to_location_id", "from_status",
          "to_status", "from_hu_id", "to_hu_id", "quantity", "partner_id", "actor_id",
          "reason", "created_at")
AUDIT_HASHED = ("seq", "at", "actor_id", "actor_name", "action", "entity", "entity_key",
                "before", "after", "reason")


def chain_name(warehouse_id: int) -> str:
    """The chain of one warehouse's movements."""
    return f"wh:{warehouse_id}"


@dataclass(frozen=True)
class ChainKind:
    """One kind of chain: its table, the columns a link covers, and which chain a row is in."""

    label: str
    table: Table
    hashed: tuple[str, ...]
    time_column: str
    chain_of: Callable[[Any], str]

    def describe(self, chain: str) -> str:
        """How problems name the chain: "movement (warehouse 3)", "audit_record"."""
        if self is AUDIT_LOG:
            return self.label
        return f"{self.label} (warehouse {chain.removeprefix('wh:')})"

    def column(self, name: str) -> Column[Any]:
        return self.table.c[name]


MOVEMENTS = ChainKind("movement", MOVEMENT, HASHED, "recorded_at",
                      lambda row: chain_name(row.warehouse_id))
AUDIT_LOG = ChainKind("audit_record", AUDIT, AUDIT_HASHED, "at", lambda _row: AUDIT_CHAIN)
KINDS = (MOVEMENTS, AUDIT_LOG)


def kind_of(chain: str) -> ChainKind:
    """The kind of a chain by its name."""
    return AUDIT_LOG if chain == AUDIT_CHAIN else MOVEMENTS
