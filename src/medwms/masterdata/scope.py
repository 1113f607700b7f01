"""The warehouse scope of a command that knows which warehouses it touches.

`require_warehouses` refuses, naming the warehouse by its code, a command that would act in
a warehouse outside the actor's scope (403 WAREHOUSE_NOT_IN_SCOPE); a service calls it as
soon as it knows the warehouse, before it writes anything.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from medwms.auth.guard import require_scope
from medwms.auth.rules import Actor
from medwms.masterdata.tables import Warehouse


def require_warehouses(session: Session, actor: Actor, *warehouse_ids: int | None) -> None:
    """Raise WarehouseOutOfScope, naming the first one by code, unless every warehouse of
    `warehouse_ids` is in the actor's scope."""
    outside = sorted(w for w in warehouse_ids if w is not None and not actor.covers(w))
    if outside:
        code = session.scalar(select(Warehouse.code).where(Warehouse.id == outside[0]))
        require_scope(actor, outside[0], warehouse=code or "")
