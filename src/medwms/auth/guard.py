"""Permission checks, called by every service before it does anything.

Two questions: does the actor hold the permission (`require`), and is the warehouse the
command touches in the actor's scope (`require(..., warehouse_id=)`, `require_scope`).
Lists ask `scope_filter` for the clause that keeps them to the actor's warehouses.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from medwms.auth.rules import Actor, Perm
from medwms.core.errors import PermissionDenied, WarehouseOutOfScope


def require(actor: Actor, permission: Perm, *, warehouse_id: int | None = None,
            warehouse: str = "") -> None:
    """Raise PermissionDenied unless `actor` holds `permission`, and WarehouseOutOfScope if
    `warehouse_id` (named `warehouse` in the message) is outside the actor's warehouses."""
    if not actor.can(permission):
        raise PermissionDenied(user=actor.username, permission=permission.value)
    require_scope(actor, warehouse_id, warehouse=warehouse)


def require_scope(actor: Actor, warehouse_id: int | None, *, warehouse: str = "") -> None:
    """Raise WarehouseOutOfScope unless warehouse `warehouse_id` is in the actor's scope."""
    if not actor.covers(warehouse_id):
        raise WarehouseOutOfScope(user=actor.username,
                                  warehouse=warehouse or f"#{warehouse_id}")


def scope_filter(actor: Actor, warehouse_column: Any) -> ColumnElement[bool]:
    """A WHERE clause keeping rows whose `warehouse_column` is in the actor's scope."""
    if actor.warehouses is None:
        return true()
    return warehouse_column.in_(sorted(actor.warehouses))  # type: ignore[no-any-return]
